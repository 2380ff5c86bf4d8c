//! `linli conformance run`: where the case directories live and what a killed run leaves
//! `[CNF-067]`, and the errors of a run that cannot start (an empty `--adapter`, a `--suite`
//! that is not there).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

mod support;
use support::run;

fn temp(tag: &str) -> PathBuf {
    support::fresh_temp(&format!("conformance-work-{tag}"))
}

/// A minimal adapter: claims `core`, answers every case with `error`, and for an `export` case
/// stages "records" in a folder beside the case directory, as the reference adapter does for a
/// share. With `block` it then writes the case directory's path to MARKER and waits for its
/// standard input to close (the runner gone) instead of answering.
const ADAPTER: &str = r#"
import json, pathlib, sys
version, marker, mode = sys.argv[1], sys.argv[2], sys.argv[3]
for line in sys.stdin:
    req = json.loads(line)
    op, seq = req["op"], req["seq"]
    if op == "start":
        answer = {"seq": seq, "product": {"vendor": "t", "name": "t", "version": "1.0.0"},
                  "standard_versions": [version], "classes": ["core"], "skips": []}
    elif op == "stop":
        print(json.dumps({"seq": seq}), flush=True)
        break
    else:
        if op == "export":
            d = pathlib.Path(req["directory"])
            staging = d.parent / (d.name + ".staging")
            staging.mkdir()
            (staging / "person.ndjson").write_text('{"name": "PLANTED"}\n')
            if mode == "block":
                pathlib.Path(marker).write_text(str(d))
                sys.stdin.read()
                sys.exit(0)
        answer = {"seq": seq, "case": req["case"], "error": "not supported"}
    print(json.dumps(answer), flush=True)
"#;

fn adapter_cmd(script: &Path, marker: &Path, mode: &str) -> String {
    support::python_adapter(script, &[marker.to_str().unwrap(), mode])
}

#[cfg(unix)]
#[test]
fn a_run_killed_with_sigkill_leaves_its_staging_data_in_out_and_the_next_run_removes_it() {
    let dir = temp("killed");
    let (script, marker, out) = (dir.join("adapter.py"), dir.join("marker"), dir.join("out"));
    std::fs::write(&script, ADAPTER).unwrap();
    let linli = env!("CARGO_BIN_EXE_linli");
    let mut child = Command::new(linli)
        .args(["conformance", "run", "--timeout-ms", "600000", "--adapter"])
        .arg(adapter_cmd(&script, &marker, "block"))
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The adapter holds an export case with staged records.
    let case_dir = support::wait_for_marker(&mut child, &marker);
    let case_dir = PathBuf::from(case_dir);
    let staging = case_dir.with_file_name(format!("{}.staging", case_dir.file_name().unwrap().to_str().unwrap()));
    // The case directory and what is staged beside it are in the run's work folder in --out,
    // not in the system's temporary folder, where nothing would clean them.
    let work = out.join(".linli-conformance-work");
    assert_eq!(case_dir.parent(), Some(work.as_path()), "case directory {}", case_dir.display());
    assert!(staging.join("person.ndjson").is_file());
    child.kill().unwrap(); // SIGKILL: no handler runs
    child.wait().unwrap();
    assert!(staging.join("person.ndjson").is_file(), "a killed run cannot clean up");

    // The next run into the same folder removes it before its first case, and its own at the end.
    std::fs::remove_file(&marker).unwrap();
    let status = Command::new(linli)
        .args(["conformance", "run", "--adapter"])
        .arg(adapter_cmd(&script, &marker, "answer"))
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "the run ran (its core cases end in error)");
    assert!(!staging.exists(), "stale staging data left: {}", staging.display());
    assert!(!work.exists(), "the work folder outlived the run");
    assert!(out.join("summary.json").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_empty_adapter_command_has_its_own_error_in_both_languages() {
    for cmd in ["", "   ", "''"] {
        let (code, text) = run(&["--lang", "en", "conformance", "run", "--adapter", cmd, "--out", "target/unused"]);
        assert_eq!(code, ExitCode::from(2), "{cmd:?}");
        assert!(text.starts_with("error[adapter-empty]: --adapter names no command"), "{cmd:?}: {text}");
        assert!(!text.contains("quotes"), "{text}");
        let (_, text) = run(&["--lang", "zh", "conformance", "run", "--adapter", cmd, "--out", "target/unused"]);
        assert!(text.starts_with("error[adapter-empty]: --adapter 未给出命令"), "{cmd:?}: {text}");
    }
    // Unbalanced quotes stay a usage error of their own.
    let (_, text) = run(&["--lang", "en", "conformance", "run", "--adapter", "prog 'a", "--out", "target/unused"]);
    assert!(text.starts_with("error[usage]:") && text.contains("unbalanced quotes"), "{text}");
}

#[test]
fn a_suite_that_is_not_there_is_not_found_naming_the_path_not_refused() {
    let missing = std::env::temp_dir().join(format!("linli-no-suite-{}", std::process::id()));
    let m = missing.display().to_string();
    for args in [
        vec!["conformance", "run", "--dataset", "examples", "--suite", &m, "--out", "target/unused"],
        vec!["conformance", "list", "--suite", &m],
    ] {
        let (code, text) = run(&[&["--lang", "en"], &args[..]].concat());
        assert_eq!(code, ExitCode::from(2), "{text}");
        assert_eq!(text, format!("error[suite-not-found]: --suite {m}: no such suite folder"));
        assert!(!text.contains("suite-refused"), "{text}");
        let (_, text) = run(&[&["--lang", "zh"], &args[..]].concat());
        assert_eq!(text, format!("error[suite-not-found]: --suite {m}：找不到该测试套件目录"));
    }
    // A file is not a suite folder either.
    let file = env!("CARGO_MANIFEST_DIR").to_owned() + "/Cargo.toml";
    let (_, text) = run(&["--lang", "en", "conformance", "list", "--suite", &file]);
    assert!(text.starts_with("error[suite-not-found]:") && text.ends_with("not a directory"), "{text}");
}

#[test]
fn an_api_run_needs_a_readable_token_and_an_http_url_and_never_prints_the_token() {
    let dir = temp("api-args");
    std::fs::create_dir_all(&dir).unwrap();
    let token = dir.join("writer.token");
    std::fs::write(&token, "lt_secret_token_of_the_cli_test\n").unwrap();
    let out = dir.join("out");
    let (o, t) = (out.to_str().unwrap(), token.to_str().unwrap());
    // No token file: refused by the arguments.
    let (code, _) = run(&["--lang", "en", "conformance", "run", "--api", "http://127.0.0.1:9", "--out", o]);
    assert_eq!(code, ExitCode::from(2));
    // A token file that is not there, or holds no single token: api-token, naming the option.
    let missing = dir.join("missing.token");
    let (code, text) = run(&[
        "--lang",
        "en",
        "conformance",
        "run",
        "--api",
        "http://127.0.0.1:9",
        "--token-file",
        missing.to_str().unwrap(),
        "--out",
        o,
    ]);
    assert_eq!(code, ExitCode::from(2));
    assert!(text.starts_with("error[api-token]: --token-file"), "{text}");
    let empty = dir.join("empty.token");
    std::fs::write(&empty, "  \n").unwrap();
    let (code, text) = run(&[
        "--lang",
        "en",
        "conformance",
        "run",
        "--api",
        "http://127.0.0.1:9",
        "--token-file",
        t,
        "--token-file-public",
        empty.to_str().unwrap(),
        "--out",
        o,
    ]);
    assert_eq!(code, ExitCode::from(2));
    assert!(text.starts_with("error[api-token]: --token-file-public"), "{text}");
    // An https URL: the run error api-target, reports written, no token anywhere.
    let (code, text) =
        run(&["--lang", "en", "conformance", "run", "--api", "https://127.0.0.1:9", "--token-file", t, "--out", o]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("error[api-target]") && text.contains("TLS"), "{text}");
    for f in ["summary.json", "events.jsonl", "junit.xml", "report.html"] {
        let written = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(!written.contains("lt_secret"), "{f} holds the token");
    }
    assert!(!text.contains("lt_secret"), "{text}");
    // An api run keeps no adapter log.
    assert!(!out.join("adapter-stderr.log").exists());
    // Nothing listens: a run error of the target, not a failing node [CNF-072].
    let (code, text) =
        run(&["--lang", "en", "conformance", "run", "--api", "http://127.0.0.1:9", "--token-file", t, "--out", o]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("error[api-target]: nothing answered") && text.contains("NO VERDICT"), "{text}");
    let events = std::fs::read_to_string(out.join("events.jsonl")).unwrap();
    assert!(events.contains("\"run-error\""), "{events}");
    // A user and password in the URL: refused, and written nowhere.
    let (code, text) = run(&[
        "--lang",
        "en",
        "conformance",
        "run",
        "--api",
        "http://clerk:pa55word@127.0.0.1:9",
        "--token-file",
        t,
        "--out",
        o,
    ]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("error[api-target]") && text.contains("user name or password"), "{text}");
    assert!(!text.contains("pa55word"), "{text}");
    for f in ["summary.json", "events.jsonl", "junit.xml", "report.html"] {
        let written = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(!written.contains("pa55word"), "{f} holds the password");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

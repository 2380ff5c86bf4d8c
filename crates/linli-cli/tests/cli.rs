//! The `linli` command as a library: exit codes, formats, languages.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, ExitCode};

mod support;
use support::{root, run};

fn path(p: &str) -> String {
    root().join(p).display().to_string()
}

#[test]
fn the_examples_validate_clean() {
    let (code, out) =
        run(&["--lang", "en", "validate", &path("examples/records"), &path("examples/datasets/gusu-huqiu")]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("0 invalid"), "{out}");
}

#[test]
fn findings_give_exit_code_1_and_both_languages_read_well() {
    let bad = path("conformance/datasets/record-bad-id-number/dataset");
    let (code, en) = run(&["--lang", "en", "validate", &bad]);
    assert_eq!(code, ExitCode::from(1));
    assert!(en.contains("error[id-number-check-character] Person P-0002 /identifiers/0/value"), "{en}");
    assert!(en.contains("Resident ID number check character is wrong"), "{en}");
    let (_, zh) = run(&["--lang", "zh", "validate", &bad]);
    assert!(zh.contains("错误[id-number-check-character]"), "{zh}");
    assert!(zh.contains("居民身份证号码校验码错误"), "{zh}");
    // The ID number is never printed in full.
    for text in [&en, &zh] {
        assert!(text.contains("**********"), "{text}");
    }
}

#[test]
fn fail_on_warning_turns_warnings_into_exit_code_1() {
    let warn = path("conformance/datasets/duplicate-person/dataset");
    assert_eq!(run(&["validate", &warn]).0, ExitCode::SUCCESS);
    assert_eq!(run(&["validate", "--fail-on", "warning", &warn]).0, ExitCode::from(1));
}

#[test]
fn usage_and_io_errors_give_exit_code_2() {
    assert_eq!(run(&["validate"]).0, ExitCode::from(2));
    assert_eq!(run(&["validate", "--format", "pdf", &path("examples/records")]).0, ExitCode::from(2));
    let (code, out) = run(&["validate", "/nonexistent/file.ndjson"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(out.contains("error[io]") && out.contains("/nonexistent/file.ndjson"), "{out}");
    assert_eq!(run(&["no-such-command"]).0, ExitCode::from(2));
}

#[test]
fn help_documents_the_exit_codes() {
    let (code, out) = run(&["validate", "--help"]);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(out.contains("Exit codes: 0") && out.contains("退出码"), "{out}");
}

#[test]
fn json_junit_and_html_reports() {
    let bad = path("conformance/datasets/duplicate-id/dataset");
    let (code, json) = run(&["validate", "--format", "json", &bad]);
    assert_eq!(code, ExitCode::from(1));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["format"], "linli-validation-report/2");
    assert_eq!(v["valid"], false);
    assert_eq!(v["rules"][0]["code"], "duplicate-id");
    assert_eq!(v["rules"][0]["count"], 1);

    let (_, xml) = run(&["validate", "--format", "junit", &bad]);
    assert!(
        xml.starts_with("<?xml") && xml.contains("<testcase classname=\"linli.validate.error\" name=\"duplicate-id — "),
        "{xml}"
    );
    // The rule and the verdict.
    assert!(xml.contains("failures=\"2\""), "{xml}");

    let (_, html) = run(&["--lang", "zh", "validate", "--format", "html", &bad]);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("lang=\"zh-CN\""));
    assert!(html.contains("不合格") && html.contains("data-code=\"duplicate-id\""), "{html}");
    // Self-contained: no external resource.
    assert!(!html.contains("src=") && !html.contains("href=\"http"), "{html}");
}

#[test]
fn output_file_and_max_findings() {
    let dir = std::env::temp_dir().join(format!("linli-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.join("report.json");
    let bad = path("conformance/datasets/place-hierarchy-cycle/dataset");
    let (code, out) =
        run(&["validate", "--format", "json", "--max-findings", "1", "-o", report.to_str().unwrap(), &bad]);
    assert_eq!(code, ExitCode::from(1));
    assert!(out.is_empty());
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v["findings_omitted"], 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn schema_check_passes_on_the_committed_schemas_and_fails_on_drift() {
    assert_eq!(run(&["schema", "--check", &path("schemas")]).0, ExitCode::SUCCESS);
    let dir = std::env::temp_dir().join(format!("linli-cli-schemas-{}", std::process::id()));
    assert_eq!(run(&["schema", "--write", dir.to_str().unwrap()]).0, ExitCode::SUCCESS);
    std::fs::write(dir.join("person.schema.json"), "{}\n").unwrap();
    let (code, out) = run(&["schema", "--check", dir.to_str().unwrap()]);
    assert_eq!(code, ExitCode::from(1));
    assert!(out.contains("person.schema.json"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
    let (code, one) = run(&["schema", "Person"]);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(one.contains("\"$id\": \"https://schema.linli.org.cn/0.1/person.schema.json\""));
}

#[test]
fn codes_lists_tables_in_both_languages() {
    let (code, out) = run(&["--lang", "zh", "codes", "gender"]);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(out.contains("男性") && out.contains("Male"), "{out}");
    assert_eq!(run(&["codes", "no-such-table"]).0, ExitCode::from(2));
}

#[test]
fn generate_then_validate_finds_exactly_the_seeded_defects() {
    let dir = std::env::temp_dir().join(format!("linli-cli-gen-{}", std::process::id()));
    let (code, summary) =
        run(&["generate", "--records", "1500", "--seed", "5", "--defects", "0.05", "-o", dir.to_str().unwrap()]);
    assert_eq!(code, ExitCode::SUCCESS);
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let (code, report) = run(&["validate", "--format", "json", dir.to_str().unwrap()]);
    assert_eq!(code, ExitCode::from(1));
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let seeded = summary["defects"].as_object().unwrap();
    let found: std::collections::BTreeMap<&str, &serde_json::Value> =
        report["rules"].as_array().unwrap().iter().map(|r| (r["code"].as_str().unwrap(), r)).collect();
    for (code, n) in seeded {
        assert_eq!(&found[code.as_str()]["count"], n, "{code}");
    }
    assert_eq!(seeded.len(), found.values().filter(|c| c["level"] != "info").count());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn manifest_writes_a_manifest_the_validator_accepts() {
    let dir = std::env::temp_dir().join(format!("linli-cli-manifest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // One file in a sub-folder: listed as `2024/place.ndjson` [DAT-014].
    std::fs::create_dir_all(dir.join("2024")).unwrap();
    for (f, to) in [("person.ndjson", "person.ndjson"), ("place.ndjson", "2024/place.ndjson")] {
        std::fs::copy(root().join("examples/datasets/gusu-huqiu").join(f), dir.join(to)).unwrap();
    }
    // A link is not listed (and not followed).
    #[cfg(unix)]
    std::os::unix::fs::symlink(root().join("examples/datasets/gusu-huqiu/thing.ndjson"), dir.join("thing.ndjson"))
        .unwrap();
    let args =
        ["manifest", dir.to_str().unwrap(), "--vendor", "V", "--product", "P", "--product-version", "1.0.0", "--write"];
    assert_eq!(run(&args).0, ExitCode::SUCCESS);
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"2024/place.ndjson\"") && !manifest.contains("thing.ndjson"), "{manifest}");
    let (code, out) = run(&["--lang", "en", "validate", dir.to_str().unwrap()]);
    // The persons of the example refer to places only, and every place is here (in `2024/`): the
    // manifest lists both files rightly and nothing else is found.
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("64 valid, 0 invalid") && out.contains("0 errors, 0 warnings"), "{out}");
    assert!(!out.contains("[manifest-"), "{out}");
    // The same check fails when the manifest is wrong: the sub-folder dropped from its path, the
    // file is both missing and extra, and the places are no longer read [DAT-013].
    std::fs::write(dir.join("manifest.json"), manifest.replace("\"2024/place.ndjson\"", "\"place.ndjson\"")).unwrap();
    let (code, out) = run(&["--lang", "en", "validate", dir.to_str().unwrap()]);
    assert_eq!(code, ExitCode::from(1), "{out}");
    assert!(out.contains("[manifest-file-missing]") && out.contains("[manifest-extra-file]"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Relisting the files of a shared dataset keeps its level, `protection` and `externalRefs`:
/// a steward who edits a public dataset and writes its manifest again does not turn it into an
/// `internal` one that `validate` no longer checks for what was shared [DAT-017].
#[test]
fn manifest_write_keeps_the_level_of_a_shared_dataset() {
    let dir = std::env::temp_dir().join(format!("linli-cli-remanifest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("key.txt");
    std::fs::write(&key, "a department key of enough bytes\n").unwrap();
    let input = root().join("examples/datasets/gusu-huqiu");
    let out = dir.join("pub");
    let args = [
        "mask",
        "--profile",
        "public",
        "--key-file",
        key.to_str().unwrap(),
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    assert_eq!(run(&args).0, ExitCode::SUCCESS);
    // A resident's mobile number put back by hand into the shared data.
    let persons = out.join("person.ndjson");
    let text = std::fs::read_to_string(&persons).unwrap();
    let first = text.lines().next().unwrap();
    let mut v: serde_json::Value = serde_json::from_str(first).unwrap();
    v["phones"] = serde_json::json!(["13962117845"]);
    std::fs::write(&persons, text.replacen(first, &v.to_string(), 1)).unwrap();
    assert_eq!(run(&["manifest", out.to_str().unwrap(), "--write"]).0, ExitCode::SUCCESS);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["sharingLevel"], "public");
    assert!(manifest["protection"].is_object(), "{manifest}");
    let (code, report) = run(&["--lang", "en", "validate", out.to_str().unwrap()]);
    assert_eq!(code, ExitCode::from(1), "{report}");
    assert!(report.contains("shared-raw-value") && report.contains("/phones"), "{report}");
    // Another level: the protection made for the old one is not carried over.
    assert_eq!(
        run(&["manifest", out.to_str().unwrap(), "--sharing-level", "internal", "--write"]).0,
        ExitCode::SUCCESS
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["sharingLevel"], "internal");
    assert!(manifest.get("protection").is_none(), "{manifest}");
    // Without a manifest to take them from, the producer's fields are needed.
    std::fs::remove_file(out.join("manifest.json")).unwrap();
    let (code, _) = run(&["manifest", out.to_str().unwrap(), "--write"]);
    assert_ne!(code, ExitCode::SUCCESS);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `linli convert` turns each sample vendor file into Linli records that `linli validate`
/// accepts, and writes a loss report listing what was kept aside.
#[test]
fn converted_vendor_files_validate_clean() {
    let dir = std::env::temp_dir().join(format!("linli-convert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&[&str], &str, usize); 3] = [
        (
            &["--from", "csv", "--mapping", "examples/adapters/csv/population-register.toml"],
            "examples/adapters/csv/population-register-gbk.csv",
            8,
        ),
        (&["--from", "gat1400"], "examples/adapters/gat1400/faces.json", 2),
        (&["--from", "open311"], "examples/adapters/open311/requests.json", 3),
    ];
    for (i, (opts, input, expected)) in cases.iter().enumerate() {
        let out_file = dir.join(format!("{i}.ndjson")).display().to_string();
        let loss = dir.join(format!("{i}.loss.json")).display().to_string();
        let mut args: Vec<String> = vec!["--lang".into(), "en".into(), "convert".into()];
        for o in opts.iter() {
            args.push(if o.starts_with("examples/") { path(o) } else { (*o).to_owned() });
        }
        args.extend([path(input), "-o".into(), out_file.clone(), "--loss-report".into(), loss.clone()]);
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out) = run(&argv);
        assert_eq!(code, ExitCode::SUCCESS, "{input}: {out}");
        // A register says what it converted; the other readers what they read and wrote.
        let said = [format!("converted {expected} records"), format!("read {expected} records, wrote {expected};")];
        assert!(said.iter().any(|s| out.contains(s)), "{input}: {out}");
        let lines = std::fs::read_to_string(&out_file).unwrap();
        assert_eq!(lines.lines().count(), *expected, "{input}");
        let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&loss).unwrap()).unwrap();
        let entries = report.pointer("/loss/entries").and_then(|e| e.as_array()).unwrap();
        assert!(entries.iter().any(|e| e["kind"] == "kept-in-extensions"), "{input}: {report}");
        assert!(entries.iter().all(|e| e["message_zh"].is_string() && e["message_en"].is_string()), "{report}");
        assert_eq!(report["errors"], serde_json::json!([]), "{input}");
        let (code, out) = run(&["--lang", "en", "validate", &out_file]);
        assert_eq!(code, ExitCode::SUCCESS, "{input}: {out}");
        assert!(out.contains(&format!("{expected} valid, 0 invalid")), "{input}: {out}");
    }
    // And back: the converted register written as a GBK table with the same mapping, nothing lost,
    // reads back to the same records.
    let mapping = path("examples/adapters/csv/population-register.toml");
    let (back, again) = (dir.join("back.csv").display().to_string(), dir.join("again.ndjson").display().to_string());
    let first = dir.join("0.ndjson").display().to_string();
    let args =
        ["--lang", "en", "convert", "--from", "linli", "--to", "csv", "--mapping", &mapping, "--encoding", "gbk"];
    let (code, out) = run(&[&args[..], &[&first, "-o", &back]].concat());
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("read 8 records, wrote 8; 0 loss report entries; 0 errors"), "{out}");
    let (code, out) = run(&["convert", "--from", "csv", "--mapping", &mapping, &back, "-o", &again]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_eq!(std::fs::read_to_string(&again).unwrap(), std::fs::read_to_string(&first).unwrap());
    let (code, out) = run(&["convert", "--from", "linli", "--to", "xlsx", &first, "-o", &back]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn mask_the_example_dataset_with_each_profile_and_validate_it() {
    let dir = std::env::temp_dir().join(format!("linli-cli-mask-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("key");
    std::fs::write(&key, "a department key of enough bytes\n").unwrap();
    let key = key.display().to_string();
    let input = path("examples/datasets/gusu-huqiu");
    let (code, out) = run(&["--lang", "en", "mask", "--list-profiles"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("inter-department") && out.contains("(needs a key)"), "{out}");
    for profile in ["internal", "inter-department", "public"] {
        let out_dir = dir.join(profile).display().to_string();
        let (code, out) =
            run(&["--lang", "en", "mask", "--profile", profile, "--key-file", &key, &input, "-o", &out_dir]);
        assert_eq!(code, ExitCode::SUCCESS, "{profile}: {out}");
        assert!(out.contains("masked 120 records"), "{out}");
        let (code, out) = run(&["--lang", "en", "validate", &out_dir]);
        assert_eq!(code, ExitCode::SUCCESS, "{profile}: {out}");
        assert!(out.contains("120 valid, 0 invalid") && out.contains("0 warnings"), "{profile}: {out}");
    }
    // Chinese summary; a missing key is a usage error that names the way to give one.
    let out_dir = dir.join("zh").display().to_string();
    let (code, out) = run(&["--lang", "zh", "mask", "--profile", "public", &input, "-o", &out_dir]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("已按共享配置 `public`"), "{out}");
    // Without --key-file the key comes from LINLI_MASK_KEY alone. The binary runs with the variable
    // removed, whatever the environment of the tests holds: a profile that needs a key is refused
    // and nothing is written; with the variable set for it, the same command masks.
    let out_dir = dir.join("nokey");
    let mask_inter = |key: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_linli"));
        cmd.args(["--lang", "en", "mask", "--profile", "inter-department", &input, "-o"]).arg(&out_dir);
        match key {
            Some(k) => cmd.env("LINLI_MASK_KEY", k),
            None => cmd.env_remove("LINLI_MASK_KEY"),
        };
        let out = cmd.output().unwrap();
        (out.status.code(), String::from_utf8(out.stderr).unwrap() + &String::from_utf8(out.stdout).unwrap())
    };
    let (code, out) = mask_inter(None);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("error[key-missing]") && out.contains("LINLI_MASK_KEY"), "{out}");
    assert!(!out_dir.exists(), "{out}");
    let (code, out) = mask_inter(Some("a department key of enough bytes"));
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("masked 120 records") && out_dir.join("manifest.json").is_file(), "{out}");
    // The key is not an accepted argument: clap refuses it before anything runs (a fresh
    // directory, so that an output-exists error cannot stand in for the refusal).
    let out_dir = dir.join("key-arg").display().to_string();
    let args = ["linli", "mask", "--profile", "public", "--key", "secret", &input, "-o", &out_dir];
    let e = <linli_cli::Cli as clap::Parser>::try_parse_from(args).unwrap_err();
    assert_eq!(e.kind(), clap::error::ErrorKind::UnknownArgument, "{e}");
    assert!(e.to_string().contains("--key"), "{e}");
    let (code, out) = run(&args[1..]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(out.is_empty(), "{out}");
    assert!(!Path::new(&out_dir).exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn mask_reads_the_key_only_when_needed_and_reports_privacy_codes() {
    let dir = std::env::temp_dir().join(format!("linli-cli-mask-codes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let short = dir.join("short-key");
    std::fs::write(&short, "short\n").unwrap();
    let short = short.display().to_string();
    let input = path("examples/datasets/gusu-huqiu");
    // `public` pseudonymises nothing: a short key is not read, let alone refused.
    let out_dir = dir.join("public").display().to_string();
    let (code, out) =
        run(&["--lang", "en", "mask", "--profile", "public", "--key-file", &short, &input, "-o", &out_dir]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(!out.contains("key id"), "no key was used: {out}");
    // `inter-department` does, and refuses it; the privacy code is in the code slot.
    let out_dir = dir.join("inter").display().to_string();
    let (code, out) =
        run(&["--lang", "en", "mask", "--profile", "inter-department", "--key-file", &short, &input, "-o", &out_dir]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(out.starts_with("error[key-too-short]: ") && !out.contains("[usage]"), "{out}");
    assert!(!Path::new(&out_dir).exists(), "{out}");
    // Output exists, in both languages.
    let taken = dir.join("public").display().to_string();
    for lang in ["en", "zh"] {
        let (code, out) = run(&["--lang", lang, "mask", "--profile", "public", &input, "-o", &taken]);
        assert_eq!(code, ExitCode::from(2), "{out}");
        assert!(out.starts_with("error[output-exists]: "), "{out}");
        assert!(out.contains(if lang == "zh" { "输出目录已存在" } else { "exists and is not empty" }), "{out}");
    }
    // A profile whose keepStart is out of range names the file and the key.
    let profile = dir.join("wide.toml");
    std::fs::write(
        &profile,
        "name = \"wide\"\nsharingLevel = \"public\"\n[defaults]\npersonal = \"mask\"\nsensitive = \"drop\"\nextensions = \"drop\"\n\
         [[rule]]\ntype = \"Person\"\npointer = \"/name\"\naction = \"mask\"\nkeepStart = 18446744073709551615\n",
    )
    .unwrap();
    let profile = profile.display().to_string();
    let out_dir = dir.join("wide").display().to_string();
    let (code, out) = run(&["--lang", "en", "mask", "--profile", &profile, &input, "-o", &out_dir]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(out.starts_with("error[profile-invalid]: ") && out.contains("wide.toml: rule[0].keepStart"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A custom profile named `public` that keeps everything, and one named like a built-in profile with
/// another level, exit 2 with a bilingual message and write nothing `[SHR-032]`.
#[test]
fn mask_refuses_a_profile_whose_output_its_declared_level_would_reject() {
    let dir = std::env::temp_dir().join(format!("linli-cli-mask-weak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let input = path("examples/datasets/gusu-huqiu");
    for (i, (name, level)) in [("public", "public"), ("internal", "inter-department")].iter().enumerate() {
        let profile = dir.join(format!("weak-{i}.toml"));
        std::fs::write(
            &profile,
            format!(
                "name = \"{name}\"\nsharingLevel = \"{level}\"\n[defaults]\npersonal = \"keep\"\nsensitive = \"keep\"\nextensions = \"keep\"\n"
            ),
        )
        .unwrap();
        let profile = profile.display().to_string();
        for lang in ["en", "zh"] {
            let out_dir = dir.join(format!("out-{i}-{lang}")).display().to_string();
            let (code, out) = run(&["--lang", lang, "mask", "--profile", &profile, &input, "-o", &out_dir]);
            assert_eq!(code, ExitCode::from(2), "{out}");
            assert!(out.starts_with("error[output-not-conforming]: "), "{out}");
            assert!(out.contains(if lang == "zh" { "未写入任何内容" } else { "nothing was written" }), "{out}");
            assert!(out.contains(level), "{out}");
            assert!(!Path::new(&out_dir).exists(), "{out}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unreadable_convert_input_has_the_adapters_code_in_both_languages() {
    let dir = std::env::temp_dir().join(format!("linli-convert-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("not.geojson");
    std::fs::write(&input, "this is not JSON").unwrap();
    let out = dir.join("out.ndjson").display().to_string();
    let input = input.display().to_string();
    let (code, text) = run(&["--lang", "en", "convert", "--from", "geojson", &input, "-o", &out]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.starts_with("error[adapter-input]:") && text.contains("not JSON") && text.contains(&input), "{text}");
    let (code, text) = run(&["--lang", "zh", "convert", "--from", "geojson", &input, "-o", &out]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.starts_with("error[adapter-input]:") && text.contains("输入无法转换"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn conformance_list_names_outcomes_and_spec_classes_only() {
    let (code, out) = run(&["conformance", "list"]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let classes = ["core", "people", "places", "things", "events", "cases", "adapters", "privacy", "api"];
    let mut n = 0;
    for line in out.lines() {
        let (id, class) = line.split_once('\t').unwrap();
        assert!(classes.contains(&class), "{line}: not a class of the spec");
        assert!(id.contains('/'), "{line}: an outcome ID is CASE/OP");
        n += 1;
    }
    assert!(n > 400, "{n} outcomes");
    assert!(out.contains("DS-0032/share-public\tprivacy"), "{out}");
    assert!(out.contains("DS-0032/export\tcore"), "{out}");
    // Another suite folder is listed when named; one that is not a suite is an error.
    let suite = env!("CARGO_MANIFEST_DIR").to_owned() + "/../../conformance";
    let (code, again) = run(&["conformance", "list", "--suite", &suite]);
    assert_eq!(code, ExitCode::SUCCESS);
    assert_eq!(again, out);
    let (code, _) = run(&["conformance", "list", "--suite", "/nonexistent-suite"]);
    assert_eq!(code, ExitCode::from(2));
}

#[test]
fn an_adapters_log_is_kept_private_and_masked() {
    let out = std::env::temp_dir().join(format!("linli-stderr-log-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    // The numbers are put together by the adapter: the command itself holds none of them.
    let adapter = "sh -c 'printf \"record %s%s phone %s%s\\n\" 110105194912 31002X 138123 45678 >&2; exit 3'";
    let (code, text) =
        run(&["--lang", "en", "conformance", "run", "--adapter", adapter, "--out", &out.display().to_string()]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("error[adapter-start]"), "{text}");
    let log_path = out.join("adapter-stderr.log");
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("record ") && log.contains('*'), "{log}");
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    for raw in ["11010519491231002X", "13812345678"] {
        assert!(!log.contains(raw) && !summary.contains(raw) && !text.contains(raw), "{raw} left raw");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&log_path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_bad_memory_limit_is_a_usage_error_in_both_languages() {
    let data = path("examples/datasets/gusu-huqiu");
    for bad in ["lots", "1.5G", "0", "12X", "-1M", "99999999999T"] {
        let arg = format!("--memory-limit={bad}");
        let (code, en) = run(&["--lang", "en", "validate", &arg, &data]);
        assert_eq!(code, ExitCode::from(2), "{bad}: {en}");
        assert!(
            en.starts_with("error[usage]") && en.contains(&format!("--memory-limit `{bad}` is not a memory size")),
            "{en}"
        );
        assert!(en.contains("512M or 2G"), "{en}");
        let (code, zh) = run(&["--lang", "zh", "validate", &arg, &data]);
        assert_eq!(code, ExitCode::from(2), "{bad}: {zh}");
        assert!(zh.contains(&format!("--memory-limit 的值 `{bad}` 不是内存大小")), "{zh}");
    }
    let (code, en) = run(&["--lang", "en", "validate", "--memory-limit", "512K", &data]);
    assert_eq!(code, ExitCode::from(2), "{en}");
    assert!(en.contains("--memory-limit 512K is too small: the least is 1M"), "{en}");
    let (_, zh) = run(&["--lang", "zh", "validate", "--memory-limit", "512K", &data]);
    assert!(zh.contains("--memory-limit 512K 太小：至少为 1M"), "{zh}");
    // A good one: the same report as without.
    let (code, limited) = run(&["--lang", "en", "validate", "--memory-limit", "1M", &data]);
    assert_eq!(code, ExitCode::SUCCESS, "{limited}");
    assert_eq!(limited, run(&["--lang", "en", "validate", &data]).1);
}

#[test]
fn conformance_run_without_a_target_says_what_to_give_in_both_languages() {
    // The reference adapter is not part of `linli` (issue 16): no target is a usage error.
    let (code, text) = run(&["--lang", "en", "conformance", "run", "--out", "target/never-written"]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("--adapter") && text.contains("--dataset"), "{text}");
    let (code, text) = run(&["--lang", "zh", "conformance", "run", "--out", "target/never-written"]);
    assert_eq!(code, ExitCode::from(2), "{text}");
    assert!(text.contains("未指定测试对象"), "{text}");
    assert!(!Path::new("target/never-written").exists(), "nothing is written before the target is known");
    // ... and the old hidden subcommand is gone.
    let (code, _) = run(&["reference-adapter", "--fault", "leak"]);
    assert_eq!(code, ExitCode::from(2));
}

/// `linli convert` without `-o` writes to standard output, as its help says, the summary then on
/// standard error; a register converted into Linli needs `-o` and says so.
#[test]
fn convert_without_output_writes_to_standard_output() {
    let place = root().join("examples/records/place-community.json").display().to_string();
    let (code, help) = run(&["convert", "--help"]);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(help.contains("default: standard output"), "{help}");
    let (code, out) = run(&["convert", "--from", "linli", "--to", "geojson", &place]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let geo: serde_json::Value = serde_json::from_str(&out).expect("only the GeoJSON on standard output");
    assert_eq!(geo["type"], "FeatureCollection");
    let (code, out) = run(&["convert", "--from", "linli", &place]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).expect("NDJSON")).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["type"], "Place");
    let register = root().join("examples/registers").display().to_string();
    let (code, text) = run(&["--lang", "en", "convert", "--from", "csv", &register]);
    assert_eq!(code, ExitCode::from(2));
    assert!(text.starts_with("error[usage]: a register (csv, xlsx) converted into Linli needs -o OUT"), "{text}");
}

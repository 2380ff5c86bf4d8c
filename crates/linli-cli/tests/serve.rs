//! `linli serve`, `linli audit` and `linli sync` as a user runs them.

#![allow(missing_docs, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const LINLI: &str = env!("CARGO_BIN_EXE_linli");

struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &std::path::Path, extra: &[&str]) -> Served {
    let mut child = Command::new(LINLI)
        .args(["--lang", "en", "serve", "--data"])
        .arg(data)
        .args(["--listen", "127.0.0.1:0"])
        .args(extra)
        .env_remove("LINLI_MASK_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().trim_end_matches('/').to_owned();
    Served { child, base }
}

fn curl(args: &[&str]) -> String {
    let out = Command::new("curl").arg("-s").args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn first_start_writes_callers_tokens_and_a_key_and_the_node_serves_them() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let node = serve(&data, &[]);
    let principals = std::fs::read_to_string(data.join("principals.toml")).unwrap();
    for name in ["clerk", "civil-affairs", "open-data"] {
        let token = std::fs::read_to_string(data.join("tokens").join(format!("{name}.token"))).unwrap();
        assert!(token.starts_with("lt_") && token.len() == 67);
        assert!(!principals.contains(&token), "the principals file holds hashes, not tokens");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                std::fs::metadata(data.join("tokens").join(format!("{name}.token"))).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "a token file is its owner's only");
        }
    }
    let clerk = std::fs::read_to_string(data.join("tokens/clerk.token")).unwrap();
    let public = std::fs::read_to_string(data.join("tokens/open-data.token")).unwrap();
    let examples =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/datasets/gusu-huqiu/person.ndjson");
    let auth = |t: &str| format!("Authorization: Bearer {t}");
    let out = curl(&[
        "-X",
        "POST",
        &format!("{}/v1/records", node.base),
        "-H",
        &auth(&clerk),
        "-H",
        "Content-Type: application/x-ndjson",
        "--data-binary",
        &format!("@{}", examples.display()),
    ]);
    assert_eq!(out.lines().filter(|l| l.contains("\"status\":201")).count(), 36, "{out}");
    let public_read = curl(&[&format!("{}/v1/records/Person/P-0001", node.base), "-H", &auth(&public)]);
    assert!(public_read.contains("\"name\":\"***\""), "{public_read}");
    assert!(!public_read.contains("32050419380214311X"));
    let internal = curl(&[
        &format!("{}/v1/records/Person/P-0001", node.base),
        "-H",
        &auth(&clerk),
        "-H",
        "X-Linli-Purpose: review",
    ]);
    assert!(internal.contains("32050419380214311X"));
    // linli sync with the token file.
    let mirror = tmp.path().join("mirror");
    let sync = Command::new(LINLI)
        .args(["--lang", "en", "sync", &node.base])
        .arg(&mirror)
        .arg("--token-file")
        .arg(data.join("tokens/open-data.token"))
        .output()
        .unwrap();
    assert!(sync.status.success(), "{}", String::from_utf8_lossy(&sync.stderr));
    assert!(
        String::from_utf8_lossy(&sync.stdout).starts_with("synced: 36 changes"),
        "{}",
        String::from_utf8_lossy(&sync.stdout)
    );
    drop(node);
    // The audit log, read after the node stopped: who read what, for what purpose.
    let audit = Command::new(LINLI).args(["audit", "--data"]).arg(&data).output().unwrap();
    assert!(audit.status.success());
    let lines: Vec<serde_json::Value> =
        String::from_utf8(audit.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.iter().any(|e| e["principal"] == "clerk" && e["purpose"] == "review" && e["action"] == "read"));
    assert!(lines.iter().any(|e| e["principal"] == "open-data" && e["action"] == "changes" && e["purpose"] == "sync"));
    // And the writes, each record with its result [API-080].
    let write = lines.iter().find(|e| e["principal"] == "clerk" && e["action"] == "write").unwrap();
    assert_eq!(write["records"].as_array().unwrap().len(), 36);
    assert!(write["results"].as_array().unwrap().iter().all(|r| r == "created"), "{write}");
    // A second start keeps the callers and the key.
    let key = std::fs::read(data.join("mask.key")).unwrap();
    let again = serve(&data, &[]);
    assert_eq!(std::fs::read_to_string(data.join("principals.toml")).unwrap(), principals);
    assert_eq!(std::fs::read(data.join("mask.key")).unwrap(), key);
    let status = curl(&[&format!("{}/v1/status", again.base), "-H", &auth(&public)]);
    assert!(status.contains("\"Person\":36"), "{status}");
}

#[test]
fn a_bad_principals_file_stops_the_node_with_a_coded_message_in_both_languages() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p.toml");
    std::fs::write(
        &p,
        "[[principal]]\nname = \"x\"\nkind = \"department\"\ntoken-sha256 = \"abc\"\nread = \"public\"\n",
    )
    .unwrap();
    for (lang, want) in [("en", "token-sha256 must be 64 hex digits"), ("zh", "token-sha256 须为 64 位十六进制")]
    {
        let out = Command::new(LINLI)
            .args(["--lang", lang, "serve", "--data"])
            .arg(tmp.path().join("d"))
            .arg("--principals")
            .arg(&p)
            .args(["--listen", "127.0.0.1:0"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("principals-invalid") && err.contains(want), "{err}");
    }
    let out =
        Command::new(LINLI).args(["--lang", "en", "audit", "--data"]).arg(tmp.path().join("nothing")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("store-unavailable"));
}

#[test]
fn a_vendor_added_with_linli_principal_writes_its_own_records_after_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    drop(serve(&data, &[]));
    let vendor = "苏州邻里示例科技有限公司";
    let out = Command::new(LINLI)
        .args(["--lang", "en", "principal", "add", "--data"])
        .arg(&data)
        .args([
            "--name",
            "acme-iot",
            "--kind",
            "vendor",
            "--vendor",
            vendor,
            "--write",
            "Event,Thing",
            "--read",
            "public",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("added principal acme-iot"));
    let token = std::fs::read_to_string(data.join("tokens/acme-iot.token")).unwrap();
    assert!(!std::fs::read_to_string(data.join("principals.toml")).unwrap().contains(&token));
    let node = serve(&data, &[]);
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/datasets/gusu-huqiu");
    let event = std::fs::read_to_string(examples.join("event.ndjson")).unwrap().lines().next().unwrap().to_owned();
    let id = serde_json::from_str::<serde_json::Value>(&event).unwrap()["id"].as_str().unwrap().to_owned();
    let auth = format!("Authorization: Bearer {token}");
    let put =
        curl(&["-X", "PUT", &format!("{}/v1/records/Event/{id}", node.base), "-H", &auth, "--data-binary", &event]);
    assert!(put.contains("\"status\":\"created\""), "{put}");
    let person = std::fs::read_to_string(examples.join("person.ndjson")).unwrap().lines().next().unwrap().to_owned();
    let refused =
        curl(&["-X", "PUT", &format!("{}/v1/records/Person/P-0001", node.base), "-H", &auth, "--data-binary", &person]);
    assert!(refused.contains("api-forbidden"), "{refused}");
    // The same name twice is refused.
    let again = Command::new(LINLI)
        .args(["--lang", "zh", "principal", "add", "--data"])
        .arg(&data)
        .args(["--name", "acme-iot", "--kind", "department", "--read", "public"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("已有名为 acme-iot 的调用方"));
}

/// A second `linli serve` on a data folder in use refuses to start with its code, in both
/// languages [API-074].
#[test]
fn a_second_node_on_the_same_data_folder_refuses_to_start() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let first = serve(&data, &[]);
    for (lang, words) in [("en", "in use by another linli serve"), ("zh", "正由另一个 linli serve 使用")] {
        let out = Command::new(LINLI)
            .args(["--lang", lang, "serve", "--data"])
            .arg(&data)
            .args(["--listen", "127.0.0.1:0"])
            .env_remove("LINLI_MASK_KEY")
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("data-folder-in-use") && err.contains(words), "{err}");
    }
    // The first node still serves.
    assert!(curl(&[&format!("{}/healthz", first.base)]).contains("ok"));
    drop(first);
    // Once it has ended, the folder is free.
    drop(serve(&data, &[]));
}

/// `linli principal list` shows each caller without a token or hash; `remove` deletes the
/// entry and the token file, and the node refuses the token after a restart [API-083].
#[test]
fn principals_are_listed_without_secrets_and_removed_with_their_token() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    drop(serve(&data, &[]));
    let run = |args: &[&str]| {
        let out = Command::new(LINLI)
            .args(["--lang", "en", "principal"])
            .args(args)
            .arg("--data")
            .arg(&data)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, list, err) = run(&["list"]);
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 3, "{list}");
    assert!(
        lines[0].starts_with("clerk\tdepartment\t-\twrite=Person,Organization,Place,Thing,Event,Case\tread=internal"),
        "{list}"
    );
    assert!(lines[2].starts_with("open-data\tdepartment\t-\twrite=-\tread=public"), "{list}");
    let toml = std::fs::read_to_string(data.join("principals.toml")).unwrap();
    let token = std::fs::read_to_string(data.join("tokens/open-data.token")).unwrap();
    for secret in toml.lines().filter_map(|l| l.strip_prefix("token-sha256 = ")).map(|h| h.trim_matches('"')) {
        assert!(!list.contains(secret), "no hash listed");
    }
    assert!(!list.contains(token.trim()), "no token listed");
    let (code, out, err) = run(&["remove", "--name", "open-data"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("removed principal open-data"), "{out}");
    assert!(!data.join("tokens/open-data.token").exists());
    let (_, list, _) = run(&["list"]);
    assert_eq!(list.lines().count(), 2);
    let (code, _, err) = run(&["remove", "--name", "open-data"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no principal named open-data"), "{err}");
    // At the next start, the token is refused.
    let node = serve(&data, &[]);
    let status = curl(&["-H", &format!("Authorization: Bearer {}", token.trim()), &format!("{}/v1/status", node.base)]);
    assert!(status.contains("api-unauthenticated"), "{status}");
}

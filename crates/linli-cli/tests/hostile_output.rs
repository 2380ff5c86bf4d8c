//! Text a vendor or a forger controls never reaches the terminal raw: an escape sequence in an
//! adapter's answer or in an unsigned envelope could rewrite what the officer reads (`ESC[2K`
//! erases the line, `\r` overwrites it, `ESC]0;` retitles the window).

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn linli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_linli"))
}

fn no_control(text: &[u8], what: &str) {
    let text = String::from_utf8_lossy(text);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{what}: control characters reach the terminal: {text:?}"
    );
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("linli-hostile-out-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn an_unsigned_envelope_cannot_write_escapes_to_the_verifiers_terminal() {
    let dir = tmp("verify");
    let keys = dir.join("keys");
    assert!(linli().args(["conformance", "keygen", "--out"]).arg(&keys).output().unwrap().status.success());
    let forged = dir.join("forged.json");
    let cases = [
        r#"{"payload":"","payloadType":"\u001b]0;PASSED\u0007\u001b[2K\rvalid: signed","signatures":[]}"#,
        r#"{"payload":"","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"\u001b[2K\rvalid","sig":"AA=="}]}"#,
        r#"{"payload":"\u001b[2K","payloadType":"application/vnd.in-toto+json","signatures":[]}"#,
        "{\"payload\u{1b}[2K\":1}",
    ];
    for text in cases {
        std::fs::write(&forged, text).unwrap();
        let out = linli()
            .args(["conformance", "verify", "--lang", "en"])
            .arg(&forged)
            .arg("--public-key")
            .arg(keys.join("signing-key.pub.pem"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{text}: {}", String::from_utf8_lossy(&out.stdout));
        no_control(&out.stdout, text);
        no_control(&out.stderr, text);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_adapters_malformed_answer_cannot_write_escapes_to_the_terminal() {
    let dir = tmp("run");
    let script = dir.join("adapter.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nread -r line\nprintf '{\"seq\":1,\"\\033[2K\\rall classes pass\":1}\\n'\nsleep 1\n",
    )
    .unwrap();
    let out = linli()
        .args(["conformance", "run", "--lang", "en", "--adapter"])
        .arg(format!("sh {}", script.display()))
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("malformed answer"));
    no_control(&out.stdout, "run");
    let _ = std::fs::remove_dir_all(&dir);
}

//! Every error of the command line in the run's language `[CON-055]`: usage errors, files that
//! are missing, profiles and manifests that do not read, and what clap itself refuses.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::{Command, ExitCode};

use support::{root, run};

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("linli-messages-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the `linli` binary with `LANG` set to `lang_env` (and the other locale variables unset):
/// exit code and standard error.
fn binary(args: &[&str], lang_env: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang_env)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn a_usage_error_is_in_the_chosen_language_with_its_code_untranslated() {
    let dir = tmp("usage");
    let d = dir.to_str().unwrap();
    let (code, zh) = run(&["manifest", d, "--lang", "zh"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(zh.starts_with("error[usage]: 需要 --vendor：") && zh.contains("没有可从中读取它的清单"), "{zh}");
    let (code, en) = run(&["manifest", d, "--lang", "en"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(en.starts_with("error[usage]: --vendor is needed: ") && !en.contains("需要"), "{en}");
    // Another command: an unknown code table.
    let (_, zh) = run(&["codes", "no-such-table", "--lang", "zh"]);
    assert!(zh.starts_with("error[usage]: 未知代码表 `no-such-table`；代码表有：") && !zh.contains("unknown"), "{zh}");
    let (_, en) = run(&["codes", "no-such-table", "--lang", "en"]);
    assert!(en.starts_with("error[usage]: unknown table `no-such-table`; tables: ") && !en.contains("未知"), "{en}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_missing_file_says_so_in_words_keeping_the_system_error_number() {
    let (code, zh) = run(&["validate", "/nonexistent/file.ndjson", "--lang", "zh"]);
    assert_eq!(code, ExitCode::from(2));
    assert_eq!(zh, "error[io]: /nonexistent/file.ndjson：文件或文件夹不存在（os error 2）");
    let (_, en) = run(&["validate", "/nonexistent/file.ndjson", "--lang", "en"]);
    assert_eq!(en, "error[io]: /nonexistent/file.ndjson: no such file or folder (os error 2)");
    // Through the binary, with the language from LANG.
    let (code, zh) = binary(&["validate", "/nonexistent/file.ndjson"], "zh_CN.UTF-8");
    assert_eq!(code, Some(2));
    assert_eq!(zh.trim_end(), "linli: error[io]: /nonexistent/file.ndjson：文件或文件夹不存在（os error 2）");
    // A division table that is not there.
    let (code, zh) = run(&["validate", "--divisions", "/nonexistent/d.csv", "x", "--lang", "zh"]);
    assert_eq!(code, ExitCode::from(2));
    assert_eq!(zh, "error[io]: /nonexistent/d.csv：文件或文件夹不存在（os error 2）");
    // A profile file that is not there, read by the privacy crate.
    let (_, zh) = run(&["mask", "--profile", "/nonexistent/p.toml", "x", "-o", "y", "--lang", "zh"]);
    assert!(zh.contains("/nonexistent/p.toml：文件或文件夹不存在") && !zh.contains("No such file"), "{zh}");
}

#[test]
fn a_profile_that_does_not_read_has_a_lead_in_each_language_and_the_parsers_words() {
    let dir = tmp("profile");
    let p = dir.join("p.toml");
    std::fs::write(&p, "name = \"x\"\nsharingLevel = \"public\"\n").unwrap();
    let input = root().join("examples/records/person-resident.json");
    let out = dir.join("out");
    let args = |lang: &'static str| {
        vec![
            "mask".to_owned(),
            "--profile".into(),
            p.display().to_string(),
            input.display().to_string(),
            "-o".into(),
            out.display().to_string(),
            "--lang".into(),
            lang.into(),
        ]
    };
    let zh_args = args("zh");
    let (code, zh) = run(&zh_args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, ExitCode::from(2));
    assert!(zh.starts_with("error[profile-invalid]: "), "{zh}");
    assert!(
        zh.contains("p.toml：1:1：TOML 无法读取，缺少必需的键（共享配置须有 name、sharingLevel 和 [defaults] 表"),
        "{zh}"
    );
    assert!(zh.contains("missing field `defaults`"), "{zh}");
    let en_args = args("en");
    let (_, en) = run(&en_args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(en.contains("p.toml: 1:1: cannot read the TOML, a required key is missing"), "{en}");
    assert!(en.contains("missing field `defaults`") && !en.contains("缺少"), "{en}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_existing_manifest_that_does_not_read_gives_the_place_in_each_language() {
    let dir = tmp("manifest");
    std::fs::write(dir.join("manifest.json"), "{\"standardVersion\": \"0.1.0\",\n  \"files\": [").unwrap();
    let d = dir.to_str().unwrap();
    let (code, zh) = run(&["manifest", d, "--lang", "zh"]);
    assert_eq!(code, ExitCode::from(2));
    assert!(zh.contains("manifest.json：现有的清单无法读取（第 2 行第 12 列：JSON 不完整（被截断）"), "{zh}");
    assert!(zh.contains("EOF while parsing"), "{zh}");
    let (_, en) = run(&["manifest", d, "--lang", "en"]);
    assert!(en.contains("manifest.json: the existing manifest does not read (EOF while parsing"), "{en}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn what_clap_refuses_has_a_line_in_chinese_under_zh() {
    // Missing argument, unknown option, invalid value: a Chinese line with the stable code first,
    // then clap's own text.
    let cases: [(&[&str], &str); 4] = [
        (&["manifest", "--lang", "zh"], "linli: error[usage]: 缺少必需的参数：<DIR>"),
        (
            &["manifest", ".", "--vendorr", "x", "--lang=zh"],
            "linli: error[usage]: 未知的选项或参数：--vendorr（是否想用 --vendor？）",
        ),
        (
            &["validate", "--lang", "zh", "--format", "pdf", "x"],
            "linli: error[usage]: 参数 --format <FORMAT> 的值 `pdf` 无效；可选值：text、json、junit、html",
        ),
        (&["valdate", "--lang", "zh"], "linli: error[usage]: 未知的子命令：valdate（是否想用 validate？）"),
    ];
    for (args, first) in cases {
        let (code, err) = binary(args, "C");
        assert_eq!(code, Some(2), "{args:?}");
        assert!(err.starts_with(first), "{args:?}: {err}");
        assert!(err.contains("\nerror: "), "clap's own text follows: {err}");
    }
    // The language from LANG when --lang is not given.
    let (_, err) = binary(&["manifest"], "zh_CN.UTF-8");
    assert!(err.starts_with("linli: error[usage]: 缺少必需的参数"), "{err}");
    // In English clap's text alone, as before.
    let (code, err) = binary(&["manifest", "--lang", "en"], "zh_CN.UTF-8");
    assert_eq!(code, Some(2));
    assert!(err.starts_with("error: the following required arguments were not provided"), "{err}");
}

#[test]
fn the_conformance_console_table_has_a_header_and_aligned_columns_in_one_language() {
    let dataset = root().join("examples/datasets/gusu-huqiu");
    for (lang, header, words, foreign) in [
        (
            "zh",
            ["类别", "结论", "通过", "不通过", "出错", "跳过", "不适用"],
            ["核心（core）", "未声明"],
            ["pass", "not claimed"],
        ),
        (
            "en",
            ["class", "verdict", "pass", "fail", "error", "skip", "n/a"],
            ["core", "not claimed"],
            ["通过", "未声明"],
        ),
    ] {
        let out_dir = tmp(&format!("console-{lang}"));
        let (code, out) = run(&[
            "conformance",
            "run",
            "--dataset",
            dataset.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--lang",
            lang,
        ]);
        assert_eq!(code, ExitCode::SUCCESS, "{out}");
        let lines: Vec<&str> =
            // The table ends at the overall verdict line [CNF-071].
            out.lines().take_while(|l| !l.starts_with("结论") && !l.starts_with("verdict")).collect();
        let head: Vec<&str> = lines[0].split_whitespace().collect();
        assert_eq!(head, header, "{out}");
        for w in words {
            assert!(out.contains(w), "{lang}: {w}: {out}");
        }
        let table: String = lines.join("\n");
        for f in foreign {
            assert!(!table.contains(f), "{lang}: {f} in {table}");
        }
        // Every row ends at the same display column (the counts are right-aligned), a Chinese
        // character counting two.
        let width = |s: &str| s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>();
        let w0 = width(lines[0]);
        assert!(lines.len() > 6 && lines.iter().all(|l| width(l) == w0), "{lang}:\n{table}");
        std::fs::remove_dir_all(&out_dir).ok();
    }
}

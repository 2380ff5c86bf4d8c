//! `linli mask`: what it says about its output and input — paths as given (or said to be shown
//! masked), one language, no irrelevant counters — and what it refuses: an existing output file
//! without --force, an output inside the input dataset, file names that collide once masked, a
//! dataset with records that do not read (counted) `[SHR-033]`, `[SHR-033]`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use support::{root, run};

fn example() -> PathBuf {
    root().join("examples/datasets/gusu-huqiu")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linli-cli-mask-output-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// A copy of the example dataset, person.ndjson renamed as `persons` (one or more names, the
/// file copied under each) and the manifest rewritten.
fn dataset(dir: &Path, persons: &[&str], extra: &[(&str, &str)]) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_owned();
        if name == "person.ndjson" {
            for n in persons {
                std::fs::copy(&p, input.join(n)).unwrap();
            }
        } else {
            std::fs::copy(&p, input.join(name)).unwrap();
        }
    }
    let (code, out) = run(&["--lang", "en", "manifest", "--write", &s(&input)]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    for (name, text) in extra {
        let p = input.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    input
}

#[test]
fn the_output_is_printed_as_given_or_said_to_be_shown_masked() {
    let dir = tmp("names");
    let person = s(&example().join("person.ndjson"));
    let plain = s(&dir.join("plain.ndjson"));
    let (code, out) = run(&["--lang", "en", "mask", "--profile", "public", &person, "-o", &plain]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains(&format!("into {plain}\n")), "{out}");
    for (lang, note) in [("en", "shown here with its personal numbers masked"), ("zh", "显示时已掩码其中的个人号码")]
    {
        let numbered = dir.join(format!("x13912345678-{lang}.ndjson"));
        let (code, out) = run(&["--lang", lang, "mask", "--profile", "public", &person, "-o", &s(&numbered)]);
        assert_eq!(code, ExitCode::SUCCESS, "{out}");
        assert!(numbered.is_file());
        assert!(out.contains("x139****5678") && out.contains(note), "{out}");
        assert!(!out.contains("13912345678"), "{out}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_summary_has_no_idle_counters_and_counts_files_in_good_grammar() {
    let dir = tmp("summary");
    let one = dir.join("one");
    std::fs::create_dir_all(&one).unwrap();
    std::fs::copy(example().join("place.ndjson"), one.join("place.ndjson")).unwrap();
    let (code, out) = run(&[
        "--lang",
        "en",
        "manifest",
        "--write",
        "--vendor",
        "Acme",
        "--product",
        "Registry",
        "--product-version",
        "1.0",
        &s(&one),
    ]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let (code, out) = run(&["--lang", "en", "mask", "--profile", "internal", &s(&one), "-o", &s(&dir.join("o1"))]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("(1 file)") && !out.contains("files"), "{out}");
    // `internal` keeps everything: no masked, dropped, residence or key counter.
    for idle in ["masked 0", "dropped 0", "residences", "key id", "pseudonymised"] {
        assert!(!out.contains(idle), "{idle}: {out}");
    }
    let (code, out) =
        run(&["--lang", "zh", "mask", "--profile", "internal", &s(&example()), "-o", &s(&dir.join("o2"))]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("（6 个文件）") && out.contains("保留") && !out.contains("掩码 0"), "{out}");
    assert!(!out.contains("密钥标识"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_existing_output_file_is_replaced_only_with_force() {
    let dir = tmp("force");
    let person = s(&example().join("person.ndjson"));
    let out_file = dir.join("out.ndjson");
    std::fs::write(&out_file, "mine\n").unwrap();
    for (lang, words) in [("en", "give --force"), ("zh", "--force")] {
        let (code, out) = run(&["--lang", lang, "mask", "--profile", "public", &person, "-o", &s(&out_file)]);
        assert_eq!(code, ExitCode::from(2), "{out}");
        assert!(out.starts_with("error[output-exists]: ") && out.contains(words), "{out}");
        assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "mine\n");
    }
    let (code, out) = run(&["--lang", "en", "mask", "--force", "--profile", "public", &person, "-o", &s(&out_file)]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert_ne!(std::fs::read_to_string(&out_file).unwrap(), "mine\n");
    // A dataset is never written over a file, --force or not.
    let (code, out) =
        run(&["--lang", "en", "mask", "--force", "--profile", "public", &s(&example()), "-o", &s(&out_file)]);
    assert_eq!(code, ExitCode::from(2), "{out}");
    assert!(out.starts_with("error[output-exists]: "), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_output_inside_the_input_dataset_is_refused() {
    let dir = tmp("inside");
    let input = dataset(&dir, &["person.ndjson"], &[]);
    for out_dir in [input.join("masked"), input.join("sub/deeper/masked"), input.join("new/../masked")] {
        for lang in ["en", "zh"] {
            let (code, out) = run(&["--lang", lang, "mask", "--profile", "public", &s(&input), "-o", &s(&out_dir)]);
            assert_eq!(code, ExitCode::from(2), "{out}");
            assert!(out.starts_with("error[output-inside-input]: "), "{out}");
            assert!(!out_dir.exists() && !input.join("sub").exists(), "{out}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unlisted_files_are_named_with_their_numbers_masked() {
    let dir = tmp("unlisted");
    let input = dataset(&dir, &["person.ndjson"], &[("notes.txt", "x"), ("old/p13912345678.csv", "x")]);
    let (code, out) = run(&["--lang", "en", "mask", "--profile", "public", &s(&input), "-o", &s(&dir.join("o"))]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(
        out.contains("skipped 2 files") && out.contains("notes.txt") && out.contains("old/p139****5678.csv"),
        "{out}"
    );
    assert!(!out.contains("13912345678"), "{out}");
    let (code, out) = run(&["--lang", "zh", "mask", "--profile", "public", &s(&input), "-o", &s(&dir.join("o-zh"))]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    assert!(out.contains("跳过清单未列出的 2 个文件"), "{out}");
    assert!(!dir.join("o").join("notes.txt").exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn file_names_that_collide_once_masked_have_their_own_code() {
    let dir = tmp("collide");
    let input = dataset(&dir, &["p13912345678.ndjson", "p13900005678.ndjson"], &[]);
    for lang in ["en", "zh"] {
        let out_dir = dir.join(format!("o-{lang}"));
        let (code, out) = run(&["--lang", lang, "mask", "--profile", "public", &s(&input), "-o", &s(&out_dir)]);
        assert_eq!(code, ExitCode::from(2), "{out}");
        assert!(out.starts_with("error[output-name-collision]: "), "{out}");
        assert!(!out.contains("manifest-invalid") && !out.contains("13912345678"), "{out}");
        // The two files are told apart by their place in the manifest.
        let told = if lang == "zh" { "第 4 个和第 5 个文件" } else { "files 4 and 5 of the manifest" };
        assert!(out.contains(told) && out.contains("p139xxxx5678.ndjson"), "{out}");
        assert!(!out_dir.exists());
    }
    // At `internal` nothing is renamed: no collision.
    let (code, out) = run(&["--lang", "en", "mask", "--profile", "internal", &s(&input), "-o", &s(&dir.join("o"))]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn folders_created_for_the_output_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp("modes");
    let out_dir = dir.join("new/deeper/out");
    let (code, out) = run(&["--lang", "en", "mask", "--profile", "public", &s(&example()), "-o", &s(&out_dir)]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    for d in [dir.join("new"), dir.join("new/deeper"), out_dir.clone()] {
        let mode = std::fs::metadata(&d).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "{}: {mode:o}", d.display());
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_dataset_with_records_that_do_not_read_is_refused_with_a_count_in_one_language() {
    let dir = tmp("invalid");
    let out = dir.join("gen");
    let (code, text) = run(&["generate", "--records", "120", "--defects", "0.1", "-o", &s(&out)]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    for (lang, words) in [
        ("en", ["2 records are not Linli records", "linli validate", "person.ndjson:5: [schema-required]"]),
        ("zh", ["2 条记录不是 Linli 记录", "linli validate", "person.ndjson:5: [schema-required] 缺少必需的成员"]),
    ] {
        let o = dir.join(format!("o-{lang}"));
        let (code, text) = run(&["--lang", lang, "mask", "--profile", "public", &s(&out), "-o", &s(&o)]);
        assert_eq!(code, ExitCode::from(2), "{text}");
        assert!(text.starts_with("error[input-invalid]: "), "{text}");
        for w in words {
            assert!(text.contains(w), "{w}: {text}");
        }
        if lang == "zh" {
            assert!(!text.contains("missing field") && !text.contains("refused"), "{text}");
        }
        assert!(!o.exists());
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `meta.classification` is the owner's grading of the record: masking leaves it as it is, while
/// the manifest gets the profile's sharing level [SHR-003], [COR-012].
#[test]
fn masking_leaves_the_classification_of_records_as_it_is() {
    let dir = tmp("classification");
    let o = dir.join("o");
    let (code, out) = run(&["--lang", "en", "mask", "--profile", "public", &s(&example()), "-o", &s(&o)]);
    assert_eq!(code, ExitCode::SUCCESS, "{out}");
    let grades = |p: &Path| -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["meta"]["classification"].to_string())
            .collect()
    };
    let before = grades(&example().join("person.ndjson"));
    assert!(before.iter().any(|g| g == "\"restricted\""));
    assert_eq!(grades(&o.join("person.ndjson")), before);
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(o.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["sharingLevel"], "public");
    std::fs::remove_dir_all(&dir).ok();
}

/// `--threads 1` and `--threads 2`: the same bytes — an NDJSON file, and every file of a dataset
/// folder and its manifest (but for the run's times) — and the same summary `[SHR-063]`.
#[test]
fn one_thread_and_two_write_the_same_bytes() {
    let dir = tmp("threads");
    let generated = dir.join("gen");
    let (code, text) = run(&["generate", "--records", "4000", "--seed", "3", "--threads", "2", "-o", &s(&generated)]);
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    std::fs::write(dir.join("key"), "a key for the threads test, 32 B\n").unwrap();
    let key = s(&dir.join("key"));
    // The manifest's times are the run's.
    let timeless = |text: String| {
        text.lines()
            .filter(|l| !l.contains("\"createdAt\"") && !l.contains("\"appliedAt\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for profile in ["public", "inter-department"] {
        for (input, is_dir) in [(generated.clone(), true), (generated.join("person.ndjson"), false)] {
            let mut outs = Vec::new();
            for threads in ["1", "2"] {
                let o = dir.join(format!("o-{profile}-{is_dir}-{threads}"));
                let (code, said) = run(&[
                    "--lang",
                    "en",
                    "mask",
                    "--threads",
                    threads,
                    "--profile",
                    profile,
                    "--key-file",
                    &key,
                    &s(&input),
                    "-o",
                    &s(&o),
                ]);
                assert_eq!(code, ExitCode::SUCCESS, "{said}");
                let mut files: Vec<(String, String)> = if is_dir {
                    std::fs::read_dir(&o)
                        .unwrap()
                        .map(|e| e.unwrap().path())
                        .map(|p| {
                            (
                                p.file_name().unwrap().to_string_lossy().into_owned(),
                                std::fs::read_to_string(&p).unwrap(),
                            )
                        })
                        .map(|(n, t)| if n == "manifest.json" { (n, timeless(t)) } else { (n, t) })
                        .collect()
                } else {
                    vec![(String::new(), std::fs::read_to_string(&o).unwrap())]
                };
                files.sort();
                assert!(files.iter().any(|(_, t)| t.lines().count() > 1000), "{profile}: {files:?}");
                outs.push((said.replace(&s(&o), "OUT"), files));
            }
            assert_eq!(outs[0].0, outs[1].0, "{profile}: summaries differ");
            assert_eq!(outs[0].1.len(), outs[1].1.len());
            for ((name, a), (_, b)) in outs[0].1.iter().zip(&outs[1].1) {
                assert!(a == b, "{profile}: {name} differs between 1 and 2 threads");
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

//! What a shared output may still hold (issue 13): names of the dataset's own persons and
//! contacts in kept free text, numbers split by any separator of the one set, masks that tell a
//! name's length, profiles whose name or level promises more than they do — each as `mask`
//! writes it and as `validate` finds it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use linli_model::codes::CodeTable;
use linli_privacy::{Error, Key, Options, Profile, mask_path};
use serde_json::Value;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/datasets/gusu-huqiu")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linli-privacy-shared-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn key() -> Key {
    Key::new(b"an example key of 32 bytes......", "test").unwrap()
}

fn mask_with(profile: &Profile, input: &Path, out: &Path) -> Result<linli_privacy::Summary, Error> {
    let k = key();
    let tool = linli_model::text::Text::new("linli-privacy tests").unwrap();
    mask_path(input, out, &Options { profile, key: Some(&k), created_at: None, tool, threads: 0 })
}

fn validate(dir: &Path) -> linli_validate::Report {
    let validator = linli_validate::Validator::new().unwrap();
    let opts = linli_validate::Options { max_findings: 100_000, max_per_rule: 0, ..Default::default() };
    linli_validate::validate_paths(&[dir.to_path_buf()], &validator, &opts).unwrap()
}

/// The example dataset with the first line of some files edited, and a fresh manifest at
/// `level`.
/// An edit of the first record of a file.
type Edit<'a> = (&'a str, &'a dyn Fn(&mut Value));

fn variant(name: &str, edits: &[Edit<'_>], level: &str) -> PathBuf {
    let dir = tmp(name);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let p = e.unwrap().path();
        let n = p.file_name().unwrap().to_str().unwrap().to_owned();
        if n == "manifest.json" {
            continue;
        }
        let mut text = std::fs::read_to_string(&p).unwrap();
        for (file, edit) in edits {
            if *file == n {
                let mut ls: Vec<String> = text.lines().map(str::to_owned).collect();
                let mut v: Value = serde_json::from_str(&ls[0]).unwrap();
                edit(&mut v);
                ls[0] = serde_json::to_string(&v).unwrap();
                text = ls.join("\n") + "\n";
            }
        }
        std::fs::write(dir.join(&n), text).unwrap();
    }
    let mut m: Value =
        serde_json::from_str(&std::fs::read_to_string(example().join("manifest.json")).unwrap()).unwrap();
    let built = linli_validate::dataset::build_manifest(
        &dir,
        serde_json::from_value(m["producer"].clone()).unwrap(),
        linli_model::codes::SharingLevel::from_code(level).unwrap(),
        serde_json::from_value(m["createdAt"].clone()).unwrap(),
    )
    .unwrap();
    let mut out = serde_json::to_value(&built).unwrap();
    let ext = m["externalRefs"].take();
    if !ext.is_null() {
        out["externalRefs"] = ext;
    }
    if level != "internal" {
        out["protection"] =
            serde_json::json!({"profile": level, "appliedAt": out["createdAt"].clone(), "tool": "linli-privacy tests"});
    }
    std::fs::write(dir.join("manifest.json"), serde_json::to_string_pretty(&out).unwrap()).unwrap();
    dir
}

fn all_text(dir: &Path) -> String {
    let mut out = String::new();
    for e in std::fs::read_dir(dir).unwrap() {
        out.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
    }
    out
}

fn codes(r: &linli_validate::Report) -> Vec<(String, String)> {
    r.findings.iter().map(|f| (f.code.to_string(), f.pointer.clone())).collect()
}

/// Persons' names (顾福生 is P-0001 of the example, 沈建华 another person) and a contact's name
/// (黄志刚, of the property company) written into the kept free text of a case and a place.
fn names_in_free_text(level: &str, name: &str) -> PathBuf {
    variant(
        name,
        &[
            ("case.ndjson", &|v: &mut Value| {
                v["title"] = "顾福生家烟感报警".into();
                v["resolution"] = Value::String("已由物业黄志刚上门，沈建华（邻居）在场".into());
            }),
            ("place.ndjson", &|v: &mut Value| {
                if let Some(a) = v.get_mut("address") {
                    a["fullText"] = "虎丘路 88 号（顾福生代收）".into();
                } else {
                    v["name"] = "顾福生小卖部所在社区".into();
                }
            }),
        ],
        level,
    )
}

#[test]
fn names_of_persons_and_contacts_are_masked_in_kept_free_text() {
    for level in ["inter-department", "public"] {
        let input = names_in_free_text("internal", &format!("names-in-{level}"));
        let out = tmp(&format!("names-out-{level}"));
        mask_with(&Profile::built_in(level).unwrap(), &input, &out).unwrap();
        let text = all_text(&out);
        for name in ["顾福生", "沈建华", "黄志刚"] {
            assert!(!text.contains(name), "{level}: {name} left");
        }
        assert!(text.contains("***家烟感报警"), "{level}");
        assert!(text.contains("已由物业***上门，***（邻居）在场"), "{level}");
        // And what was written passes the leak checks of its level.
        let report = validate(&out);
        let leaks: Vec<_> =
            codes(&report).into_iter().filter(|(c, _)| c.starts_with("shared-") || c.contains("text")).collect();
        assert!(leaks.is_empty(), "{level}: {leaks:?}");
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_dir_all(&input);
    }
    // At internal nothing is masked.
    let input = names_in_free_text("internal", "names-in-internal");
    let out = tmp("names-out-internal");
    mask_with(&Profile::built_in("internal").unwrap(), &input, &out).unwrap();
    assert!(all_text(&out).contains("顾福生家烟感报警"));
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_dir_all(&input);
}

#[test]
fn validate_reports_names_given_in_full_in_free_text_without_printing_them() {
    // Declared public, unmasked: the names are still in the Person records, and in free text.
    let dir = names_in_free_text("public", "names-declared-public");
    let report = validate(&dir);
    let found: Vec<_> = report.findings.iter().filter(|f| f.code == "shared-person-name").collect();
    let pointers: Vec<(&str, &str)> =
        found.iter().map(|f| (f.record_id.as_deref().unwrap_or(""), f.pointer.as_str())).collect();
    assert!(pointers.contains(&("C-2024-0517", "/title")), "{pointers:?}");
    assert!(pointers.contains(&("C-2024-0517", "/resolution")), "{pointers:?}");
    assert!(found.iter().all(|f| f.requirement == Some("SHR-052") && f.value.is_none()));
    let json = serde_json::to_string(&report).unwrap();
    for name in ["顾福生", "沈建华", "黄志刚"] {
        assert!(!json.contains(name), "{name} printed");
    }
    // The same dataset at internal: names in free text are no finding.
    let _ = std::fs::remove_dir_all(&dir);
    let dir = names_in_free_text("internal", "names-declared-internal");
    assert!(!codes(&validate(&dir)).iter().any(|(c, _)| c == "shared-person-name"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn names_are_found_whole_and_short_names_are_not_looked_for() {
    let mut names = linli_privacy::leak::Names::default();
    for n in ["欧阳秀英", "欧阳", "张", "Li", "王*英", " 沈建华 "] {
        names.add(n);
    }
    // "张" (one character) and "王*英" (masked) are not looked for; spaces are trimmed.
    assert_eq!(names.len(), 4);
    let text = "欧阳秀英与欧阳先生、张三、沈建华";
    let found: Vec<&str> = names.find(text).into_iter().map(|(a, b)| &text[a..b]).collect();
    assert_eq!(found, ["欧阳秀英", "欧阳", "沈建华"]);
    // An ASCII name only as a whole word, in any case.
    assert_eq!(names.find("Limited by LI ming").len(), 1);
    assert!(format!("{names:?}").contains("count: 4") && !format!("{names:?}").contains("欧阳"));
}

/// A Case (kept free text at both levels) with numbers split by separators of the one set.
const SPLIT: &[&str] = &[
    "1101\u{200b}0519\u{200b}4912\u{200b}3100\u{200b}2X",
    "138\u{a0}1234\u{a0}5678",
    "110105.19491231.002X",
    "138\u{3000}1234\u{2212}5678",
];

#[test]
fn numbers_split_by_any_separator_are_masked_and_found() {
    let resolution = format!("来电人 {}，回电 {}，证件 {}，另 {}", SPLIT[0], SPLIT[1], SPLIT[2], SPLIT[3]);
    let set = move |v: &mut Value| v["resolution"] = Value::String(resolution.clone());
    // validate on a shared dataset holding them: each is a raw value.
    let dir = variant("split-public", &[("case.ndjson", &set)], "public");
    let report = validate(&dir);
    let raw: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == "shared-raw-value" && f.pointer == "/resolution")
        .map(|f| f.value.clone().unwrap_or_default())
        .collect();
    assert_eq!(raw, ["1101**********002X", "138****5678", "1101**********002X", "138****5678"]);
    let _ = std::fs::remove_dir_all(&dir);
    // mask at either level removes them.
    for level in ["inter-department", "public"] {
        let input = variant(&format!("split-in-{level}"), &[("case.ndjson", &set)], "internal");
        let out = tmp(&format!("split-out-{level}"));
        mask_with(&Profile::built_in(level).unwrap(), &input, &out).unwrap();
        let text = all_text(&out);
        for s in SPLIT {
            assert!(!text.contains(s), "{level}: {s:?} left");
        }
        assert!(text.contains("来电人 1101**********002X，回电 138****5678"), "{level}");
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_dir_all(&input);
    }
}

#[test]
fn public_masks_do_not_tell_the_length_of_a_name() {
    let out = tmp("public-mask-length");
    mask_with(&Profile::built_in("public").unwrap(), &example(), &out).unwrap();
    let text = std::fs::read_to_string(out.join("person.ndjson")).unwrap();
    let names: std::collections::BTreeSet<String> =
        text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["***"]);
    let _ = std::fs::remove_dir_all(&out);
}

/// A profile that keeps everything, named and declared `public`; one named `public` declared
/// `inter-department`; one named `internal` declared `public`.
const WEAK: &[(&str, &str, &str)] = &[
    ("public", "public", "keep"),
    ("public", "inter-department", "keep"),
    ("internal", "public", "keep"),
    ("my-open-data", "public", "mask"),
];

#[test]
fn mask_refuses_to_write_what_the_declared_level_does_not_allow() {
    for (i, (name, level, action)) in WEAK.iter().enumerate() {
        let toml = format!(
            "name = \"{name}\"\nsharingLevel = \"{level}\"\n[defaults]\npersonal = \"{action}\"\nsensitive = \"{action}\"\nextensions = \"keep\"\n"
        );
        let profile = Profile::from_toml(&toml, "weak.toml").unwrap();
        // A dataset: nothing is written, not even the directory.
        let out = tmp(&format!("weak-{i}"));
        let e = mask_with(&profile, &example(), &out).unwrap_err();
        assert_eq!(e.code(), "output-not-conforming", "{name} {level}: {e}");
        let (en, zh) = (e.message(false), e.message(true));
        assert!(en.contains(level) && en.contains("nothing was written"), "{en}");
        assert!(zh.contains(level) && zh.contains("未写入"), "{zh}");
        assert!(!out.exists(), "{name} {level}: output left");
        // An NDJSON file: no file left.
        let file = tmp(&format!("weak-{i}-file")).with_extension("ndjson");
        let e = mask_with(&profile, &example().join("person.ndjson"), &file).unwrap_err();
        assert_eq!(e.code(), "output-not-conforming");
        assert!(!file.exists());
    }
    // The message names no personal value: the pointer only.
    let profile = Profile::from_toml(
        "name = \"public\"\nsharingLevel = \"public\"\n[defaults]\npersonal = \"keep\"\nsensitive = \"keep\"\nextensions = \"keep\"\n",
        "weak.toml",
    )
    .unwrap();
    let e =
        mask_with(&profile, &example().join("person.ndjson"), &tmp("weak-msg").with_extension("ndjson")).unwrap_err();
    let en = e.message(false);
    assert!(en.contains("person.ndjson:1") && en.contains("shared-raw-value"), "{en}");
    assert!(!en.contains("顾福生") && !en.contains("32050419380214311X"), "{en}");
    // The built-in profiles pass their own check.
    for level in ["internal", "inter-department", "public"] {
        let out = tmp(&format!("builtin-{level}"));
        mask_with(&Profile::built_in(level).unwrap(), &example(), &out).unwrap();
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// An id, a `meta.sourceId` or a reference id that holds a personal number is never written at
/// a level above `internal`: no profile changes ids `[SHR-024]`, and a validator reports them at
/// every level `[CON-013]`, so the self-check refuses them `[SHR-032]` — with the pointer, never
/// the number.
#[test]
fn mask_refuses_ids_that_hold_personal_numbers() {
    let cases: &[(&str, Edit<'_>, &str)] = &[
        ("id", ("person.ndjson", &|v: &mut Value| v["id"] = "P-11010519491231002X".into()), "/id"),
        (
            "source",
            ("person.ndjson", &|v: &mut Value| v["meta"]["sourceId"] = "户籍-138 1234 5678".into()),
            "/meta/sourceId",
        ),
        ("ref", ("case.ndjson", &|v: &mut Value| v["events"][0]["id"] = "E-13812345678".into()), "/events/0/id"),
    ];
    for (name, edit, pointer) in cases {
        for level in ["inter-department", "public"] {
            let input = variant(&format!("id-{name}-{level}"), &[*edit], "internal");
            let out = tmp(&format!("id-{name}-{level}-out"));
            let Err(e) = mask_with(&Profile::built_in(level).unwrap(), &input, &out) else {
                panic!("{name} {level}: written")
            };
            assert_eq!(e.code(), "output-not-conforming", "{name} {level}: {e}");
            let en = e.message(false);
            assert!(en.contains("id-holds-personal-number") && en.contains(pointer), "{en}");
            assert!(en.contains("[CON-013]"), "{en}");
            assert!(!en.contains("11010519491231002X") && !en.contains("13812345678"), "{en}");
            assert!(!e.message(true).contains("13812345678"));
            assert!(!out.exists(), "{name} {level}: output left");
            let _ = std::fs::remove_dir_all(&input);
        }
    }
}

//! Planted values: personal numbers, a Person's name and terminal control characters put in every
//! place of a record an attacker controls must not come out of any tool in any format
//! `[PRI-011]`, `[PRI-004]`, `[CON-072]`, `[SHR-062]`.
//!
//! The test is a table of plants × places. Each place is a dataset (the example dataset, a Person
//! named [`NAME`] and one planted record per plant, in that place) and one NDJSON file per plant,
//! for the tools that stop at a record they refuse. Searched are every output of `linli validate`
//! (text, json, junit, html × zh, en; standard output, standard error, `--output` files),
//! `linli mask` (its messages, also for a planted profile name; every file it writes at `public`
//! and `inter-department`, and their names), `linli convert` (messages and loss report, from
//! Linli records to Linli, GeoJSON and CloudEvents, and from GeoJSON, CloudEvents, NGSI-LD,
//! Open311 and a CSV register with plants in their own places) and `linli conformance run
//! --dataset` (every file in `--out`, the signed statement included, standard output and error).
//!
//! An output is searched, after dropping every separator of [SHR-062] (and the escaped spellings
//! of the planted separators), for the digits of each planted number; the planted name is searched
//! for in shared data and in the messages of `linli mask` (a report quotes an id or a member name
//! as it is, its numbers masked). Plain-text, XML, HTML and JSON outputs must hold no terminal
//! control character but line feed and tab. A failure names the tool, the format or file, the
//! plant and the place — never the planted value itself.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::{Value, json};

/// The name of a Person of every planted dataset, planted in free text too.
const NAME: &str = "张三丰";

/// One planted value: its name (what a failure prints), its text, and what must never come out
/// (the digits of a number, separators dropped; the name), if anything.
struct Plant {
    name: &'static str,
    text: String,
    needle: Option<String>,
}

/// A resident ID number with the right check character.
fn id_number(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(W).map(|(d, w)| u32::from(d - b'0') * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize];
    format!("{first17}{}", char::from(check))
}

/// Join the groups of `s` (split at the given lengths) with `sep`.
fn split(s: &str, groups: &[usize], sep: &str) -> String {
    let mut out = Vec::new();
    let mut rest = s;
    for g in groups {
        let (a, b) = rest.split_at((*g).min(rest.len()));
        out.push(a.to_owned());
        rest = b;
    }
    if !rest.is_empty() {
        out.push(rest.to_owned());
    }
    out.join(sep)
}

fn plants() -> Vec<Plant> {
    let number = |name, text: String, digits: &str| Plant { name, text, needle: Some(digits.to_owned()) };
    let bad_check = {
        let good = id_number("32050819800315462");
        let wrong = if good.ends_with('1') { '2' } else { '1' };
        format!("32050819800315462{wrong}")
    };
    let zw = id_number("44030119900101123");
    let dots = id_number("31010419851212045");
    let ideo = id_number("51010719770707888");
    vec![
        number("ID number", "11010519491231002X".into(), "11010519491231002"),
        number("ID number with a wrong check digit", bad_check, "32050819800315462"),
        number("mobile number", "13912345678".into(), "13912345678"),
        number("landline number", "010-62345678".into(), "01062345678"),
        number("ID number split by U+200B", split(&zw, &[6, 8], "\u{200b}"), "44030119900101123"),
        number("mobile number split by U+00A0", split("13712345670", &[3, 4], "\u{a0}"), "13712345670"),
        number("ID number written with dots", split(&dots, &[6, 4, 4], "."), "31010419851212045"),
        number("mobile number split by hyphens", split("18612345679", &[3, 4], "-"), "18612345679"),
        number("ID number split by U+3000", split(&ideo, &[6, 8], "\u{3000}"), "51010719770707888"),
        Plant { name: "a Person's name", text: NAME.into(), needle: Some(NAME.into()) },
        Plant { name: "ESC sequence", text: "A\u{1b}[31mB".into(), needle: None },
        Plant { name: "U+202E", text: "A\u{202e}B".into(), needle: None },
        Plant { name: "carriage return", text: "A\rB".into(), needle: None },
    ]
}

/// Places a planted value can take. `valid` when the record stays one that every tool accepts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Place {
    RecordId,
    SourceId,
    MemberName,
    ExtensionKey,
    ExtensionValue,
    ReferenceId,
    IdentifierValue,
    Phone,
    CaseText,
    AddressText,
    PersonName,
    TypeValue,
    BadJsonLine,
    DuplicateKey,
    FileName,
}

const PLACES: [Place; 15] = [
    Place::RecordId,
    Place::SourceId,
    Place::MemberName,
    Place::ExtensionKey,
    Place::ExtensionValue,
    Place::ReferenceId,
    Place::IdentifierValue,
    Place::Phone,
    Place::CaseText,
    Place::AddressText,
    Place::PersonName,
    Place::TypeValue,
    Place::BadJsonLine,
    Place::DuplicateKey,
    Place::FileName,
];

impl Place {
    fn name(self) -> &'static str {
        match self {
            Place::RecordId => "record id",
            Place::SourceId => "meta.sourceId",
            Place::MemberName => "unknown member name",
            Place::ExtensionKey => "extension key",
            Place::ExtensionValue => "extension value",
            Place::ReferenceId => "reference id",
            Place::IdentifierValue => "identifier value",
            Place::Phone => "phone",
            Place::CaseText => "case title, description and note",
            Place::AddressText => "address full text",
            Place::PersonName => "Person name",
            Place::TypeValue => "type value",
            Place::BadJsonLine => "bad JSON line",
            Place::DuplicateKey => "duplicate key",
            Place::FileName => "file name",
        }
    }

    fn slug(self) -> String {
        self.name().replace([' ', ',', '.'], "-")
    }
}

fn meta() -> Value {
    json!({
        "source": {"vendor": "V", "product": "P", "version": "1.0"},
        "createdAt": "2024-01-01T00:00:00+08:00",
        "updatedAt": "2024-01-01T00:00:00+08:00",
        "version": 1,
        "classification": "restricted",
        "sourceId": "S-1"
    })
}

fn person(id: &str) -> Value {
    json!({
        "type": "Person",
        "id": id,
        "meta": meta(),
        "name": "李四",
        "residences": [{"place": {"type": "Place", "id": "L-ROOM-1-1-302"}, "kind": "registered", "since": "2005-04-18"}],
        "extensions": {"acme": {"note": "n"}}
    })
}

fn case(id: &str, text: &str) -> Value {
    json!({
        "type": "Case",
        "id": id,
        "meta": meta(),
        "category": "safety.fire_hazard",
        "channel": "phone",
        "title": format!("{text}家漏水"),
        "description": format!("报告人 {text}"),
        "reportedAt": "2024-01-01T00:00:00+08:00",
        "place": {"type": "Place", "id": "L-ROOM-1-1-302"},
        "status": "reported",
        "history": [{"at": "2024-01-01T00:00:00+08:00", "to": "reported", "note": format!("来电 {text}")}]
    })
}

fn place_record(id: &str, text: &str) -> Value {
    json!({
        "type": "Place",
        "id": id,
        "meta": meta(),
        "kind": "room",
        "name": "909室",
        "parent": {"type": "Place", "id": "L-UNIT-1-2"},
        "address": {"province": "江苏省", "city": "苏州市", "fullText": format!("江苏省苏州市{text}，909室")},
        "roomUse": "residential"
    })
}

/// The lines one plant adds in one place: (file name, line).
fn planted_lines(place: Place, p: &str, i: usize) -> Vec<(String, String)> {
    let pid = format!("P-PL{i}");
    let s = |v: &Value| v.to_string();
    let q = serde_json::to_string(p).unwrap();
    let person_file = "person.ndjson".to_owned();
    let mut v = person(&pid);
    let line = match place {
        Place::RecordId => {
            v["id"] = json!(p);
            s(&v)
        }
        Place::SourceId => {
            v["meta"]["sourceId"] = json!(p);
            s(&v)
        }
        Place::MemberName => {
            v[p] = json!("x");
            s(&v)
        }
        Place::ExtensionKey => {
            v["extensions"]["acme"][p] = json!("x");
            s(&v)
        }
        Place::ExtensionValue => {
            v["extensions"]["acme"]["note"] = json!(p);
            s(&v)
        }
        Place::ReferenceId => {
            v["residences"][0]["place"]["id"] = json!(p);
            s(&v)
        }
        Place::IdentifierValue => {
            v["identifiers"] = json!([{"scheme": "resident-id", "value": p}]);
            s(&v)
        }
        Place::Phone => {
            v["phones"] = json!([p]);
            s(&v)
        }
        Place::CaseText => return vec![("case.ndjson".into(), s(&case(&format!("C-PL{i}"), p)))],
        Place::AddressText => return vec![("place.ndjson".into(), s(&place_record(&format!("L-PL{i}"), p)))],
        Place::PersonName => {
            v["name"] = json!(p);
            s(&v)
        }
        Place::TypeValue => {
            v["type"] = json!(p);
            s(&v)
        }
        Place::BadJsonLine => {
            // A line cut short inside the planted value, then one that is no JSON at all.
            return vec![
                (person_file.clone(), format!("{{\"type\":\"Person\",\"id\":\"{pid}\",\"name\":{}", &q[..q.len() - 1])),
                (person_file, format!("{p} {p}")),
            ];
        }
        Place::DuplicateKey => {
            let body = s(&v);
            let rest = &body[1..];
            return vec![
                (person_file.clone(), format!("{{\"id\":{q},{rest}")),
                (person_file.clone(), format!("{{\"type\":{q},{rest}")),
                (person_file, body.replacen("\"note\":\"n\"", &format!("\"note\":\"n\",\"note\":{q}"), 1)),
            ];
        }
        Place::FileName => return vec![(format!("{p}.ndjson"), s(&v))],
    };
    vec![(person_file, line)]
}

fn linli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_linli"))
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/datasets/gusu-huqiu")
}

/// A fresh folder for this run.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("planted");
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

/// The base records every planted input holds: a Person named [`NAME`] living in the example's
/// room, whose name a case's free text repeats.
fn base_lines() -> Vec<(String, String)> {
    let mut zsf = person("P-ZSF");
    zsf["name"] = json!(NAME);
    vec![("person.ndjson".into(), zsf.to_string()), ("case.ndjson".into(), case("C-ZSF", NAME).to_string())]
}

/// Append `lines` to the files of `dir`.
fn append(dir: &Path, lines: &[(String, String)]) {
    use std::io::Write as _;
    for (file, line) in lines {
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(dir.join(file)).unwrap();
        writeln!(f, "{line}").unwrap();
    }
}

/// One input per place: a dataset (the example, the base records and every plant in the place,
/// with a manifest written by `linli manifest`) and one NDJSON file per plant.
struct Input {
    place: Place,
    dataset: PathBuf,
    files: Vec<(usize, PathBuf)>,
    /// Every plant's record in one JSON array (the reader of `.json` files).
    array: PathBuf,
}

fn inputs() -> &'static [Input] {
    static INPUTS: OnceLock<Vec<Input>> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let plants = plants();
        PLACES
            .iter()
            .map(|&place| {
                let dataset = scratch().join(format!("ds-{}", place.slug()));
                std::fs::create_dir_all(&dataset).unwrap();
                for entry in std::fs::read_dir(example()).unwrap() {
                    let entry = entry.unwrap();
                    if entry.file_name() != "manifest.json" {
                        std::fs::copy(entry.path(), dataset.join(entry.file_name())).unwrap();
                    }
                }
                append(&dataset, &base_lines());
                // File names `linli manifest` refuses ([DAT-014]) are added after it has written
                // the manifest: the tools then name them as files the manifest does not list.
                let mut late = Vec::new();
                let mut files = Vec::new();
                for (i, plant) in plants.iter().enumerate() {
                    let lines = planted_lines(place, &plant.text, i);
                    let portable = |name: &str| name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
                    if place == Place::FileName && !portable(&lines[0].0) {
                        late.extend(lines.iter().cloned());
                    } else {
                        append(&dataset, &lines);
                    }
                    let single = scratch().join(format!("one-{}-{i}", place.slug()));
                    std::fs::create_dir_all(&single).unwrap();
                    let file =
                        if place == Place::FileName { single.join(&lines[0].0) } else { single.join("records.ndjson") };
                    let mut text = String::new();
                    for (_, line) in base_lines().iter().chain(&lines) {
                        text.push_str(line);
                        text.push('\n');
                    }
                    std::fs::write(&file, text).unwrap();
                    files.push((i, file));
                }
                // A manifest `linli manifest` refuses to write (a line that is no record) is the
                // one of the dataset before its plants: the tools then report the counts and
                // hashes, and read every line still.
                if !write_manifest(&dataset) {
                    let planted = scratch().join(format!("clean-{}", place.slug()));
                    std::fs::create_dir_all(&planted).unwrap();
                    for entry in std::fs::read_dir(example()).unwrap() {
                        let entry = entry.unwrap();
                        if entry.file_name() != "manifest.json" {
                            std::fs::copy(entry.path(), planted.join(entry.file_name())).unwrap();
                        }
                    }
                    append(&planted, &base_lines());
                    assert!(write_manifest(&planted), "manifest of the {}", place.name());
                    std::fs::copy(planted.join("manifest.json"), dataset.join("manifest.json")).unwrap();
                }
                append(&dataset, &late);
                let mut lines = Vec::new();
                for (_, file) in &files {
                    lines.extend(std::fs::read_to_string(file).unwrap().lines().map(str::to_owned));
                }
                let array = scratch().join(format!("array-{}.json", place.slug()));
                std::fs::write(&array, format!("[\n{}\n]\n", lines.join(",\n"))).unwrap();
                Input { place, dataset, files, array }
            })
            .collect()
    })
}

/// `linli manifest --write DIR`; whether it wrote one.
fn write_manifest(dir: &Path) -> bool {
    linli()
        .args(["--lang", "en", "manifest", "--vendor", "V", "--product", "P", "--product-version", "1.0.0"])
        .arg(dir)
        .arg("--write")
        .output()
        .unwrap()
        .status
        .success()
}

/// What an output is, for the checks it gets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Plain text, XML or HTML: no planted number or name, no terminal control character.
    Text,
    /// JSON: no planted number or name, no raw C0 control (JSON escapes them).
    Json,
    /// Shared data (a `public` or `inter-department` mask output): no planted number or name.
    Shared,
}

/// The escapes under which a planted separator may appear in an output.
fn separator_spellings() -> Vec<String> {
    let mut v = Vec::new();
    for c in ['\u{200b}', '\u{a0}', '\u{3000}'] {
        let n = u32::from(c);
        v.push(format!("\\u{{{n:x}}}"));
        v.push(format!("\\u{n:04x}"));
        v.push(format!("\\u{n:04X}"));
        v.push(format!("&#{n};"));
        v.push(format!("&#x{n:x};"));
        v.push(format!("&#x{n:X};"));
    }
    v.push("&nbsp;".into());
    v
}

/// `text` with every separator of [SHR-062] (and the escapes of the planted ones) dropped.
fn squeeze(text: &str) -> String {
    let mut t = text.to_owned();
    for e in separator_spellings() {
        t = t.replace(&e, "");
    }
    t.chars().filter(|c| !linli_model::redact::is_number_separator(*c)).collect()
}

fn control_name(c: char) -> String {
    match c {
        '\u{1b}' => "ESC".into(),
        '\r' => "carriage return".into(),
        c => format!("U+{:04X}", u32::from(c)),
    }
}

/// Checks one output; a finding is pushed to `failures` naming `what` (tool, format, file) and
/// the place, never the value.
fn check(failures: &mut BTreeSet<String>, what: &str, place: &str, bytes: &[u8], kind: Kind) {
    check_names(failures, what, place, bytes, kind, kind == Kind::Shared);
}

/// [`check`], searching for the planted name too when `names`: reports quote what they find as
/// they find it (numbers masked `[PRI-011]`), a shared dataset and the messages of `linli mask`
/// must not hold a Person's name at all.
fn check_names(failures: &mut BTreeSet<String>, what: &str, place: &str, bytes: &[u8], kind: Kind, names: bool) {
    let text = String::from_utf8_lossy(bytes);
    let squeezed = squeeze(&text);
    for plant in plants() {
        // Ids travel unchanged through every profile [SHR-024]; one is refused above `internal`
        // when it holds what [CON-013] recognises — a resident ID number, a mobile number — but a
        // landline or 18 characters with a wrong check character cannot be told from a vendor's
        // numeric id (18- and 19-digit ids are common), nor a name from any other word in an id.
        let id_place = matches!(place, "record id" | "meta.sourceId" | "reference id");
        let unrecognised =
            matches!(plant.name, "ID number with a wrong check digit" | "landline number" | "a Person's name");
        if kind == Kind::Shared && id_place && unrecognised {
            continue;
        }
        if let Some(needle) = &plant.needle {
            if (names || needle != NAME) && squeezed.contains(needle.as_str()) {
                failures.insert(format!("{what}: the {} planted in the {place} comes out", plant.name));
            }
        }
    }
    let bad = |c: char| match kind {
        Kind::Text => linli_model::text::is_terminal_control(c) && c != '\n' && c != '\t',
        Kind::Json => linli_model::text::is_terminal_control(c) && c != '\n' && c != '\t',
        Kind::Shared => false,
    };
    let found: BTreeSet<String> = text.chars().filter(|c| bad(*c)).map(control_name).collect();
    for c in found {
        failures.insert(format!("{what}: {c} from the {place} is written raw"));
    }
}

fn check_output(failures: &mut BTreeSet<String>, what: &str, place: &str, out: &Output) {
    check(failures, &format!("{what} (stdout)"), place, &out.stdout, Kind::Text);
    check(failures, &format!("{what} (stderr)"), place, &out.stderr, Kind::Text);
}

/// Every file under `dir`, by its path relative to `dir`.
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, p));
            }
        }
    }
    out.sort();
    out
}

fn report(failures: BTreeSet<String>) {
    assert!(
        failures.is_empty(),
        "{} planted values come out:\n{}",
        failures.len(),
        failures.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// Every field of a CSV problem list, one per line: its CRLF record ends are the format's, not a
/// planted carriage return; one inside a field would still be seen.
fn csv_text(file: &Path) -> Vec<u8> {
    let bytes = std::fs::read(file).unwrap();
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let mut out = String::new();
    for rec in csv::ReaderBuilder::new().has_headers(false).from_reader(body).records() {
        for field in rec.unwrap().iter() {
            out.push_str(field);
            out.push('\n');
        }
    }
    out.into_bytes()
}

/// Every cell of every sheet of a workbook, one per line: what a person opening it reads.
fn xlsx_text(file: &Path) -> Vec<u8> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(file).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        out.push_str(&name);
        out.push('\n');
        for row in book.worksheet_range(&name).unwrap().rows() {
            for cell in row {
                out.push_str(&cell.to_string());
                out.push('\n');
            }
        }
    }
    out.into_bytes()
}

#[test]
fn validate_prints_no_planted_value_in_any_format_or_language() {
    let mut failures = BTreeSet::new();
    let dir = scratch().join("validate");
    std::fs::create_dir_all(&dir).unwrap();
    for input in inputs() {
        let place = input.place.name();
        let mut codes = Vec::new();
        for format in ["text", "json", "junit", "html", "csv", "xlsx"] {
            let kind = if format == "json" { Kind::Json } else { Kind::Text };
            for lang in ["zh", "en"] {
                let what = format!("validate --format {format} --lang {lang}");
                let file = dir.join(format!("{}-{format}-{lang}", input.place.slug()));
                let out = linli()
                    .args(["--lang", lang, "validate", "--no-progress", "--format", format, "--output"])
                    .arg(&file)
                    .arg(&input.dataset)
                    .output()
                    .unwrap();
                codes.push((format!("{what}: {}", String::from_utf8_lossy(&out.stderr)), out.status.code()));
                check_output(&mut failures, &format!("{what} --output"), place, &out);
                let written = match format {
                    "xlsx" => xlsx_text(&file),
                    "csv" => csv_text(&file),
                    _ => std::fs::read(&file).unwrap(),
                };
                check(&mut failures, &format!("{what} --output (file)"), place, &written, kind);
            }
        }
        // One verdict in every format and language: exit 1 exactly when the JSON report says the
        // input is not valid.
        let report: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{}-json-en", input.place.slug()))).unwrap(),
        )
        .unwrap();
        let want = match report["valid"].as_bool() {
            Some(true) => Some(0),
            Some(false) => Some(1),
            None => panic!("{place}: no verdict in the JSON report"),
        };
        for (what, code) in codes {
            assert_eq!(code, want, "{what} on the {place}");
        }
        // Not a blind test: the planted ids are seen (and reported masked).
        if input.place == Place::RecordId {
            let json = std::fs::read_to_string(dir.join(format!("{}-json-en", input.place.slug()))).unwrap();
            assert!(json.contains("id-holds-personal-number") && json.contains("1101**********002X"), "{json}");
        }
        // The report on standard output is the one written to a file.
        let out = linli().args(["--lang", "en", "validate", "--no-progress"]).arg(&input.dataset).output().unwrap();
        check_output(&mut failures, "validate", place, &out);
        // The JSON array reader (an array with a broken member is one syntax error).
        for format in ["text", "json"] {
            let kind = if format == "json" { Kind::Json } else { Kind::Text };
            let out = linli()
                .args(["--lang", "en", "validate", "--no-progress", "--format", format])
                .arg(&input.array)
                .output()
                .unwrap();
            let what = format!("validate --format {format} ARRAY.json");
            check(&mut failures, &format!("{what} (stdout)"), place, &out.stdout, kind);
            check(&mut failures, &format!("{what} (stderr)"), place, &out.stderr, Kind::Text);
        }
        // A file named on the command line: its name is in every finding.
        if input.place == Place::FileName {
            for (_, file) in &input.files {
                for format in ["text", "json", "junit", "html"] {
                    let kind = if format == "json" { Kind::Json } else { Kind::Text };
                    let out = linli()
                        .args(["--lang", "en", "validate", "--no-progress", "--dataset", "--format", format])
                        .arg(file)
                        .output()
                        .unwrap();
                    let what = format!("validate --format {format} FILE");
                    check(&mut failures, &format!("{what} (stdout)"), place, &out.stdout, kind);
                    check(&mut failures, &format!("{what} (stderr)"), place, &out.stderr, Kind::Text);
                }
            }
        }
    }
    report(failures);
}

fn key_file() -> &'static Path {
    static KEY: OnceLock<PathBuf> = OnceLock::new();
    KEY.get_or_init(|| {
        let key = scratch().join("mask.key");
        std::fs::write(&key, "a department key of enough bytes\n").unwrap();
        key
    })
}

/// Runs `linli mask`, checks its messages (names included) and, but for `internal`, every file it
/// wrote. Returns whether it succeeded.
fn mask_once(
    failures: &mut BTreeSet<String>,
    what: &str,
    place: &str,
    input: &Path,
    out_path: &Path,
    profile: &str,
    lang: &str,
) -> bool {
    let out = linli()
        .args(["--lang", lang, "mask", "--profile", profile, "--key-file"])
        .arg(key_file())
        .arg(input)
        .arg("-o")
        .arg(out_path)
        .output()
        .unwrap();
    check_names(failures, &format!("{what} (stdout)"), place, &out.stdout, Kind::Text, true);
    check_names(failures, &format!("{what} (stderr)"), place, &out.stderr, Kind::Text, true);
    if profile != "internal" {
        let written = if out_path.is_dir() {
            files_under(out_path)
        } else if out_path.exists() {
            vec![("the file".to_owned(), out_path.to_path_buf())]
        } else {
            Vec::new()
        };
        for (rel, file) in written {
            check(failures, &format!("{what} (output {rel})"), place, &std::fs::read(&file).unwrap(), Kind::Shared);
            check(failures, &format!("{what} (the name of an output file)"), place, rel.as_bytes(), Kind::Shared);
        }
    }
    out.status.success()
}

#[test]
fn mask_prints_no_planted_value_and_shares_no_number_or_name() {
    let mut failures = BTreeSet::new();
    let dir = scratch().join("mask");
    std::fs::create_dir_all(&dir).unwrap();
    for input in inputs() {
        let place = input.place.name();
        let slug = input.place.slug();
        for profile in ["internal", "inter-department", "public"] {
            let mut refused = false;
            for lang in ["zh", "en"] {
                let what = format!("mask --profile {profile} --lang {lang} DATASET");
                let out_path = dir.join(format!("{slug}-{profile}-{lang}"));
                let ok = mask_once(&mut failures, &what, place, &input.dataset, &out_path, profile, lang);
                // Not a blind test: where the plants leave the records valid, something is written.
                // (A number in `meta.sourceId`, like one in any id, is refused above `internal`:
                // no profile changes ids [SHR-032], [CON-013].)
                let valid = matches!(
                    input.place,
                    Place::ExtensionValue | Place::CaseText | Place::AddressText | Place::PersonName
                );
                assert!(ok || !valid, "{what} on the {place} was refused");
                refused |= !ok;
            }
            // A refused dataset was refused at its first planted record: each plant on its own.
            if refused {
                for (i, file) in &input.files {
                    let what = format!("mask --profile {profile} FILE[{i}]");
                    let out_path = dir.join(format!("{slug}-{profile}-{i}.ndjson"));
                    mask_once(&mut failures, &what, place, file, &out_path, profile, "en");
                }
            }
        }
    }
    report(failures);
}

/// A profile file's `name` is printed in the summary of `linli mask`.
#[test]
fn mask_prints_no_planted_profile_name() {
    let mut failures = BTreeSet::new();
    let dir = scratch().join("mask-profile");
    std::fs::create_dir_all(&dir).unwrap();
    let records = dir.join("records.ndjson");
    let lines: Vec<String> = base_lines().into_iter().map(|(_, l)| l).collect();
    std::fs::write(&records, lines.join("\n") + "\n").unwrap();
    for (i, plant) in plants().iter().enumerate() {
        let profile = dir.join(format!("profile-{i}.toml"));
        let name = toml_string(&plant.text);
        std::fs::write(
            &profile,
            format!(
                "name = {name}\nsharingLevel = \"internal\"\n[defaults]\npersonal = \"keep\"\nsensitive = \"keep\"\nextensions = \"keep\"\n"
            ),
        )
        .unwrap();
        for lang in ["zh", "en"] {
            let out = linli()
                .args(["--lang", lang, "mask", "--profile"])
                .arg(&profile)
                .arg(&records)
                .arg("-o")
                .arg(dir.join(format!("out-{i}-{lang}.ndjson")))
                .output()
                .unwrap();
            check_output(&mut failures, &format!("mask --lang {lang} [{}]", plant.name), "profile name", &out);
        }
    }
    report(failures);
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn convert_prints_no_planted_value_in_messages_or_loss_report() {
    let mut failures = BTreeSet::new();
    let dir = scratch().join("convert");
    std::fs::create_dir_all(&dir).unwrap();
    for input in inputs() {
        let place = input.place.name();
        // `convert --from linli` reads a file (NDJSON, a JSON array, a record): each plant's, and
        // all of them in one array (refused whole, exit 2, when a member is no JSON or repeats a key).
        let runs = input.files.iter().map(|(i, f)| (format!("FILE[{i}]"), f)).chain([("ARRAY".into(), &input.array)]);
        for (name, path) in runs {
            for (to, ext) in [("linli", ".ndjson"), ("geojson", ".geojson"), ("cloudevents", ".json")] {
                for lang in ["zh", "en"] {
                    let what = format!("convert --to {to} --lang {lang} {name}");
                    let stem = format!("{}-{name}-{to}-{lang}", input.place.slug());
                    let out_path = dir.join(format!("{stem}{ext}"));
                    let loss = dir.join(format!("{stem}.loss.json"));
                    let out = linli()
                        .args(["--lang", lang, "convert", "--no-progress", "--from", "linli", "--to", to])
                        .args(["--received-at", "2024-06-01T00:00:00+08:00"])
                        .arg(path)
                        .arg("-o")
                        .arg(&out_path)
                        .arg("--loss-report")
                        .arg(&loss)
                        .output()
                        .unwrap();
                    let whole = name == "ARRAY" && matches!(input.place, Place::BadJsonLine | Place::DuplicateKey);
                    let expected = if whole { Some(2) } else { out.status.code().filter(|c| *c < 2) };
                    assert_eq!(out.status.code(), expected, "{what} on the {place}");
                    check_output(&mut failures, &what, place, &out);
                    if let Ok(bytes) = std::fs::read(&loss) {
                        check(&mut failures, &format!("{what} (loss report)"), place, &bytes, Kind::Json);
                    }
                }
            }
        }
    }
    report(failures);
}

/// A vendor's file with a plant in each place its format has: GeoJSON (feature id, property
/// names and values), CloudEvents (id, source, type, subject, data), NGSI-LD (entity id, attribute
/// names and values) and Open311 (request id, description, address, a member of its own).
fn vendor_inputs(p: &str) -> Vec<(&'static str, &'static str, String)> {
    let geojson = json!({
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": p, "properties": {"name": p, p: p, "phone": p},
             "geometry": {"type": "Point", "coordinates": [120.5, 31.3]}},
            {"type": "Feature", "id": format!("x{p}"), "properties": {"name": p},
             "geometry": {"type": "Point", "coordinates": [p, 31.3]}}
        ]
    });
    let cloudevents = json!([
        {"specversion": "1.0", "type": p, "source": p, "id": p, "subject": p,
         "time": "2024-05-01T09:00:00Z", "datacontenttype": "application/json", "data": {p: p, "msg": p}},
        {"specversion": "1.0", "type": "x", "source": "s", "id": "e2", "time": p, "data": p}
    ]);
    let ngsi = json!([
        {"id": format!("urn:ngsi-ld:Building:{p}"), "type": "Building",
         "name": {"type": "Property", "value": p}, p: {"type": "Property", "value": p},
         "address": {"type": "Property", "value": {"streetAddress": p}}},
        {"id": format!("urn:ngsi-ld:Device:{p}"), "type": p, "name": {"type": "Property", "value": p}}
    ]);
    let open311 = json!([
        {"service_request_id": p, "service_code": p, "service_name": p, "description": p,
         "requested_datetime": "2024-05-01T09:00:00+08:00", "status": "open", "address": p, p: p,
         "lat": 31.3, "long": 120.5},
        {"service_request_id": "r2", "status": p, "requested_datetime": p}
    ]);
    vec![
        ("geojson", "feature id, property names and values", geojson.to_string()),
        ("cloudevents", "event id, source, type, subject, time and data", cloudevents.to_string()),
        ("ngsi-ld", "entity id, type, attribute names and values", ngsi.to_string()),
        ("open311", "request id, service code, description, address and status", open311.to_string()),
    ]
}

#[test]
fn convert_from_vendor_formats_prints_no_planted_value() {
    let mut failures = BTreeSet::new();
    let dir = scratch().join("convert-vendor");
    std::fs::create_dir_all(&dir).unwrap();
    for (i, plant) in plants().iter().enumerate() {
        for (from, place, text) in vendor_inputs(&plant.text) {
            let input = dir.join(format!("{from}-{i}.json"));
            std::fs::write(&input, text).unwrap();
            for lang in ["zh", "en"] {
                let what = format!("convert --from {from} --lang {lang} [{}]", plant.name);
                let out_path = dir.join(format!("{from}-{i}-{lang}.ndjson"));
                let loss = dir.join(format!("{from}-{i}-{lang}.loss.json"));
                let out = linli()
                    .args(["--lang", lang, "convert", "--no-progress", "--from", from])
                    .args(["--received-at", "2024-06-01T00:00:00+08:00"])
                    .arg(&input)
                    .arg("-o")
                    .arg(&out_path)
                    .arg("--loss-report")
                    .arg(&loss)
                    .output()
                    .unwrap();
                check_output(&mut failures, &what, place, &out);
                if let Ok(bytes) = std::fs::read(&loss) {
                    check(&mut failures, &format!("{what} (loss report)"), place, &bytes, Kind::Json);
                }
            }
        }
    }
    report(failures);
}

/// A register (CSV) whose cells and one column title hold the plant: the summary, the errors and
/// the loss report name rows, columns and values without a personal number in full. (The rejects
/// file is the register's own rows given back for correction: data, not a report.)
#[test]
fn convert_a_register_prints_no_planted_value() {
    let mut failures = BTreeSet::new();
    let dir = scratch().join("convert-register");
    std::fs::create_dir_all(&dir).unwrap();
    let mapping = example().join("../../adapters/csv/population-register.toml");
    for (i, plant) in plants().iter().enumerate() {
        let p = plant.text.replace(['"', ','], " ");
        let header = format!(
            "人员编号,姓名,性别,民族,出生日期,公民身份号码,联系电话,户籍地址,现住址,户号,与户主关系,政治面貌,备注,{p}"
        );
        let rows = [
            format!("{p},{p},男,汉族,1978/12/16,{p},{p},{p},江苏省苏州市{p}501室,{p},户主,党员,{p},{p}"),
            format!("RK0002,王丽,{p},汉,{p},320508198003051241,{p},,,502201001,{p},群众,备注 {p},x"),
            format!("RK0003,王丽,女,汉,19800305,320508198003051241,,,,502201001,妻,群众,备注 {p},{p}"),
        ];
        let input = dir.join(format!("register-{i}.csv"));
        std::fs::write(&input, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
        for lang in ["zh", "en"] {
            let what = format!("convert --from csv --lang {lang}");
            let out_path = dir.join(format!("register-{i}-{lang}.ndjson"));
            let loss = dir.join(format!("register-{i}-{lang}.loss.json"));
            let out = linli()
                .args(["--lang", lang, "convert", "--no-progress", "--from", "csv", "--mapping"])
                .arg(&mapping)
                .arg(&input)
                .arg("-o")
                .arg(&out_path)
                .arg("--loss-report")
                .arg(&loss)
                .output()
                .unwrap();
            check_output(&mut failures, &what, "register's cells and column title", &out);
            let bytes = std::fs::read(&loss).unwrap();
            // Exit 1 exactly when a row was refused, which the loss report lists as an error.
            let errors =
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()["errors"].as_array().map(Vec::len);
            let want = match errors {
                Some(0) => Some(0),
                Some(_) => Some(1),
                None => panic!("{what} [{}]: no errors in the loss report", plant.name),
            };
            assert_eq!(out.status.code(), want, "{what} [{}]", plant.name);
            check(
                &mut failures,
                &format!("{what} (loss report)"),
                "register's cells and column title",
                &bytes,
                Kind::Json,
            );
        }
    }
    report(failures);
}

#[test]
fn conformance_run_on_a_dataset_prints_no_planted_value() {
    let mut failures = BTreeSet::new();
    let dir = scratch().join("conformance");
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys");
    let out = linli().args(["conformance", "keygen", "--out"]).arg(&keys).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for input in inputs() {
        let place = input.place.name();
        for lang in ["zh", "en"] {
            let what = format!("conformance run --dataset --lang {lang}");
            let out_dir = dir.join(format!("{}-{lang}", input.place.slug()));
            let out = linli()
                .args(["--lang", lang, "conformance", "run", "--dataset"])
                .arg(&input.dataset)
                .arg("--out")
                .arg(&out_dir)
                .arg("--sign-key")
                .arg(keys.join("signing-key.pem"))
                .output()
                .unwrap();
            check_output(&mut failures, &what, place, &out);
            let written = files_under(&out_dir);
            assert!(!written.is_empty(), "{what} on the {place} wrote nothing");
            if input.place == Place::RecordId {
                let events = std::fs::read_to_string(out_dir.join("events.jsonl")).unwrap();
                assert!(events.contains("id-holds-personal-number"), "{what}: the planted ids are not seen");
            }
            assert!(written.iter().any(|(rel, _)| rel == "statement.intoto.json"), "{what}: no signed statement");
            for (rel, file) in written {
                let kind = if rel.ends_with(".json") || rel.ends_with(".jsonl") { Kind::Json } else { Kind::Text };
                let bytes = std::fs::read(&file).unwrap();
                check(&mut failures, &format!("{what} ({rel})"), place, &bytes, kind);
                // The signed statement carries its payload in base64: searched decoded too.
                if rel == "statement.intoto.json" {
                    use base64::Engine as _;
                    let envelope: Value = serde_json::from_slice(&bytes).unwrap();
                    let payload = envelope["payload"].as_str().expect("a DSSE envelope has a payload");
                    let payload = base64::engine::general_purpose::STANDARD.decode(payload).unwrap();
                    check(&mut failures, &format!("{what} ({rel} payload)"), place, &payload, Kind::Json);
                }
            }
        }
    }
    report(failures);
}

/// The test itself: each plant is found by the search when printed raw, so a pass is no blind spot.
#[test]
fn the_search_finds_every_plant_printed_raw() {
    for plant in plants() {
        let mut failures = BTreeSet::new();
        let raw = format!("id {} here", plant.text);
        check_names(&mut failures, "raw", "test", raw.as_bytes(), Kind::Text, true);
        assert!(!failures.is_empty(), "{} printed raw is not found", plant.name);
        let escaped = linli_model::text::escape_controls(&raw);
        let mut failures = BTreeSet::new();
        check_names(&mut failures, "escaped", "test", escaped.as_bytes(), Kind::Text, true);
        assert_eq!(failures.is_empty(), plant.needle.is_none(), "{}: {failures:?}", plant.name);
        let mut failures = BTreeSet::new();
        check(&mut failures, "redacted", "test", linli_model::redact::for_output(&raw).as_bytes(), Kind::Text);
        if plant.needle.as_deref() != Some(NAME) {
            assert!(failures.is_empty(), "{}: {failures:?}", plant.name);
        }
    }
}

//! Properties of masking over arbitrary valid records (linli-model's generators).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use linli_model::Record;
use linli_privacy::mask::Counts;
use linli_privacy::{Key, Masker, Options, Profile, mask_path};
use quickcheck::{QuickCheck, TestResult};

fn qc() -> QuickCheck {
    QuickCheck::new().tests(200).max_tests(2000)
}

fn key() -> Key {
    Key::new(b"property test key 0123", "test").unwrap()
}

/// Masking never changes `type` or `id`, and the result still reads as a Linli record with no
/// semantic error; masking twice changes nothing more.
#[test]
fn masking_keeps_type_and_id_and_validity() {
    fn prop(r: Record) -> TestResult {
        let k = key();
        let original = serde_json::to_value(&r).unwrap();
        for name in ["internal", "inter-department", "public"] {
            let profile = Profile::built_in(name).unwrap();
            let masker = Masker::new(&profile, Some(&k)).unwrap();
            let mut v = original.clone();
            let mut counts = Counts::default();
            masker.mask_value(&mut v, &mut counts).unwrap();
            if v["type"] != original["type"] || v["id"] != original["id"] {
                return TestResult::error(format!("{name}: type or id changed: {v}"));
            }
            let masked = match Record::from_value(v.clone()) {
                Ok(m) => m,
                Err(e) => return TestResult::error(format!("{name}: {e}\n{v}")),
            };
            let errors: Vec<_> = linli_model::check::check_record(&masked, &Default::default())
                .into_iter()
                .filter(|f| f.level == linli_model::check::Level::Error)
                .collect();
            if !errors.is_empty() {
                return TestResult::error(format!("{name}: {errors:?}\n{v}"));
            }
            let mut again = v.clone();
            masker.mask_value(&mut again, &mut Counts::default()).unwrap();
            if name != "inter-department" && again != v {
                // Pseudonymising a masked name again gives a new token; the other profiles are
                // idempotent.
                return TestResult::error(format!("{name}: not idempotent\n{v}\n{again}"));
            }
            // What the profile of the level would change is gone.
            let leaks = linli_privacy::leak::raw_values(&masked, &profile, linli_privacy::mask::today());
            if !leaks.is_empty() {
                return TestResult::error(format!("{name}: {leaks:?}\n{v}"));
            }
        }
        TestResult::passed()
    }
    qc().quickcheck(prop as fn(Record) -> TestResult);
}

/// An NDJSON file of arbitrary records keeps its number of records and their order.
#[test]
fn masking_a_file_keeps_the_number_of_records() {
    fn prop(records: Vec<Record>) -> TestResult {
        let dir = std::env::temp_dir().join(format!("linli-privacy-prop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (input, output) = (dir.join("in.ndjson"), dir.join("out.ndjson"));
        let mut f = std::fs::File::create(&input).unwrap();
        for r in &records {
            writeln!(f, "{}", serde_json::to_string(r).unwrap()).unwrap();
        }
        drop(f);
        let k = key();
        let profile = Profile::built_in("public").unwrap();
        let tool = linli_model::text::Text::new("t").unwrap();
        let s = mask_path(
            &input,
            &output,
            &Options { profile: &profile, key: Some(&k), created_at: None, tool, threads: 0 },
        )
        .unwrap();
        let text = std::fs::read_to_string(&output).unwrap();
        let out: Vec<Record> = text.lines().map(|l| Record::from_json_str(l).unwrap()).collect();
        let same = out.len() == records.len()
            && s.counts.records == records.len() as u64
            && out.iter().zip(&records).all(|(a, b)| a.id() == b.id() && a.record_type() == b.record_type());
        TestResult::from_bool(same)
    }
    QuickCheck::new().tests(30).quickcheck(prop as fn(Vec<Record>) -> TestResult);
}

/// A small deterministic generator (SplitMix64), seeded by quickcheck.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A resident ID number with a right check character, or a mobile number (perhaps after `86`).
fn planted_number(m: &mut Mix) -> (String, bool) {
    let digits = |m: &mut Mix, n: usize| (0..n).map(|_| char::from(b'0' + m.below(10) as u8)).collect::<String>();
    if m.below(2) == 0 {
        let area = format!("{}{}", 1 + m.below(6), digits(m, 5));
        let birth = format!("{}{:02}{:02}", 1930 + m.below(90), 1 + m.below(12), 1 + m.below(28));
        let first17 = format!("{area}{birth}{}", digits(m, 3));
        let check = linli_model::check::id_number::check_character(&first17).unwrap();
        (format!("{first17}{check}"), true)
    } else {
        let prefix = if m.below(4) == 0 { "86" } else { "" };
        (format!("{prefix}1{}{}", 3 + m.below(7), digits(m, 9)), false)
    }
}

/// The number written with separators of the one set `[SHR-062]` between random digits (a joiner:
/// any white space and invisible ones around at most one dot or dash), in ASCII or full-width
/// digits.
fn write_split(m: &mut Mix, plain: &str) -> String {
    const VISIBLE: &[char] = &[
        '.', '\u{b7}', '\u{30fb}', '\u{ff0e}', '\u{ff65}', '-', '\u{2010}', '\u{2013}', '\u{2014}', '\u{2212}',
        '\u{fe58}', '\u{fe63}', '\u{ff0d}',
    ];
    const SOFT: &[char] = &[
        '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}', ' ', '\t', '\n', '\r', '\u{a0}',
        '\u{3000}', '\u{202f}', '\u{2009}',
    ];
    let wide = m.below(4) == 0;
    let mut out = String::new();
    for (i, c) in plain.chars().enumerate() {
        if i > 0 && m.below(3) == 0 {
            for _ in 0..m.below(3) {
                out.push(m.pick(SOFT));
            }
            if m.below(2) == 0 {
                out.push(m.pick(VISIBLE));
            }
            for _ in 0..m.below(3) {
                out.push(m.pick(SOFT));
            }
        }
        out.push(match (wide, c) {
            (true, 'X') => '\u{ff38}',
            (true, d) => char::from_u32(u32::from(d) + 0xfee0).unwrap(),
            (false, d) => d,
        });
    }
    out
}

/// For random text with planted ID and mobile numbers split by random separators of the set,
/// `scan_text` finds every plant, at its place and of its kind, and `redact` leaves none of
/// their digit sequences: the leak checks and the redaction recognise the same numbers
/// `[SHR-041]`, `[PRI-011]`.
#[test]
fn scan_and_redact_find_every_planted_number() {
    fn prop(seed: u64) -> TestResult {
        const FILLER: &[&str] = &["电话", "，", "身份证：", "/", "联系人王先生", "（", "）", "号楼，", "abc：", "。"];
        let mut m = Mix(seed);
        let mut text = String::new();
        let mut plants = Vec::new();
        for _ in 0..1 + m.below(4) {
            text.push_str(m.pick(FILLER));
            let (plain, id) = planted_number(&mut m);
            let written = write_split(&mut m, &plain);
            plants.push((text.len(), text.len() + written.len(), plain, id));
            text.push_str(&written);
            text.push_str(m.pick(FILLER));
        }
        let hits = linli_privacy::leak::scan_text(&text);
        for (start, end, plain, id) in &plants {
            let kind = if *id {
                linli_privacy::leak::TextHitKind::ResidentId
            } else {
                linli_privacy::leak::TextHitKind::Mobile
            };
            if !hits.iter().any(|h| h.start == *start && h.end == *end && h.kind == kind) {
                return TestResult::error(format!("{:?} not found in {text:?}: {hits:?}", mask(plain)));
            }
        }
        if hits.len() != plants.len() {
            return TestResult::error(format!("{} hits for {} plants in {text:?}", hits.len(), plants.len()));
        }
        let redacted: String = linli_model::redact::redact(&text)
            .chars()
            .filter(|c| !linli_model::redact::is_number_separator(*c))
            .map(|c| match c {
                '\u{ff10}'..='\u{ff19}' | '\u{ff38}' => char::from_u32(u32::from(c) - 0xfee0).unwrap(),
                c => c,
            })
            .collect();
        for (_, _, plain, _) in &plants {
            if redacted.contains(plain.as_str()) || !redacted.contains(&mask(plain)) {
                return TestResult::error(format!("{:?} not masked in {text:?}", mask(plain)));
            }
        }
        TestResult::passed()
    }
    fn mask(plain: &str) -> String {
        linli_model::check::mask_middle(plain)
    }
    QuickCheck::new().tests(2000).quickcheck(prop as fn(u64) -> TestResult);
}

/// A name of the dataset (CJK or ASCII letters, perhaps in two parts joined by a space or a name
/// dot) and the same name written slightly differently: invisible characters, white space and
/// name dots between its characters, ASCII letters in another case or full-width `[SHR-043]`.
fn planted_name(m: &mut Mix) -> (String, String) {
    const INSERTED: &[char] = &[
        '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}', '\u{200e}', '\u{fe0f}', ' ', '\u{a0}',
        '\u{3000}', '\u{2009}', '\u{202f}', '\t', '\u{b7}', '\u{2022}', '\u{2027}', '\u{30fb}', '\u{ff65}', '.',
    ];
    let cjk = m.below(2) == 0;
    let len = 2 + m.below(4) as usize;
    // Names from U+4E00–U+51FF and `a`–`m`, fillers from other characters: a filler never holds a
    // name.
    let chars: Vec<char> = (0..len)
        .map(|_| {
            if cjk {
                char::from_u32(0x4e00 + m.below(0x200) as u32).unwrap()
            } else {
                char::from(b'a' + m.below(13) as u8)
            }
        })
        .collect();
    let mut name: String = chars.iter().collect();
    if m.below(3) == 0 {
        name.insert(name.char_indices().nth(1 + m.below(len as u64 - 1) as usize).unwrap().0, m.pick(&[' ', '\u{b7}']));
    }
    let wide = m.below(3) == 0;
    let mut written = String::new();
    for (i, c) in chars.iter().enumerate() {
        if i > 0 {
            for _ in 0..m.below(3) {
                written.push(m.pick(INSERTED));
            }
        }
        let c = if m.below(2) == 0 { c.to_ascii_uppercase() } else { *c };
        written.push(if wide && c.is_ascii_alphabetic() { char::from_u32(u32::from(c) + 0xfee0).unwrap() } else { c });
    }
    (name, written)
}

/// For random text with names of the dataset planted, written with random invisible characters,
/// spaces and dots between their characters, in another case or full-width, every plant is found
/// whole and masked as `***` by the `public` masker, the validator's check finds none left, and
/// the text around them is not changed `[SHR-043]`, `[SHR-052]`.
#[test]
fn names_written_differently_are_found_and_masked() {
    fn prop(seed: u64) -> TestResult {
        // Each filler holds a character that is neither dropped nor in a name: no name can be
        // read across two plants.
        const FILLER: &[&str] = &["来电称", "，", "反映：", "（", "）", "已处理。", " xyz ", "楼道", " 、 ", "、"];
        let mut m = Mix(seed);
        let mut names = linli_privacy::leak::Names::default();
        let (mut text, mut expected) = (String::new(), String::new());
        let mut spans = Vec::new();
        for _ in 0..1 + m.below(3) {
            let filler = m.pick(FILLER);
            text.push_str(filler);
            expected.push_str(filler);
            let (name, written) = planted_name(&mut m);
            names.add(&name);
            spans.push((text.len(), text.len() + written.len()));
            text.push_str(&written);
            expected.push_str("***");
        }
        let filler = m.pick(FILLER);
        text.push_str(filler);
        expected.push_str(filler);
        if names.find(&text) != spans {
            return TestResult::error(format!("{spans:?} expected, {:?} found in {text:?}", names.find(&text)));
        }
        let mut v: serde_json::Value =
            serde_json::from_str(include_str!("../../../examples/records/case-resolved-evaluated.json")).unwrap();
        v["title"] = serde_json::Value::String(text.clone());
        let profile = Profile::built_in("public").unwrap();
        let k = key();
        let masker = Masker::new(&profile, Some(&k)).unwrap().with_names(&names);
        masker.mask_value(&mut v, &mut Counts::default()).unwrap();
        if v["title"] != expected.as_str() {
            return TestResult::error(format!("{text:?} masked as {}, not {expected:?}", v["title"]));
        }
        let masked = Record::from_value(v).unwrap();
        let left = linli_privacy::leak::names_in_text(&masked, &names);
        if !left.is_empty() {
            return TestResult::error(format!("{left:?} in {expected:?}"));
        }
        TestResult::passed()
    }
    QuickCheck::new().tests(300).quickcheck(prop as fn(u64) -> TestResult);
}

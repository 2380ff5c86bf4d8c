//! The JUnit report stays well-formed XML 1.0 whatever the text in it holds `[VAL-020]`,
//! `[CON-072]`: file names, ids, pointers, messages and the manifests' words with every control
//! character XML 1.0 forbids (and those a terminal obeys), the noncharacters U+FFFE and U+FFFF,
//! and `]]>`, read back by a strict XML 1.0 reader with none of them left.

use linli_model::RecordType;
use linli_model::check::Level;
use linli_model::codes::SharingLevel;
use linli_model::support::xml::read_well_formed;
use linli_validate::codes::Code;
use linli_validate::finding::Finding;
use linli_validate::report::{DatasetSummary, Lang, Report, render_junit};

/// Every character the escaper must not let through: C0 but tab and line feed (carriage return
/// too: it would be read back as a line end), DEL, C1 (U+0085 among them), U+FFFE, U+FFFF; lone
/// surrogates cannot be in a Rust string.
fn forbidden() -> Vec<char> {
    let mut cs: Vec<char> = ('\u{0}'..='\u{1f}').filter(|c| !matches!(c, '\t' | '\n')).collect();
    cs.extend('\u{7f}'..='\u{9f}');
    cs.extend(['\u{fffe}', '\u{ffff}']);
    cs
}

/// `]]>`, markup, and every forbidden character, around `what`.
fn hostile(what: &str) -> String {
    let mut s = format!("{what}]]><x a=\"'&amp;");
    s.extend(forbidden());
    s.push_str("]]>end");
    s
}

fn report() -> Report {
    let mut r = Report::new(hostile("2024-05-01T08:00:00+08:00"));
    for (i, code) in [Code::SchemaPattern, Code::JsonSyntax, Code::FreeTextMobile].into_iter().enumerate() {
        // An error fails its test case (`failure`), a warning goes to `system-out`.
        let level = if i == 2 { Level::Warning } else { Level::Error };
        let mut f = Finding::new(code, level, Some(code.info().requirement), hostile("消息"), hostile("message"));
        f.file = Some(hostile("data/file.ndjson"));
        f.line = Some(i as u64 + 1);
        f.pointer = hostile("/name");
        f.record_type = Some(RecordType::Person);
        f.record_id = Some(hostile("P-001"));
        f.value = Some(hostile("value"));
        r.push(f);
    }
    r.datasets.push(DatasetSummary {
        path: hostile("dataset"),
        vendor: hostile("vendor"),
        product: hostile("product"),
        product_version: hostile("1.0"),
        sharing_level: SharingLevel::Internal,
        created_at: hostile("2024-05-01"),
        standard_version: hostile("0.1"),
    });
    r.finalize();
    r
}

#[test]
fn junit_is_well_formed_xml_whatever_the_text_holds() {
    let r = report();
    assert!(!r.valid, "errors were pushed");
    for lang in [Lang::Zh, Lang::En] {
        let xml = render_junit(&r, lang);
        let texts = read_well_formed(&xml).unwrap_or_else(|e| panic!("{lang:?}: not well-formed: {e}\n{xml}"));
        let all = texts.concat();
        for c in forbidden() {
            assert!(!all.contains(c), "{lang:?}: U+{:04X} read back", u32::from(c));
        }
        // What was around them is still there, markup and `]]>` as text, the controls as U+FFFD.
        let message = if lang == Lang::Zh { "消息]]>" } else { "message]]>" };
        // The pointer's segment holds characters beyond ASCII: shown masked [PRI-011], its head kept.
        for want in ["data/file.ndjson]]><x a=\"'&amp;\u{fffd}", "/name*", message, "vendor]]>", "]]>end"] {
            assert!(all.contains(want), "{lang:?}: {want:?} not read back");
        }
    }
}

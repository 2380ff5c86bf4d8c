//! The reports in markup: JUnit XML for CI systems and one self-contained HTML page, and the
//! escapers every report of the workspace uses.

use std::fmt::Write as _;

use super::{Lang, Report, level_word, location, record_label, sharing_label, verdict_line, verdict_word};
use crate::input::InputKind;

/// Escape text for XML and HTML (text and attribute values): the one escaper of the workspace,
/// [`linli_model::support::xml::escape`]. Markup becomes entities; every character of
/// [`linli_model::text::is_terminal_control`] but line feed and tab — control characters, which
/// XML 1.0 forbids and a terminal would obey, and the bidirectional controls that reorder what a
/// reader or a terminal shows `[CON-072]` — and the noncharacters U+FFFE and U+FFFF become U+FFFD.
pub fn escape_markup(s: &str) -> String {
    linli_model::support::xml::escape(s)
}

/// JSON text (as `serde_json` writes it) with every character of
/// [`linli_model::text::is_terminal_control`] that JSON leaves raw — DEL, the C1 controls, U+2028,
/// U+2029 and the bidirectional controls — written as a `\uXXXX` escape, as JSON escapes the C0
/// controls, so that a JSON report printed on a terminal or shown by a viewer cannot reorder or
/// act on what is read `[CON-072]`. Outside strings JSON text holds only ASCII punctuation, digits,
/// letters and white space, so every such character is in a string, where the escape reads back
/// as the same character. One escaper for every JSON report of the workspace.
pub fn escape_json_controls(json: &str) -> String {
    if !json.chars().any(|c| linli_model::text::is_terminal_control(c) && !c.is_ascii_whitespace()) {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if linli_model::text::is_terminal_control(c) && !c.is_ascii_whitespace() {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// JUnit XML `[VAL-020]`: one test case per rule found — a failure when its level is at or above
/// the fail level, passing with its findings in `system-out` otherwise (warnings stay visible) —
/// and one test case `verdict` that fails exactly when the report's verdict is FAIL. The
/// datasets' producers and sharing levels are properties.
pub fn render_junit(r: &Report, lang: Lang) -> String {
    let e = escape_markup;
    let mut cases = String::new();
    let mut failures = 0u64;
    let mut tests = 0u64;
    for rule in &r.rules {
        tests += 1;
        let title = lang.pick(&rule.title_zh, &rule.title_en);
        let mut body = String::new();
        for f in r.findings_of(&rule.code) {
            let record = record_label(f);
            let _ = writeln!(
                body,
                "{}{}{} {} {}",
                location(f),
                if record.is_empty() { "" } else { " " },
                record,
                f.pointer,
                f.message(lang == Lang::Zh)
            );
        }
        let more = rule.count - rule.listed;
        if more > 0 {
            let _ = writeln!(
                body,
                "{}",
                match lang {
                    Lang::Zh => format!("……另有 {more} 处未列出"),
                    Lang::En => format!("… {more} more not listed"),
                }
            );
        }
        let name = format!("{} — {title}", rule.code);
        let classname = format!("linli.validate.{}", rule.level.as_str());
        // A rule that cites no requirement: the default, no ` [ID]` after its title.
        let summary =
            format!("{} × {title}{}", rule.count, rule.requirement.map(|q| format!(" [{q}]")).unwrap_or_default());
        if r.fails_at(rule.level) {
            failures += 1;
            let _ = write!(
                cases,
                "    <testcase classname=\"{}\" name=\"{}\">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                e(&classname),
                e(&name),
                e(&rule.code),
                e(&summary),
                e(&body)
            );
        } else {
            let _ = write!(
                cases,
                "    <testcase classname=\"{}\" name=\"{}\">\n      <system-out>{}\n{}</system-out>\n    </testcase>\n",
                e(&classname),
                e(&name),
                e(&summary),
                e(&body)
            );
        }
    }
    tests += 1;
    let counts = match lang {
        Lang::Zh => format!(
            "记录 {}：合格 {}，不合格 {}；错误 {}，警告 {}，提示 {}",
            r.records, r.records_valid, r.records_invalid, r.errors, r.warnings, r.infos
        ),
        Lang::En => format!(
            "records {}: {} valid, {} invalid; {}",
            r.records,
            r.records_valid,
            r.records_invalid,
            super::levels_en(r)
        ),
    };
    let verdict = verdict_line(r, lang);
    if r.valid {
        let _ = write!(
            cases,
            "    <testcase classname=\"linli.validate\" name=\"verdict\">\n      <system-out>{}\n{}</system-out>\n    </testcase>\n",
            e(&verdict),
            e(&counts)
        );
    } else {
        failures += 1;
        let _ = write!(
            cases,
            "    <testcase classname=\"linli.validate\" name=\"verdict\">\n      <failure type=\"verdict\" message=\"{}\">{}</failure>\n    </testcase>\n",
            e(&verdict),
            e(&counts)
        );
    }
    let mut props = String::new();
    let mut prop = |name: &str, value: &str| {
        let _ = writeln!(props, "      <property name=\"{}\" value=\"{}\"/>", e(name), e(value));
    };
    prop("verdict", verdict_word(r.valid, Lang::En));
    prop("fail-on", r.fail_on.as_str());
    prop("standard", r.standard_version);
    for d in &r.datasets {
        prop("dataset", &d.path);
        prop("producer", &format!("{} / {} {}", d.vendor, d.product, d.product_version));
        prop("sharing-level", linli_model::codes::CodeTable::code(d.sharing_level));
        prop("created-at", &d.created_at);
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"linli validate\" tests=\"{tests}\" failures=\"{failures}\">\n  <testsuite name=\"linli-validate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"{:.3}\">\n    <properties>\n{props}    </properties>\n{cases}  </testsuite>\n</testsuites>\n",
        r.duration_ms as f64 / 1000.0
    )
}

/// One self-contained HTML page `[VAL-020]`: the verdict first, the datasets' manifests, the
/// counts, then every rule found (in report order) with its count and its listed findings, each
/// with location, record, member (pointer and name), message and value.
pub fn render_html(r: &Report, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let t = |zh_s: &'static str, en_s: &'static str| if zh { zh_s } else { en_s };
    let e = escape_markup;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title>\n<style>\nbody{{font-family:system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;margin:2rem;color:#1a1a1a;max-width:80rem}}\ntable{{border-collapse:collapse;margin:1rem 0}}td,th{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}}th{{background:#f3f3f3}}\n.pass{{color:#0a7a2f}}.fail{{color:#b00020}}.error{{color:#b00020}}.warning{{color:#a15c00}}.info{{color:#2a5db0}}\ncode{{background:#f6f6f6;padding:0 .2rem;word-break:break-all}}details{{margin:.4rem 0}}summary{{cursor:pointer;font-weight:600}}.num{{text-align:right}}.field small{{display:block;color:#555}}\n</style></head><body>\n",
        if zh { "zh-CN" } else { "en" },
        t("邻里数据校验报告", "Linli validation report")
    );
    let class = if r.valid { "pass" } else { "fail" };
    let _ = write!(
        h,
        "<h1>{}</h1>\n<p class=\"{class}\" id=\"verdict\" data-valid=\"{}\"><strong>{}</strong> — {}</p>\n",
        t("邻里数据校验报告", "Linli validation report"),
        r.valid,
        verdict_word(r.valid, lang),
        e(&verdict_line(r, lang)),
    );
    let _ = writeln!(
        h,
        "<p id=\"counts\">{}</p>",
        if zh {
            format!(
                "共 {} 条记录：合格 {}，不合格 {}；错误 {}，警告 {}，提示 {}。",
                r.records, r.records_valid, r.records_invalid, r.errors, r.warnings, r.infos
            )
        } else {
            format!(
                "{}: {} valid, {} invalid; {}.",
                super::count_en(r.records, "record"),
                r.records_valid,
                r.records_invalid,
                super::levels_en(r)
            )
        }
    );
    if !r.datasets.is_empty() {
        let _ = writeln!(
            h,
            "<table id=\"datasets\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            t("数据集", "Dataset"),
            t("生成方", "Producer"),
            t("共享级别", "Sharing level"),
            t("生成时间", "Created"),
            t("标准版本", "Standard")
        );
        for d in &r.datasets {
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{} / {} {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(&d.path),
                e(&d.vendor),
                e(&d.product),
                e(&d.product_version),
                e(&sharing_label(d.sharing_level, lang)),
                e(&d.created_at),
                e(&d.standard_version)
            );
        }
        h.push_str("</table>\n");
    }
    let _ = writeln!(
        h,
        "<p>{} {} · {} {} · {} {} · {} ms</p>",
        t("标准版本", "Standard"),
        r.standard_version,
        t("校验器", "Validator"),
        r.tool_version,
        t("开始", "Started"),
        e(&r.started_at),
        r.duration_ms
    );
    if !r.rule_filter.is_all() {
        let _ = writeln!(
            h,
            "<p id=\"rule-filter\">{} <code>--pick {}</code> <code>--skip {}</code> — {}</p>",
            t("只检查部分规则：", "Some rules not checked:"),
            e(&r.rule_filter.pick.join(" ")),
            e(&r.rule_filter.skip.join(" ")),
            if zh {
                format!("另有 {} 处问题属于未检查的规则，未计入。", r.findings_filtered)
            } else {
                format!("{} findings of those rules are not counted.", r.findings_filtered)
            }
        );
    }
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        t("按记录类型", "By record type"),
        t("类型", "Type"),
        t("记录", "Records"),
        t("合格", "Valid"),
        t("不合格", "Invalid")
    );
    for (ty, s) in &r.by_type {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            e(super::type_label(ty, lang)),
            s.records,
            s.records_valid,
            s.records_invalid
        );
    }
    h.push_str("</table>\n");
    let _ = writeln!(h, "<h2>{}</h2>", t("按规则分组的问题", "Findings by rule"));
    if r.rules.is_empty() {
        let _ = writeln!(h, "<p class=\"pass\">{}</p>", t("未发现问题。", "No findings."));
    }
    for rule in &r.rules {
        let title = lang.pick(&rule.title_zh, &rule.title_en);
        let lvl = rule.level.as_str();
        let _ = write!(
            h,
            "<details class=\"rule\" data-code=\"{}\" data-level=\"{lvl}\" data-count=\"{}\" data-listed=\"{}\"{}><summary><span class=\"{lvl}\">{}</span> <code>{}</code> {} — {} {}{}</summary>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
            e(&rule.code),
            rule.count,
            rule.listed,
            if r.fails_at(rule.level) { " open" } else { "" },
            level_word(rule.level, lang),
            e(&rule.code),
            e(title),
            rule.count,
            t("处", "×"),
            // A rule that cites no requirement: the default, no ` [ID]` after its title.
            rule.requirement.map(|q| format!(" [{q}]")).unwrap_or_default(),
            t("位置", "Location"),
            t("记录", "Record"),
            t("成员", "Member"),
            t("说明", "Message"),
            t("值", "Value"),
        );
        for f in r.findings_of(&rule.code) {
            let label = f
                .record_type
                .and_then(|ty| crate::fields::field_label(ty, &f.pointer))
                .map(|(lz, le)| format!("<small>{}</small>", e(lang.pick(lz, le))))
                // A member without a label: the default, no label under the pointer.
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr class=\"finding\"><td><code>{}</code></td><td><code>{}</code></td><td class=\"field\"><code>{}</code>{label}</td><td>{}</td><td>{}</td></tr>",
                e(&location(f)),
                e(&record_label(f)),
                e(&f.pointer),
                e(f.message(zh)),
                // A finding without a value: the default empty cell.
                f.value.as_deref().map(|v| format!("<code>{}</code>", e(v))).unwrap_or_default()
            );
        }
        h.push_str("</table>");
        let more = rule.count - rule.listed;
        if more > 0 {
            let _ = write!(
                h,
                "<p class=\"more\">{}</p>",
                if zh {
                    format!("另有 {more} 处未列出（已计入上面的统计；用 --max-per-rule 调整）。")
                } else {
                    format!("{more} more not listed (counted above; see --max-per-rule).")
                }
            );
        }
        h.push_str("</details>\n");
    }
    let _ = writeln!(h, "<h2>{}</h2>", t("字段填充率", "Completeness"));
    for (ty, s) in &r.by_type {
        if s.parsed == 0 {
            continue;
        }
        let _ = writeln!(
            h,
            "<details><summary>{} ({})</summary><table><tr><th>{}</th><th>{}</th></tr>",
            e(ty),
            s.parsed,
            t("成员", "Member"),
            t("填充率", "Filled")
        );
        for (m, n) in &s.completeness {
            let _ = writeln!(
                h,
                "<tr><td><code>{m}</code></td><td class=\"num\">{:.1}%</td></tr>",
                100.0 * *n as f64 / s.parsed as f64
            );
        }
        h.push_str("</table></details>\n");
    }
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>SHA-256</th></tr>\n",
        t("输入", "Inputs"),
        t("路径", "Path"),
        t("类型", "Kind"),
        t("记录", "Records")
    );
    for i in &r.inputs {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td><code>{}</code></td></tr>",
            e(&i.path),
            // The kind is a unit variant named by serde (always a string): the default empty cell is never
            // taken.
            serde_json::to_value(i.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            if i.kind == InputKind::Dataset { "—".to_owned() } else { i.records.to_string() },
            i.sha256
        );
    }
    h.push_str("</table>\n");
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::escape_markup;

    #[test]
    fn markup_escaping_leaves_no_control_character_and_no_xml_noncharacter() {
        let s = escape_markup("a<b>&\"'\u{1b}[2K\r\u{7f}\u{85}\u{fffe}\u{ffff}\n\tz");
        assert_eq!(s, "a&lt;b&gt;&amp;&quot;&#39;\u{fffd}[2K\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\n\tz");
    }

    #[test]
    fn json_escaping_writes_what_json_leaves_raw_as_escapes_that_read_back() {
        let v = serde_json::json!({"id": "P\u{202e}1\u{85}2\u{7f}3\u{2028}4\u{1b}5\n"});
        let text = super::escape_json_controls(&serde_json::to_string_pretty(&v).unwrap());
        assert!(!text.chars().any(|c| linli_model::text::is_terminal_control(c) && c != '\n'), "{text}");
        assert!(text.contains("P\\u202e1\\u00852\\u007f3\\u20284\\u001b5\\n"), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
    }

    /// A bidirectional override in an id or a file name would reorder what the JUnit viewer or
    /// the HTML page shows `[CON-072]`.
    #[test]
    fn markup_escaping_replaces_bidirectional_controls_and_line_separators() {
        let s = escape_markup("P\u{202e}1\u{2066}2\u{2069}3\u{200f}4\u{61c}5\u{2028}6\u{2029}7");
        assert_eq!(s, "P\u{fffd}1\u{fffd}2\u{fffd}3\u{fffd}4\u{fffd}5\u{fffd}6\u{fffd}7");
    }
}

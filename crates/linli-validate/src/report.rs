//! The validation report, and its renderings: text, JSON, JUnit XML and one self-contained HTML
//! page (spec `spec/21-validation.md`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use linli_model::RecordType;
use linli_model::check::{FindingCode, Level};
use serde::Serialize;

use crate::finding::Finding;
use crate::input::InputKind;

/// Version of the JSON report format (`schemas/reports/validation-report.schema.json`).
pub const REPORT_FORMAT: &str = "linli-validation-report/1";

/// One input as given on the command line (a dataset directory expands into its files).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InputSummary {
    /// The path.
    pub path: String,
    /// Its kind.
    pub kind: InputKind,
    /// Bytes read.
    pub bytes: u64,
    /// Records read.
    pub records: u64,
    /// SHA-256 of the file as stored (empty for a directory).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sha256: String,
}

/// Statistics of one record type.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TypeStats {
    /// Records of the type.
    pub records: u64,
    /// Records with no error.
    pub valid: u64,
    /// Records with at least one error.
    pub invalid: u64,
    /// For each member: in how many records the typed model read it was present.
    pub completeness: BTreeMap<&'static str, u64>,
    /// How many records the typed model could read (the base of `completeness`).
    pub parsed: u64,
    /// Member counts while counting, by bit of `members::member_names`.
    #[serde(skip)]
    #[schemars(skip)]
    counting: [u64; 64],
}

impl Default for TypeStats {
    fn default() -> Self {
        TypeStats { records: 0, valid: 0, invalid: 0, completeness: BTreeMap::new(), parsed: 0, counting: [0; 64] }
    }
}

impl TypeStats {
    fn count_members(&mut self, mut mask: u64) {
        while mask != 0 {
            let i = mask.trailing_zeros() as usize;
            self.counting[i] += 1;
            mask &= mask - 1;
        }
    }
}

/// Count of one finding code.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CodeCount {
    /// Level.
    pub level: Level,
    /// Requirement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<&'static str>,
    /// Occurrences.
    pub count: u64,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// Format identifier, [`REPORT_FORMAT`].
    pub format: &'static str,
    /// `linli-validate` version.
    pub tool_version: &'static str,
    /// Standard version checked against.
    pub standard_version: &'static str,
    /// When the run started (RFC 3339).
    pub started_at: String,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// Inputs.
    pub inputs: Vec<InputSummary>,
    /// Whether dataset-level checks ran.
    pub dataset_checks: bool,
    /// Records read.
    pub records: u64,
    /// Records without an error.
    pub valid: u64,
    /// Records with an error.
    pub invalid: u64,
    /// Findings by level.
    pub errors: u64,
    /// Findings by level.
    pub warnings: u64,
    /// Findings by level.
    pub infos: u64,
    /// Per record type.
    pub by_type: BTreeMap<String, TypeStats>,
    /// Per finding code, all findings counted (also those beyond `max_findings`).
    pub by_code: BTreeMap<String, CodeCount>,
    /// The findings, in input order, at most `max_findings` of them.
    pub findings: Vec<Finding>,
    /// Findings not listed because of `max_findings` (they are still counted).
    pub findings_omitted: u64,
}

impl Report {
    /// An empty report.
    pub fn new(started_at: String) -> Self {
        Report {
            format: REPORT_FORMAT,
            tool_version: env!("CARGO_PKG_VERSION"),
            standard_version: linli_model::STANDARD_VERSION,
            started_at,
            duration_ms: 0,
            inputs: Vec::new(),
            dataset_checks: false,
            records: 0,
            valid: 0,
            invalid: 0,
            errors: 0,
            warnings: 0,
            infos: 0,
            by_type: BTreeMap::new(),
            by_code: BTreeMap::new(),
            findings: Vec::new(),
            findings_omitted: 0,
        }
    }

    /// Count a finding and keep it if there is room.
    pub fn push(&mut self, f: Finding, max_findings: usize) {
        match f.level {
            Level::Error => self.errors += 1,
            Level::Warning => self.warnings += 1,
            _ => self.infos += 1,
        }
        let (zh, en) = title_of(&f.code);
        self.by_code
            .entry(f.code.to_string())
            .or_insert_with(|| CodeCount {
                level: f.level,
                requirement: f.requirement,
                count: 0,
                title_zh: zh,
                title_en: en,
            })
            .count += 1;
        if self.findings.len() < max_findings {
            self.findings.push(f.redacted());
        } else {
            self.findings_omitted += 1;
        }
    }

    /// Count a record of `ty` (or of unknown type) as valid or not.
    pub fn count_record(&mut self, ty: Option<RecordType>, valid: bool, members: Option<u64>) {
        self.records += 1;
        if valid {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        let key = ty.map_or("(unknown)", |t| linli_model::codes::CodeTable::code(t));
        if !self.by_type.contains_key(key) {
            self.by_type.insert(key.to_owned(), TypeStats::default());
        }
        let Some(s) = self.by_type.get_mut(key) else { return };
        s.records += 1;
        if valid {
            s.valid += 1;
        } else {
            s.invalid += 1;
        }
        if let Some(mask) = members {
            s.parsed += 1;
            s.count_members(mask);
        }
    }

    /// Fold the running counts into the reported statistics (call once, at the end).
    pub fn finalize(&mut self) {
        for (ty, s) in self.by_type.iter_mut() {
            let Some(ty) = <RecordType as linli_model::codes::CodeTable>::from_code(ty) else { continue };
            for (i, name) in crate::members::member_names(ty).iter().enumerate().take(64) {
                if s.counting[i] > 0 {
                    *s.completeness.entry(name).or_default() += s.counting[i];
                }
            }
            s.counting = [0; 64];
        }
        // File names are printed too: masked like the findings' `file` `[PRI-011]`.
        for i in &mut self.inputs {
            if let std::borrow::Cow::Owned(o) = linli_model::redact::redact(&i.path) {
                i.path = o;
            }
        }
    }

    /// The worst level found.
    pub fn worst(&self) -> Option<Level> {
        if self.errors > 0 {
            Some(Level::Error)
        } else if self.warnings > 0 {
            Some(Level::Warning)
        } else if self.infos > 0 {
            Some(Level::Info)
        } else {
            None
        }
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        escape_json_controls(&serde_json::to_string_pretty(self).unwrap_or_default())
    }
}

/// The JSON Schema of the JSON report (`--format json`), committed as
/// `schemas/reports/validation-report.schema.json`.
pub fn report_schema() -> serde_json::Value {
    // Only JSON Schema's own formats: schemars' `uint64` and the like are not, and ajv's strict
    // mode refuses a schema that uses them.
    let mut formats = schemars::transform::RestrictFormats::default();
    formats.infer_from_meta_schema = false;
    formats.allowed_formats = ["date-time", "date"].into_iter().map(std::borrow::Cow::Borrowed).collect();
    let mut s = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .with_transform(formats)
        .into_generator()
        .into_root_schema_for::<Report>();
    s.insert("$id".into(), format!("{}reports/validation-report.schema.json", linli_model::schema::SCHEMA_BASE).into());
    s.insert("title".into(), "Linli validation report".into());
    s.to_value()
}

/// Titles of a code: the model's semantic codes and the validator's own table.
pub fn title_of(code: &str) -> (String, String) {
    match (FindingCode::from_code(code), crate::codes::info(code)) {
        (Some(c), _) => (c.title_zh().to_owned(), c.title_en().to_owned()),
        (None, Some(c)) => (c.title_zh.to_owned(), c.title_en.to_owned()),
        (None, None) => ("其他问题".to_owned(), "Other problem".to_owned()),
    }
}

/// Language of a rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 简体中文
    Zh,
    /// English
    En,
}

fn level_word(l: Level, lang: Lang) -> &'static str {
    match (l, lang) {
        (Level::Error, Lang::Zh) => "错误",
        (Level::Warning, Lang::Zh) => "警告",
        (_, Lang::Zh) => "提示",
        (Level::Error, Lang::En) => "error",
        (Level::Warning, Lang::En) => "warning",
        (_, Lang::En) => "info",
    }
}

/// `file:line` of a finding, or what there is of it.
pub fn location(f: &Finding) -> String {
    match (&f.file, f.line) {
        (Some(file), Some(line)) => format!("{file}:{line}"),
        (Some(file), None) => file.clone(),
        (None, Some(line)) => format!("line {line}"),
        (None, None) => String::from("-"),
    }
}

/// Plain text: each finding on one line, then the summary. `color` adds ANSI colours.
pub fn render_text(r: &Report, lang: Lang, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_owned() }
    };
    let mut out = String::new();
    for f in &r.findings {
        let lvl = level_word(f.level, lang);
        let lvl = match f.level {
            Level::Error => paint("1;31", lvl),
            Level::Warning => paint("1;33", lvl),
            _ => paint("36", lvl),
        };
        // Text from the input can hold control characters: escaped, so that it can neither act
        // on a terminal nor forge a line of the report `[CON-072]`.
        let esc = linli_model::text::escape_controls;
        let msg = esc(if lang == Lang::Zh { &f.message_zh } else { &f.message_en });
        let _ = write!(out, "{}: {lvl}[{}]", esc(&location(f)), esc(&f.code));
        if !f.pointer.is_empty() {
            let _ = write!(out, " {}", esc(&f.pointer));
        }
        let _ = write!(out, ": {msg}");
        if let Some(v) = f.value.as_deref().map(esc) {
            let _ = write!(out, " ({})", if lang == Lang::Zh { format!("值：{v}") } else { format!("value: {v}") });
        }
        if let Some(req) = f.requirement {
            let _ = write!(out, " [{req}]");
        }
        out.push('\n');
    }
    if r.findings_omitted > 0 {
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::Zh => format!("……另有 {} 条问题未列出（已计入统计；用 --max-findings 调整）", r.findings_omitted),
                Lang::En => format!(
                    "… {} more findings not listed (all are counted below; see --max-findings)",
                    r.findings_omitted
                ),
            }
        );
    }
    if !r.findings.is_empty() {
        out.push('\n');
    }
    match lang {
        Lang::Zh => {
            let _ = writeln!(out, "记录 {}：合格 {}，不合格 {}", r.records, r.valid, r.invalid);
            let _ = writeln!(out, "问题：错误 {}，警告 {}，提示 {}", r.errors, r.warnings, r.infos);
        }
        Lang::En => {
            let _ = writeln!(out, "records {}: {} valid, {} invalid", r.records, r.valid, r.invalid);
            let _ = writeln!(out, "findings: {} errors, {} warnings, {} info", r.errors, r.warnings, r.infos);
        }
    }
    for (ty, s) in &r.by_type {
        let line = match lang {
            Lang::Zh => format!("  {ty:<13} 记录 {:>9}  合格 {:>9}  不合格 {:>9}", s.records, s.valid, s.invalid),
            Lang::En => format!("  {ty:<13} records {:>9}  valid {:>9}  invalid {:>9}", s.records, s.valid, s.invalid),
        };
        let _ = writeln!(out, "{line}");
    }
    if !r.by_code.is_empty() {
        let _ = writeln!(out, "{}", if lang == Lang::Zh { "按规则：" } else { "by rule:" });
        for (code, c) in &r.by_code {
            let title = if lang == Lang::Zh { &c.title_zh } else { &c.title_en };
            let _ = writeln!(out, "  {:>9}  {code} ({}) {title}", c.count, level_word(c.level, lang));
        }
    }
    out
}

/// Escape text for XML and HTML (text and attribute values). Every character of
/// [`linli_model::text::is_terminal_control`] — control characters, which XML 1.0 forbids and a
/// terminal would obey, and the bidirectional controls that reorder what a reader or a terminal
/// shows `[CON-072]` — and the noncharacters U+FFFE and U+FFFF become U+FFFD; line feeds and tabs
/// stay. One escaper for every report of the workspace.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if linli_model::text::is_terminal_control(c) || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push('\u{FFFD}');
            }
            c => out.push(c),
        }
    }
    out
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
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// JUnit XML: one test case per rule that was checked and failed (with every listed occurrence),
/// and one passing test case per input with no error.
pub fn render_junit(r: &Report, lang: Lang) -> String {
    let mut cases = String::new();
    let mut failures = 0u64;
    let mut tests = 0u64;
    for (code, c) in &r.by_code {
        if c.level != Level::Error {
            continue;
        }
        tests += 1;
        failures += 1;
        let title = if lang == Lang::Zh { &c.title_zh } else { &c.title_en };
        let mut body = String::new();
        for f in r.findings.iter().filter(|f| f.code == *code) {
            let msg = if lang == Lang::Zh { &f.message_zh } else { &f.message_en };
            let _ = writeln!(body, "{} {} {}", location(f), f.pointer, msg);
        }
        let _ = write!(
            cases,
            "    <testcase classname=\"linli.validate\" name=\"{}\">\n      <failure type=\"{}\" message=\"{} × {}\">{}</failure>\n    </testcase>\n",
            escape_markup(code),
            escape_markup(code),
            c.count,
            escape_markup(title),
            escape_markup(&body)
        );
    }
    for input in &r.inputs {
        let has_error =
            r.findings.iter().any(|f| f.level == Level::Error && f.file.as_deref() == Some(input.path.as_str()));
        if !has_error {
            tests += 1;
            let _ = writeln!(
                cases,
                "    <testcase classname=\"linli.validate.input\" name=\"{}\"/>",
                escape_markup(&input.path)
            );
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"linli validate\" tests=\"{tests}\" failures=\"{failures}\">\n  <testsuite name=\"linli-validate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"{:.3}\">\n{cases}  </testsuite>\n</testsuites>\n",
        r.duration_ms as f64 / 1000.0
    )
}

/// One self-contained HTML page: summary first, then findings grouped by rule, with counts.
pub fn render_html(r: &Report, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let t = |zh_s: &'static str, en_s: &'static str| if zh { zh_s } else { en_s };
    let mut h = String::new();
    let verdict = if r.errors == 0 { t("通过", "PASS") } else { t("不通过", "FAIL") };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title>\n<style>\nbody{{font-family:system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;margin:2rem;color:#1a1a1a;max-width:72rem}}\ntable{{border-collapse:collapse;margin:1rem 0}}td,th{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}}th{{background:#f3f3f3}}\n.pass{{color:#0a7a2f}}.fail{{color:#b00020}}.error{{color:#b00020}}.warning{{color:#a15c00}}.info{{color:#2a5db0}}\ncode{{background:#f6f6f6;padding:0 .2rem}}details{{margin:.4rem 0}}summary{{cursor:pointer;font-weight:600}}.num{{text-align:right}}\n</style></head><body>\n",
        if zh { "zh-CN" } else { "en" },
        t("邻里数据校验报告", "Linli validation report")
    );
    let _ = write!(
        h,
        "<h1>{}</h1>\n<p class=\"{}\" id=\"verdict\"><strong>{verdict}</strong> — {}</p>\n",
        t("邻里数据校验报告", "Linli validation report"),
        if r.errors == 0 { "pass" } else { "fail" },
        if zh {
            format!(
                "共 {} 条记录：合格 {}，不合格 {}；错误 {}，警告 {}，提示 {}。",
                r.records, r.valid, r.invalid, r.errors, r.warnings, r.infos
            )
        } else {
            format!(
                "{} records: {} valid, {} invalid; {} errors, {} warnings, {} info.",
                r.records, r.valid, r.invalid, r.errors, r.warnings, r.infos
            )
        }
    );
    let _ = writeln!(
        h,
        "<p>{} {} · {} {} · {} {} · {} ms</p>",
        t("标准版本", "Standard"),
        r.standard_version,
        t("校验器", "Validator"),
        r.tool_version,
        t("开始", "Started"),
        escape_markup(&r.started_at),
        r.duration_ms
    );
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
            escape_markup(ty),
            s.records,
            s.valid,
            s.invalid
        );
    }
    h.push_str("</table>\n");
    let _ = writeln!(h, "<h2>{}</h2>", t("按规则分组的问题", "Findings by rule"));
    if r.by_code.is_empty() {
        let _ = writeln!(h, "<p class=\"pass\">{}</p>", t("未发现问题。", "No findings."));
    }
    let mut codes: Vec<(&String, &CodeCount)> = r.by_code.iter().collect();
    codes.sort_by(|a, b| b.1.level.cmp(&a.1.level).then(b.1.count.cmp(&a.1.count)));
    for (code, c) in codes {
        let title = if zh { &c.title_zh } else { &c.title_en };
        let lvl = c.level.as_str();
        let _ = write!(
            h,
            "<details class=\"rule\" data-code=\"{}\"{}><summary><span class=\"{lvl}\">{}</span> <code>{}</code> {} — {} {}{}</summary>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
            escape_markup(code),
            if c.level == Level::Error { " open" } else { "" },
            level_word(c.level, lang),
            escape_markup(code),
            escape_markup(title),
            c.count,
            t("处", "×"),
            c.requirement.map(|r| format!(" [{r}]")).unwrap_or_default(),
            t("位置", "Location"),
            t("JSON 指针", "JSON pointer"),
            t("说明", "Message"),
            t("值", "Value"),
        );
        for f in r.findings.iter().filter(|f| f.code == *code) {
            let msg = if zh { &f.message_zh } else { &f.message_en };
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                escape_markup(&location(f)),
                escape_markup(&f.pointer),
                escape_markup(msg),
                f.value.as_deref().map(|v| format!("<code>{}</code>", escape_markup(v))).unwrap_or_default()
            );
        }
        h.push_str("</table></details>\n");
    }
    if r.findings_omitted > 0 {
        let _ = writeln!(
            h,
            "<p>{}</p>",
            if zh {
                format!("另有 {} 条问题未列出（已计入上面的统计）。", r.findings_omitted)
            } else {
                format!("{} more findings are not listed (they are counted above).", r.findings_omitted)
            }
        );
    }
    let _ = writeln!(h, "<h2>{}</h2>", t("字段填充率", "Completeness"));
    for (ty, s) in &r.by_type {
        if s.parsed == 0 {
            continue;
        }
        let _ = writeln!(
            h,
            "<details><summary>{} ({})</summary><table><tr><th>{}</th><th>{}</th></tr>",
            escape_markup(ty),
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
            escape_markup(&i.path),
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

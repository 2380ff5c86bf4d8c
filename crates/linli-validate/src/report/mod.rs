//! The validation report, and its renderings: text, JSON, JUnit XML, one self-contained HTML
//! page, and a problem list as CSV or Excel (spec `spec/21-validation.md`).
//!
//! Every rendering says the same thing in the same order `[VAL-020]`: one verdict, which follows
//! the fail level (`--fail-on`); the rules in one order (level, then how often, then code); at
//! least one example of every rule that was found, at most [`Limits::max_per_rule`] each; and on
//! every finding the file, line, record type and id, member and value as shown.

use std::collections::BTreeMap;

use linli_model::RecordType;
use linli_model::check::{FindingCode, Level};
use linli_model::codes::SharingLevel;
use serde::Serialize;

use crate::finding::Finding;
use crate::input::InputKind;

mod markup;
mod table;
mod text;

pub use markup::{escape_json_controls, escape_markup, render_html, render_junit};
#[cfg(feature = "xlsx")]
pub use table::render_xlsx;
pub use table::{CSV_COLUMNS, render_csv};
pub use text::render_text;

/// Version of the JSON report format (`schemas/reports/validation-report.schema.json`).
pub const REPORT_FORMAT: &str = "linli-validation-report/2";

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

/// What the manifest of a dataset says about it: shown at the top of every report `[VAL-022]`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DatasetSummary {
    /// The dataset as given on the command line.
    pub path: String,
    /// The producer's vendor.
    pub vendor: String,
    /// The producer's product.
    pub product: String,
    /// The product's version.
    pub product_version: String,
    /// The declared sharing level.
    pub sharing_level: SharingLevel,
    /// When the dataset was made (RFC 3339, as the manifest gives it).
    pub created_at: String,
    /// The standard version the manifest declares.
    pub standard_version: String,
}

/// Statistics of one record type.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TypeStats {
    /// Records of the type.
    pub records: u64,
    /// Records with no error.
    pub records_valid: u64,
    /// Records with at least one error.
    pub records_invalid: u64,
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
        TypeStats {
            records: 0,
            records_valid: 0,
            records_invalid: 0,
            completeness: BTreeMap::new(),
            parsed: 0,
            counting: [0; 64],
        }
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

/// One rule (finding code) that was found, with how often and how many of its findings are
/// listed `[VAL-021]`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RuleSummary {
    /// The stable code.
    pub code: String,
    /// Level.
    pub level: Level,
    /// Requirement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<&'static str>,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// Occurrences, all counted.
    pub count: u64,
    /// Occurrences listed in `findings` (at least one).
    pub listed: u64,
}

/// How many findings are listed (all are counted) `[VAL-021]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Limits {
    /// Findings listed at most over all rules — except that the first finding of every rule is
    /// always listed, so that no rule is shown with a count and no example.
    pub max_findings: u64,
    /// Findings listed at most per rule; `0` for no limit per rule.
    pub max_per_rule: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_findings: 1000, max_per_rule: 20 }
    }
}

/// Which rules are checked: `--pick` and `--skip` `[VAL-023]`. A pattern is a finding code
/// (`id-number-check-character`), a requirement ID (`PER-012`, every code that cites it), or
/// either with `*` standing for any text (`schema-*`). Findings of a rule not picked, or skipped,
/// are neither listed nor counted, and do not make a record invalid or the verdict FAIL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RuleFilter {
    /// Only these rules (all when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pick: Vec<String>,
    /// Not these rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skip: Vec<String>,
}

/// A `--pick` or `--skip` pattern that names no known rule (a typo would otherwise silently
/// check everything, or nothing).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{pattern}` names no finding code or requirement of the validator")]
pub struct UnknownRule {
    /// The pattern.
    pub pattern: String,
}

fn glob(pattern: &str, s: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else { return pattern == s };
    let Some(mut rest) = s.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for p in middle {
        match rest.find(p) {
            Some(i) => rest = &rest[i + p.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Every rule the validator can report: (code, requirement).
pub fn known_rules() -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<(&'static str, &'static str)> =
        FindingCode::ALL.iter().map(|c| (c.as_str(), c.requirement())).collect();
    all.extend(crate::codes::CODES.iter().map(|c| (c.code, c.requirement)));
    all
}

impl RuleFilter {
    /// A filter; every pattern must name at least one known rule.
    pub fn new(pick: Vec<String>, skip: Vec<String>) -> Result<Self, UnknownRule> {
        let known = known_rules();
        for p in pick.iter().chain(&skip) {
            if !known.iter().any(|(code, req)| Self::matches(p, code, Some(req))) {
                return Err(UnknownRule { pattern: p.clone() });
            }
        }
        Ok(RuleFilter { pick, skip })
    }

    fn matches(pattern: &str, code: &str, requirement: Option<&str>) -> bool {
        glob(pattern, code) || requirement.is_some_and(|r| glob(&pattern.to_ascii_uppercase(), r))
    }

    /// Whether findings of `code` (citing `requirement`) are checked.
    pub fn keeps(&self, code: &str, requirement: Option<&str>) -> bool {
        (self.pick.is_empty() || self.pick.iter().any(|p| Self::matches(p, code, requirement)))
            && !self.skip.iter().any(|p| Self::matches(p, code, requirement))
    }

    /// Whether the filter keeps every rule.
    pub fn is_all(&self) -> bool {
        self.pick.is_empty() && self.skip.is_empty()
    }
}

/// Counting one rule while the report is filled.
#[derive(Debug, Clone)]
struct RuleCount {
    level: Level,
    requirement: Option<&'static str>,
    count: u64,
    listed: u64,
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
    /// The verdict `[VAL-020]`: `true` when no finding is at or above `fail_on`. The exit code,
    /// the text's last line, JUnit's failures and the HTML page say the same.
    pub valid: bool,
    /// The level at which a finding makes the verdict FAIL (`--fail-on`).
    pub fail_on: Level,
    /// What the manifests of the datasets read say: producer, sharing level, creation time.
    pub datasets: Vec<DatasetSummary>,
    /// Inputs.
    pub inputs: Vec<InputSummary>,
    /// Whether dataset-level checks ran.
    pub dataset_checks: bool,
    /// Records read.
    pub records: u64,
    /// Records without an error.
    pub records_valid: u64,
    /// Records with an error.
    pub records_invalid: u64,
    /// Findings at level error.
    pub errors: u64,
    /// Findings at level warning.
    pub warnings: u64,
    /// Findings at level info.
    pub infos: u64,
    /// Per record type.
    pub by_type: BTreeMap<String, TypeStats>,
    /// Every rule found, all findings counted, in report order: level (error first), then count
    /// (most first), then code.
    pub rules: Vec<RuleSummary>,
    /// The findings listed: grouped by rule in the order of `rules`, in input order within a
    /// rule; at most `limits.max_per_rule` per rule and about `limits.max_findings` in all, and
    /// at least one of every rule.
    pub findings: Vec<Finding>,
    /// Findings not listed because of `limits` (they are still counted).
    pub findings_omitted: u64,
    /// The listing limits of this run.
    pub limits: Limits,
    /// The rules checked (`--pick`, `--skip`); absent members: all rules.
    pub rule_filter: RuleFilter,
    /// Findings of rules not checked because of `rule_filter` (not counted anywhere else).
    pub findings_filtered: u64,
    #[serde(skip)]
    #[schemars(skip)]
    counting: BTreeMap<String, RuleCount>,
}

impl Report {
    /// An empty report that lists at most `limits` and checks the rules of `filter`.
    pub fn new(started_at: String) -> Self {
        Report {
            format: REPORT_FORMAT,
            tool_version: env!("CARGO_PKG_VERSION"),
            standard_version: linli_model::STANDARD_VERSION,
            started_at,
            duration_ms: 0,
            valid: true,
            fail_on: Level::Error,
            datasets: Vec::new(),
            inputs: Vec::new(),
            dataset_checks: false,
            records: 0,
            records_valid: 0,
            records_invalid: 0,
            errors: 0,
            warnings: 0,
            infos: 0,
            by_type: BTreeMap::new(),
            rules: Vec::new(),
            findings: Vec::new(),
            findings_omitted: 0,
            limits: Limits::default(),
            rule_filter: RuleFilter::default(),
            findings_filtered: 0,
            counting: BTreeMap::new(),
        }
    }

    /// Whether a finding's rule is checked in this run (`--pick`, `--skip`).
    pub fn checks(&self, f: &Finding) -> bool {
        self.rule_filter.keeps(&f.code, f.requirement)
    }

    /// Count a finding and list it if there is room: while its rule has fewer than
    /// `max_per_rule` listed, and fewer than `max_findings` are listed in all or its rule has
    /// none listed yet. A finding of a rule not checked is only counted in `findings_filtered`.
    pub fn push(&mut self, f: Finding) {
        if !self.checks(&f) {
            self.findings_filtered += 1;
            return;
        }
        match f.level {
            Level::Error => self.errors += 1,
            Level::Warning => self.warnings += 1,
            _ => self.infos += 1,
        }
        let limits = self.limits;
        let listed_total = self.findings.len() as u64;
        let rule = self.counting.entry(f.code.to_string()).or_insert_with(|| RuleCount {
            level: f.level,
            requirement: f.requirement,
            count: 0,
            listed: 0,
        });
        rule.count += 1;
        // A rule found at two levels is shown at its worst.
        rule.level = rule.level.max(f.level);
        let room_in_rule = limits.max_per_rule == 0 || rule.listed < limits.max_per_rule;
        let room_in_all = listed_total < limits.max_findings || rule.listed == 0;
        if room_in_rule && room_in_all {
            rule.listed += 1;
            self.findings.push(f.redacted());
        } else {
            self.findings_omitted += 1;
        }
    }

    /// Count a record of `ty` (or of unknown type) as valid or not.
    pub fn count_record(&mut self, ty: Option<RecordType>, valid: bool, members: Option<u64>) {
        self.records += 1;
        if valid {
            self.records_valid += 1;
        } else {
            self.records_invalid += 1;
        }
        let key = ty.map_or(UNKNOWN_TYPE, |t| linli_model::codes::CodeTable::code(t));
        if !self.by_type.contains_key(key) {
            self.by_type.insert(key.to_owned(), TypeStats::default());
        }
        let Some(s) = self.by_type.get_mut(key) else { return };
        s.records += 1;
        if valid {
            s.records_valid += 1;
        } else {
            s.records_invalid += 1;
        }
        if let Some(mask) = members {
            s.parsed += 1;
            s.count_members(mask);
        }
    }

    /// Count a record of `ty` that was counted valid as invalid instead (a dataset-level check
    /// found it in error).
    pub fn recount_invalid(&mut self, ty: Option<RecordType>) {
        if self.records_valid == 0 {
            return;
        }
        self.records_valid -= 1;
        self.records_invalid += 1;
        let key = ty.map_or(UNKNOWN_TYPE, |t| linli_model::codes::CodeTable::code(t));
        if let Some(s) = self.by_type.get_mut(key) {
            if s.records_valid > 0 {
                s.records_valid -= 1;
                s.records_invalid += 1;
            }
        }
    }

    /// Whether findings at `level` make the verdict FAIL.
    pub fn fails_at(&self, level: Level) -> bool {
        level >= self.fail_on
    }

    /// Fold the running counts into the reported statistics, decide the verdict and put rules
    /// and findings in report order (call once, at the end).
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
        for d in &mut self.datasets {
            for s in [&mut d.path, &mut d.vendor, &mut d.product, &mut d.product_version] {
                if let std::borrow::Cow::Owned(o) = linli_model::redact::redact(s) {
                    *s = o;
                }
            }
        }
        self.valid = match self.fail_on {
            Level::Error => self.errors == 0,
            Level::Warning => self.errors == 0 && self.warnings == 0,
            _ => self.errors == 0 && self.warnings == 0 && self.infos == 0,
        };
        let mut rules: Vec<RuleSummary> = std::mem::take(&mut self.counting)
            .into_iter()
            .map(|(code, c)| {
                let (title_zh, title_en) = title_of(&code);
                RuleSummary {
                    code,
                    level: c.level,
                    requirement: c.requirement,
                    title_zh,
                    title_en,
                    count: c.count,
                    listed: c.listed,
                }
            })
            .collect();
        rules.sort_by(|a, b| b.level.cmp(&a.level).then(b.count.cmp(&a.count)).then(a.code.cmp(&b.code)));
        let rank: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.code.as_str(), i)).collect();
        let mut findings = std::mem::take(&mut self.findings);
        // A stable sort: input order within a rule.
        findings.sort_by_key(|f| rank.get(f.code.as_ref()).copied().unwrap_or(usize::MAX));
        self.findings = findings;
        self.rules = rules;
    }

    /// The rule of `code`, if it was found.
    pub fn rule(&self, code: &str) -> Option<&RuleSummary> {
        self.rules.iter().find(|r| r.code == code)
    }

    /// The listed findings of one rule, in input order.
    pub fn findings_of<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| f.code == code)
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

    /// The findings at or above the fail level, all counted.
    pub fn failing(&self) -> u64 {
        match self.fail_on {
            Level::Error => self.errors,
            Level::Warning => self.errors + self.warnings,
            _ => self.errors + self.warnings + self.infos,
        }
    }

    /// The report as pretty JSON; a serialiser's error is returned, never an empty report.
    pub fn to_json(&self) -> Result<String, crate::Error> {
        let json = serde_json::to_string_pretty(self)
            .map_err(|e| crate::Error::Render { format: "json", message: e.to_string() })?;
        Ok(escape_json_controls(&json))
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

impl Lang {
    /// `zh` or `en` text.
    pub(crate) fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        if self == Lang::Zh { zh } else { en }
    }
}

pub(crate) fn level_word(l: Level, lang: Lang) -> &'static str {
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

/// The record a finding is about, as `Person P-001` (type and id, the id masked where it holds a
/// personal number), `Person`, `P-001`, or empty when neither is known.
pub fn record_label(f: &Finding) -> String {
    let ty = f.record_type.map(linli_model::codes::CodeTable::code);
    match (ty, f.record_id.as_deref()) {
        (Some(t), Some(id)) => format!("{t} {id}"),
        (Some(t), None) => t.to_owned(),
        (None, Some(id)) => id.to_owned(),
        (None, None) => String::new(),
    }
}

/// The verdict as a word: `合格`/`不合格`, `PASS`/`FAIL`.
pub fn verdict_word(valid: bool, lang: Lang) -> &'static str {
    match (valid, lang) {
        (true, Lang::Zh) => "合格",
        (false, Lang::Zh) => "不合格",
        (true, Lang::En) => "PASS",
        (false, Lang::En) => "FAIL",
    }
}

/// One sentence with the verdict and why, e.g. `结论：不合格（错误 3 处；按 --fail-on error）`.
pub fn verdict_line(r: &Report, lang: Lang) -> String {
    let word = verdict_word(r.valid, lang);
    let level = r.fail_on.as_str();
    match lang {
        Lang::Zh => {
            let at = level_word(r.fail_on, Lang::Zh);
            if r.valid {
                format!("结论：{word}（无{at}及以上级别的问题；--fail-on {level}）")
            } else {
                format!("结论：{word}（{at}及以上级别的问题 {} 处；--fail-on {level}）", r.failing())
            }
        }
        Lang::En => {
            if r.valid {
                format!("Result: {word} (no finding at {level} or above; --fail-on {level})")
            } else {
                format!("Result: {word} ({} at {level} or above; --fail-on {level})", count_en(r.failing(), "finding"))
            }
        }
    }
}

/// The key of `by_type` for records whose type could not be read.
pub(crate) const UNKNOWN_TYPE: &str = "(unknown)";

/// A `by_type` key as shown to a reader: the record type, or "type unknown" in `lang`.
pub(crate) fn type_label(key: &str, lang: Lang) -> &str {
    if key == UNKNOWN_TYPE { lang.pick("（类型不明）", "(unknown)") } else { key }
}

/// `n` and `word` in English, with an `s` unless `n` is 1: `1 finding`, `2 findings`.
pub(crate) fn count_en(n: u64, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// The counts of findings in English: `1 error, 2 warnings, 0 info`.
pub(crate) fn levels_en(r: &Report) -> String {
    format!("{}, {}, {} info", count_en(r.errors, "error"), count_en(r.warnings, "warning"), r.infos)
}

/// The label of a sharing level in `lang`.
pub(crate) fn sharing_label(l: SharingLevel, lang: Lang) -> String {
    use linli_model::codes::CodeTable;
    format!("{} ({})", l.code(), lang.pick(l.label_zh(), l.label_en()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_patterns() {
        assert!(glob("schema-*", "schema-required"));
        assert!(glob("*-check-*", "id-number-check-character"));
        assert!(glob("a*", "a"));
        assert!(!glob("schema-*", "json-syntax"));
        assert!(glob("json-syntax", "json-syntax"));
        assert!(!glob("json", "json-syntax"));
        assert!(glob("*", ""));
        assert!(!glob("a*a", "a"));
    }

    #[test]
    fn a_filter_takes_codes_requirements_and_globs_and_refuses_what_names_nothing() {
        let f = RuleFilter::new(vec!["schema-*".into(), "con-002".into()], vec!["schema-required".into()]).unwrap();
        assert!(f.keeps("schema-type", Some("CON-004")));
        assert!(f.keeps("json-syntax", Some("CON-002")));
        assert!(!f.keeps("schema-required", Some("CON-006")));
        assert!(!f.keeps("duplicate-id", Some("DAT-003")));
        assert_eq!(RuleFilter::new(vec!["no-such-rule".into()], vec![]).unwrap_err().pattern, "no-such-rule");
        assert!(RuleFilter::new(vec![], vec!["XYZ-999".into()]).is_err());
    }

    fn finding(code: &'static str, level: Level) -> Finding {
        Finding::with_code(code, level, Some("CON-002"), "zh", "en")
    }

    #[test]
    fn every_rule_found_has_an_example_and_counting_is_never_capped() {
        let mut r = Report::new(String::new());
        r.limits = Limits { max_findings: 5, max_per_rule: 3 };
        for _ in 0..100 {
            r.push(finding("json-syntax", Level::Error));
        }
        for _ in 0..10 {
            r.push(finding("utf8-bom", Level::Warning));
        }
        r.push(finding("blank-lines", Level::Info));
        r.finalize();
        assert_eq!(r.errors + r.warnings + r.infos, 111);
        let listed: Vec<(&str, u64, u64)> = r.rules.iter().map(|x| (x.code.as_str(), x.count, x.listed)).collect();
        assert_eq!(listed, [("json-syntax", 100, 3), ("utf8-bom", 10, 2), ("blank-lines", 1, 1)]);
        assert_eq!(r.findings.len(), 6);
        assert_eq!(r.findings_omitted, 105);
        // Grouped by rule in the order of `rules`.
        let order: Vec<&str> = r.findings.iter().map(|f| f.code.as_ref()).collect();
        assert_eq!(order, ["json-syntax", "json-syntax", "json-syntax", "utf8-bom", "utf8-bom", "blank-lines"]);
    }

    #[test]
    fn the_verdict_follows_the_fail_level() {
        for (fail_on, want) in [(Level::Error, true), (Level::Warning, false), (Level::Info, false)] {
            let mut r = Report::new(String::new());
            r.fail_on = fail_on;
            r.push(finding("utf8-bom", Level::Warning));
            r.finalize();
            assert_eq!(r.valid, want, "{fail_on:?}");
        }
    }

    #[test]
    fn findings_of_rules_not_checked_are_not_counted() {
        let mut r = Report::new(String::new());
        r.rule_filter = RuleFilter::new(vec![], vec!["json-*".into()]).unwrap();
        r.push(finding("json-syntax", Level::Error));
        r.push(finding("utf8-bom", Level::Warning));
        r.finalize();
        assert_eq!((r.errors, r.warnings, r.findings_filtered), (0, 1, 1));
        assert!(r.valid);
    }
}

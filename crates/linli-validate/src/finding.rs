//! Findings as reported to people and machines (spec `spec/20-findings.md`, `spec/21-validation.md`).

use std::borrow::Cow;

use linli_model::RecordType;
use linli_model::check::{self, Level};
use serde::Serialize;

/// One problem found by the validator: where (file, line, JSON pointer), what (stable code,
/// requirement), how bad (level), and a message in both languages. The offending value is cut
/// to 64 characters and masked when the member holds personal information `[PRI-004]`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// Stable code, e.g. `id-number-check-character`, `schema-required`.
    pub code: Cow<'static, str>,
    /// Level.
    pub level: Level,
    /// Requirement ID in `spec/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<&'static str>,
    /// File, as given on the command line (or relative to the dataset directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// JSON pointer (RFC 6901) into the record; empty for the whole record or line.
    pub pointer: String,
    /// Type of the record, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_type: Option<RecordType>,
    /// Id of the record, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// The offending value, truncated and masked as needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Message in Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
}

impl Finding {
    /// A finding with no location yet. The code is typed — one of a code table: the
    /// validator's ([`crate::codes::Code`]), the model's semantic checks
    /// ([`linli_model::check::FindingCode`]), the adapters' — so that a mistyped code does not
    /// compile.
    pub fn new(
        code: impl linli_model::support::code::TableCode,
        level: Level,
        requirement: Option<&'static str>,
        message_zh: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Self::with_code(code.as_code_str(), level, requirement, message_zh, message_en)
    }

    /// A finding whose code a typed table gave already (a finding of the model's checks, a
    /// schema violation's code by its table, a finding read back from the spill log).
    pub(crate) fn with_code(
        code: impl Into<Cow<'static, str>>,
        level: Level,
        requirement: Option<&'static str>,
        message_zh: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Finding {
            code: code.into(),
            level,
            requirement,
            file: None,
            line: None,
            pointer: String::new(),
            record_type: None,
            record_id: None,
            value: None,
            message_zh: message_zh.into(),
            message_en: message_en.into(),
        }
    }

    /// Set the JSON pointer.
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = pointer.into();
        self
    }

    /// Set the value, masking it if `(record_type, pointer)` is a marked member.
    pub fn with_value(mut self, value: &str) -> Self {
        let masked = match self.record_type {
            Some(ty) => linli_model::sensitivity::classify(ty, &self.pointer).is_some(),
            None => false,
        };
        self.value =
            Some(linli_model::text::truncate(&if masked { check::mask_middle(value) } else { value.to_owned() }, 64));
        self
    }

    /// Set the value given where a code of `table` belongs (an `enum` of the schemas): shown in
    /// full when [`shown_as_code`] says it cannot hold personal data, else as [`Finding::with_value`]
    /// masks it `[PRI-004]`.
    pub fn with_code_value(mut self, value: &str, table: Option<&linli_model::codes::TableInfo>) -> Self {
        if shown_as_code(value, table) {
            self.value = Some(linli_model::text::truncate(value, 64));
            self
        } else {
            self.with_value(value)
        }
    }

    /// The finding as every report prints it: a personal number anywhere in it — file, pointer
    /// (member names), record id, value or message — masked by [`linli_model::redact::redact`]
    /// `[PRI-011]`. [`crate::report::Report::push`] applies it to every finding it keeps.
    pub fn redacted(mut self) -> Self {
        use linli_model::redact::redact;
        fn fix(s: &mut String) {
            if let std::borrow::Cow::Owned(o) = redact(s) {
                *s = o;
            }
        }
        // An id outside the form of [CON-010] may hold what no digit rule finds — a name
        // (`张三`, `王秀英-01`): masked as [PRI-004] masks, like the value of an id member.
        if let Some(id) = self.record_id.as_mut() {
            mask_unless_id(id);
            if let std::borrow::Cow::Owned(o) = linli_model::redact::redact_id(id) {
                *id = o;
            }
        }
        let id_member = self.pointer.ends_with("/id") || self.pointer.ends_with("/sourceId");
        if let Some(v) = self.value.as_mut() {
            if id_member {
                mask_unless_id(v);
            } else if !is_plain(v) {
                *v = check::mask_middle(v);
            }
        }
        // A member name beyond ASCII (`/extensions/acme/沈建华`) is shown as a value is.
        if !self.pointer.is_ascii() {
            self.pointer = self
                .pointer
                .split('/')
                .map(|seg| if is_plain(seg) { seg.to_owned() } else { check::mask_middle(seg) })
                .collect::<Vec<_>>()
                .join("/");
        }
        for s in [self.file.as_mut(), self.record_id.as_mut(), self.value.as_mut()].into_iter().flatten() {
            fix(s);
        }
        fix(&mut self.pointer);
        fix(&mut self.message_zh);
        fix(&mut self.message_en);
        self
    }

    /// The message in `lang` (`zh` or anything else for English).
    pub fn message(&self, zh: bool) -> &str {
        if zh { &self.message_zh } else { &self.message_en }
    }
}

/// Mask `s` as [PRI-004] masks (`张*`) unless it has the form of an id `[CON-010]` — ASCII
/// letters, digits and `. _ : ~ -` — which cannot hold a name in Chinese characters `[PRI-011]`.
fn mask_unless_id(s: &mut String) {
    if !linli_model::text::Id::FAST.is_some_and(|m| m(s)) {
        *s = check::mask_middle(s);
    }
}

/// Whether `s` is printed as it is in a finding's value, pointer or quoted member name: ASCII
/// (a name in Chinese characters cannot hide in it; personal numbers in it are masked by
/// [`linli_model::redact`]), or a code or a label of a code table (`汉族`). Anything else — a name
/// where a time belongs, an unknown member `沈建华` — is masked as [PRI-004] masks `[PRI-011]`.
pub fn is_plain(s: &str) -> bool {
    s.is_ascii() || linli_model::codes::all_tables().iter().any(|t| code_or_label_of(t, s))
}

/// Whether `value` is a code, a Chinese label or an English label (any letter case) of `table`.
fn code_or_label_of(table: &linli_model::codes::TableInfo, value: &str) -> bool {
    table.codes.iter().any(|(c, zh, en)| *c == value || *zh == value || en.eq_ignore_ascii_case(value))
}

/// `s` as [`is_plain`] says it is printed: as it is, or masked.
pub fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    if is_plain(s) { std::borrow::Cow::Borrowed(s) } else { std::borrow::Cow::Owned(check::mask_middle(s)) }
}

/// Whether a value found where a code belongs is shown in full although its member is marked
/// `[PRI-004]`: a code is no personal data. It is when it is a code or a label of `table` (any
/// table when `None`), or — `table` given — when it has the form of a code and cannot be a
/// name or a personal number: 1 to 32 characters `A-Z a-z 0-9 . _ -`, no more than 6 digits in a
/// row, holding a digit or one of `. _ -` or no longer than 4 characters, and nothing in it
/// that [`linli_model::redact`] masks `[PRI-011]`.
pub fn shown_as_code(value: &str, table: Option<&linli_model::codes::TableInfo>) -> bool {
    if value.is_empty() || value.chars().count() > 32 || linli_model::redact::redact(value) != value {
        return false;
    }
    let Some(table) = table else {
        // Without a table only a code of some table, which has a code's form.
        return code_form(value)
            && linli_model::codes::all_tables().iter().any(|t| t.codes.iter().any(|c| c.0 == value));
    };
    code_or_label_of(table, value) || code_form(value)
}

/// `A-Z a-z 0-9 . _ -` only, at most 6 digits in a row, and a digit, a separator or at most 4
/// characters (a word of 5 letters or more could be a name written in pinyin).
fn code_form(value: &str) -> bool {
    let allowed = value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    let longest_digits = value.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
    let marked = value.bytes().any(|b| b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
    allowed && longest_digits <= 6 && (marked || value.len() <= 4)
}

impl From<(&check::Finding, Option<RecordType>, Option<&str>)> for Finding {
    fn from((f, ty, id): (&check::Finding, Option<RecordType>, Option<&str>)) -> Self {
        let mut out =
            Finding::with_code(f.code, f.level, Some(f.requirement), f.message_zh.clone(), f.message_en.clone());
        out.pointer = f.pointer.clone();
        out.record_type = ty;
        out.record_id = id.map(str::to_owned);
        // Mask by the check's own mark or by the schema's mark for the member — but a code of a
        // code table, unmarked by the check, is no personal data and is shown in full.
        let marked = f.sensitivity.is_some()
            || (ty.is_some_and(|t| linli_model::sensitivity::classify(t, &f.pointer).is_some())
                && !f.raw_value().is_some_and(|v| shown_as_code(v, None)));
        out.value = f
            .raw_value()
            .map(|v| linli_model::text::truncate(&if marked { check::mask_middle(v) } else { v.to_owned() }, 64));
        out
    }
}

/// Chinese text followed by `rest`, with a space between when `rest` starts with a Latin letter
/// or a digit (`应为 3 至 20 位`, `这是 CSV 表格`), as everywhere in the Chinese messages.
pub(crate) fn zh_then(head: &str, rest: &str) -> String {
    if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        format!("{head} {rest}")
    } else {
        format!("{head}{rest}")
    }
}

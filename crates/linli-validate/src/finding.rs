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
    /// A finding with no location yet.
    pub fn new(
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

impl From<(&check::Finding, Option<RecordType>, Option<&str>)> for Finding {
    fn from((f, ty, id): (&check::Finding, Option<RecordType>, Option<&str>)) -> Self {
        let mut out = Finding::new(f.code, f.level, Some(f.requirement), f.message_zh.clone(), f.message_en.clone());
        out.pointer = f.pointer.clone();
        out.record_type = ty;
        out.record_id = id.map(str::to_owned);
        // Mask by the check's own mark or by the schema's mark for the member.
        let marked =
            f.sensitivity.is_some() || ty.is_some_and(|t| linli_model::sensitivity::classify(t, &f.pointer).is_some());
        out.value = f
            .value
            .as_deref()
            .map(|v| linli_model::text::truncate(&if marked { check::mask_middle(v) } else { v.to_owned() }, 64));
        out
    }
}

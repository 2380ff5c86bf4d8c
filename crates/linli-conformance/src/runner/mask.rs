//! What an adapter says about a case (its `error` text, its standard error) may quote the
//! records it was sent: before it reaches a report or the log it is masked `[CNF-068]` — the
//! values the runner itself sent in members marked personal or sensitive `[PRI-001]`, personal
//! numbers in any form `[PRI-011]`, long digit runs `[PRI-004]` — and cut to a length.

use std::sync::{Arc, Mutex};

use linli_model::codes::CodeTable;
use serde_json::Value;

use super::process::mask_long_numbers;

/// Most characters of an adapter's text kept in a report `[CNF-068]`.
pub(crate) const ADAPTER_TEXT_MAX: usize = 500;

/// Shortest value masked: one character says nothing of a person.
const MIN_CHARS: usize = 2;

/// Shortest value of ASCII letters and digits alone masked: shorter ones are codes (`01` an
/// ethnic group, `CHN` a nationality, `1` a gender) that say nothing of the person, and masked
/// they would garble every number and word of a report that holds them.
const MIN_ASCII_CHARS: usize = 4;

/// Whether a marked value is masked where it appears: not a code, not a record type (a
/// reference's `{"type": "Person", …}` among an event's subjects).
fn worth_masking(s: &str) -> bool {
    let n = s.chars().count();
    let code_like = s.chars().all(|c| c.is_ascii_alphanumeric());
    n >= MIN_CHARS && !(code_like && n < MIN_ASCII_CHARS) && linli_model::RecordType::from_code(s).is_none()
}

/// The string values of the members marked personal or sensitive (`x-linli-sensitivity`,
/// [`linli_model::sensitivity`]) in every Linli record found in `v` (a record, an array of
/// records, or any JSON holding records: an object whose `type` names a record type).
pub(crate) fn personal_values(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => match o.get("type").and_then(Value::as_str).and_then(linli_model::RecordType::from_code) {
            Some(ty) => in_record(v, Some(ty), String::new(), out),
            None => o.values().for_each(|x| personal_values(x, out)),
        },
        Value::Array(a) => a.iter().for_each(|x| personal_values(x, out)),
        _ => {}
    }
}

/// The personal values of what a request sends as a record (`record`, each of `records`) —
/// read as a record whatever its `type`: an invalid vector may have none, or a wrong one, and is
/// then read with the marks of every record type — and of any record elsewhere in it.
pub(crate) fn sent_values(request: &Value, out: &mut Vec<String>) {
    let mut as_record = |r: &Value| {
        // A record sent as JSON text (a vector of a malformed document): read as what it holds.
        let parsed = r.as_str().and_then(|t| serde_json::from_str::<Value>(t).ok());
        let r = parsed.as_ref().unwrap_or(r);
        let ty = r.get("type").and_then(Value::as_str).and_then(linli_model::RecordType::from_code);
        in_record(r, ty, String::new(), out);
    };
    if let Some(r) = request.get("record") {
        as_record(r);
    }
    for r in request.get("records").and_then(Value::as_array).into_iter().flatten() {
        as_record(r);
    }
    if let Value::Object(o) = request {
        for (k, x) in o {
            if k != "record" && k != "records" {
                personal_values(x, out);
            }
        }
    }
}

/// Whether `pointer` is marked in a record of type `ty` (any record type when not known).
fn marked(ty: Option<linli_model::RecordType>, pointer: &str) -> bool {
    use linli_model::sensitivity::classify;
    match ty {
        Some(ty) => classify(ty, pointer).is_some(),
        None => linli_model::RecordType::ALL.iter().any(|t| classify(*t, pointer).is_some()),
    }
}

fn in_record(v: &Value, ty: Option<linli_model::RecordType>, pointer: String, out: &mut Vec<String>) {
    if !pointer.is_empty() && marked(ty, &pointer) {
        strings(v, out);
        return;
    }
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let key = k.replace('~', "~0").replace('/', "~1");
                in_record(x, ty, format!("{pointer}/{key}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                in_record(x, ty, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        // A reference's type (`{"type": "Person", "id": …}` among an event's subjects) says
        // nothing of the person, and masked it would garble every report.
        Value::String(s) if worth_masking(s.trim()) => {
            out.push(s.trim().to_owned());
        }
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        // The scheme of an identifier and the type and id of a reference say nothing of the person.
        Value::Object(o) => {
            o.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "scheme" | "type" | "id"))
                .for_each(|(_, x)| strings(x, out));
        }
        _ => {}
    }
}

/// The personal values sent to the adapter so far in a run, longest first: shared by the case
/// loop, which adds the values of each case before sending it, and the thread that writes the
/// adapter's standard error to its log.
#[derive(Clone, Default)]
pub(crate) struct Sent(Arc<Mutex<Vec<String>>>);

impl Sent {
    /// Add the personal values of `v` (a request about to be sent: [`sent_values`]).
    pub(crate) fn add(&self, v: &Value) {
        let mut found = Vec::new();
        sent_values(v, &mut found);
        if found.is_empty() {
            return;
        }
        if let Ok(mut all) = self.0.lock() {
            all.extend(found);
            // Longest first, so that a value inside another is not masked first.
            all.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then_with(|| a.cmp(b)));
            all.dedup();
        }
    }

    /// An adapter's text for a report: masked, then cut ([`cap`]).
    pub(crate) fn adapter_text(&self, text: &str) -> String {
        cap(&self.mask(text))
    }

    /// `text` masked by [`mask_values`] with every value sent so far.
    pub(crate) fn mask(&self, text: &str) -> String {
        match self.0.lock() {
            Ok(all) => mask_values(text, &all),
            // A poisoned lock (a panic elsewhere): nothing of the text is trusted.
            Err(_) => "[linli: text withheld]".to_owned(),
        }
    }
}

/// `text` with every occurrence of a value of `values` (longest first) replaced by its masked
/// form ([`linli_model::check::mask_middle`]), then personal numbers
/// ([`linli_model::redact::redact`]) and runs of 11 or more digits masked.
pub(crate) fn mask_values(text: &str, values: &[String]) -> String {
    let mut t = text.to_owned();
    for v in values {
        if t.contains(v.as_str()) {
            t = t.replace(v.as_str(), &masked(v));
        }
    }
    mask_long_numbers(&linli_model::redact::redact(&t))
}

/// Longest value masked in the manner of a name or number (its first and last characters kept);
/// a longer one is free text (a description, an address), whose first characters may hold a
/// name the runner learns only from a later case, and keeps none.
const MASK_MIDDLE_MAX: usize = 18;

/// The masked form of a value: its first and last characters at most, never the whole of a
/// short one (`张*`, `苏E*****5`); nothing of a free text longer than [`MASK_MIDDLE_MAX`]
/// characters (`******…`).
fn masked(v: &str) -> String {
    if v.chars().count() > MASK_MIDDLE_MAX {
        return "******…".to_owned();
    }
    let m = linli_model::check::mask_middle(v);
    if m == v {
        // Too short for mask_middle to hide anything: all but the first character.
        v.chars().enumerate().map(|(i, c)| if i == 0 { c } else { '*' }).collect()
    } else {
        m
    }
}

/// What an adapter wrote, cut to [`ADAPTER_TEXT_MAX`] characters: applied after masking, so
/// that a cut never halves a value and leaves its first part unmasked.
pub(crate) fn cap(text: &str) -> String {
    let n = text.chars().count();
    if n <= ADAPTER_TEXT_MAX {
        return text.to_owned();
    }
    let kept: String = text.chars().take(ADAPTER_TEXT_MAX).collect();
    format!("{kept}… [{} more characters]", n - ADAPTER_TEXT_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_free_text_keeps_none_of_its_characters() {
        // A description that opens with a name the runner has not yet seen as a name.
        let text = format!("居民王𠮷反映：{}", "楼道内堆放纸箱，".repeat(10));
        let case = serde_json::json!({"op": "validate", "record": {"type": "Case", "id": "c-1", "description": text}});
        let sent = Sent::default();
        sent.add(&case);
        let out = sent.mask(&format!("refused: {text}"));
        assert!(!out.contains('王') && !out.contains("纸箱") && out.starts_with("refused: "), "{out}");
        // A name keeps its first character, as every masked name does.
        assert_eq!(masked("王玉兰"), "王*兰");
    }

    #[test]
    fn values_of_marked_members_are_found_and_masked() {
        let person = serde_json::json!({"op": "validate", "record": {"type": "Person", "id": "p-1", "name": "张伟",
            "phones": ["13812345678"], "identifiers": [{"scheme": "resident-id", "value": "32050819800315462X"}],
            "nationality": "CHN", "ethnicGroup": "01", "meta": {"source": "vendor"}}});
        // An invalid vector without a type: read with the marks of every type.
        let untyped = serde_json::json!({"op": "roundtrip", "record": {"name": "周建国"}});
        let text = serde_json::json!({"op": "validate", "record": "{\"type\":\"Person\",\"name\":\"朱秀兰\"}"});
        let thing = serde_json::json!([{"type": "Thing", "id": "t-1", "vehicle": {"plateNumber": "苏E12345"}}]);
        let sent = Sent::default();
        sent.add(&person);
        sent.add(&untyped);
        sent.add(&text);
        sent.add(&serde_json::json!({"op": "export", "records": thing}));
        let said = "CHN 01 2024-03-01 resident-id 周建国 朱秀兰 Person refused: {\"name\":\"张伟\",\"phones\":[\"138 1234 5678\"],\"id\":\"32050819800315462X\"} plate 苏E12345 p-1 vendor";
        let out = sent.mask(said);
        for raw in ["周建国", "朱秀兰", "张伟", "13812345678", "138 1234 5678", "32050819800315462X", "苏E12345"]
        {
            assert!(!out.contains(raw), "{raw} in {out}");
        }
        // What is not personal stays readable.
        assert!(
            out.contains("p-1") && out.contains("vendor") && out.contains("Person") && out.contains("refused"),
            "{out}"
        );
    }

    #[test]
    fn a_long_text_is_cut() {
        let long = "x".repeat(ADAPTER_TEXT_MAX + 10);
        let c = cap(&long);
        assert!(c.starts_with(&"x".repeat(ADAPTER_TEXT_MAX)) && c.contains("[10 more characters]"), "{c}");
        assert_eq!(cap("short"), "short");
    }
}

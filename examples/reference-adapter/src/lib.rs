//! The reference adapter of the Linli conformance suite (`linli reference-adapter`).
//!
//! It behaves like a small vendor product that keeps records in its own native shape — flat rows
//! with Chinese column names, and times as local wall-clock strings with the offset in a column of
//! its own — and converts both ways. It speaks the harness protocol on standard input and output.
//! With `--fault`, it misbehaves in one known way, so that tests can show the suite catches it.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use linli_conformance::protocol::{CaseResponse, PROTOCOL, Product, Request, StartResponse, StopResponse};
use linli_conformance::vector::Class;
use linli_model::RecordType;
use linli_model::codes::CodeTable;
use serde_json::{Map, Value};

/// A way to misbehave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Loses one member on the way back (the last column of the row).
    DropField,
    /// Gives times back without their offset (local wall-clock time only).
    NoOffset,
    /// Accepts resident ID numbers with a wrong check character.
    AcceptBadId,
    /// Never answers the first `validate`.
    Hang,
    /// Answers `validate` with text that is not JSON.
    Garbage,
    /// Declares its version as `latest`.
    Latest,
    /// Answers the first `validate` with a line of 64 MiB.
    Flood,
}

/// What the adapter declares at `start` besides its product.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    /// The classes it claims; empty: every current class.
    pub classes: Vec<Class>,
    /// Cases it skips, with the reason.
    pub skips: Vec<(String, String)>,
}

impl Fault {
    /// Parse a `--fault` value.
    pub fn parse(s: &str) -> Option<Fault> {
        Some(match s {
            "drop-field" => Fault::DropField,
            "no-offset" => Fault::NoOffset,
            "accept-bad-id" => Fault::AcceptBadId,
            "hang" => Fault::Hang,
            "garbage" => Fault::Garbage,
            "latest" => Fault::Latest,
            "flood" => Fault::Flood,
            _ => return None,
        })
    }

    /// Every fault, by name.
    pub const NAMES: &'static [&'static str] =
        &["drop-field", "no-offset", "accept-bad-id", "hang", "garbage", "latest", "flood"];
}

/// Top-level members that hold a timestamp, kept natively as local time plus an offset column.
const TIME_MEMBERS: &[&str] = &["occurredAt", "endedAt", "reportedAt", "deadline"];

/// Chinese column names of a record type's top-level members, from the schema's titles.
fn columns(ty: RecordType) -> BTreeMap<String, String> {
    let schema = linli_model::schema::schema_for(ty);
    let mut out = BTreeMap::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let mut used = std::collections::BTreeSet::new();
        for (k, v) in props {
            let zh = v.get("x-linli-title-zh").and_then(Value::as_str).unwrap_or(k).to_owned();
            // Keep names unique: a repeated title gets the member name appended.
            let name = if used.insert(zh.clone()) { zh } else { format!("{zh}（{k}）") };
            out.insert(k.clone(), name);
        }
    }
    out
}

/// The native form: a flat row of columns, every value a string.
type Row = Vec<(String, String)>;

/// Canonical record → native row.
fn to_native(record: &Value) -> Result<(RecordType, Row), String> {
    let obj = record.as_object().ok_or("not an object")?;
    let ty = obj.get("type").and_then(Value::as_str).and_then(RecordType::from_code).ok_or("unknown type")?;
    let cols = columns(ty);
    let mut row = Row::new();
    for (k, v) in obj {
        let col = cols.get(k).cloned().unwrap_or_else(|| format!("扩展列:{k}"));
        match v {
            Value::String(s) if TIME_MEMBERS.contains(&k.as_str()) && s.len() >= 19 => {
                // 2024-05-21T09:30:00+08:00 → "2024-05-21 09:30:00" and "+08:00"
                row.push((col.clone(), s[..19].replacen('T', " ", 1)));
                row.push((format!("{col}时区"), s[19..].to_owned()));
            }
            // Like a spreadsheet: a cell starting with `=` holds a structured value as JSON; a
            // text that itself starts with `=` or `'` is quoted with `'`.
            Value::String(s) if s.starts_with('=') || s.starts_with('\'') => row.push((col, format!("'{s}"))),
            Value::String(s) => row.push((col, s.clone())),
            other => row.push((col, format!("={other}"))),
        }
    }
    Ok((ty, row))
}

/// Native row → canonical record.
fn from_native(ty: RecordType, row: &Row, fault: Option<Fault>) -> Value {
    let back: BTreeMap<String, String> = columns(ty).into_iter().map(|(k, v)| (v, k)).collect();
    let cells: BTreeMap<&str, &str> = row.iter().map(|(c, v)| (c.as_str(), v.as_str())).collect();
    let mut obj = Map::new();
    for (col, val) in row {
        if col.ends_with("时区") && cells.contains_key(col.trim_end_matches("时区")) {
            continue;
        }
        let member = back
            .get(col)
            .cloned()
            .or_else(|| col.strip_prefix("扩展列:").map(str::to_owned))
            .unwrap_or_else(|| col.clone());
        let value = if TIME_MEMBERS.contains(&member.as_str()) {
            let offset = if fault == Some(Fault::NoOffset) {
                ""
            } else {
                cells.get(format!("{col}时区").as_str()).copied().unwrap_or("")
            };
            Value::String(format!("{}{offset}", val.replacen(' ', "T", 1)))
        } else {
            match (val.strip_prefix('='), val.strip_prefix('\'')) {
                (Some(json), _) => serde_json::from_str::<Value>(json).unwrap_or_else(|_| Value::String(val.clone())),
                (None, Some(text)) => Value::String(text.to_owned()),
                (None, None) => Value::String(val.clone()),
            }
        };
        obj.insert(member, value);
    }
    Value::Object(obj)
}

/// Take `records` in (through the native form) and export them as a dataset into `dir`.
fn export(records: &[Value], dir: &std::path::Path, fault: Option<Fault>) -> Result<(), String> {
    let mut files: BTreeMap<&'static str, String> = BTreeMap::new();
    for r in records {
        let (ty, mut row) = to_native(r)?;
        if fault == Some(Fault::DropField) {
            row.pop();
        }
        let back = from_native(ty, &row, fault);
        let line = files.entry(ty.schema_stem()).or_default();
        line.push_str(&back.to_string());
        line.push('\n');
    }
    for (stem, text) in &files {
        std::fs::write(dir.join(format!("{stem}.ndjson")), text).map_err(|e| e.to_string())?;
    }
    let text = |s: &str| linli_model::text::Text::new(s).map_err(|e| e.to_string());
    let producer = linli_model::manifest::Producer {
        vendor: text("Linli")?,
        product: text("reference adapter")?,
        product_version: text(env!("CARGO_PKG_VERSION"))?,
    };
    let created: linli_model::datetime::Timestamp =
        "2024-05-22T08:00:00+08:00".parse().map_err(|e: linli_model::Error| e.to_string())?;
    let manifest =
        linli_validate::dataset::build_manifest(dir, producer, linli_model::codes::SharingLevel::Internal, created)?;
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(linli_model::manifest::MANIFEST_FILE), format!("{json}\n")).map_err(|e| e.to_string())
}

/// Serve the harness protocol on `input`/`output` until `stop` or the end of input.
pub fn serve(
    input: impl BufRead,
    mut output: impl Write,
    fault: Option<Fault>,
    declared: &Declared,
) -> std::io::Result<()> {
    let validator = linli_validate::Validator::new().map_err(|e| std::io::Error::other(e.to_string()))?;
    for line in input.lines() {
        let line = line?;
        let req: Request = match serde_json::from_str(&line) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("reference-adapter: bad request: {e}");
                continue;
            }
        };
        let answer = match req {
            Request::Start { seq, protocol, .. } => {
                if protocol != PROTOCOL {
                    eprintln!("reference-adapter: unknown protocol {protocol}");
                }
                serde_json::to_string(&StartResponse {
                    seq,
                    product: Product {
                        vendor: "Linli".into(),
                        name: "reference adapter".into(),
                        version: if fault == Some(Fault::Latest) {
                            "latest".into()
                        } else {
                            env!("CARGO_PKG_VERSION").into()
                        },
                    },
                    standard_versions: vec![linli_model::STANDARD_VERSION.into()],
                    classes: if declared.classes.is_empty() {
                        Class::CURRENT.to_vec()
                    } else {
                        declared.classes.clone()
                    },
                    skips: declared
                        .skips
                        .iter()
                        .map(|(case, reason)| linli_conformance::protocol::Skip {
                            case: case.clone(),
                            reason: reason.clone(),
                        })
                        .collect(),
                })
            }
            Request::Validate { seq, case, record } => {
                if fault == Some(Fault::Hang) {
                    loop {
                        std::thread::sleep(std::time::Duration::from_secs(3600));
                    }
                }
                if fault == Some(Fault::Flood) {
                    let chunk = vec![b'x'; 1 << 20];
                    for _ in 0..64 {
                        output.write_all(&chunk)?;
                    }
                    writeln!(output)?;
                    output.flush()?;
                    continue;
                }
                if fault == Some(Fault::Garbage) {
                    writeln!(output, "<<< this is not JSON >>>")?;
                    output.flush()?;
                    continue;
                }
                let out = validator.validate_value(&record);
                let accepted = !out.findings.iter().any(|f| {
                    f.level == linli_model::check::Level::Error
                        && !(fault == Some(Fault::AcceptBadId) && f.code == "id-number-check-character")
                });
                serde_json::to_string(&CaseResponse { seq, case, accepted: Some(accepted), record: None, error: None })
            }
            Request::Roundtrip { seq, case, record } => {
                let resp = match to_native(&record) {
                    Ok((ty, mut row)) => {
                        if fault == Some(Fault::DropField) {
                            row.pop();
                        }
                        CaseResponse {
                            seq,
                            case,
                            accepted: None,
                            record: Some(from_native(ty, &row, fault)),
                            error: None,
                        }
                    }
                    Err(e) => CaseResponse { seq, case, accepted: None, record: None, error: Some(e) },
                };
                serde_json::to_string(&resp)
            }
            Request::Export { seq, case, records, directory } => {
                let resp = match export(&records, std::path::Path::new(&directory), fault) {
                    Ok(()) => CaseResponse { seq, case, accepted: None, record: None, error: None },
                    Err(e) => CaseResponse { seq, case, accepted: None, record: None, error: Some(e) },
                };
                serde_json::to_string(&resp)
            }
            Request::Stop { seq } => {
                writeln!(output, "{}", serde_json::to_string(&StopResponse { seq }).unwrap_or_default())?;
                output.flush()?;
                return Ok(());
            }
        };
        writeln!(output, "{}", answer.unwrap_or_default())?;
        output.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_rows_round_trip() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../records/event-smoke-alarm.json"))
            .unwrap_or_default();
        let record: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let (ty, row) = to_native(&record).unwrap_or((RecordType::Event, Row::new()));
        assert!(row.iter().any(|(c, _)| c == "发生时间"), "{row:?}");
        assert!(row.iter().any(|(c, v)| c == "发生时间时区" && v == "+08:00"), "{row:?}");
        assert_eq!(from_native(ty, &row, None), record);
        let odd = serde_json::json!({"type": "Person", "name": "=1", "gender": "1", "phones": ["138"], "extensions": {"a": {"x": "'q"}}});
        let (ty2, row2) = to_native(&odd).unwrap_or((RecordType::Person, Row::new()));
        assert_eq!(from_native(ty2, &row2, None), odd);
        assert_ne!(from_native(ty, &row, Some(Fault::NoOffset)), record);
    }
}

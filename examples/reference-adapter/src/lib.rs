//! The reference adapter of the Linli conformance suite (the `linli-reference-adapter` program;
//! not part of the shipped `linli`).
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
    /// Shares data at a sharing level without masking it (only the manifest says the level).
    Leak,
    /// Conforming: keeps every Timestamp in UTC and gives it back with `Z` ([CON-024]).
    Utc,
    /// Conforming: drops empty arrays, empty `extensions` and a Case's `anonymous: false`
    /// ([CON-007]).
    DropEmpty,
    /// Keeps every number as a double and gives integers back as `2.0` ([CON-008]).
    FloatInt,
    /// Answers every `roundtrip` with `error` (the product cannot give records back).
    ErrorAnswer,
    /// Declares that it implements standard version 9.9.9 only.
    OldStandard,
    /// Folds ids to lower case ([CON-011]: ids are compared exactly).
    LowercaseIds,
    /// Rejects records whose `extensions` hold anything ([COR-041]).
    RejectExtensions,
    /// Resolves references while it reads, in the order it is given, and silently loses a
    /// reference to a record it has not read yet ([DAT-005]).
    OrderDependent,
    /// Rejects records that hold an empty array, an empty `extensions` or `anonymous: false`
    /// ([CON-007]: they must be accepted as if absent).
    RejectEmpty,
    /// A streaming reader that rejects a record whose first member is not `type` ([COR-004]).
    TypeFirst,
    /// Keeps records by id alone: a record replaces an earlier one of another type with the same
    /// id ([COR-023]).
    IndexById,
    /// Shares with the profile of the level but keeps the Events' media (face pictures).
    KeepMedia,
    /// Shares with the profile of the level but keeps the Persons' residences as they are (room
    /// level at `public`).
    KeepResidences,
    /// Ignores the key the harness sends and pseudonymises with a key of its own.
    OwnKey,
    /// Ignores the reference time the harness sends: `createdAt` is now, and ages are judged today.
    WallClock,
    /// Writes the `source` of every loss entry as free text of its own and leaves out `target`:
    /// legal, since only kind, code and pointer are compared `[CNF-035]`.
    LossSourceText,
    /// Reports the first loss entry of a conversion with a wrong pointer (one level too deep).
    WrongLossPointer,
}

/// What the adapter declares at `start` besides its product.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    /// The classes it claims; empty: every class an adapter can claim.
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
            "leak" => Fault::Leak,
            "utc" => Fault::Utc,
            "drop-empty" => Fault::DropEmpty,
            "float-int" => Fault::FloatInt,
            "error-answer" => Fault::ErrorAnswer,
            "old-standard" => Fault::OldStandard,
            "lowercase-ids" => Fault::LowercaseIds,
            "reject-extensions" => Fault::RejectExtensions,
            "order-dependent" => Fault::OrderDependent,
            "reject-empty" => Fault::RejectEmpty,
            "type-first" => Fault::TypeFirst,
            "index-by-id" => Fault::IndexById,
            "keep-media" => Fault::KeepMedia,
            "keep-residences" => Fault::KeepResidences,
            "own-key" => Fault::OwnKey,
            "wall-clock" => Fault::WallClock,
            "loss-source-text" => Fault::LossSourceText,
            "wrong-loss-pointer" => Fault::WrongLossPointer,
            _ => return None,
        })
    }

    /// Every fault, by name.
    pub const NAMES: &'static [&'static str] = &[
        "drop-field",
        "no-offset",
        "accept-bad-id",
        "hang",
        "garbage",
        "latest",
        "flood",
        "leak",
        "utc",
        "drop-empty",
        "float-int",
        "error-answer",
        "old-standard",
        "lowercase-ids",
        "reject-extensions",
        "order-dependent",
        "reject-empty",
        "type-first",
        "index-by-id",
        "keep-media",
        "keep-residences",
        "own-key",
        "wall-clock",
        "loss-source-text",
        "wrong-loss-pointer",
    ];
}

/// How a variant changes a record on its way out of the native store.
fn variant_out(record: Value, fault: Option<Fault>) -> Value {
    fn walk(v: Value, f: &dyn Fn(Value) -> Value) -> Value {
        let v = match v {
            Value::Object(o) => Value::Object(o.into_iter().map(|(k, x)| (k, walk(x, f))).collect()),
            Value::Array(a) => Value::Array(a.into_iter().map(|x| walk(x, f)).collect()),
            other => other,
        };
        f(v)
    }
    match fault {
        Some(Fault::Utc) => walk(record, &|v| match v {
            Value::String(s) => match linli_model::datetime::Timestamp::parse(&s) {
                Ok(t) => Value::String(
                    linli_model::datetime::Timestamp::from_offset_datetime(
                        t.as_offset_datetime().to_offset(time::UtcOffset::UTC),
                    )
                    .to_string(),
                ),
                Err(_) => Value::String(s),
            },
            other => other,
        }),
        Some(Fault::DropEmpty) => {
            let is_case = record.get("type").and_then(Value::as_str) == Some("Case");
            let mut out = walk(record, &|v| match v {
                Value::Object(o) => Value::Object(
                    o.into_iter()
                        .filter(|(k, x)| match x {
                            Value::Array(a) => !a.is_empty(),
                            Value::Object(m) => !(k == "extensions" && m.is_empty()),
                            _ => true,
                        })
                        .collect(),
                ),
                other => other,
            });
            if is_case && out.get("anonymous") == Some(&Value::Bool(false)) {
                if let Some(o) = out.as_object_mut() {
                    o.remove("anonymous");
                }
            }
            out
        }
        Some(Fault::FloatInt) => walk(record, &|v| match v {
            Value::Number(n) if !n.is_f64() => {
                n.as_f64().and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or(Value::Number(n))
            }
            other => other,
        }),
        Some(Fault::LowercaseIds) => {
            let mut r = record;
            if let Some(Value::String(id)) = r.get_mut("id") {
                *id = id.to_lowercase();
            }
            r
        }
        _ => record,
    }
}

/// [`Fault::RejectEmpty`]: whether a record holds an empty array, an empty `extensions` or a
/// Case's `anonymous: false`.
fn holds_empty(v: &Value) -> bool {
    match v {
        Value::Object(o) => o.iter().any(|(k, x)| match x {
            Value::Array(a) if a.is_empty() => true,
            Value::Object(m) if k == "extensions" && m.is_empty() => true,
            Value::Bool(false) if k == "anonymous" => true,
            other => holds_empty(other),
        }),
        Value::Array(a) => a.iter().any(holds_empty),
        _ => false,
    }
}

/// [`Fault::TypeFirst`]: whether the record in a raw `validate` request line starts with `type`.
fn type_first(line: &str) -> bool {
    line.split_once("\"record\":")
        .is_some_and(|(_, rest)| rest.trim_start().trim_start_matches('{').trim_start().starts_with("\"type\""))
}

/// [`Fault::OrderDependent`]: drop every reference (`{"type", "id"}` object) to a record that
/// comes later in `records`.
fn drop_forward_references(records: &mut [Value]) {
    fn is_ref(v: &Value) -> Option<(String, String)> {
        let o = v.as_object()?;
        if o.len() != 2 {
            return None;
        }
        Some((o.get("type")?.as_str()?.to_owned(), o.get("id")?.as_str()?.to_owned()))
    }
    fn prune(v: &mut Value, later: &std::collections::BTreeSet<(String, String)>) {
        match v {
            Value::Object(o) => {
                o.retain(|_, x| !is_ref(x).is_some_and(|k| later.contains(&k)));
                o.values_mut().for_each(|x| prune(x, later));
            }
            Value::Array(a) => {
                a.retain(|x| !is_ref(x).is_some_and(|k| later.contains(&k)));
                a.iter_mut().for_each(|x| prune(x, later));
            }
            _ => {}
        }
    }
    let key = |r: &Value| {
        (
            // A record without a string type or id (the suite sends none) gets the default,
            // empty, key: it is then compared under that key like any other.
            r.get("type").and_then(Value::as_str).unwrap_or_default().to_owned(),
            // (The same default for the id.)
            r.get("id").and_then(Value::as_str).unwrap_or_default().to_owned(),
        )
    };
    let mut later: std::collections::BTreeSet<(String, String)> = records.iter().map(key).collect();
    for r in records.iter_mut() {
        later.remove(&key(r));
        prune(r, &later);
    }
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
    let mut records = records.to_vec();
    if fault == Some(Fault::OrderDependent) {
        drop_forward_references(&mut records);
    }
    if fault == Some(Fault::IndexById) {
        // The last record with an id wins, whatever its type.
        let mut seen = std::collections::BTreeSet::new();
        // (A record without an id counts under the default, empty id: one of them is kept.)
        let mut kept: Vec<Value> = records
            .into_iter()
            .rev()
            .filter(|r| seen.insert(r.get("id").and_then(Value::as_str).unwrap_or_default().to_owned()))
            .collect();
        kept.reverse();
        records = kept;
    }
    for r in &records {
        let (ty, mut row) = to_native(r)?;
        if fault == Some(Fault::DropField) {
            row.pop();
        }
        let back = variant_out(from_native(ty, &row, fault), fault);
        let line = files.entry(ty.schema_stem()).or_default();
        line.push_str(&back.to_string());
        line.push('\n');
    }
    for (stem, text) in &files {
        std::fs::write(dir.join(format!("{stem}.ndjson")), text).map_err(|e| e.to_string())?;
    }
    let text = |s: &str| linli_model::text::Text::new(s).map_err(|e| e.to_string());
    let producer = linli_model::manifest::Producer::new(
        text("Linli")?,
        text("reference adapter")?,
        text(env!("CARGO_PKG_VERSION"))?,
    );
    let created: linli_model::datetime::Timestamp =
        "2024-05-22T08:00:00+08:00".parse().map_err(|e: linli_model::Error| e.to_string())?;
    let manifest =
        linli_validate::dataset::build_manifest(dir, producer, linli_model::codes::SharingLevel::Internal, created)?;
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(linli_model::manifest::MANIFEST_FILE), format!("{json}\n")).map_err(|e| e.to_string())
}

/// A key of this process's own, made for this session only (never written anywhere): what a
/// product that ignores the test key would use (fault `own-key`).
fn session_key() -> Result<linli_privacy::Key, String> {
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = Vec::with_capacity(32);
    for i in 0..4u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0),
        );
        bytes.extend_from_slice(&h.finish().to_le_bytes());
    }
    linli_privacy::Key::new(&bytes, "session").map_err(|e| e.to_string())
}

/// What a `share` request asks besides the records `[CNF-036]`.
struct ShareRequest<'a> {
    level: &'a str,
    dir: &'a std::path::Path,
    /// The test key: the pseudonymisation key for this case.
    key: &'a str,
    /// The reference time: the manifest's `createdAt`, and the date ages are judged on.
    reference_time: &'a str,
}

/// Take records in and export them at a sharing level: the native export, then the built-in
/// profile of the level (`linli-privacy`) into `dir`, with the key and the reference time sent.
fn share(records: &[Value], req: &ShareRequest<'_>, fault: Option<Fault>) -> Result<(), String> {
    let dir = req.dir;
    let level = <linli_model::codes::SharingLevel as linli_model::codes::CodeTable>::from_code(req.level)
        .ok_or_else(|| format!("unknown sharing level `{}`", req.level))?;
    let staging = dir.with_extension("staging");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(|e| e.to_string())?;
    let done = (|| {
        export(records, &staging, fault)?;
        if fault == Some(Fault::Leak) {
            // Declares the level but changes nothing.
            for f in std::fs::read_dir(&staging).map_err(|e| e.to_string())?.flatten() {
                std::fs::copy(f.path(), dir.join(f.file_name())).map_err(|e| e.to_string())?;
            }
            let path = dir.join(linli_model::manifest::MANIFEST_FILE);
            let mut m: Value = serde_json::from_str(&std::fs::read_to_string(&path).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?;
            m["sharingLevel"] = Value::String(linli_model::codes::CodeTable::code(level).to_owned());
            return std::fs::write(&path, m.to_string()).map_err(|e| e.to_string());
        }
        let profile = linli_privacy::Profile::for_level(level).map_err(|e| e.to_string())?;
        let key = match (profile.needs_key(), fault) {
            (false, _) => None,
            (true, Some(Fault::OwnKey)) => Some(session_key()?),
            (true, _) => {
                Some(linli_privacy::Key::new(req.key.as_bytes(), "the share request").map_err(|e| e.to_string())?)
            }
        };
        let created_at = match fault {
            Some(Fault::WallClock) => None,
            _ => Some(
                linli_model::datetime::Timestamp::parse(req.reference_time)
                    .map_err(|e| format!("reference_time: {e}"))?,
            ),
        };
        let opts = linli_privacy::Options {
            profile: &profile,
            key: key.as_ref(),
            created_at,
            tool: linli_model::text::Text::new(concat!("linli reference adapter ", env!("CARGO_PKG_VERSION")))
                .map_err(|e| e.to_string())?,
            threads: 0,
        };
        linli_privacy::mask_path(&staging, dir, &opts).map_err(|e| e.to_string())?;
        match fault {
            Some(Fault::KeepMedia) => restore(records, dir, "Event", "media"),
            Some(Fault::KeepResidences) => restore(records, dir, "Person", "residences"),
            _ => Ok(()),
        }
    })();
    let _ = std::fs::remove_dir_all(&staging);
    done
}

/// Put member `member` of the records of type `ty` back as it was sent, into the shared dataset
/// in `dir`, and write the manifest's counts and digests again (faults `keep-media`,
/// `keep-residences`).
fn restore(records: &[Value], dir: &std::path::Path, ty: &str, member: &str) -> Result<(), String> {
    let sent: BTreeMap<&str, &Value> =
        records.iter().filter(|r| r["type"] == ty).filter_map(|r| Some((r["id"].as_str()?, r.get(member)?))).collect();
    let path = dir.join(linli_model::manifest::MANIFEST_FILE);
    let mut manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    for f in manifest["files"].as_array_mut().into_iter().flatten() {
        // The manifest was just written by linli-privacy with a path for every file; should one
        // lack it, the default (the folder itself) fails to read as a file and the error is returned.
        let file = dir.join(f["path"].as_str().unwrap_or_default());
        let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
        let mut out = String::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let mut r: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
            if let Some(v) = r["id"].as_str().and_then(|id| sent.get(id)).filter(|_| r["type"] == ty) {
                r[member] = (*v).clone();
            }
            out.push_str(&r.to_string());
            out.push('\n');
        }
        std::fs::write(&file, &out).map_err(|e| e.to_string())?;
        use sha2::Digest;
        let digest: String = sha2::Sha256::digest(out.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        f["sha256"] = Value::String(digest);
    }
    std::fs::write(&path, format!("{:#}\n", manifest)).map_err(|e| e.to_string())
}

/// A `convert` request's content.
struct ConvertRequest {
    from: String,
    to: String,
    input: Option<Value>,
    input_base64: Option<String>,
    mapping: Option<String>,
    options: linli_conformance::vector::ConvertOptions,
}

/// What a conversion gives, in the protocol's terms.
struct ConvertAnswer {
    records: Option<Vec<Value>>,
    output: Option<Value>,
    loss: Vec<linli_conformance::protocol::ReportedLoss>,
    findings: Vec<linli_conformance::protocol::ReportedFinding>,
}

impl ConvertAnswer {
    fn into_response(self, seq: u64, case: String) -> CaseResponse {
        CaseResponse {
            records: self.records,
            output: self.output,
            loss: Some(self.loss),
            findings: Some(self.findings),
            ..CaseResponse::new(seq, case)
        }
    }
}

/// Convert with the reference adapters (`linli-adapters`).
fn convert(r: &ConvertRequest) -> Result<ConvertAnswer, String> {
    use base64::Engine;
    use linli_adapters::convert::{self as c, Format};
    // The mapping is per format [ADP-032]: a table's column mapping, else the format's own
    // mapping file (TOML text) given to the reader as it is.
    let table = ["csv", "xlsx"].contains(&r.from.as_str()) || r.to == "csv";
    let mapping = r
        .mapping
        .as_deref()
        .filter(|_| table)
        .map(linli_adapters::csv_table::Mapping::from_toml)
        .transpose()
        .map_err(|e| e.to_string())?;
    let format_mapping = r.mapping.clone().filter(|_| !table);
    let bytes = match (&r.input_base64, &r.input) {
        (Some(b), _) => base64::engine::general_purpose::STANDARD.decode(b).map_err(|e| e.to_string())?,
        (None, Some(Value::String(s))) => s.clone().into_bytes(),
        (None, Some(v)) => serde_json::to_vec(v).map_err(|e| e.to_string())?,
        (None, None) => return Err("no input".into()),
    };
    let mut answer = ConvertAnswer { records: None, output: None, loss: Vec::new(), findings: Vec::new() };
    let records = if r.from == "linli" {
        let values: Vec<Value> = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        values
            .into_iter()
            .map(linli_model::Record::from_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?
    } else {
        let format = Format::parse(&r.from).ok_or_else(|| format!("unknown format `{}`", r.from))?;
        let at = match &r.options.received_at {
            Some(t) => linli_model::datetime::Timestamp::parse(t).map_err(|e| e.to_string())?,
            None => linli_model::datetime::Timestamp::parse("2000-01-01T00:00:00Z").map_err(|e| e.to_string())?,
        };
        let mut opts = c::ReadOptions::new(at);
        opts.mapping.clone_from(&mapping);
        opts.format_mapping = format_mapping;
        opts.encoding.clone_from(&r.options.encoding);
        if let Some(d) = &r.options.datum {
            opts.datum = linli_adapters::coords::Datum::parse(d).ok_or_else(|| format!("unknown datum `{d}`"))?;
        }
        let converted = match c::read(format, &bytes, &opts) {
            Ok(c) => c,
            // A register refused as a whole because most mapped columns are missing [ADP-017]:
            // in the protocol, no record and the one finding of the refusal at `file` (the input
            // as a whole, chapter 22.1), as the adapter vectors express it.
            Err(e) if e.code() == "csv-columns-missing" => {
                answer.records = Some(Vec::new());
                answer.findings.push(linli_conformance::protocol::ReportedFinding {
                    code: e.code().to_owned(),
                    at: "file".to_owned(),
                });
                return Ok(answer);
            }
            Err(e) => return Err(e.to_string()),
        };
        answer.loss.extend(converted.loss.entries.iter().map(reported));
        answer.findings.extend(converted.findings.iter().map(|f| linli_conformance::protocol::ReportedFinding {
            code: f.code.as_str().to_owned(),
            at: f.at.clone(),
        }));
        converted.records
    };
    if r.to == "linli" {
        answer.records = Some(records.iter().map(|x| serde_json::to_value(x).unwrap_or(Value::Null)).collect());
        return Ok(answer);
    }
    let format = Format::parse(&r.to).ok_or_else(|| format!("unknown format `{}`", r.to))?;
    // An Open311 mapping file also gives the preferred `service_code`s on writing [ADP-032].
    let open311 = |f: &str| f == "open311" || f == "open311-xml";
    let write_mapping = r.mapping.clone().filter(|_| open311(&r.to) && (r.from == "linli" || open311(&r.from)));
    let opts = c::WriteOptions {
        mapping,
        encoding: r.options.encoding.clone(),
        format_mapping: write_mapping,
        raw_csv_cells: false,
    };
    let written = c::write(format, &records, &opts).map_err(|e| e.to_string())?;
    answer.loss.extend(written.loss.entries.iter().map(reported));
    answer.output = Some(match serde_json::from_slice::<Value>(&written.bytes) {
        Ok(v) if format != Format::Csv => v,
        _ => Value::String(String::from_utf8_lossy(&written.bytes).into_owned()),
    });
    Ok(answer)
}

fn reported(l: &linli_adapters::Loss) -> linli_conformance::protocol::ReportedLoss {
    linli_conformance::protocol::ReportedLoss {
        // A unit variant always serialises as its name; the default (empty kind) is never taken.
        kind: serde_json::to_value(l.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
        code: l.code.as_str().to_owned(),
        pointer: l.pointer(),
        source: Some(l.source.clone()),
        target: l.target.clone(),
    }
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
                    standard_versions: vec![if fault == Some(Fault::OldStandard) {
                        "9.9.9".into()
                    } else {
                        linli_model::STANDARD_VERSION.into()
                    }],
                    classes: if declared.classes.is_empty() {
                        Class::ADAPTER.to_vec()
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
                let has_extensions = record.get("extensions").and_then(Value::as_object).is_some_and(|e| !e.is_empty());
                let refused = out.findings.iter().any(|f| {
                    f.level == linli_model::check::Level::Error
                        && !(fault == Some(Fault::AcceptBadId) && f.code == "id-number-check-character")
                }) || (fault == Some(Fault::RejectExtensions) && has_extensions)
                    || (fault == Some(Fault::RejectEmpty) && holds_empty(&record))
                    || (fault == Some(Fault::TypeFirst) && !type_first(&line));
                let accepted = !refused;
                serde_json::to_string(&CaseResponse { accepted: Some(accepted), ..CaseResponse::new(seq, case) })
            }
            Request::Roundtrip { seq, case, record } => {
                let resp = match to_native(&record) {
                    _ if fault == Some(Fault::ErrorAnswer) => CaseResponse {
                        error: Some("round trips are not supported".into()),
                        ..CaseResponse::new(seq, case)
                    },
                    Ok((ty, mut row)) => {
                        if fault == Some(Fault::DropField) {
                            row.pop();
                        }
                        let back = variant_out(from_native(ty, &row, fault), fault);
                        CaseResponse { record: Some(back), ..CaseResponse::new(seq, case) }
                    }
                    Err(e) => CaseResponse { error: Some(e), ..CaseResponse::new(seq, case) },
                };
                serde_json::to_string(&resp)
            }
            Request::Export { seq, case, records, directory } => {
                let resp = match export(&records, std::path::Path::new(&directory), fault) {
                    Ok(()) => CaseResponse::new(seq, case),
                    Err(e) => CaseResponse { error: Some(e), ..CaseResponse::new(seq, case) },
                };
                serde_json::to_string(&resp)
            }
            Request::Convert { seq, case, from, to, input, input_base64, mapping, options } => {
                let request = ConvertRequest { from, to, input, input_base64, mapping, options };
                let mut resp = match convert(&request) {
                    Ok(r) => r.into_response(seq, case),
                    Err(e) => CaseResponse { error: Some(e), ..CaseResponse::new(seq, case) },
                };
                let loss = resp.loss.as_mut();
                match fault {
                    // Loses a member silently: the last loss entry is not reported.
                    Some(Fault::DropField) => {
                        loss.map(Vec::pop);
                    }
                    Some(Fault::LossSourceText) => {
                        for (n, l) in loss.into_iter().flatten().enumerate() {
                            l.source = Some(format!("第 {} 项 / entry {}", n + 1, n + 1));
                            l.target = None;
                        }
                    }
                    Some(Fault::WrongLossPointer) => {
                        if let Some(l) = loss.and_then(|l| l.first_mut()) {
                            l.pointer.push_str("/0");
                        }
                    }
                    _ => {}
                }
                serde_json::to_string(&resp)
            }
            Request::Share { seq, case, level, records, directory, key, reference_time } => {
                let req = ShareRequest {
                    level: &level,
                    dir: std::path::Path::new(&directory),
                    key: &key,
                    reference_time: &reference_time,
                };
                let resp = match share(&records, &req, fault) {
                    Ok(()) => CaseResponse::new(seq, case),
                    Err(e) => CaseResponse { error: Some(e), ..CaseResponse::new(seq, case) },
                };
                serde_json::to_string(&resp)
            }
            Request::Stop { seq } => {
                let stop = serde_json::to_string(&StopResponse { seq }).map_err(std::io::Error::other)?;
                writeln!(output, "{stop}")?;
                output.flush()?;
                return Ok(());
            }
        };
        // An answer that does not serialise ends the session with the error, never an empty line.
        writeln!(output, "{}", answer.map_err(std::io::Error::other)?)?;
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

/// The `adapters` vectors of `conformance/adapters/`, run through the reference adapters. The
/// expectations are derived from the spec's field tables (chapter 18) and reviewed by hand
/// (`conformance/adapters/REVIEW.md`); the reference adapters must give exactly them. After a
/// deliberate, reviewed change, `LINLI_WRITE_ADAPTER_VECTORS=1` rewrites the `expected` member of
/// EXISTING vectors only (it never creates one) and refuses when `CI` is set: the adapter under
/// test never writes its own truth in CI.
#[cfg(test)]
mod adapter_vectors {
    use super::*;
    use linli_conformance::vector::{
        ExpectedAdapterFinding, ExpectedConversion, ExpectedLoss, adapter_vectors, suite_dir,
    };
    use std::ffi::OsString;
    use std::path::Path;

    /// Whether to rewrite expectations: only with `LINLI_WRITE_ADAPTER_VECTORS` set, and never
    /// when `CI` is set (any value).
    fn bless_mode(write: Option<OsString>, ci: Option<OsString>) -> Result<bool, String> {
        match (write, ci) {
            (None, _) => Ok(false),
            (Some(_), Some(ci)) => Err(format!(
                "LINLI_WRITE_ADAPTER_VECTORS 在 CI 中被拒绝（CI={}）：期望结果不能由被测适配器写出 / \
                 LINLI_WRITE_ADAPTER_VECTORS refused in CI (CI={}): the adapter under test does not write its own expectations",
                ci.to_string_lossy(),
                ci.to_string_lossy()
            )),
            (Some(_), None) => Ok(true),
        }
    }

    /// Rewrite the `expected` member of the existing vector file `path`; every other member is
    /// kept as it is. Refuses to create a file.
    fn rewrite_expected(path: &Path, expected: &ExpectedConversion) -> Result<(), String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "只能改写已有的向量，{} 无法读取：{e} / only existing vectors are rewritten; {}: {e}",
                path.display(),
                path.display()
            )
        })?;
        let mut v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let Some(obj) = v.as_object_mut() else {
            return Err(format!("{}: not a JSON object", path.display()));
        };
        if !obj.contains_key("expected") {
            return Err(format!("{}: no `expected` member to rewrite", path.display()));
        }
        obj.insert("expected".into(), serde_json::to_value(expected).map_err(|e| e.to_string())?);
        let text = serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?;
        std::fs::write(path, format!("{text}\n")).map_err(|e| format!("{}: {e}", path.display()))
    }

    #[test]
    fn the_bless_switch_refuses_in_ci_and_never_creates_a_vector() {
        let on = Some(OsString::from("1"));
        assert_eq!(bless_mode(None, None), Ok(false));
        assert_eq!(bless_mode(None, Some("true".into())), Ok(false));
        assert_eq!(bless_mode(on.clone(), None), Ok(true));
        let refused = bless_mode(on.clone(), Some("true".into())).unwrap_err();
        assert!(refused.contains("refused in CI") && refused.contains("CI 中被拒绝"), "{refused}");
        assert!(bless_mode(on, Some("".into())).is_err(), "CI set to anything refuses");
        let dir = std::env::temp_dir().join(format!("linli-bless-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let expected = ExpectedConversion { records: Some(vec![]), output: None, loss: vec![], findings: vec![] };
        let missing = dir.join("AD-9999.json");
        assert!(rewrite_expected(&missing, &expected).is_err());
        assert!(!missing.exists(), "the bless switch created a vector");
        let existing = dir.join("AD-9998.json");
        std::fs::write(
            &existing,
            r#"{"id": "AD-9998", "input": "x", "expected": {"records": [1], "loss": [], "findings": []}}"#,
        )
        .unwrap();
        rewrite_expected(&existing, &expected).unwrap();
        let back: Value = serde_json::from_str(&std::fs::read_to_string(&existing).unwrap()).unwrap();
        assert_eq!(back["input"], "x");
        assert_eq!(back["expected"]["records"], serde_json::json!([]));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The expectations agree with what `conformance/adapters/derive.py` derives from the
    /// spec's tables (Python standard library only; it never runs the adapters under test).
    #[test]
    fn vectors_agree_with_the_spec_derived_truth() {
        let script = suite_dir().join("adapters/derive.py");
        let out = std::process::Command::new("python3").arg(&script).output().unwrap_or_else(|e| {
            panic!("python3 是运行 {} 所必需的 / python3 is needed to run {}: {e}", script.display(), script.display())
        });
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The script can fail: a vector whose loss pointer, finding or record disagrees with the
    /// spec's tables is named.
    #[test]
    fn the_spec_derived_truth_catches_a_wrong_expectation() {
        let dir = std::env::temp_dir().join(format!("linli-derive-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (path, _) in adapter_vectors(&suite_dir()).unwrap() {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
        let tamper = |id: &str, f: &dyn Fn(&mut Value)| {
            let p = dir.join(format!("{id}.json"));
            let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            f(&mut v);
            std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
        };
        tamper("AD-0006", &|v| v["expected"]["loss"][0]["pointer"] = "/features/0/properties/osm_id2".into());
        tamper("AD-0017", &|v| v["expected"]["findings"][0]["at"] = "/0".into());
        tamper("AD-0009", &|v| v["expected"]["records"][0]["severity"] = "low".into());
        let out = std::process::Command::new("python3")
            .arg(suite_dir().join("adapters/derive.py"))
            .arg("--dir")
            .arg(&dir)
            .output()
            .expect("python3");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{text}");
        for id in ["AD-0006", "AD-0017", "AD-0009"] {
            assert!(text.contains(&format!("{id}: DIFFERS")), "{id}: {text}");
        }
        assert!(text.contains("3 vector(s) differ"), "{text}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn vectors_match_the_reference_adapters() {
        let write = bless_mode(std::env::var_os("LINLI_WRITE_ADAPTER_VECTORS"), std::env::var_os("CI"))
            .unwrap_or_else(|e| panic!("{e}"));
        let validator = linli_validate::Validator::new().expect("validator");
        let vectors = adapter_vectors(&suite_dir()).expect("adapter vectors");
        assert!(vectors.len() >= 20, "{} vectors", vectors.len());
        let mut failures = Vec::new();
        for (path, v) in vectors {
            let r = ConvertRequest {
                from: v.from.clone(),
                to: v.to.clone(),
                input: v.input.clone(),
                input_base64: v.input_base64.clone(),
                mapping: v.mapping.clone(),
                options: v.options.clone(),
            };
            let got = match convert(&r) {
                Ok(a) => a,
                Err(e) => {
                    failures.push(format!("{}: {e}", v.id));
                    continue;
                }
            };
            // Every code is documented, with the kind it is documented with [ADP-002].
            for l in &got.loss {
                let doc = linli_adapters::codes::describe(&l.code);
                match doc.map(|d| d.reported.as_str()) {
                    Some(kind) if kind == l.kind => {}
                    other => {
                        failures.push(format!("{}: {} reported as {}, documented {other:?}", v.id, l.code, l.kind))
                    }
                }
            }
            for f in &got.findings {
                if linli_adapters::codes::describe(&f.code).is_none() {
                    failures.push(format!("{}: finding code {} not documented", v.id, f.code));
                }
            }
            // Every record an adapter writes is valid Linli [ADP-004].
            for rec in got.records.iter().flatten() {
                let out = validator.validate_value(rec);
                if out.findings.iter().any(|f| f.level == linli_model::check::Level::Error) {
                    failures.push(format!("{}: invalid record {}: {:?}", v.id, rec["id"], out.findings));
                }
            }
            let mut loss: Vec<ExpectedLoss> = got
                .loss
                .iter()
                .map(|l| ExpectedLoss { kind: l.kind.clone(), code: l.code.clone(), pointer: l.pointer.clone() })
                .collect();
            let mut findings: Vec<ExpectedAdapterFinding> = got
                .findings
                .iter()
                .map(|f| ExpectedAdapterFinding { code: f.code.clone(), at: f.at.clone() })
                .collect();
            let (mut want_loss, mut want_findings) = (v.expected.loss.clone(), v.expected.findings.clone());
            for l in [&mut loss, &mut want_loss] {
                l.sort();
            }
            for f in [&mut findings, &mut want_findings] {
                f.sort();
            }
            let strip = |rs: &Option<Vec<Value>>| rs.as_deref().map(linli_conformance::protocol::without_meta);
            let same = strip(&got.records) == strip(&v.expected.records)
                && got.output == v.expected.output
                && loss == want_loss
                && findings == want_findings;
            if write && !same {
                let expected = ExpectedConversion { records: got.records, output: got.output, loss, findings };
                if let Err(e) = rewrite_expected(&path, &expected) {
                    failures.push(e);
                }
            } else if !same {
                failures.push(format!("{}: result differs from the vector ({})", v.id, path.display()));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

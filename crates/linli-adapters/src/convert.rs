//! One entry point for every format: read a vendor's bytes into canonical records, or write
//! canonical records in a vendor's format, always with the loss report and the findings
//! (`spec/18-adapters.md`). `linli convert`, the reference adapter of the conformance suite and
//! the `adapters` conformance class all go through here.

use crate::codes::Code;
use linli_model::datetime::Timestamp;
use linli_model::text::Text;
use linli_model::{Record, RecordType};
use serde_json::Value;

use crate::coords::Datum;
use crate::csv_table::Mapping;
use crate::{Error, Loss, LossKind, LossReport};

/// A format an adapter reads or writes (the `--from` / `--to` of `linli convert`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Format {
    /// A CSV export read or written with a column mapping (Persons).
    Csv,
    /// An Excel workbook (`.xlsx`), first sheet, with a column mapping (read only).
    Xlsx,
    /// GeoJSON Feature or FeatureCollection (Places).
    Geojson,
    /// CloudEvents 1.0, structured JSON mode, one event or a batch (Events).
    Cloudevents,
    /// FIWARE NGSI-LD entities, normalized (read: either form).
    NgsiLd,
    /// FIWARE NGSI-LD entities, key-values (read: either form).
    NgsiLdKeyValues,
    /// Open311 GeoReport v2 service requests, JSON (Cases).
    Open311,
    /// Open311 GeoReport v2 service requests, XML (Cases).
    Open311Xml,
    /// GA/T 1400 (视图库) objects: captures, devices, vehicles.
    Gat1400,
}

impl Format {
    /// Every format.
    pub const ALL: &'static [Format] = &[
        Format::Csv,
        Format::Xlsx,
        Format::Geojson,
        Format::Cloudevents,
        Format::NgsiLd,
        Format::NgsiLdKeyValues,
        Format::Open311,
        Format::Open311Xml,
        Format::Gat1400,
    ];

    /// The name used on the command line and in conformance vectors.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Geojson => "geojson",
            Format::Cloudevents => "cloudevents",
            Format::NgsiLd => "ngsi-ld",
            Format::NgsiLdKeyValues => "ngsi-ld-key-values",
            Format::Open311 => "open311",
            Format::Open311Xml => "open311-xml",
            Format::Gat1400 => "gat1400",
        }
    }

    /// The format of a name.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// Whether the format is JSON text.
    fn is_json(self) -> bool {
        !matches!(self, Format::Csv | Format::Xlsx | Format::Open311Xml)
    }

    /// Whether records read from the format can carry coordinates, so that `--datum` applies
    /// [ADP-075]. CSV and Excel tables map no column to a location.
    pub fn carries_coordinates(self) -> bool {
        !matches!(self, Format::Csv | Format::Xlsx)
    }

    /// Whether `other` is read by the same reader (the two NGSI-LD forms, the two Open311
    /// syntaxes are not: a JSON reader cannot read XML), so a hint at it would be no hint.
    fn same_reader(self, other: Format) -> bool {
        self == other
            || matches!(
                (self, other),
                (Format::NgsiLd, Format::NgsiLdKeyValues) | (Format::NgsiLdKeyValues, Format::NgsiLd)
            )
    }
}

/// The datum's name as `--datum` writes it.
fn datum_name(d: Datum) -> &'static str {
    match d {
        Datum::Gcj02 => "gcj02",
        Datum::Bd09 => "bd09",
        _ => "wgs84",
    }
}

/// Members of a GeoReport v2 service request (any one of them makes an object look like one).
const OPEN311_MEMBERS: &[&str] =
    &["service_request_id", "service_code", "service_name", "requested_datetime", "status_notes", "token"];

/// The format the bytes look like, from their shape alone [ADP-076]: what `linli convert`
/// names in its hint when the input has none of the shapes of the format asked for. The test
/// is cheap and conservative: `None` when nothing is clear.
///
/// - `PK\x03\x04` (a ZIP container) → [`Format::Xlsx`];
/// - XML with a `<service_requests>`, `<service_request>`, `<request>` or `<services>` element → [`Format::Open311Xml`];
/// - JSON (an object, or the first object of an array; a `data` array of a notification is looked into):
///   `specversion` → [`Format::Cloudevents`]; `type` `Feature`, `FeatureCollection` or a geometry type with
///   `coordinates` → [`Format::Geojson`]; `@context`, an `id` starting `urn:ngsi-ld:`, `type`
///   `Notification`, or `id` and `type` with attributes shaped `{"type","value"}` (NGSI-v2) →
///   [`Format::NgsiLd`]; a member of a GeoReport v2 request (`service_request_id`, `service_code`, …) →
///   [`Format::Open311`]; a member ending `ListObject` or `Object` whose name is a GA/T 1400 wrapper
///   (`FaceListObject`, `APEListObject`, `SubscribeNotificationListObject`, …) or a `DeviceID` /
///   `ApeID` / `FaceID` / `MotorVehicleID` member → [`Format::Gat1400`];
/// - other text whose first line has a comma, a tab or a semicolon between two non-empty fields and
///   is neither JSON nor XML → [`Format::Csv`] (not when its first 4096 bytes hold a NUL byte:
///   those are not text).
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(Format::Xlsx);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    let body = &body[start..];
    match body.first() {
        Some(b'<') => {
            let head = String::from_utf8_lossy(&body[..body.len().min(4096)]).to_ascii_lowercase();
            let open311 = ["<service_requests", "<service_request>", "<request>", "<services>", "<service>"];
            open311.iter().any(|t| head.contains(t)).then_some(Format::Open311Xml)
        }
        Some(b'{' | b'[') => {
            let v: Value = serde_json::from_slice(body).ok()?;
            sniff_json(&v)
        }
        // Bytes with a NUL are not text [ADP-010]: never a table, whatever their tabs.
        Some(_) if body[..body.len().min(4096)].contains(&0) => None,
        Some(_) => {
            let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
            let line = text.lines().next().unwrap_or("");
            let fields = |sep: char| line.split(sep).filter(|f| !f.trim().is_empty()).count() >= 2;
            (fields(',') || fields('\t') || fields(';') || fields('，')).then_some(Format::Csv)
        }
        None => None,
    }
}

/// [`sniff`] of a parsed JSON document.
fn sniff_json(v: &Value) -> Option<Format> {
    let obj = match v {
        Value::Array(items) => items.iter().find_map(Value::as_object)?,
        Value::Object(o) => o,
        _ => return None,
    };
    let ty = obj.get("type").and_then(Value::as_str).unwrap_or("");
    if obj.contains_key("specversion") {
        return Some(Format::Cloudevents);
    }
    const GEOMETRIES: &[&str] =
        &["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"];
    if ty == "Feature" || ty == "FeatureCollection" || (GEOMETRIES.contains(&ty) && obj.contains_key("coordinates")) {
        return Some(Format::Geojson);
    }
    if ty == "Notification" {
        if let Some(Value::Array(data)) = obj.get("data") {
            return data.first().map_or(Some(Format::NgsiLd), |d| sniff_json(d).or(Some(Format::NgsiLd)));
        }
    }
    let id = obj.get("id").and_then(Value::as_str).unwrap_or("");
    let v2_attribute = |m: &Value| m.as_object().is_some_and(|a| a.contains_key("type") && a.contains_key("value"));
    if obj.contains_key("@context")
        || id.starts_with("urn:ngsi-ld:")
        || (!id.is_empty() && !ty.is_empty() && obj.values().any(v2_attribute))
    {
        return Some(Format::NgsiLd);
    }
    if OPEN311_MEMBERS.iter().any(|m| obj.contains_key(*m)) {
        return Some(Format::Open311);
    }
    const GAT1400_IDS: &[&str] = &["DeviceID", "ApeID", "FaceID", "MotorVehicleID", "PersonID", "NonMotorVehicleID"];
    let gat_wrapper = |k: &String| {
        (k.ends_with("ListObject") || k.ends_with("Object")) && k.chars().next().is_some_and(char::is_uppercase)
    };
    if obj.keys().any(gat_wrapper) || GAT1400_IDS.iter().any(|k| obj.contains_key(*k)) {
        return Some(Format::Gat1400);
    }
    None
}

/// A problem with the input, at a row or JSON pointer, with a stable code (`spec/22-adapter-codes.md`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AdapterFinding {
    /// Stable code.
    pub code: Code,
    /// Where: a JSON pointer into the input, `row R`, `row R column C`, or `file`.
    pub at: String,
    /// Chinese explanation.
    pub message_zh: String,
    /// English explanation.
    pub message_en: String,
}

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Column mapping, required for CSV and Excel.
    pub mapping: Option<Mapping>,
    /// Text encoding of a CSV input (WHATWG label); detected when absent.
    pub encoding: Option<String>,
    /// Datum of the input's coordinates [ADP-070]; every reader that carries coordinates
    /// converts them to WGS-84.
    pub datum: Datum,
    /// A format's own mapping file (TOML text), besides the built-in one: Open311 `service_code`
    /// → category, NGSI entity types, CloudEvents types, GeoJSON properties (chapter 18, the
    /// format's section). CSV and Excel use [`ReadOptions::mapping`] instead.
    pub format_mapping: Option<String>,
    /// The time of the conversion: used where the input has no time of its own (GA/T 1400
    /// `meta.createdAt`, NGSI-LD `dateCreated`).
    pub received_at: Timestamp,
}

impl ReadOptions {
    /// Options with WGS-84 coordinates, a detected encoding and no mapping.
    pub fn new(received_at: Timestamp) -> Self {
        ReadOptions { mapping: None, encoding: None, datum: Datum::Wgs84, format_mapping: None, received_at }
    }
}

/// What reading gives.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    /// The records, in input order.
    pub records: Vec<Record>,
    /// Everything not carried over unchanged.
    pub loss: LossReport,
    /// Problems with the input; records that are fine are converted all the same.
    pub findings: Vec<AdapterFinding>,
    /// Where each record was read from, when the reader says (the JSON pointer of the request,
    /// Feature, CloudEvent, entity or GA/T 1400 object in the input, `/features/3`; empty for an
    /// input that is one item): parallel to `records`, or empty.
    pub sources: Vec<String>,
}

fn text(s: &str) -> Result<Text, Error> {
    Text::new(s).map_err(|e| Error::Input { format: "options", message: e.to_string() })
}

/// The JSON value of `bytes` and a loss entry for each number in it that is not read exactly
/// [ADP-080]: an integer beyond the `i64`/`u64` ranges (a 20-digit device code) is replaced by
/// its text as written, a string, so that it is carried over unchanged; any other such number
/// (more digits than a double holds) stays the nearest double. Either way the change is reported.
fn parse_json(format: Format, bytes: &[u8]) -> Result<(Value, Vec<Loss>), Error> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut value: Value = serde_json::from_slice(body)
        .map_err(|e| Error::Input { format: format.name(), message: format!("not JSON: {e}") })?;
    let Ok(text) = std::str::from_utf8(body) else {
        // Not reached: serde_json read it, so it is UTF-8. No number looked at, none reported.
        return Ok((value, Vec::new()));
    };
    let mut loss = Vec::new();
    for n in linli_model::json::inexact_numbers(text) {
        let (zh, en) = if n.integer {
            if let Some(v) = value.pointer_mut(&n.pointer) {
                *v = Value::String(n.text.clone());
            }
            (
                "超出 64 位整数范围的整数，按原文保存为字符串（作为数读取会被舍入）",
                "an integer beyond the 64-bit range, kept as its text, a string (read as a number it would be rounded)",
            )
        } else {
            (
                "位数多于双精度浮点数所能容纳的数，已舍入为最接近的双精度值",
                "a number with more digits than a double holds, rounded to the nearest double",
            )
        };
        loss.push(Loss {
            kind: LossKind::Normalised,
            source: n.pointer,
            target: None,
            code: Code::AdapterNumberNotExact,
            message_zh: zh.into(),
            message_en: en.into(),
        });
    }
    Ok((value, loss))
}

/// Errors given as `"<pointer>: <message>"` strings → coded findings.
pub(crate) fn not_converted(code: Code, errors: Vec<String>) -> impl Iterator<Item = AdapterFinding> {
    errors.into_iter().map(move |e| {
        let (at, msg) = match e.split_once(": ") {
            // The input as a whole is the empty JSON pointer (RFC 6901), chapter 22.
            Some(("(root)", msg)) => (String::new(), msg.to_owned()),
            Some((at, msg)) if at.starts_with('/') => (at.to_owned(), msg.to_owned()),
            _ => (String::new(), e.clone()),
        };
        AdapterFinding {
            code,
            at,
            message_zh: format!("此对象未转换：{msg}"),
            message_en: format!("not converted: {msg}"),
        }
    })
}

/// Rejected loss entries as findings (formats that report problems only in the loss report).
fn rejected_findings(loss: &LossReport) -> Vec<AdapterFinding> {
    loss.of(LossKind::Rejected)
        .map(|l| AdapterFinding {
            code: l.code,
            at: l.source.clone(),
            message_zh: l.message_zh.clone(),
            message_en: l.message_en.clone(),
        })
        .collect()
}

/// Read `bytes` of `format` into canonical records. Fails only when the input as a whole is
/// unusable (not JSON, no mapping for a table); problems with parts are findings.
///
/// The rules every reader shares (`spec/18-adapters.md` 18.8) are applied here, once:
/// - a datum other than WGS-84 for a format without coordinates is refused
///   ([`Error::DatumNotHonoured`], [ADP-075]);
/// - input that is not the format at all ([`Error::NotThisFormat`], [ADP-076]): bytes that do
///   not parse and look like another format, or a document from which the reader read nothing
///   while [`sniff`] recognises another format;
/// - every record the reader returns passes the semantic checks of `linli_model::check` or is
///   not returned: an `adapter-record-invalid` finding names its position and the check's code
///   [ADP-004].
pub fn read(format: Format, bytes: &[u8], opts: &ReadOptions) -> Result<Converted, Error> {
    if !format.carries_coordinates() && opts.datum != Datum::Wgs84 {
        return Err(Error::DatumNotHonoured { format: format.name(), datum: datum_name(opts.datum) });
    }
    // Another format the bytes look like (never the one asked for, nor one its reader also reads).
    let other = sniff(bytes).filter(|f| !format.same_reader(*f));
    let wrong = |detail: &str| Error::NotThisFormat { format: format.name(), looks_like: other, detail: detail.into() };
    let (json, number_loss) = if format.is_json() {
        match parse_json(format, bytes) {
            Ok(v) => v,
            Err(_) if other.is_some() => return Err(wrong("not JSON")),
            Err(e) => return Err(e),
        }
    } else {
        (Value::Null, Vec::new())
    };
    let mut out = match read_with(format, bytes, json, opts) {
        Err(Error::Input { .. }) if other.is_some() && opts.mapping.is_none() => {
            return Err(wrong("not readable as this format"));
        }
        r => r?,
    };
    if out.records.is_empty() && other.is_some() {
        return Err(wrong("nothing of it could be read as this format"));
    }
    // Reading the numbers came first: their entries lead the report.
    if !number_loss.is_empty() {
        out.loss.entries.splice(0..0, number_loss);
    }
    enforce_valid_records(format, &mut out);
    Ok(out)
}

/// [ADP-004]: a record with an error-level finding of the semantic checks is not returned; an
/// `adapter-record-invalid` finding names its position among the records read, its type, the
/// check's code and the member it concerns — never a value (it may be personal).
/// The largest record an adapter writes: one NDJSON line a validator reads ([DAT-002]: 16 MiB).
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// The deepest nesting of arrays and objects in a record an adapter writes, well within what a
/// validator parses ([CON-002]; serde_json and most parsers stop at 128).
pub const MAX_RECORD_DEPTH: usize = 100;

fn depth(v: &Value) -> usize {
    // Iterative, so that no input can exhaust the stack.
    let mut deepest = 0;
    let mut stack = vec![(v, 1usize)];
    while let Some((v, d)) = stack.pop() {
        match v {
            Value::Array(a) => {
                deepest = deepest.max(d);
                stack.extend(a.iter().map(|x| (x, d + 1)));
            }
            Value::Object(o) => {
                deepest = deepest.max(d);
                stack.extend(o.values().map(|x| (x, d + 1)));
            }
            _ => {}
        }
    }
    deepest
}

/// Why a record cannot be written whole as one NDJSON line a validator reads, if it cannot.
fn unwritable(record: &Record) -> Option<(String, String)> {
    let v = serde_json::to_value(record).ok()?;
    let d = depth(&v);
    if d > MAX_RECORD_DEPTH {
        return Some((
            format!("嵌套深度 {d} 超过 {MAX_RECORD_DEPTH}"),
            format!("nested {d} deep, more than {MAX_RECORD_DEPTH}"),
        ));
    }
    let n = serde_json::to_vec(&v).map(|b| b.len()).unwrap_or(0);
    (n > MAX_RECORD_BYTES).then(|| (format!("长度 {n} 字节超过 16 MiB"), format!("{n} bytes long, more than 16 MiB")))
}

/// The error-level findings a validator raises on one record by itself [ADP-004]: the semantic
/// checks of chapter 9 and the record-level privacy errors (an id or `meta.sourceId` holding a
/// resident ID or mobile number [CON-013]; an ID number in an event's or case's description
/// [EVT-010], [CAS-012]), as (code, JSON pointer). Never a value.
pub(crate) fn record_errors(record: &Record, ctx: &linli_model::check::Context<'_>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = linli_model::check::check_record(record, ctx)
        .into_iter()
        .filter(|f| f.level == linli_model::check::Level::Error)
        .map(|f| (f.code.to_string(), f.pointer))
        .collect();
    use linli_model::check::SharedCode;
    const ERRORS: &[SharedCode] =
        &[SharedCode::IdHoldsPersonalNumber, SharedCode::EventTextIdNumber, SharedCode::CaseTextIdNumber];
    for l in linli_privacy::leak::scan_record(record) {
        if ERRORS.contains(&l.code) {
            out.push((l.code.as_str().to_owned(), l.pointer));
        }
    }
    out
}

fn enforce_valid_records(format: Format, out: &mut Converted) {
    let ctx = linli_model::check::Context::default();
    let whole = if matches!(format, Format::Csv | Format::Xlsx) { "file" } else { "" };
    let mut kept = Vec::with_capacity(out.records.len());
    let sources = std::mem::take(&mut out.sources);
    let mut kept_sources = Vec::with_capacity(sources.len());
    let mut seen = std::collections::HashSet::new();
    for (i, record) in std::mem::take(&mut out.records).into_iter().enumerate() {
        let ty = record.record_type();
        // The item of the input the record was read from, when the reader says; else the
        // position among the records read.
        let source = sources.get(i);
        let at = source.map_or(whole, String::as_str);
        let (i_zh, i_en) = match source {
            Some(s) if !s.is_empty() => (format!("（输入 `{s}`）"), format!(" (input `{s}`)")),
            _ => (String::new(), String::new()),
        };
        // One id once per record type: a second record of the same id is not written
        // ([DAT-003]; e.g. two NGSI entities whose URNs end alike).
        if !seen.insert((ty, record.id().to_owned())) {
            out.findings.push(AdapterFinding {
                code: Code::AdapterDuplicateId,
                at: at.to_owned(),
                message_zh: format!("读取的第 {i} 条记录（{ty}，从 0 起计）{i_zh}的标识与前面的同类记录相同，未写出"),
                message_en: format!(
                    "record {i} read ({ty}, counting from 0){i_en} has the id of an earlier {ty} record; not written"
                ),
            });
            continue;
        }
        if let Some((zh, en)) = unwritable(&record) {
            out.findings.push(AdapterFinding {
                code: Code::AdapterRecordTooLarge,
                at: at.to_owned(),
                message_zh: format!(
                    "读取的第 {i} 条记录（{ty}，从 0 起计）{i_zh}{zh}，无法作为一行 NDJSON 写出，未写出"
                ),
                message_en: format!(
                    "record {i} read ({ty}, counting from 0){i_en} is {en}: it cannot be written as one NDJSON line; not written"
                ),
            });
            continue;
        }
        let errors = record_errors(&record, &ctx);
        if errors.is_empty() {
            kept.push(record);
            kept_sources.extend(source.cloned());
            continue;
        }
        for (code, pointer) in errors {
            out.findings.push(AdapterFinding {
                code: Code::AdapterRecordInvalid,
                at: at.to_owned(),
                message_zh: format!(
                    "读取的第 {i} 条记录（{ty}，从 0 起计）{i_zh}未通过语义检查 `{code}`（{pointer}），未写出"
                ),
                message_en: format!(
                    "record {i} read ({ty}, counting from 0){i_en} fails the semantic check `{code}` at `{pointer}`; not written"
                ),
            });
        }
    }
    out.records = kept;
    out.sources = kept_sources;
}

/// Whether a finding concerns something not converted (exit code 1 of `linli convert`)
/// rather than a note about a value that was converted [ADP-077]: every finding counts but
/// those whose code chapter 22 lists as `normalised` or `kept-in-extensions`.
pub fn is_refusal(finding: &AdapterFinding) -> bool {
    use crate::codes::Reported;
    !matches!(
        Some(finding.code.info().reported),
        Some(Reported::Loss(LossKind::Normalised | LossKind::KeptInExtensions))
    )
}

impl Converted {
    /// Whether every record converted: no finding is a refusal ([`is_refusal`]). Loss entries,
    /// notes and normalised values do not count [ADP-077].
    pub fn all_converted(&self) -> bool {
        !self.findings.iter().any(is_refusal)
    }
}

fn read_with(format: Format, bytes: &[u8], json: Value, opts: &ReadOptions) -> Result<Converted, Error> {
    let mut out = Converted::default();
    match format {
        Format::Csv | Format::Xlsx => {
            // The harness and the conformance protocol pass every format's mapping file as
            // `format_mapping`; for tables it is the column mapping.
            let parsed = match (&opts.mapping, &opts.format_mapping) {
                (None, Some(text)) => Some(Mapping::from_toml(text)?),
                _ => None,
            };
            let mapping = opts.mapping.as_ref().or(parsed.as_ref()).ok_or_else(|| Error::Input {
                format: format.name(),
                message: "a column mapping is required".into(),
            })?;
            let r = if format == Format::Xlsx {
                crate::csv_table::read_xlsx(bytes, mapping)?
            } else {
                crate::csv_table::read_table(bytes, mapping, opts.encoding.as_deref())?
            };
            out.findings = r
                .findings
                .into_iter()
                .map(|f| AdapterFinding {
                    code: f.code,
                    at: match (f.row, f.column) {
                        (0, _) => "file".to_owned(),
                        (row, None) => format!("row {row}"),
                        (row, Some(c)) => format!("row {row} column {c}"),
                    },
                    message_zh: f.message_zh,
                    message_en: f.message_en,
                })
                .collect();
            out.records = r.records;
            out.loss = r.loss;
        }
        Format::Geojson if crate::geojson::is_ngsi_ld_body(&json) => {
            // NGSI-LD entities in their GeoJSON form: read by what they are [ADP-062].
            read_ngsi(Format::NgsiLd, &json, opts, &mut out)?;
            out.loss.push(Loss {
                kind: LossKind::Normalised,
                source: String::new(),
                target: None,
                code: Code::GeojsonReadAsNgsiLd,
                message_zh: "输入是 GeoJSON 形式的 NGSI-LD 实体，已按 NGSI-LD 读取（第 18.3 节）".into(),
                message_en: "the input is NGSI-LD entities in their GeoJSON form, read as NGSI-LD (section 18.3)"
                    .into(),
            });
        }
        Format::Geojson => {
            let r = crate::geojson::read(&json, bytes, opts)?;
            out.records = r.places.into_iter().map(Record::from).collect();
            out.sources = if r.sources.len() == out.records.len() { r.sources } else { Vec::new() };
            out.loss = r.loss;
            out.findings = r.findings;
        }
        Format::Cloudevents => {
            let r = crate::cloudevents::read(&json, opts)?;
            out.records = r.events.into_iter().map(Record::from).collect();
            out.sources = if r.sources.len() == out.records.len() { r.sources } else { Vec::new() };
            out.loss = r.loss;
            out.findings = r.findings;
        }
        Format::NgsiLd | Format::NgsiLdKeyValues => read_ngsi(format, &json, opts, &mut out)?,
        Format::Open311 | Format::Open311Xml => {
            let (json, attribute_loss) = match format {
                Format::Open311Xml => crate::open311::requests_from_xml_with_loss(&String::from_utf8_lossy(bytes))?,
                _ => (json, LossReport::default()),
            };
            let mut o = crate::open311::Options::new(text("Open311")?, text("GeoReport v2")?);
            o.datum = opts.datum;
            if let Some(toml) = &opts.format_mapping {
                o.apply_mapping(toml)?;
            }
            if !crate::open311::looks_like_requests(&json) {
                let looks_like = sniff(bytes).filter(|f| !format.same_reader(*f));
                let detail = "no GeoReport v2 service request in it".to_owned();
                return Err(Error::NotThisFormat { format: format.name(), looks_like, detail });
            }
            let (cases, loss) = crate::open311::requests_to_cases_at(&json, &o);
            out.findings = rejected_findings(&loss);
            (out.records, out.sources) = cases.into_iter().map(|(c, at)| (Record::from(c), at)).unzip();
            out.loss = attribute_loss;
            out.loss.entries.extend(loss.entries);
        }
        Format::Gat1400 => {
            let mut o = crate::gat1400::Options::new(text("GA/T 1400")?, text("视图库")?, opts.received_at);
            o.datum = opts.datum;
            let (recs, loss) = crate::gat1400::read(&json, &o);
            out.findings = rejected_findings(&loss);
            out.records = recs
                .things
                .into_iter()
                .map(Record::from)
                .chain(recs.persons.into_iter().map(Record::from))
                .chain(recs.events.into_iter().map(Record::from))
                .collect();
            // Where each record was read from, so that an error names the input's object.
            out.sources = recs.thing_at.into_iter().chain(recs.person_at).chain(recs.event_at).collect();
            if out.sources.len() != out.records.len() {
                out.sources.clear();
            }
            out.loss = loss;
        }
    }
    Ok(out)
}

/// The NGSI-LD / NGSI-v2 reader (18.3), also used for GeoJSON input that is NGSI-LD entities in
/// their GeoJSON form [ADP-062].
fn read_ngsi(format: Format, json: &Value, opts: &ReadOptions, out: &mut Converted) -> Result<(), Error> {
    let mut o = crate::fiware::FromNgsi::new(opts.received_at);
    o.datum = opts.datum;
    if let Some(text) = &opts.format_mapping {
        let registry = crate::fiware::mapping::Registry::with_user(text)
            .map_err(|problems| Error::Mapping { format: format.name(), problems })?;
        o.mapping = Some(std::sync::Arc::new(registry));
    }
    let got = crate::fiware::read_entities(json, &o);
    out.records = got.records;
    out.sources = if got.sources.len() == out.records.len() { got.sources } else { Vec::new() };
    out.loss = got.loss;
    out.findings = got
        .findings
        .into_iter()
        .map(|f| AdapterFinding {
            // Every FIWARE finding is made from a typed code (`fiware::finding`), so the lookup
            // finds it; `fiware-not-converted` only were a model finding ever to carry another.
            code: Code::from_code(f.code).unwrap_or(Code::FiwareNotConverted),
            at: f.pointer,
            message_zh: f.message_zh,
            message_en: f.message_en,
        })
        .collect();
    out.findings.extend(got.refused.into_iter().map(|r| AdapterFinding {
        code: r.code,
        at: r.at,
        message_zh: format!("此实体未转换：{}", r.zh),
        message_en: format!("not converted: {}", r.en),
    }));
    Ok(())
}

/// How to write.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Column mapping, required for CSV.
    pub mapping: Option<Mapping>,
    /// Text encoding of a CSV output (default UTF-8 with a byte-order mark).
    pub encoding: Option<String>,
    /// The target format's own mapping file (TOML text): for Open311 (JSON and XML) the
    /// mapping file of [ADP-032], whose `[service_code]` entries give the preferred
    /// `service_code` of a category. Other formats ignore it; CSV uses [`WriteOptions::mapping`].
    pub format_mapping: Option<String>,
    /// CSV: write cells that start a formula as they are, not with a leading `'` [ADP-081]
    /// (an exact round trip, for a consumer that is no spreadsheet program).
    pub raw_csv_cells: bool,
}

/// What writing gives.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// The output document.
    pub bytes: Vec<u8>,
    /// Everything the format could not hold; records of a type the format cannot hold are
    /// `<format>-record-type-not-representable` entries with `source` `/<i>`.
    pub loss: LossReport,
    /// Records given that the output holds: those without a not-representable entry for the whole
    /// record (`source` `/<i>`) [ADP-077].
    pub records_written: usize,
}

/// The records given that `loss` does not say were left out whole: no not-representable entry
/// whose `source` is `/<i>`.
fn records_held(count: usize, loss: &LossReport) -> usize {
    let left_out: std::collections::BTreeSet<usize> = loss
        .entries
        .iter()
        .filter(|l| l.kind == LossKind::NotRepresentable)
        .filter_map(|l| l.source.strip_prefix('/')?.parse::<usize>().ok())
        .filter(|i| *i < count)
        .collect();
    count - left_out.len()
}

fn other_types(format: Format, records: &[Record], keep: &[RecordType], loss: &mut LossReport) {
    let code = match format {
        Format::Geojson => Code::GeojsonRecordTypeNotRepresentable,
        Format::Cloudevents => Code::CloudeventsRecordTypeNotRepresentable,
        Format::Open311 | Format::Open311Xml => Code::Open311RecordTypeNotRepresentable,
        _ => Code::Gat1400RecordTypeNotRepresentable,
    };
    for (i, r) in records.iter().enumerate().filter(|(_, r)| !keep.contains(&r.record_type())) {
        loss.push(Loss {
            kind: LossKind::NotRepresentable,
            source: format!("/{i}"),
            target: None,
            code,
            message_zh: format!("{} 不能容纳 {} 记录，`{}` 未写出", format.name(), r.record_type(), r.id()),
            message_en: format!("{} cannot hold {} records; `{}` not written", format.name(), r.record_type(), r.id()),
        });
    }
}

/// `/<prefix><k>/rest` → `/<at[k]>/rest`: a pointer into a filtered list of records made a
/// pointer into the records given.
fn input_pointer(source: &str, maps: &[(&str, &[usize])]) -> String {
    for (prefix, at) in maps {
        let Some(rest) = source.strip_prefix(prefix) else { continue };
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let (k, tail) = rest.split_at(digits);
        if let Some(i) = k.parse::<usize>().ok().and_then(|k| at.get(k)) {
            return format!("/{i}{tail}");
        }
    }
    source.to_owned()
}

/// `v` as pretty JSON and a line feed; a serialiser's error refuses the document (never an empty
/// one).
fn pretty(format: Format, v: &Value) -> Result<Vec<u8>, Error> {
    let mut s = serde_json::to_string_pretty(v)
        .map_err(|e| Error::Input { format: format.name(), message: format!("cannot be written as JSON: {e}") })?;
    s.push('\n');
    Ok(s.into_bytes())
}

/// Write canonical records in `format`.
pub fn write(format: Format, records: &[Record], opts: &WriteOptions) -> Result<Written, Error> {
    let mut out = Written::default();
    let (v, loss) = match format {
        Format::Csv => {
            let mapping = opts
                .mapping
                .as_ref()
                .ok_or_else(|| Error::Input { format: "csv", message: "a column mapping is required".into() })?;
            let w = if opts.raw_csv_cells {
                crate::csv_table::write_table_raw(records, mapping, opts.encoding.as_deref())?
            } else {
                crate::csv_table::write_table(records, mapping, opts.encoding.as_deref())?
            };
            let records_written = records_held(records.len(), &w.loss);
            return Ok(Written { bytes: w.bytes, loss: w.loss, records_written });
        }
        Format::Xlsx => {
            return Err(Error::Input {
                format: "xlsx",
                message: "writing Excel is not supported; write csv (UTF-8 with BOM, or GBK), which spreadsheet programs open"
                    .into(),
            });
        }
        Format::Geojson => {
            other_types(format, records, &[RecordType::Place], &mut out.loss);
            let places: Vec<_> =
                records.iter().filter_map(|r| if let Record::Place(p) = r { Some(p.clone()) } else { None }).collect();
            crate::geojson::places_to_collection(&places)
        }
        Format::Cloudevents => {
            other_types(format, records, &[RecordType::Event], &mut out.loss);
            let events: Vec<_> =
                records.iter().filter_map(|r| if let Record::Event(e) = r { Some(e.clone()) } else { None }).collect();
            (crate::cloudevents::events_to_batch(&events)?, LossReport::default())
        }
        Format::NgsiLd | Format::NgsiLdKeyValues => {
            let form =
                if format == Format::NgsiLd { crate::fiware::Form::Normalized } else { crate::fiware::Form::KeyValues };
            crate::fiware::to_ngsi_batch(records, form)
        }
        Format::Open311 | Format::Open311Xml => {
            other_types(format, records, &[RecordType::Case], &mut out.loss);
            let cases: Vec<_> =
                records.iter().filter_map(|r| if let Record::Case(c) = r { Some(c.clone()) } else { None }).collect();
            let mut o = crate::open311::Options::new(text("Open311")?, text("GeoReport v2")?);
            if let Some(toml) = &opts.format_mapping {
                o.apply_mapping(toml)?;
            }
            let (v, mut loss) = crate::open311::cases_to_requests(&cases, &o.categories);
            // Loss pointers name the record in `records`, not in the cases alone [ADP-002].
            let case_at: Vec<usize> = records
                .iter()
                .enumerate()
                .filter(|(_, r)| r.record_type() == RecordType::Case)
                .map(|(i, _)| i)
                .collect();
            for l in &mut loss.entries {
                l.source = input_pointer(&l.source, &[("/", &case_at)]);
            }
            if format == Format::Open311Xml {
                let (xml, mut more) = crate::open311::requests_to_xml(&v)?;
                for l in &mut more.entries {
                    // Where the member is in the records given: `description` is the case's
                    // own; every other member the XML writer can report (a non-scalar, a name
                    // that is no element name, a null, or text with a character XML forbids —
                    // the kept `service_code`/`service_name` among them) comes from the case's
                    // `extensions.open311`; the other members are written from values that
                    // hold none of these (ids, codes, times, numbers, labels).
                    let p = input_pointer(&l.source, &[("/", &case_at)]);
                    l.source = match p.get(1..).and_then(|r| r.split_once('/')) {
                        Some((i, "description")) => format!("/{i}/description"),
                        Some((i, k)) => format!("/{i}/extensions/{}/{k}", crate::open311::NAMESPACE),
                        None => p,
                    };
                }
                out.loss.entries.extend(loss.entries);
                out.loss.entries.extend(more.entries);
                out.bytes = xml.into_bytes();
                out.records_written = records_held(records.len(), &out.loss);
                return Ok(out);
            }
            (v, loss)
        }
        Format::Gat1400 => {
            other_types(format, records, &[RecordType::Thing, RecordType::Event], &mut out.loss);
            let things: Vec<_> =
                records.iter().filter_map(|r| if let Record::Thing(t) = r { Some(t.clone()) } else { None }).collect();
            let events: Vec<_> =
                records.iter().filter_map(|r| if let Record::Event(e) = r { Some(e.clone()) } else { None }).collect();
            let (v, mut loss) = crate::gat1400::write(&things, &events);
            // Loss pointers name the record in `records`, as for every other writer [ADP-002].
            let index = |ty: RecordType| -> Vec<usize> {
                records.iter().enumerate().filter(|(_, r)| r.record_type() == ty).map(|(i, _)| i).collect()
            };
            let (thing_at, event_at) = (index(RecordType::Thing), index(RecordType::Event));
            for l in &mut loss.entries {
                l.source = input_pointer(&l.source, &[("/things/", &thing_at), ("/events/", &event_at)]);
            }
            (v, loss)
        }
    };
    out.loss.entries.extend(loss.entries);
    out.bytes = pretty(format, &v)?;
    out.records_written = records_held(records.len(), &out.loss);
    Ok(out)
}

//! `linli convert`: from what vendors speak to canonical Linli records, and back.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use linli_adapters::LossReport;
use linli_model::Record;
use linli_model::redact::redact;

use crate::{CliError, Lang};

/// A format `linli convert` reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Canonical Linli records (NDJSON, a JSON array, or a dataset directory)
    Linli,
    /// GeoJSON Feature or FeatureCollection (Places)
    Geojson,
    /// CloudEvents 1.0, structured JSON mode, one event or a batch (Events)
    Cloudevents,
    /// A register (台账) in CSV with a column mapping (--mapping): Persons, Places (community → room),
    /// Things (vehicles, devices), Organizations; GBK/GB18030 detected; a workbook given here is read as one
    Csv,
    /// A register in an Excel workbook (.xlsx, .xls) with a column mapping (--mapping); --sheet or the first
    Xlsx,
    /// FIWARE NGSI-LD or NGSI-v2 entities, normalized or key-values, bare or in a notification or batch: the Smart
    /// Data Models types of the built-in FIWARE mapping files (Building, Device, Alert, environment, parking,
    /// street lighting, waste management, points of interest, persons and organizations, issue reporting, Open311
    /// service_requests) plus the types a --mapping file adds; written as normalized NGSI-LD Building, Device,
    /// Camera, Alert or service_requests entities
    NgsiLd,
    /// FIWARE NGSI-LD, written in key-values form
    NgsiLdKeyValues,
    /// Open311 GeoReport v2 service requests, JSON (Cases)
    Open311,
    /// Open311 GeoReport v2 service requests, XML (Cases)
    Open311Xml,
    /// GA/T 1400 (视图库) objects: captures, devices, vehicles
    Gat1400,
}

/// A format `linli convert` writes (`--to`): the formats it reads but Excel, each described as
/// written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ToFormat {
    /// Canonical Linli records: OUT ending in .ndjson one NDJSON file, any other OUT a dataset directory, no OUT
    /// NDJSON on standard output
    Linli,
    /// A GeoJSON FeatureCollection of the Places
    Geojson,
    /// A batch of CloudEvents 1.0, structured JSON mode, of the Events
    Cloudevents,
    /// A CSV register of the Persons with the column mapping (--mapping), UTF-8 with BOM or --encoding; cells that
    /// start a formula written with a leading ' (--csv-raw-cells: as they are)
    Csv,
    /// FIWARE NGSI-LD entities in normalized form: Building, Device, Camera, Alert or service_requests
    NgsiLd,
    /// FIWARE NGSI-LD entities in key-values form
    NgsiLdKeyValues,
    /// Open311 GeoReport v2 service requests, JSON, of the Cases
    Open311,
    /// Open311 GeoReport v2 service requests, XML, of the Cases
    Open311Xml,
    /// GA/T 1400 (视图库) objects of the captures, devices and vehicles
    Gat1400,
}

impl ToFormat {
    /// The format written.
    pub fn format(self) -> Format {
        match self {
            ToFormat::Linli => Format::Linli,
            ToFormat::Geojson => Format::Geojson,
            ToFormat::Cloudevents => Format::Cloudevents,
            ToFormat::Csv => Format::Csv,
            ToFormat::NgsiLd => Format::NgsiLd,
            ToFormat::NgsiLdKeyValues => Format::NgsiLdKeyValues,
            ToFormat::Open311 => Format::Open311,
            ToFormat::Open311Xml => Format::Open311Xml,
            ToFormat::Gat1400 => Format::Gat1400,
        }
    }
}

/// Arguments of `linli convert`.
#[derive(Debug, clap::Args)]
#[command(after_help = "With --to linli (the default), OUT ending in .ndjson is one NDJSON file; any other OUT is a \
dataset directory (one NDJSON file per record type and manifest.json).\n\
Exit codes: 0 every record converted (loss-report entries, notes and normalised values included); 1 some records \
or values were refused (reported; when every record was refused, OUT is not written and the summary says \
so); 2 the input is not this format at all (with a hint at the right --from when it \
looks like another), a usage or an I/O error.\n\
--lang chooses the language of messages only, never of data written: labels written into OUT (the Open311 \
service_name and status_notes of a case, say) are the Chinese labels of the code tables [ADP-030].\n\
--lang 只决定消息的语言，不决定写出的数据：写入 OUT 的名称（如案件的 Open311 service_name、status_notes）\
总是代码表的中文名称 [ADP-030]。")]
pub struct ConvertArgs {
    /// The input format
    #[arg(long, value_enum, required_unless_present_any = ["init_mapping", "list_targets"])]
    pub from: Option<Format>,
    /// The output format (every format read but xlsx: a register is written as CSV)
    #[arg(long, value_enum, default_value_t = ToFormat::Linli)]
    pub to: ToFormat,
    /// The input file
    #[arg(value_name = "IN", required_unless_present_any = ["init_mapping", "list_targets"])]
    pub input: Option<PathBuf>,
    /// The output file or directory (default: standard output, the summary then on standard error; a register
    /// read with --from csv / xlsx into Linli needs OUT; with --init-mapping: the mapping file)
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Write a mapping skeleton for the register REGISTER (.csv, .xlsx, .xls) from its header row and sample rows:
    /// every column matched to a target by the built-in synonyms of Chinese and English titles or guessed from its
    /// values, value maps proposed for labels, unmatched columns listed as comments
    #[arg(long, value_name = "REGISTER", conflicts_with_all = ["from", "input", "list_targets"])]
    pub init_mapping: Option<PathBuf>,
    /// List every column target of a register mapping (record, member, how a cell is read)
    #[arg(long, conflicts_with_all = ["from", "input", "output"])]
    pub list_targets: bool,
    /// The sheet of a workbook to read (name or 1-based number; default: the mapping's `sheet`, else the first)
    #[arg(long)]
    pub sheet: Option<String>,
    /// Where refused register rows go: a CSV with the register's columns and the reason (in Chinese), to correct
    /// and convert again with the same mapping (default: OUT.rejects.csv, written only when a row is refused)
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// --to csv: write cells that start with =, +, -, @, a tab or a carriage return as they are, for an exact round
    /// trip (default: with a leading ' so that no spreadsheet program runs them as formulas [ADP-081]; the refused
    /// rows file is always written so)
    #[arg(long)]
    pub csv_raw_cells: bool,
    /// No progress bar (shown on a terminal while a large register converts)
    #[arg(long)]
    pub no_progress: bool,
    /// Also write the full loss report as JSON to FILE
    #[arg(long, value_name = "FILE")]
    pub loss_report: Option<PathBuf>,
    /// Mapping file (TOML), per format: csv / xlsx (and --to csv): the column mapping (required); open311 /
    /// open311-xml: the `[service_code]` table (service_code → Linli case category) and `zone`, also for --to
    /// open311 / open311-xml from linli or open311 (the preferred `service_code` of each category); ngsi-ld: entity
    /// types to add or override (type → Linli record type and members, as the built-in FIWARE mapping files);
    /// cloudevents: event `type` → Linli event category; geojson: Feature properties → Place members. An error in it
    /// names this file
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Text encoding of CSV (input default: detected; output default: UTF-8 with BOM; e.g. gbk, gb18030, utf-8)
    #[arg(long)]
    pub encoding: Option<String>,
    /// Datum of the input coordinates: wgs84, gcj02 or bd09, converted to WGS-84 by every format that carries
    /// coordinates (geojson, cloudevents, ngsi-ld, open311, open311-xml, gat1400); csv and xlsx carry none and refuse a datum
    /// other than wgs84
    #[arg(long, default_value = "wgs84")]
    pub datum: String,
    /// The time of the conversion (RFC 3339 with an offset), used where the input has no time of
    /// its own (`meta.createdAt`, a missing event time); default: now. Give it to make a
    /// conversion reproducible byte for byte
    #[arg(long, value_name = "TIME")]
    pub received_at: Option<String>,
}

/// Where a canonical record stands in the input: the file (as given, or the dataset directory
/// and the manifest's path), the 1-based line of its first character, and its index when the
/// file is a JSON array.
#[derive(Debug, Clone)]
struct Origin {
    file: String,
    line: u64,
    item: Option<usize>,
}

impl Origin {
    /// A pointer into the record as a pointer into the input: `/<i>…` in a JSON array.
    fn pointer(&self, inner: &str) -> String {
        match self.item {
            Some(i) => format!("/{i}{inner}"),
            None => inner.to_owned(),
        }
    }
}

/// A finding as `linli validate` prints it, one line: `file:line: error[code] pointer: message
/// (value: …) [requirement]`; every personal number masked first, then control characters
/// escaped `[PRI-011]`, `[CON-072]`.
fn finding_line(f: linli_validate::finding::Finding, lang: Lang) -> String {
    let f = f.redacted();
    let zh = lang == Lang::Zh;
    let level = match (f.level, zh) {
        (linli_model::check::Level::Error, true) => "错误",
        (linli_model::check::Level::Error, false) => "error",
        (linli_model::check::Level::Warning, true) => "警告",
        (linli_model::check::Level::Warning, false) => "warning",
        (_, true) => "提示",
        (_, false) => "info",
    };
    let mut out = format!("{}: {level}[{}]", linli_validate::report::location(&f), f.code);
    if !f.pointer.is_empty() {
        out.push(' ');
        out.push_str(&f.pointer);
    }
    out.push_str(": ");
    out.push_str(f.message(zh));
    if let Some(v) = &f.value {
        out.push_str(&if zh { format!("（值：{v}）") } else { format!(" (value: {v})") });
    }
    if let Some(req) = f.requirement {
        out.push_str(&format!(" [{req}]"));
    }
    crate::printable(&out)
}

/// Reads canonical records, explaining each one that does not read as `linli validate` does:
/// the validator's findings (its codes, both languages, the member's JSON pointer, the value
/// masked), located in the input.
struct LinliReader {
    lang: Lang,
    validator: Option<Option<linli_validate::record::Validator>>,
    records: Vec<(Record, Origin)>,
    errors: Vec<String>,
}

impl LinliReader {
    fn new(lang: Lang) -> Self {
        LinliReader { lang, validator: None, records: Vec::new(), errors: Vec::new() }
    }

    /// One record's JSON text at `origin`.
    fn record(&mut self, text: &str, origin: Origin) {
        let e = match Record::from_json_str(text) {
            Ok(r) => return self.records.push((r, origin)),
            Err(e) => e,
        };
        let validator = self.validator.get_or_insert_with(|| linli_validate::record::Validator::new().ok());
        // No validator (its schemas did not build): the default, no findings, is handled below
        // like a validator that found nothing.
        let mut findings: Vec<_> = validator
            .as_ref()
            .map(|v| v.validate_str(text).findings)
            .unwrap_or_default()
            .into_iter()
            .filter(|f| f.level == linli_model::check::Level::Error)
            .collect();
        if findings.is_empty() {
            // The validator found nothing the reader refused (it should not happen): the
            // reader's member, never its words, which quote values.
            findings.push(
                linli_validate::finding::Finding::new(
                    linli_validate::codes::Code::RecordStructure,
                    linli_model::check::Level::Error,
                    Some("CON-004"),
                    "记录结构不符合标准",
                    "the record does not fit the standard",
                )
                .at(e.pointer_in(text)),
            );
        }
        for mut f in findings {
            f.file = Some(origin.file.clone());
            f.line = Some(origin.line);
            f.pointer = origin.pointer(&f.pointer);
            self.errors.push(finding_line(f, self.lang));
        }
    }

    /// An error about the input at `file` and `line` itself (not JSON, not a dataset).
    fn input_error(&mut self, f: linli_validate::finding::Finding) {
        self.errors.push(finding_line(f, self.lang));
    }

    /// Records from a file: NDJSON, a JSON array, or one record. Each record is read from its
    /// own text, so that a member given twice is refused `[CON-002]`.
    fn file(&mut self, path: &Path) -> Result<(), CliError> {
        let text = std::fs::read_to_string(path).map_err(|source| CliError::Io { path: path.to_path_buf(), source })?;
        let file = path.display().to_string();
        let say = |zh: String, en: String| {
            CliError::usage(crate::printable(&format!("{file}：{zh}")), crate::printable(&format!("{file}: {en}")))
        };
        let bom = text.len() - text.trim_start_matches('\u{feff}').len();
        let trimmed = text[bom..].trim_start();
        let lead = text.len() - trimmed.len();
        let line_of = |offset: usize| 1 + text[..offset.min(text.len())].matches('\n').count() as u64;
        if trimmed.starts_with('[') {
            linli_model::json::check_text(trimmed).map_err(|e| say(format!("JSON 不合要求：{e}"), e.to_string()))?;
            let items = serde_json::from_str::<Vec<&serde_json::value::RawValue>>(trimmed)
                .map_err(|e| say(crate::json_error_zh(&e), e.to_string()))?;
            for (i, raw) in items.into_iter().enumerate() {
                let at = lead + (raw.get().as_ptr() as usize).saturating_sub(trimmed.as_ptr() as usize);
                self.record(raw.get(), Origin { file: file.clone(), line: line_of(at), item: Some(i) });
            }
        } else if trimmed.contains('\n') && serde_json::from_str::<serde::de::IgnoredAny>(trimmed).is_ok() {
            // One record written over several lines.
            self.record(trimmed, Origin { file: file.clone(), line: line_of(lead), item: None });
        } else {
            for (i, line) in text.lines().enumerate() {
                let line = if i == 0 { line.trim_start_matches('\u{feff}') } else { line };
                if line.trim().is_empty() {
                    continue;
                }
                self.record(line, Origin { file: file.clone(), line: i as u64 + 1, item: None });
            }
        }
        Ok(())
    }

    /// Records from a dataset directory: `manifest.json` and each NDJSON file it lists (gzip
    /// when its name ends in `.gz`), opened only as regular files inside the directory, never
    /// through a link `[DAT-014]`.
    fn dataset(&mut self, dir: &Path) -> Result<(), CliError> {
        use linli_model::manifest::{MANIFEST_FILE, Manifest};
        let label = dir.display().to_string();
        let zh = self.lang == Lang::Zh;
        // A file that is not opened [DAT-013] [DAT-014]: the validator's code for it, the file and
        // the reason in the language of the run; nothing is converted.
        let refused = |rel: &str, e: &linli_model::member::MemberError| {
            use linli_model::member::Refusal;
            let (code, req) = match e.refusal {
                Refusal::Characters => ("manifest-path-characters", "DAT-014"),
                Refusal::NotRelative | Refusal::Escapes | Refusal::Outside => ("manifest-path-escapes", "DAT-014"),
                Refusal::Symlink | Refusal::Changed => ("manifest-path-symlink", "DAT-014"),
                Refusal::Missing => ("manifest-file-missing", "DAT-013"),
                Refusal::Unreadable => ("read-error", "DAT-002"),
                _ => ("manifest-path-not-regular", "DAT-014"),
            };
            let message = if zh {
                format!("{label}/{rel}：{}；未转换任何记录 [{req}]", e.message_zh())
            } else {
                format!("{label}/{rel}: {}; nothing converted [{req}]", e.message_en())
            };
            CliError::Adapter { code, message: crate::printable(&message) }
        };
        let bytes = linli_model::member::read_member(dir, MANIFEST_FILE).map_err(|e| refused(MANIFEST_FILE, &e))?;
        let manifest: Manifest = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|t| serde_json::from_str(t.trim_start_matches('\u{feff}')).ok())
            .ok_or_else(|| {
                CliError::usage(
                    crate::printable(&format!(
                        "{label}/{MANIFEST_FILE}：不是数据集清单（请先用 linli validate 检查）[DAT-010]"
                    )),
                    crate::printable(&format!(
                        "{label}/{MANIFEST_FILE}: not a dataset manifest (check it with linli validate) [DAT-010]"
                    )),
                )
            })?;
        // The dataset is what its manifest says, as `linli mask` and `linli validate` check it
        // [DAT-013]: each file listed once, holding the bytes of its `sha256`, its `records`
        // records, all of its `recordType`; else nothing is converted.
        let mismatch = |code: &'static str, rel: &str, zh_what: String, en_what: String| {
            let message = if zh {
                format!(
                    "{label}/{rel}：{zh_what}；未转换任何记录（请先用 `linli validate {label}` 检查数据集）[DAT-013]"
                )
            } else {
                format!(
                    "{label}/{rel}: {en_what}; nothing converted (check the dataset with `linli validate {label}` first) [DAT-013]"
                )
            };
            CliError::Adapter { code, message: crate::printable(&message) }
        };
        let mut listed = std::collections::BTreeSet::new();
        for entry in &manifest.files {
            if !listed.insert(entry.path.as_str()) {
                return Err(mismatch(
                    "manifest-duplicate-file",
                    &entry.path,
                    "在清单中列出了两次".into(),
                    "listed twice in the manifest".into(),
                ));
            }
        }
        for entry in &manifest.files {
            let file = linli_model::member::open_member(dir, &entry.path).map_err(|e| refused(&entry.path, &e))?;
            let name = format!("{label}/{}", entry.path);
            let mut items = Vec::new();
            let stats =
                linli_validate::input::read_ndjson_file(file, entry.path.ends_with(".gz"), 16 << 20, true, &mut |i| {
                    items.push(i)
                })
                .map_err(|source| CliError::Io { path: dir.join(&entry.path), source })?;
            if stats.sha256 != entry.sha256.as_str() {
                return Err(mismatch(
                    "manifest-hash-mismatch",
                    &entry.path,
                    "文件内容与清单的 SHA-256 不符".into(),
                    "the file's bytes differ from the manifest's SHA-256".into(),
                ));
            }
            if stats.records != entry.records {
                return Err(mismatch(
                    "manifest-count-mismatch",
                    &entry.path,
                    format!("文件有 {} 条记录，清单写的是 {} 条", stats.records, entry.records),
                    format!("the file holds {} records, the manifest says {}", stats.records, entry.records),
                ));
            }
            let other = items.iter().find_map(|i| match i {
                linli_validate::input::Item::Record(r) => {
                    #[derive(serde::Deserialize)]
                    struct Peek<'a> {
                        #[serde(rename = "type", borrow)]
                        t: Option<std::borrow::Cow<'a, str>>,
                    }
                    let t = serde_json::from_str::<Peek<'_>>(&r.text).ok()?.t?;
                    let t = <linli_model::RecordType as linli_model::codes::CodeTable>::from_code(&t)?;
                    (t != entry.record_type).then_some((r.line, t))
                }
                linli_validate::input::Item::Finding(_) => None,
            });
            if let Some((line, t)) = other {
                return Err(mismatch(
                    "manifest-record-type",
                    &format!("{}:{line}", entry.path),
                    format!("记录类型为 {t}，清单声明该文件为 {}", entry.record_type),
                    format!("a {t} record in a file the manifest declares as {}", entry.record_type),
                ));
            }
            for item in items {
                match item {
                    linli_validate::input::Item::Record(r) => {
                        self.record(&r.text, Origin { file: name.clone(), line: r.line, item: None });
                    }
                    linli_validate::input::Item::Finding(mut f) if f.level == linli_model::check::Level::Error => {
                        f.file = Some(name.clone());
                        self.input_error(f);
                    }
                    linli_validate::input::Item::Finding(_) => {}
                }
            }
        }
        Ok(())
    }
}

/// Canonical records from a file or a dataset directory, each with where it stands, and one
/// line per error of the records that do not read; errors never repeat a personal number
/// `[PRI-011]`.
fn read_linli(path: &Path, lang: Lang) -> Result<LinliReader, CliError> {
    let mut reader = LinliReader::new(lang);
    if path.is_dir() {
        reader.dataset(path)?;
    } else {
        reader.file(path)?;
    }
    Ok(reader)
}

/// The canonical records read that may be written, and one error per record-level privacy error
/// of the others, as an adapter refuses them `[ADP-004]`: an id, `meta.sourceId` or reference id
/// holding a resident ID or mobile number `[CON-013]`, an ID number in an event's or case's
/// description `[EVT-010]`, `[CAS-012]`. Each error names the input file, the record's line and
/// the member's pointer into the input (`/<i>/…` in a JSON array), never a value.
fn refuse_privacy_errors(records: Vec<(Record, Origin)>, lang: Lang) -> (Vec<Record>, Vec<String>) {
    use linli_model::check::SharedCode;
    const ERRORS: &[SharedCode] =
        &[SharedCode::IdHoldsPersonalNumber, SharedCode::EventTextIdNumber, SharedCode::CaseTextIdNumber];
    let mut kept = Vec::with_capacity(records.len());
    let mut errors = Vec::new();
    for (record, origin) in records {
        let ty = record.record_type();
        let found: Vec<_> =
            linli_privacy::leak::scan_record(&record).into_iter().filter(|l| ERRORS.contains(&l.code)).collect();
        if found.is_empty() {
            kept.push(record);
            continue;
        }
        for l in found {
            let code = l.code;
            let mut f = linli_validate::finding::Finding::new(
                linli_adapters::codes::Code::AdapterRecordInvalid,
                linli_model::check::Level::Error,
                Some("ADP-004"),
                format!("记录（{ty}）未通过检查 `{code}`，未写出"),
                format!("the record ({ty}) fails the check `{code}`; not written"),
            )
            .at(origin.pointer(&l.pointer));
            f.file = Some(origin.file.clone());
            f.line = Some(origin.line);
            errors.push(finding_line(f, lang));
        }
    }
    (kept, errors)
}

/// Create (or truncate) a file readable by its owner only (0600 on Unix): what `convert` writes
/// may hold personal data, as what `mask` writes `[SHR-030]`, `[ADP-079]`.
pub(crate) fn create_private(path: &Path) -> Result<std::fs::File, CliError> {
    let io = |source| CliError::Io { path: path.to_path_buf(), source };
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let f = o.open(path).map_err(io)?;
    // A file that was there keeps its mode through `open`: set it.
    #[cfg(unix)]
    f.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600)).map_err(io)?;
    Ok(f)
}

/// Write `bytes` to a file readable by its owner only ([`create_private`]).
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut f = create_private(path)?;
    f.write_all(bytes).map_err(|source| CliError::Io { path: path.to_path_buf(), source })
}

/// Create `dir` and the folders above it that are missing, readable by their owner only (0700 on
/// Unix).
pub(crate) fn private_dirs(dir: &Path) -> Result<(), CliError> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(|source| CliError::Io { path: dir.to_path_buf(), source })
}

/// `records` as NDJSON, one record a line.
fn ndjson<'a>(records: impl IntoIterator<Item = &'a Record>) -> Result<String, CliError> {
    let mut text = String::new();
    for r in records {
        text.push_str(&crate::to_json(r)?);
        text.push('\n');
    }
    Ok(text)
}

pub(crate) fn write_linli(out: &Path, records: &[Record]) -> Result<(), CliError> {
    if out.extension().is_some_and(|x| x == "ndjson") {
        return write_private(out, ndjson(records)?.as_bytes());
    }
    private_dirs(out)?;
    let mut by_type: std::collections::BTreeMap<&str, Vec<&Record>> = std::collections::BTreeMap::new();
    for r in records {
        by_type.entry(r.record_type().schema_stem()).or_default().push(r);
    }
    let mut files: std::collections::BTreeMap<&str, String> = std::collections::BTreeMap::new();
    for (stem, rs) in by_type {
        files.insert(stem, ndjson(rs)?);
    }
    for (stem, text) in &files {
        let p = out.join(format!("{stem}.ndjson"));
        write_private(&p, text.as_bytes())?;
    }
    write_manifest(out)
}

/// A summary line's name of a loss kind: its code, and under `--lang zh` its Chinese before it
/// (`保存在扩展中 kept-in-extensions`), so that the line is Chinese around the codes.
pub(crate) fn loss_kind_shown(kind: linli_adapters::LossKind, lang: Lang) -> String {
    use linli_adapters::LossKind as K;
    let code = loss_kind(kind);
    if lang == Lang::En {
        return code;
    }
    let zh = match kind {
        K::KeptInExtensions => "保存在扩展中",
        K::NotRepresentable => "无法表示",
        K::Normalised => "已规范",
        K::Rejected => "已拒收",
        _ => "其他",
    };
    format!("{zh} {code}")
}

/// The code of a loss kind as JSON writes it (`not-representable`).
pub(crate) fn loss_kind(kind: linli_adapters::LossKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(s)) => s,
        // A unit variant serialises as its name; should one ever not, its Debug name still says which.
        _ => format!("{kind:?}"),
    }
}

/// What the summary says when every record was refused and so nothing was written [ADP-077].
pub(crate) fn not_written(output: &Path, lang: Lang) -> String {
    let o = crate::printable(&output.display().to_string());
    match lang {
        Lang::Zh => format!("所有记录均被拒绝，未写出 {o}"),
        Lang::En => format!("every record was refused: {o} not written"),
    }
}

/// A loss entry as a loss report file shows it: its messages and pointers quote ids, member names
/// and values of the input, so no personal number in full `[PRI-011]` (control characters are
/// escaped when the JSON is written, [`linli_validate::report::escape_json_controls`]).
pub(crate) fn shown(l: &linli_adapters::Loss) -> linli_adapters::Loss {
    let mut l = l.clone();
    l.message_zh = redact(&l.message_zh).into_owned();
    l.message_en = redact(&l.message_en).into_owned();
    l.source = redact(&l.source).into_owned();
    l.target = l.target.as_deref().map(|t| redact(t).into_owned());
    l
}

/// The manifest of a dataset directory whose NDJSON files are written.
pub(crate) fn write_manifest(out: &Path) -> Result<(), CliError> {
    let text = |s: &str| {
        linli_model::text::Text::new(s).map_err(|e| CliError::usage(crate::model_error_zh(&e), e.to_string()))
    };
    let producer =
        linli_model::manifest::Producer::new(text("Linli")?, text("linli convert")?, text(env!("CARGO_PKG_VERSION"))?);
    let created = linli_model::support::clock::now_utc();
    let manifest =
        linli_validate::dataset::build_manifest(out, producer, linli_model::codes::SharingLevel::Internal, created)
            .map_err(|e| CliError::usage(e.zh, e.en))?;
    let p = out.join(linli_model::manifest::MANIFEST_FILE);
    write_private(&p, format!("{}\n", crate::to_json_pretty(&manifest)?).as_bytes())
}

pub(crate) fn now() -> linli_model::datetime::Timestamp {
    linli_model::support::clock::now_utc()
}

/// The column mapping of `--mapping`, required when CSV or Excel is read or written.
/// An adapter error as a command-line error naming `path`, in `lang`.
pub(crate) fn adapter_error(path: &Path, lang: Lang, e: &linli_adapters::Error) -> CliError {
    CliError::Adapter { code: e.code(), message: format!("{}: {}", path.display(), e.message(lang == Lang::Zh)) }
}

fn read_mapping(a: &ConvertArgs, lang: Lang) -> Result<linli_adapters::csv_table::Mapping, CliError> {
    let path = a.mapping.as_ref().ok_or_else(|| {
        CliError::usage("读取 csv 和 xlsx 需要 --mapping 映射文件", "--mapping FILE is required for csv and xlsx")
    })?;
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Io { path: path.clone(), source })?;
    linli_adapters::csv_table::Mapping::from_toml(&text).map_err(|e| adapter_error(path, lang, &e))
}

impl Format {
    /// The adapters' format, for everything but canonical Linli.
    fn adapter(self) -> Option<linli_adapters::convert::Format> {
        use linli_adapters::convert::Format as F;
        Some(match self {
            Format::Linli => return None,
            Format::Geojson => F::Geojson,
            Format::Cloudevents => F::Cloudevents,
            Format::Csv => F::Csv,
            Format::Xlsx => F::Xlsx,
            Format::NgsiLd => F::NgsiLd,
            Format::NgsiLdKeyValues => F::NgsiLdKeyValues,
            Format::Open311 => F::Open311,
            Format::Open311Xml => F::Open311Xml,
            Format::Gat1400 => F::Gat1400,
        })
    }
}

/// Run `linli convert`.
pub(crate) fn run(a: &ConvertArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    if a.list_targets {
        return crate::register_cmd::list_targets(lang, out);
    }
    if let Some(register) = &a.init_mapping {
        return crate::register_cmd::init_mapping(register, a, lang, out);
    }
    let (Some(from), Some(input)) = (a.from, a.input.as_deref()) else {
        return Err(CliError::usage("需要 --from 和输入 IN", "--from and IN are required"));
    };
    let to = a.to.format();
    if matches!(from, Format::Csv | Format::Xlsx) && to == Format::Linli {
        // A register is converted row by row into a dataset or an NDJSON file, with the refused
        // rows beside it (OUT.rejects.csv): it needs a place, not standard output.
        let Some(output) = a.output.as_deref() else {
            return Err(CliError::usage(
                "将登记表（csv、xlsx）转换为 Linli 时需要 -o 输出 OUT（数据集目录或 .ndjson 文件）",
                "a register (csv, xlsx) converted into Linli needs -o OUT (a dataset directory or an .ndjson file)",
            ));
        };
        let mapping = read_mapping(a, lang)?;
        return crate::register_cmd::convert(a, &mapping, input, output, lang, out);
    }
    if a.sheet.is_some() || a.rejects.is_some() {
        return Err(CliError::usage(
            "--sheet 和 --rejects 只在读取登记表（csv、xlsx）时适用",
            "--sheet and --rejects apply when a register (csv, xlsx) is read",
        ));
    }
    run_other(a, from, input, a.output.as_deref(), lang, out)
}

/// A conversion other than a register's into Linli: into OUT, else onto standard output (`out`)
/// with the summary on standard error.
fn run_other(
    a: &ConvertArgs,
    from: Format,
    input: &Path,
    output: Option<&Path>,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let to = a.to.format();
    // What messages call the output: OUT, or standard output.
    let named = output.unwrap_or(Path::new(if lang == Lang::Zh { "标准输出" } else { "standard output" }));
    let mut loss = LossReport::default();
    let mut errors: Vec<String> = Vec::new();
    // An error of the mapping file names the mapping file; any other the input.
    let usage = |e: linli_adapters::Error| match (&e, &a.mapping) {
        (linli_adapters::Error::Mapping { .. }, Some(m)) => adapter_error(m, lang, &e),
        _ => adapter_error(input, lang, &e),
    };
    // --mapping is per format: the column mapping of a table, else the format's own mapping
    // file, passed as its TOML text.
    let needs_mapping = matches!(from, Format::Csv | Format::Xlsx) || to == Format::Csv;
    let mapping = if needs_mapping { Some(read_mapping(a, lang)?) } else { None };
    let format_mapping = match &a.mapping {
        Some(path) if !matches!(from, Format::Csv | Format::Xlsx | Format::Linli) => {
            Some(std::fs::read_to_string(path).map_err(|source| CliError::Io { path: path.clone(), source })?)
        }
        _ => None,
    };
    // An Open311 mapping file also names the preferred `service_code`s on writing [ADP-032]:
    // given to the writer when the records come from canonical Linli or from Open311.
    let open311 = |f: Format| matches!(f, Format::Open311 | Format::Open311Xml);
    let write_format_mapping = match &a.mapping {
        Some(path) if open311(to) && (from == Format::Linli || open311(from)) => {
            Some(std::fs::read_to_string(path).map_err(|source| CliError::Io { path: path.clone(), source })?)
        }
        _ => None,
    };
    if a.mapping.is_some() && from == Format::Linli && to != Format::Csv && write_format_mapping.is_none() {
        return Err(CliError::usage(
            "--mapping 只在读取厂商格式或写出 csv、open311、open311-xml 时适用",
            "--mapping applies when reading a vendor format or writing csv, open311 or open311-xml",
        ));
    }
    let mut refused = false;
    // Into canonical records.
    let records: Vec<Record> = match from.adapter() {
        None => {
            let read = read_linli(input, lang)?;
            refused |= !read.errors.is_empty();
            errors.extend(read.errors);
            let (r, e) = refuse_privacy_errors(read.records, lang);
            refused |= !e.is_empty();
            errors.extend(e);
            r
        }
        Some(format) => {
            let bytes = std::fs::read(input).map_err(|source| CliError::Io { path: input.to_path_buf(), source })?;
            let received_at = match &a.received_at {
                Some(t) => linli_model::datetime::Timestamp::parse(t.trim()).map_err(|e| {
                    CliError::usage(
                        format!(
                            "--received-at {}：{}（应为带时区偏移的 RFC 3339 时间）",
                            crate::printable(t),
                            e.message_zh()
                        ),
                        format!("--received-at {}: {e} (expected RFC 3339 with an offset)", crate::printable(t)),
                    )
                })?,
                None => now(),
            };
            let mut opts = linli_adapters::convert::ReadOptions::new(received_at);
            opts.mapping.clone_from(&mapping);
            opts.format_mapping = format_mapping;
            opts.encoding.clone_from(&a.encoding);
            opts.datum = linli_adapters::coords::Datum::parse(&a.datum).ok_or_else(|| {
                CliError::usage(
                    format!("--datum {}：应为 wgs84、gcj02 或 bd09", a.datum),
                    format!("--datum {}: expected wgs84, gcj02 or bd09", a.datum),
                )
            })?;
            let converted = linli_adapters::convert::read(format, &bytes, &opts).map_err(usage)?;
            refused |= !converted.all_converted();
            loss.entries.extend(converted.loss.entries);
            // Each finding names the input file and where in it (`at`: a pointer into it, `row N`).
            let file = input.display().to_string();
            errors.extend(converted.findings.iter().map(|f| {
                let msg = if lang == Lang::Zh { &f.message_zh } else { &f.message_en };
                let what = if linli_adapters::convert::is_refusal(f) { "error" } else { "note" };
                let at = if f.at.is_empty() { String::new() } else { format!(" {}", f.at) };
                format!("{file}: {what}[{}]{at}: {msg}", f.code)
            }));
            converted.records
        }
    };
    // Out of canonical records. When every record was refused there is nothing to write: no
    // output is created (an empty file would read as a conversion that found nothing), and the
    // summary says so.
    let nothing = records.is_empty() && refused;
    // Records the output holds, and the types of those it cannot hold [ADP-077].
    let mut held = if nothing { 0 } else { records.len() };
    let mut left_out: std::collections::BTreeMap<linli_model::RecordType, usize> = std::collections::BTreeMap::new();
    match to.adapter() {
        _ if nothing => {}
        None => match output {
            Some(p) => write_linli(p, &records)?,
            None => out.write_all(ndjson(&records)?.as_bytes()).map_err(CliError::Stdout)?,
        },
        Some(format) => {
            let opts = linli_adapters::convert::WriteOptions {
                mapping,
                encoding: a.encoding.clone(),
                format_mapping: write_format_mapping,
                raw_csv_cells: a.csv_raw_cells,
            };
            let written =
                linli_adapters::convert::write(format, &records, &opts).map_err(|e| adapter_error(named, lang, &e))?;
            let mut seen = std::collections::BTreeSet::new();
            for l in &written.loss.entries {
                let Some(i) = l.source.strip_prefix('/').and_then(|i| i.parse::<usize>().ok()) else { continue };
                if l.kind == linli_adapters::LossKind::NotRepresentable && seen.insert(i) {
                    if let Some(r) = records.get(i) {
                        *left_out.entry(r.record_type()).or_default() += 1;
                    }
                }
            }
            held = written.records_written;
            loss.entries.extend(written.loss.entries);
            match output {
                Some(p) => write_private(p, &written.bytes)?,
                None => out.write_all(&written.bytes).map_err(CliError::Stdout)?,
            }
        }
    }
    if let Some(p) = &a.loss_report {
        // Entries and errors quote ids, member names and values of the input: no personal number
        // in full [PRI-011], no control character raw [CON-072].
        let shown = LossReport { entries: loss.entries.iter().map(shown).collect() };
        let errors: Vec<String> = errors.iter().map(|e| redact(e).into_owned()).collect();
        let json = serde_json::json!({"records": records.len(), "loss": shown, "errors": errors});
        let text = linli_validate::report::escape_json_controls(&crate::to_json_pretty(&json)?);
        write_private(p, format!("{text}\n").as_bytes())?;
    }
    // The summary, on standard error when the converted data went to standard output.
    let mut stderr = std::io::stderr();
    let out: &mut dyn Write = if output.is_none() { &mut stderr } else { out };
    // Counts by kind and code.
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for l in &loss.entries {
        let kind = loss_kind_shown(l.kind, lang);
        *counts.entry(format!("{kind} {}", l.code)).or_default() += 1;
    }
    // Records read (those that read as canonical records), written, and left out because the
    // output format cannot hold them [ADP-077].
    let head = match lang {
        Lang::Zh => format!(
            "读取 {} 条记录，写出 {held} 条；损失报告 {} 项；错误 {} 项",
            records.len(),
            loss.entries.len(),
            errors.len()
        ),
        Lang::En => format!(
            "read {} records, wrote {held}; {} loss report entries; {} errors",
            records.len(),
            loss.entries.len(),
            errors.len()
        ),
    };
    writeln!(out, "{head}").map_err(CliError::Stdout)?;
    let lost: usize = left_out.values().sum();
    if lost > 0 {
        // Every format is a possible value (none is skipped): the default is never taken.
        let to = a.to.to_possible_value().map(|v| v.get_name().to_owned()).unwrap_or_default();
        let types = left_out.iter().map(|(t, n)| format!("{t} {n}")).collect::<Vec<_>>().join(", ");
        let line = match lang {
            Lang::Zh => {
                format!("  {lost} 条记录无法以 {to} 表示，未写出（{types}；原因见损失报告的 not-representable 项）")
            }
            Lang::En => format!(
                "  {lost} records not written: {to} cannot represent them ({types}; the reason is in the loss report's not-representable entries)"
            ),
        };
        writeln!(out, "{line}").map_err(CliError::Stdout)?;
    }
    if nothing {
        writeln!(out, "  {}", not_written(named, lang)).map_err(CliError::Stdout)?;
    }
    for (k, n) in &counts {
        writeln!(out, "  {n:>6}  {k}").map_err(CliError::Stdout)?;
    }
    for e in errors.iter().take(20) {
        writeln!(out, "  {}", crate::printable(e)).map_err(CliError::Stdout)?;
    }
    // Exit code 1 when something was refused [ADP-077]; notes and normalised values are not.
    Ok(if refused { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

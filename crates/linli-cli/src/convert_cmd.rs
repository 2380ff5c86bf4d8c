//! `linli convert`: from what vendors speak to canonical Linli records, and back.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use linli_adapters::LossReport;
use linli_model::Record;
use serde_json::Value;

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
    /// A CSV export with a column mapping (--mapping); GBK/GB18030 detected (Persons)
    Csv,
    /// An Excel workbook with a column mapping (--mapping), first sheet (Persons)
    Xlsx,
    /// FIWARE NGSI-LD entities, normalized or key-values (Building, Device, Camera, Alert, IssueReporting, service_requests)
    NgsiLd,
    /// FIWARE NGSI-LD, written in key-values form
    NgsiLdKeyValues,
    /// Open311 GeoReport v2 service requests (Cases)
    Open311,
    /// GA/T 1400 (视图库) objects: captures, devices, vehicles
    Gat1400,
}

/// Arguments of `linli convert`.
#[derive(Debug, clap::Args)]
#[command(after_help = "With --to linli (the default), OUT ending in .ndjson is one NDJSON file; any other OUT is a \
dataset directory (one NDJSON file per record type and manifest.json).\n\
Exit codes: 0 converted with no error; 1 some input could not be converted (reported); 2 usage or I/O error.")]
pub struct ConvertArgs {
    /// The input format
    #[arg(long, value_enum)]
    pub from: Format,
    /// The output format
    #[arg(long, value_enum, default_value_t = Format::Linli)]
    pub to: Format,
    /// The input file
    #[arg(value_name = "IN")]
    pub input: PathBuf,
    /// The output file or directory
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
    /// Also write the full loss report as JSON to FILE
    #[arg(long, value_name = "FILE")]
    pub loss_report: Option<PathBuf>,
    /// Column mapping (TOML) for --from csv / xlsx and --to csv
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Text encoding of CSV (input default: detected; output default: UTF-8 with BOM; e.g. gbk, gb18030, utf-8)
    #[arg(long)]
    pub encoding: Option<String>,
    /// Datum of the input coordinates for NGSI-LD: wgs84, gcj02 or bd09 (converted to WGS-84)
    #[arg(long, default_value = "wgs84")]
    pub datum: String,
}

fn read_json(path: &Path) -> Result<Value, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Io { path: path.to_path_buf(), source })?;
    serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| CliError::Usage(format!("{}: not JSON: {e}", path.display())))
}

/// Canonical records from a file: NDJSON, a JSON array, or one record.
fn read_linli(path: &Path) -> Result<(Vec<Record>, Vec<String>), CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Io { path: path.to_path_buf(), source })?;
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let values: Vec<(String, Value)> = if trimmed.starts_with('[') {
        match serde_json::from_str::<Vec<Value>>(trimmed) {
            Ok(v) => v.into_iter().enumerate().map(|(i, v)| (format!("/{i}"), v)).collect(),
            Err(e) => return Err(CliError::Usage(format!("{}: {e}", path.display()))),
        }
    } else {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Value>(line) {
                Ok(v) => out.push((format!("line {}", i + 1), v)),
                Err(e) => errors.push(format!("line {}: {e}", i + 1)),
            }
        }
        out
    };
    for (at, v) in values {
        match Record::from_value(v) {
            Ok(r) => records.push(r),
            Err(e) => errors.push(format!("{at}: {e}")),
        }
    }
    Ok((records, errors))
}

fn write_linli(out: &Path, records: &[Record]) -> Result<(), CliError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CliError::Io { path, source }
    };
    if out.extension().is_some_and(|x| x == "ndjson") {
        let mut text = String::new();
        for r in records {
            text.push_str(&serde_json::to_string(r).unwrap_or_default());
            text.push('\n');
        }
        return std::fs::write(out, text).map_err(io(out));
    }
    std::fs::create_dir_all(out).map_err(io(out))?;
    let mut files: std::collections::BTreeMap<&str, String> = std::collections::BTreeMap::new();
    for r in records {
        let f = files.entry(r.record_type().schema_stem()).or_default();
        f.push_str(&serde_json::to_string(r).unwrap_or_default());
        f.push('\n');
    }
    for (stem, text) in &files {
        let p = out.join(format!("{stem}.ndjson"));
        std::fs::write(&p, text).map_err(io(&p))?;
    }
    let text = |s: &str| linli_model::text::Text::new(s).map_err(|e| CliError::Usage(e.to_string()));
    let producer = linli_model::manifest::Producer {
        vendor: text("Linli")?,
        product: text("linli convert")?,
        product_version: text(env!("CARGO_PKG_VERSION"))?,
    };
    let now = time::OffsetDateTime::now_utc();
    let created = linli_model::datetime::Timestamp::from_offset_datetime(now.replace_nanosecond(0).unwrap_or(now));
    let manifest =
        linli_validate::dataset::build_manifest(out, producer, linli_model::codes::SharingLevel::Internal, created)
            .map_err(CliError::Usage)?;
    let p = out.join(linli_model::manifest::MANIFEST_FILE);
    std::fs::write(&p, format!("{}\n", serde_json::to_string_pretty(&manifest).unwrap_or_default())).map_err(io(&p))
}

fn now() -> linli_model::datetime::Timestamp {
    let t = time::OffsetDateTime::now_utc();
    linli_model::datetime::Timestamp::from_offset_datetime(t.replace_nanosecond(0).unwrap_or(t))
}

fn text(s: &str) -> Result<linli_model::text::Text, CliError> {
    linli_model::text::Text::new(s).map_err(|e| CliError::Usage(e.to_string()))
}

fn write_json(path: &Path, v: &Value) -> Result<(), CliError> {
    let t = serde_json::to_string_pretty(v).unwrap_or_default();
    std::fs::write(path, format!("{t}\n")).map_err(|source| CliError::Io { path: path.to_path_buf(), source })
}

/// The column mapping of `--mapping`, required when CSV or Excel is read or written.
fn read_mapping(a: &ConvertArgs) -> Result<linli_adapters::csv_table::Mapping, CliError> {
    let path =
        a.mapping.as_ref().ok_or_else(|| CliError::Usage("--mapping FILE is required for csv and xlsx".into()))?;
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Io { path: path.clone(), source })?;
    linli_adapters::csv_table::Mapping::from_toml(&text)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}

/// Run `linli convert`.
pub(crate) fn run(a: &ConvertArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let mut loss = LossReport::default();
    let mut errors: Vec<String> = Vec::new();
    // Into canonical records.
    let records: Vec<Record> = match a.from {
        Format::Linli => {
            let (r, e) = read_linli(&a.input)?;
            errors.extend(e);
            r
        }
        Format::Geojson => {
            let v = read_json(&a.input)?;
            let (places, l, e) = if v.get("type").and_then(Value::as_str) == Some("Feature") {
                match linli_adapters::geojson::feature_to_place(&v) {
                    Ok((p, l)) => (vec![p], l, Vec::new()),
                    Err(e) => (Vec::new(), LossReport::default(), vec![e.to_string()]),
                }
            } else {
                linli_adapters::geojson::collection_to_places(&v)
            };
            loss.entries.extend(l.entries);
            errors.extend(e);
            places.into_iter().map(Record::from).collect()
        }
        Format::Cloudevents => {
            let v = read_json(&a.input)?;
            let (events, l, e) = if v.is_array() {
                linli_adapters::cloudevents::batch_to_events(&v)
            } else {
                match linli_adapters::cloudevents::cloudevent_to_event(&v) {
                    Ok((ev, l)) => (vec![ev], l, Vec::new()),
                    Err(e) => (Vec::new(), LossReport::default(), vec![e.to_string()]),
                }
            };
            loss.entries.extend(l.entries);
            errors.extend(e);
            events.into_iter().map(Record::from).collect()
        }
        Format::Csv | Format::Xlsx => {
            let mapping = read_mapping(a)?;
            let bytes = std::fs::read(&a.input).map_err(|source| CliError::Io { path: a.input.clone(), source })?;
            let result = if a.from == Format::Xlsx {
                linli_adapters::csv_table::read_xlsx(&bytes, &mapping)
            } else {
                linli_adapters::csv_table::read_table(&bytes, &mapping, a.encoding.as_deref())
            };
            loss.entries.extend(result.loss.entries);
            errors.extend(result.findings.iter().map(|f| {
                let col = f.column.as_deref().map(|c| format!(" column {c}")).unwrap_or_default();
                let msg = if lang == Lang::Zh { &f.message_zh } else { &f.message_en };
                format!("row {}{col}: {} {msg}", f.row, f.code)
            }));
            result.records
        }
        Format::NgsiLd | Format::NgsiLdKeyValues => {
            let v = read_json(&a.input)?;
            let datum = linli_adapters::coords::Datum::parse(&a.datum)
                .ok_or_else(|| CliError::Usage(format!("--datum {}: expected wgs84, gcj02 or bd09", a.datum)))?;
            let mut opts = linli_adapters::fiware::FromNgsi::new(now());
            opts.datum = datum;
            let (records, l, findings, errs) = linli_adapters::fiware::from_ngsi_batch(&v, &opts);
            loss.entries.extend(l.entries);
            errors.extend(errs);
            for f in findings {
                let msg = if lang == Lang::Zh { f.message_zh } else { f.message_en };
                errors.push(format!("{} {}: {msg}", f.pointer, f.code));
            }
            records
        }
        Format::Open311 => {
            let v = read_json(&a.input)?;
            let opts = linli_adapters::open311::Options::new(text("Open311")?, text("GeoReport v2")?);
            let (cases, l) = linli_adapters::open311::requests_to_cases(&v, &opts);
            errors.extend(
                l.of(linli_adapters::LossKind::Rejected).map(|x| format!("{} {}: {}", x.source, x.code, x.message_en)),
            );
            loss.entries.extend(l.entries);
            cases.into_iter().map(Record::from).collect()
        }
        Format::Gat1400 => {
            let v = read_json(&a.input)?;
            let opts = linli_adapters::gat1400::Options::new(text("GA/T 1400")?, text("视图库")?, now());
            let (recs, l) = linli_adapters::gat1400::read(&v, &opts);
            errors.extend(
                l.of(linli_adapters::LossKind::Rejected).map(|x| format!("{} {}: {}", x.source, x.code, x.message_en)),
            );
            loss.entries.extend(l.entries);
            recs.things.into_iter().map(Record::from).chain(recs.events.into_iter().map(Record::from)).collect()
        }
    };
    // Out of canonical records.
    match a.to {
        Format::Linli => write_linli(&a.output, &records)?,
        Format::Geojson => {
            let places: Vec<linli_model::Place> = records
                .iter()
                .filter_map(|r| match r {
                    Record::Place(p) => Some(p.clone()),
                    _ => None,
                })
                .collect();
            let skipped = records.len() - places.len();
            if skipped > 0 {
                errors.push(format!("{skipped} records are not Places; GeoJSON output holds Places only"));
            }
            let (v, l) = linli_adapters::geojson::places_to_collection(&places);
            loss.entries.extend(l.entries);
            let text = serde_json::to_string_pretty(&v).unwrap_or_default();
            std::fs::write(&a.output, format!("{text}\n"))
                .map_err(|source| CliError::Io { path: a.output.clone(), source })?;
        }
        Format::Cloudevents => {
            let events: Vec<linli_model::Event> = records
                .iter()
                .filter_map(|r| match r {
                    Record::Event(e) => Some(e.clone()),
                    _ => None,
                })
                .collect();
            let skipped = records.len() - events.len();
            if skipped > 0 {
                errors.push(format!("{skipped} records are not Events; CloudEvents output holds Events only"));
            }
            let v = linli_adapters::cloudevents::events_to_batch(&events);
            write_json(&a.output, &v)?;
        }
        Format::NgsiLd | Format::NgsiLdKeyValues => {
            let form = if a.to == Format::NgsiLd {
                linli_adapters::fiware::Form::Normalized
            } else {
                linli_adapters::fiware::Form::KeyValues
            };
            let (v, l) = linli_adapters::fiware::to_ngsi_batch(&records, form);
            loss.entries.extend(l.entries);
            write_json(&a.output, &v)?;
        }
        Format::Open311 => {
            let cases: Vec<linli_model::Case> =
                records.iter().filter_map(|r| if let Record::Case(c) = r { Some(c.clone()) } else { None }).collect();
            if cases.len() < records.len() {
                errors.push(format!(
                    "{} records are not Cases; Open311 output holds Cases only",
                    records.len() - cases.len()
                ));
            }
            let (v, l) =
                linli_adapters::open311::cases_to_requests(&cases, &linli_adapters::open311::CategoryMap::default());
            loss.entries.extend(l.entries);
            write_json(&a.output, &v)?;
        }
        Format::Gat1400 => {
            let things: Vec<linli_model::Thing> =
                records.iter().filter_map(|r| if let Record::Thing(t) = r { Some(t.clone()) } else { None }).collect();
            let events: Vec<linli_model::Event> =
                records.iter().filter_map(|r| if let Record::Event(e) = r { Some(e.clone()) } else { None }).collect();
            let (v, l) = linli_adapters::gat1400::write(&things, &events);
            loss.entries.extend(l.entries);
            write_json(&a.output, &v)?;
        }
        Format::Csv => {
            let mapping = read_mapping(a)?;
            let written = linli_adapters::csv_table::write_table(&records, &mapping, a.encoding.as_deref())
                .map_err(|e| CliError::Usage(e.to_string()))?;
            loss.entries.extend(written.loss.entries);
            std::fs::write(&a.output, &written.bytes)
                .map_err(|source| CliError::Io { path: a.output.clone(), source })?;
        }
        Format::Xlsx => {
            return Err(CliError::Usage(
                "writing Excel is not supported; write --to csv (UTF-8 with BOM, or --encoding gbk), which spreadsheet programs open"
                    .into(),
            ));
        }
    }
    if let Some(p) = &a.loss_report {
        let json = serde_json::json!({"records": records.len(), "loss": loss, "errors": errors});
        std::fs::write(p, format!("{}\n", serde_json::to_string_pretty(&json).unwrap_or_default()))
            .map_err(|source| CliError::Io { path: p.clone(), source })?;
    }
    // The summary: counts by kind and code.
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for l in &loss.entries {
        *counts.entry(format!("{:?} {}", l.kind, l.code)).or_default() += 1;
    }
    let head = match lang {
        Lang::Zh => {
            format!("已转换 {} 条记录；损失报告 {} 项；错误 {} 项", records.len(), loss.entries.len(), errors.len())
        }
        Lang::En => format!(
            "converted {} records; {} loss report entries; {} errors",
            records.len(),
            loss.entries.len(),
            errors.len()
        ),
    };
    writeln!(out, "{head}").map_err(CliError::Stdout)?;
    for (k, n) in &counts {
        writeln!(out, "  {n:>6}  {k}").map_err(CliError::Stdout)?;
    }
    for e in errors.iter().take(20) {
        writeln!(out, "  error: {e}").map_err(CliError::Stdout)?;
    }
    Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

//! # linli-adapters — from what vendors speak today, to Linli and back
//!
//! One module per format. Every conversion returns the records together with a [`LossReport`]:
//! source fields that had no canonical home (kept in `extensions`), fields that could not be
//! represented in the target, and values that were normalised (a coordinate transformed, a
//! local time given an offset). An adapter never drops a field silently.

use crate::codes::Code;
pub mod cloudevents;
pub mod codes;
pub mod convert;
pub mod coords;
pub mod csv_table;
pub mod fiware;
pub mod gat1400;
pub mod geojson;
mod loss;
pub mod open311;
pub mod rules;

pub use loss::{Loss, LossKind, LossReport};

/// Errors of the adapters: input that cannot be converted at all (individual problems are
/// findings in the loss report).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not what the format requires.
    #[error("{format}: {message}")]
    Input {
        /// The format.
        format: &'static str,
        /// What is wrong, with the JSON pointer or row where it applies.
        message: String,
    },
    /// The input has none of the shapes of the format it was read as [ADP-076]: exit code 2 of
    /// `linli convert`, with a hint at the format it looks like, when [`convert::sniff`] knows
    /// one.
    #[error("{format}: the input is not {format} ({detail}){}", hint_en(*.looks_like))]
    NotThisFormat {
        /// The format the input was read as.
        format: &'static str,
        /// The format the bytes look like, if any.
        looks_like: Option<convert::Format>,
        /// What was found instead (shape only, never a value of the input).
        detail: String,
    },
    /// An option the reader of this format cannot honour was given [ADP-075]: a datum other
    /// than WGS-84 for a format that carries no coordinates.
    #[error("{format}: --datum {datum} cannot be honoured: this format carries no coordinates")]
    DatumNotHonoured {
        /// The format.
        format: &'static str,
        /// The datum given.
        datum: &'static str,
    },
    /// The mapping file given for the format (`linli convert --mapping FILE`) is wrong: every
    /// problem found in it, each with its TOML line and column where the parser gives one, and,
    /// for a code not in a code table, the table's name (`linli codes <table>` lists it).
    #[error("{format} mapping file: {}", problems.join("; "))]
    Mapping {
        /// The format whose mapping file it is.
        format: &'static str,
        /// Every problem found, in file order (at least one).
        problems: Vec<String>,
    },
    /// A CSV input that is not text [ADP-010]: a NUL byte, or (the encoding detected) bytes
    /// valid neither as UTF-8 nor as GB18030. Nothing is converted.
    #[error("csv: not text: {} at byte offset {offset} (line {line}); nothing converted{}", if *.nul { "a NUL byte" } else { "bytes that are neither UTF-8 nor GB18030/GBK" }, if *.nul { "" } else { " (force an encoding with --encoding to read it with the bad bytes replaced)" })]
    NotText {
        /// Byte offset of the first such byte, from 0.
        offset: u64,
        /// Its line, from 1.
        line: u64,
        /// Whether it is a NUL byte (else undecodable).
        nul: bool,
    },
    /// A register's header lacks more than half of the mapping's columns, or the column of the
    /// row's required name [ADP-017]: nothing is converted. Each missing column comes with the
    /// register's header that looks most like it, if any.
    #[error("csv: {} of the mapping's {mapped} columns are not in the header; nothing converted: {}", missing.len(), missing_list(missing, false))]
    ColumnsMissing {
        /// How many columns the mapping maps.
        mapped: usize,
        /// Each missing column, with the register header it probably is.
        missing: Vec<(String, Option<String>)>,
    },
}

fn missing_list(missing: &[(String, Option<String>)], zh: bool) -> String {
    missing
        .iter()
        .map(|(h, s)| match (s, zh) {
            (Some(s), true) => format!("`{h}`（表中是否为 `{s}`？）"),
            (Some(s), false) => format!("`{h}` (is it `{s}`?)"),
            (None, _) => format!("`{h}`"),
        })
        .collect::<Vec<_>>()
        .join(if zh { "、" } else { ", " })
}

/// A TOML syntax or shape error of a mapping file as a problem of [`Error::Mapping`], with the
/// line and column (1-based) of its span when the parser gives one.
pub(crate) fn toml_problem(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim_end();
    match e.span() {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            format!("line {line} column {column}: {msg}")
        }
        None => msg.to_owned(),
    }
}

/// The 1-based line and column (in characters) of a byte offset of `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The problem "`value` is not a code of the table `T`", naming the table and the command that
/// lists it (for [`Error::Mapping`]).
pub(crate) fn not_in_table<T: linli_model::codes::CodeTable>(at: &str, value: &str) -> String {
    let table = T::TABLE;
    format!("{at}: `{value}` is not a code of the table `{table}` (list it with `linli codes {table}`)")
}

fn hint_en(f: Option<convert::Format>) -> String {
    // no format recognised: the default empty hint.
    f.map(|f| format!("; it looks like {0}: try --from {0}", f.name())).unwrap_or_default()
}

impl Error {
    /// Stable code of the error.
    pub fn code(&self) -> &'static str {
        self.typed_code().as_str()
    }

    /// Stable code of the error, typed.
    pub fn typed_code(&self) -> Code {
        match self {
            Error::Input { .. } => Code::AdapterInput,
            Error::NotThisFormat { .. } => Code::AdapterWrongFormat,
            Error::DatumNotHonoured { .. } => Code::AdapterDatumNotHonoured,
            Error::Mapping { .. } => Code::AdapterMapping,
            Error::ColumnsMissing { .. } => Code::CsvColumnsMissing,
            Error::NotText { .. } => Code::CsvNotText,
        }
    }

    /// The message in Chinese (`zh`) or English; the detail (from the parser that refused the
    /// input) is quoted as it is.
    pub fn message(&self, zh: bool) -> String {
        match self {
            Error::Input { format, message } if zh => format!("{format}：输入无法转换：{}", input_zh(message)),
            Error::NotThisFormat { format, looks_like, detail } if zh => {
                let hint =
                    // no format recognised: the default empty hint.
                    looks_like.map(|f| format!("；看起来是 {0}，请改用 --from {0}", f.name())).unwrap_or_default();
                format!("{format}：输入不是 {format} 格式（{}）{hint}", detail_zh(detail))
            }
            Error::DatumNotHonoured { format, datum } if zh => {
                format!("{format}：无法按 --datum {datum} 处理：此格式不含坐标")
            }
            Error::Mapping { format, problems } if zh => {
                format!("{format} 映射文件有误（共 {} 处）：{}", problems.len(), problems.join("；"))
            }
            Error::ColumnsMissing { mapped, missing } if zh => format!(
                "csv：映射的 {mapped} 列中有 {} 列不在表头中，未转换任何行：{}。请按表头修改映射，或用 --init-mapping 重新生成",
                missing.len(),
                missing_list(missing, true)
            ),
            Error::NotText { offset, line, nul } if zh => {
                let what = if *nul { "NUL 字节" } else { "既不是 UTF-8 也不是 GB18030/GBK 的字节" };
                let hint = if *nul { "" } else { "（可用 --encoding 指定编码，坏字节替换后读取）" };
                format!("csv：不是文本：第 {line} 行（字节偏移 {offset}）有{what}，未转换任何行{hint}")
            }
            Error::ColumnsMissing { .. }
            | Error::NotText { .. }
            | Error::Input { .. }
            | Error::NotThisFormat { .. }
            | Error::DatumNotHonoured { .. }
            | Error::Mapping { .. } => self.to_string(),
        }
    }
}

/// The Chinese of an [`Error::Input`] message: the readers' own English phrases translated, a
/// parser's detail (serde_json's, quick-xml's) left as it is quoted.
fn input_zh(message: &str) -> String {
    const PHRASES: &[(&str, &str)] = &[
        (
            " (it has `eventType` and `eventTime`: the Azure Event Grid event schema, not CloudEvents; subscribe with the CloudEvents 1.0 schema instead)",
            "（它有 `eventType` 和 `eventTime`：这是 Azure Event Grid 事件架构，不是 CloudEvents；请改用 CloudEvents 1.0 架构订阅）",
        ),
        ("missing; not a CloudEvent", "缺失：不是 CloudEvent"),
        ("CloudEvents JSON is one object or a batch array", "CloudEvents JSON 应为一个对象或一个批量数组"),
        ("not JSON: ", "不是 JSON："),
    ];
    let mut out = message.to_owned();
    for (en, zh) in PHRASES {
        out = out.replace(en, zh);
    }
    out
}

/// The Chinese of a [`Error::NotThisFormat`] detail: the readers give these few in English;
/// another (none today) is shown as it is.
fn detail_zh(detail: &str) -> &str {
    match detail {
        "not JSON" => "不是 JSON",
        "not readable as this format" => "无法按此格式读取",
        "nothing of it could be read as this format" => "没有任何内容能按此格式读取",
        "no GeoReport v2 service request in it" => "其中没有 GeoReport v2 服务请求",
        other => other,
    }
}

//! # linli-adapters — from what vendors speak today, to Linli and back
//!
//! One module per format. Every conversion returns the records together with a [`LossReport`]:
//! source fields that had no canonical home (kept in `extensions`), fields that could not be
//! represented in the target, and values that were normalised (a coordinate transformed, a
//! local time given an offset). An adapter never drops a field silently.

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
}

fn hint_en(f: Option<convert::Format>) -> String {
    f.map(|f| format!("; it looks like {0}: try --from {0}", f.name())).unwrap_or_default()
}

impl Error {
    /// Stable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Input { .. } => "adapter-input",
            Error::NotThisFormat { .. } => "adapter-wrong-format",
            Error::DatumNotHonoured { .. } => "adapter-datum-not-honoured",
        }
    }

    /// The message in Chinese (`zh`) or English; the detail (from the parser that refused the
    /// input) is quoted as it is.
    pub fn message(&self, zh: bool) -> String {
        match self {
            Error::Input { format, message } if zh => format!("{format}：输入无法转换：{message}"),
            Error::NotThisFormat { format, looks_like, detail } if zh => {
                let hint =
                    looks_like.map(|f| format!("；看起来是 {0}，请改用 --from {0}", f.name())).unwrap_or_default();
                format!("{format}：输入不是 {format} 格式（{detail}）{hint}")
            }
            Error::DatumNotHonoured { format, datum } if zh => {
                format!("{format}：无法按 --datum {datum} 处理：此格式不含坐标")
            }
            Error::Input { .. } | Error::NotThisFormat { .. } | Error::DatumNotHonoured { .. } => self.to_string(),
        }
    }
}

//! `linli generate`: a synthetic community dataset.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use linli_synth::{Config, Mix, generate};

use crate::{CliError, Lang};

/// Arguments of `linli generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// About how many records to generate
    #[arg(long, value_name = "N")]
    pub records: u64,
    /// Seed: the same seed gives the same dataset
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Share of records (0.0–1.0) that carry one seeded defect of a known kind
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub defects: f64,
    /// Only Person records (for record-level benchmarks)
    #[arg(long)]
    pub persons_only: bool,
    /// Threads (0: one per core); the output for a seed is the same whatever the number
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Output directory (one NDJSON file per record type, and manifest.json)
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

/// Run `linli generate`: writes the dataset and prints a JSON summary of what was made,
/// including the number of seeded defects per finding code.
pub(crate) fn run(args: &GenerateArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let cfg = Config {
        records: args.records,
        seed: args.seed,
        defect_rate: args.defects,
        mix: if args.persons_only { Mix::PersonsOnly } else { Mix::Community },
        threads: args.threads,
    };
    let summary = generate(&cfg, &args.output).map_err(|e| match e {
        linli_synth::Error::Io { path, source } => CliError::Io { path, source },
        other => CliError::usage(format!("生成设置超出范围：{other}"), other.to_string()),
    })?;
    let total: u64 = summary.records.values().sum();
    let defects: u64 = summary.defects.values().sum();
    let msg = match lang {
        Lang::Zh => format!("已生成 {total} 条记录（其中 {defects} 条含预置缺陷）到 {}\n", args.output.display()),
        Lang::En => {
            format!("generated {total} records ({defects} with a seeded defect) in {}\n", args.output.display())
        }
    };
    eprint!("{msg}");
    let mut json = crate::to_json_pretty(&summary)?;
    json.push('\n');
    out.write_all(json.as_bytes()).map_err(CliError::Stdout)?;
    Ok(ExitCode::SUCCESS)
}

//! `linli-reference-adapter`: the bundled vendor adapter as a program of its own (issue 16: the
//! shipped `linli` binary carries no adapter and no faults).
//!
//! - `linli-reference-adapter [--fault NAME] [--classes a,b] [--skip CASE=REASON]…` speaks the
//!   harness protocol on standard input and output: what `linli conformance run --adapter` spawns.
//! - `linli-reference-adapter conformance [OPTIONS of linli conformance run]` is the main job in one
//!   command: `linli conformance run --adapter "<this program>"` plus the options given.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use linli_reference_adapter::{Declared, Fault, serve};

/// The reference vendor adapter of the Linli conformance suite (speaks the harness protocol on
/// standard input and output), and its deliberately faulty variants.
#[derive(Debug, Parser)]
#[command(name = "linli-reference-adapter", version, args_conflicts_with_subcommands = true)]
struct Args {
    /// Behave as a known variant, used by the runner cases (spec 30.6; an unknown name lists them all):
    /// utc and drop-empty conform; drop-field, no-offset, float-int, accept-bad-id, lowercase-ids,
    /// reject-extensions, reject-empty, type-first, index-by-id, order-dependent, error-answer, leak,
    /// keep-media, keep-residences, own-key, wall-clock, loss-source-text, wrong-loss-pointer, latest,
    /// old-standard, hang, garbage and flood do not
    #[arg(long)]
    fault: Option<String>,
    /// Claim only these classes (comma-separated; default: all)
    #[arg(long, value_delimiter = ',')]
    classes: Vec<String>,
    /// Declare a case skipped, as CASE=REASON (repeatable)
    #[arg(long, value_name = "CASE=REASON")]
    skip: Vec<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Run the conformance suite against this adapter: `linli conformance run --adapter
    /// "<this program>" OPTIONS` (reports in target/conformance/ unless --out says otherwise)
    Conformance {
        /// Options of `linli conformance run` (--out, --seed, --lang, --sign-key, ...)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        options: Vec<OsString>,
    },
}

/// A usage error, in both languages (the adapter has no `--lang`: its words are for a developer).
fn usage(zh: String, en: String) -> ExitCode {
    eprintln!("error[usage]: {en}\n错误[usage]：{zh}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(Command::Conformance { options }) = args.command {
        return conformance(options);
    }
    let fault = match &args.fault {
        None => None,
        Some(f) => match Fault::parse(f) {
            Some(fault) => Some(fault),
            None => {
                return usage(
                    format!("未知故障 `{f}`；应为 {} 之一", Fault::NAMES.join("、")),
                    format!("unknown fault `{f}`; one of {}", Fault::NAMES.join(", ")),
                );
            }
        },
    };
    let mut declared = Declared::default();
    for c in &args.classes {
        match serde_json::from_value(serde_json::Value::String(c.clone())) {
            Ok(class) => declared.classes.push(class),
            Err(_) => return usage(format!("未知的一致性类别 `{c}`"), format!("unknown class `{c}`")),
        }
    }
    for s in &args.skip {
        let Some((case, reason)) = s.split_once('=') else {
            return usage(
                format!("--skip {s}：应为 用例=理由（CASE=REASON）"),
                format!("--skip {s}: expected CASE=REASON"),
            );
        };
        declared.skips.push((case.to_owned(), reason.to_owned()));
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match serve(stdin.lock(), stdout.lock(), fault, &declared) {
        Ok(()) => ExitCode::SUCCESS,
        // The harness closed the pipe: nothing more to say to it.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(141),
        Err(e) => usage(format!("适配器停止：{e}"), format!("the adapter stopped: {e}")),
    }
}

/// `linli conformance run --adapter "<this program>" OPTIONS`, in this process.
fn conformance(options: Vec<OsString>) -> ExitCode {
    let me = match std::env::current_exe() {
        Ok(p) => p.display().to_string(),
        Err(e) => return usage(format!("找不到本程序的路径：{e}"), format!("cannot find this program's path: {e}")),
    };
    let Ok(quoted) = shlex::try_quote(&me) else {
        return usage(format!("本程序的路径含有 NUL：{me:?}"), format!("this program's path holds a NUL: {me:?}"));
    };
    let argv = ["linli", "conformance", "run", "--adapter"]
        .into_iter()
        .map(OsString::from)
        .chain([OsString::from(quoted.into_owned())])
        .chain(options);
    linli_cli::main_with_args(argv)
}

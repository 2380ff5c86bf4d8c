//! `linli-bench typed|value FILE`: the floors of the validation benchmark.
//!
//! * `typed` — read every line and deserialize it straight into the model type of the file's
//!   records (`Person`, ...; taken from the first line), with no other check: the bare typed
//!   serde parse, what any Rust consumer of the file pays at least;
//! * `value` — read every line and parse it into `serde_json::Value` (what a generic JSON Schema
//!   validator pays before it validates anything).
//!
//! Both read lines exactly as `linli validate` does (a buffered reader, one line at a time) and
//! print `records=N invalid=N bytes=N seconds=S`.

use std::io::BufRead;
use std::process::ExitCode;
use std::time::Instant;

// The same allocator as the `linli` binary, so that the floors are measured on equal terms.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: linli-bench typed|value FILE");
        return ExitCode::from(2);
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let mut line = String::new();
    let (mut records, mut invalid, mut bytes) = (0u64, 0u64, 0u64);
    let mut first_type: Option<linli_model::RecordType> = None;
    let start = Instant::now();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(n) => bytes += n as u64,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(2);
            }
        }
        let text = line.trim_end();
        if text.is_empty() {
            continue;
        }
        records += 1;
        let ok = match mode.as_str() {
            "typed" => {
                let ty = *first_type.get_or_insert_with(|| {
                    linli_model::Record::from_json_str(text)
                        .map(|r| r.record_type())
                        .unwrap_or(linli_model::RecordType::Person)
                });
                typed(ty, text)
            }
            "value" => serde_json::from_str::<serde_json::Value>(text).is_ok(),
            _ => {
                eprintln!("usage: linli-bench typed|value FILE");
                return ExitCode::from(2);
            }
        };
        if !ok {
            invalid += 1;
        }
    }
    println!("records={records} invalid={invalid} bytes={bytes} seconds={:.3}", start.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

fn typed(ty: linli_model::RecordType, text: &str) -> bool {
    use linli_model::RecordType as T;
    match ty {
        T::Person => serde_json::from_str::<linli_model::Person>(text).is_ok(),
        T::Organization => serde_json::from_str::<linli_model::Organization>(text).is_ok(),
        T::Place => serde_json::from_str::<linli_model::Place>(text).is_ok(),
        T::Thing => serde_json::from_str::<linli_model::Thing>(text).is_ok(),
        T::Event => serde_json::from_str::<linli_model::Event>(text).is_ok(),
        _ => serde_json::from_str::<linli_model::Case>(text).is_ok(),
    }
}

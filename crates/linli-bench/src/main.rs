//! `linli-bench`: the floors and the data of the benchmarks in `benches/`.
//!
//! * `syntax FILE` — read every line and parse it into `serde::de::IgnoredAny`: the JSON syntax
//!   floor, what any reader that looks at every byte pays; it does not move with Linli's model;
//! * `typed FILE` — read every line and deserialize it straight into the model type of the
//!   file's records (`Person`, ...; taken from the first line), with no other check: the bare
//!   typed serde parse, what any Rust consumer of the file pays at least;
//! * `value FILE` — read every line and parse it into `serde_json::Value` (what a generic JSON
//!   Schema validator pays before it validates anything);
//! * `jsonschema FILE` — the best generic peer: each line parsed into a `Value` and validated by
//!   jsonschema-rs against the committed schema of its type (through linli-validate's schema
//!   engine, the one module that holds jsonschema), every violation of an invalid record
//!   collected, as `linli validate` collects every finding.
//!
//!   Both read lines exactly as `linli validate` does (a buffered reader, one line at a time) and
//!   print `records=N invalid=N bytes=N seconds=S` (`benches/validate.sh`).
//! * `register --rows N --seed S -o FILE [--encoding gbk|utf-8]` — write a deterministic
//!   population register (CSV, see [`register`]) and print `rows=N households=N rooms=N bytes=N`;
//! * `csv-read FILE` — the bare csv-crate read of a UTF-8 CSV file (`csv::Reader`, one
//!   `StringRecord` reused, every field touched) and print `rows=N bytes=N seconds=S`: the floor of
//!   `linli convert --from csv` in `benches/register.sh`.

use std::io::BufRead;
use std::process::ExitCode;
use std::time::Instant;

mod register;

// The same allocator as the `linli` binary, so that the floors are measured on equal terms.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage / 用法: linli-bench syntax|value|typed|jsonschema FILE
       linli-bench register --rows N --seed S -o FILE [--encoding gbk|utf-8]
       linli-bench csv-read FILE";

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("register") => register_cmd(&args[2..]),
        Some("csv-read") => match args.get(2) {
            Some(path) if args.len() == 3 => csv_read(path),
            _ => usage(),
        },
        _ => json_floor(&args),
    }
}

/// `linli-bench register ...`.
fn register_cmd(args: &[String]) -> ExitCode {
    let (mut rows, mut seed, mut out, mut gbk) = (None, 2026u64, None, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let Some(v) = it.next() else { return usage() };
        match a.as_str() {
            "--rows" => rows = v.parse::<u64>().ok().filter(|n| *n > 0),
            "--seed" => match v.parse() {
                Ok(s) => seed = s,
                Err(_) => return usage(),
            },
            "-o" | "--output" => out = Some(v.clone()),
            "--encoding" => match v.to_ascii_lowercase().as_str() {
                "gbk" => gbk = true,
                "utf-8" | "utf8" => gbk = false,
                _ => {
                    eprintln!("--encoding: 只支持 gbk 或 utf-8 / only gbk or utf-8");
                    return ExitCode::from(2);
                }
            },
            _ => return usage(),
        }
    }
    let (Some(rows), Some(path)) = (rows, out) else { return usage() };
    let file = match std::fs::File::create(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{path}: 无法创建 / cannot create: {e}");
            return ExitCode::from(2);
        }
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
    let result = register::write(rows, seed, gbk, &mut w).and_then(|s| std::io::Write::flush(&mut w).map(|()| s));
    match result {
        Ok(s) => {
            println!("rows={} households={} rooms={} bytes={}", s.rows, s.households, s.rooms, s.bytes);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{path}: 写入失败 / write failed: {e}");
            ExitCode::from(2)
        }
    }
}

/// `linli-bench csv-read FILE`.
fn csv_read(path: &str) -> ExitCode {
    let start = Instant::now();
    let mut reader = match csv::ReaderBuilder::new().has_headers(true).from_path(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut record = csv::StringRecord::new();
    let (mut rows, mut field_bytes) = (0u64, 0u64);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                rows += 1;
                field_bytes += record.iter().map(|f| f.len() as u64).sum::<u64>();
            }
            Ok(false) => break,
            Err(e) => {
                eprintln!("{path}: CSV 读取失败 / CSV read failed: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let bytes = reader.position().byte();
    println!("rows={rows} bytes={bytes} field_bytes={field_bytes} seconds={:.3}", start.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

/// `linli-bench typed|value FILE`.
fn json_floor(args: &[String]) -> ExitCode {
    let (Some(mode), Some(path)) = (args.get(1), args.get(2)) else {
        return usage();
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
    let engine = match mode.as_str() {
        "jsonschema" => match linli_validate::schema_engine::SchemaEngine::new() {
            Ok(e) => Some(e),
            Err(e) => {
                eprintln!("schemas: {e}");
                return ExitCode::from(2);
            }
        },
        "syntax" | "value" | "typed" => None,
        _ => return usage(),
    };
    let mut violations = 0u64;
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
            "syntax" => serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok(),
            "value" => serde_json::from_str::<serde_json::Value>(text).is_ok(),
            _ => match (engine.as_ref(), serde_json::from_str::<serde_json::Value>(text)) {
                (Some(engine), Ok(v)) => {
                    let ty = v
                        .get("type")
                        .and_then(serde_json::Value::as_str)
                        .and_then(<linli_model::RecordType as linli_model::codes::CodeTable>::from_code)
                        .unwrap_or(linli_model::RecordType::Person);
                    if engine.is_valid(ty, &v) {
                        true
                    } else {
                        violations += engine.violations(ty, &v).len() as u64;
                        false
                    }
                }
                _ => false,
            },
        };
        if !ok {
            invalid += 1;
        }
    }
    println!(
        "records={records} invalid={invalid} violations={violations} bytes={bytes} seconds={:.3}",
        start.elapsed().as_secs_f64()
    );
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

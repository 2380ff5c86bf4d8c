//! `linli conformance`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use linli_conformance::runner::{RunOptions, Target, run};

use crate::{CliError, Lang};

/// Arguments of `linli conformance`.
#[derive(Debug, clap::Args)]
pub struct ConformanceArgs {
    /// What to do
    #[command(subcommand)]
    pub command: ConformanceCommand,
}

/// Subcommands of `linli conformance`.
#[derive(Debug, clap::Subcommand)]
pub enum ConformanceCommand {
    /// Run the suite against a vendor's adapter (--adapter), an exported dataset (--dataset) or a
    /// live exchange node (--api URL: the class api, chapter 31).
    #[command(
        after_help = "Reports: events.jsonl (one event per line), summary.json, junit.xml and report.html in --out.\n\
Exit codes: 0 every claimed class passes; 1 failures; 2 the suite could not run or ran nothing.\n\
退出码：0 所有声明的类别通过；1 有失败；2 无法运行或未运行任何用例。"
    )]
    Run(RunArgs),
    /// List every outcome of the suite (`CASE/OP`) with its class.
    List {
        /// The suite folder (default: the suite embedded in this build)
        #[arg(long, value_name = "DIR")]
        suite: Option<PathBuf>,
    },
    /// Check a signed result statement: signature, type, and digests against the files.
    #[command(
        after_help = "Exit codes: 0 valid; 1 invalid (error[CODE] and the reason); 2 unreadable input or usage.\n\
退出码：0 有效；1 无效（给出错误代码与原因）；2 输入无法读取或用法错误。"
    )]
    Verify(crate::statement_cmd::VerifyArgs),
    /// Write a new Ed25519 key pair for `run --sign-key`: PKCS#8 PEM (mode 0600) and SPKI PEM.
    Keygen(crate::statement_cmd::KeygenArgs),
}

/// Arguments of `linli conformance run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// A vendor's adapter program and its arguments, as one string (split as a POSIX shell
    /// would: quotes group words). Its standard error goes to adapter-stderr.log in --out
    #[arg(long, value_name = "CMD ARGS", conflicts_with_all = ["dataset", "api"])]
    pub adapter: Option<String>,
    /// An exported dataset directory (a folder with manifest.json and the record files; an
    /// archive is extracted first, a single file put in a folder)
    #[arg(long, value_name = "DIR", conflicts_with = "api")]
    pub dataset: Option<PathBuf>,
    /// A live exchange node's base URL, http://HOST:PORT (the class api, spec chapter 31); needs
    /// --token-file. The run writes records into the node: use a node set up for the test
    #[arg(long, value_name = "URL", requires = "token_file")]
    pub api: Option<String>,
    /// With --api: the file holding the writer's token (read level internal, writes all six
    /// record types)
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// With --api: the file holding a token of read level inter-department (cases that need it are skipped without)
    #[arg(long, value_name = "FILE")]
    pub token_file_inter_department: Option<PathBuf>,
    /// With --api: the file holding a token of read level public (cases that need it are skipped without)
    #[arg(long, value_name = "FILE")]
    pub token_file_public: Option<PathBuf>,
    /// Folder for the reports
    #[arg(long, value_name = "DIR", default_value = "target/conformance")]
    pub out: PathBuf,
    /// Seed for the order of the cases (written into the report)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Time an adapter has for one answer, or (with --api) a node for one request, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Restarts of a failing adapter before its remaining cases are given up
    #[arg(long, default_value_t = 3)]
    pub max_restarts: u32,
    /// Time the whole run (against an adapter, or a node with --api) may take, in seconds; outcomes not reached by then are errors
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    pub max_run_secs: u64,
    /// The suite folder (default: the suite embedded in this build)
    #[arg(long, value_name = "DIR")]
    pub suite: Option<PathBuf>,
    /// Also write statement.intoto.json: the result signed with this Ed25519 key (PKCS#8 PEM)
    #[arg(long, value_name = "KEYFILE")]
    pub sign_key: Option<PathBuf>,
}

/// The suite folder: `--suite DIR`, else the suite embedded in this build, extracted to a
/// private folder that lives as long as the returned [`linli_conformance::bundle::Bundle`]
/// (an installed `linli` needs no repository, issue 16).
pub(crate) fn suite_dir(
    arg: Option<&PathBuf>,
) -> Result<(PathBuf, Option<linli_conformance::bundle::Bundle>), CliError> {
    if let Some(dir) = arg {
        // A suite that is not there is said as such, not as a suite that breaks its rules.
        if !dir.is_dir() {
            let p = crate::printable(&dir.display().to_string());
            let (zh, en) = if dir.exists() {
                (format!("--suite {p}：不是目录"), format!("--suite {p}: not a directory"))
            } else {
                (format!("--suite {p}：找不到该测试套件目录"), format!("--suite {p}: no such suite folder"))
            };
            return Err(CliError::Coded { code: "suite-not-found", zh, en });
        }
        return Ok((dir.clone(), None));
    }
    let bundle = linli_conformance::bundle::Bundle::extract().map_err(|e| {
        CliError::usage(format!("内置测试套件无法展开：{e}"), format!("cannot extract the built-in suite: {e}"))
    })?;
    Ok((bundle.suite(), Some(bundle)))
}

/// Run `linli conformance ...`.
pub(crate) fn run_conformance(args: &ConformanceArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    match &args.command {
        ConformanceCommand::List { suite } => {
            let (suite, _bundle) = suite_dir(suite.as_ref())?;
            let outcomes = linli_conformance::runner::list_outcomes(&suite).map_err(|e| {
                CliError::usage(
                    format!("{}：测试套件无法读取：{e}", suite.display()),
                    format!("{}: {e}", suite.display()),
                )
            })?;
            for (id, class) in outcomes {
                writeln!(out, "{id}\t{}", class.name()).map_err(CliError::Stdout)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ConformanceCommand::Run(a) => run_suite(a, lang, out),
        ConformanceCommand::Verify(a) => crate::statement_cmd::verify(a, lang, out),
        ConformanceCommand::Keygen(a) => crate::statement_cmd::keygen(a, lang, out),
    }
}

/// The work folder of a run in `--out`: the case directories of `export` and `share` cases (and
/// what an adapter stages beside them) `[CNF-067]`.
pub(crate) const WORK_DIR: &str = ".linli-conformance-work";

/// The words of `--adapter CMD`, split as a POSIX shell would: an empty command and unbalanced
/// quotes each get their own error.
fn adapter_words(cmd: &str) -> Result<Vec<String>, CliError> {
    let shown = crate::printable(cmd);
    match shlex::split(cmd) {
        None => Err(CliError::usage(
            format!("--adapter {shown:?}：引号不成对；请按 shell 的读法给出命令"),
            format!("--adapter {shown:?}: unbalanced quotes; give the command as a shell would read it"),
        )),
        Some(words) if words.first().is_none_or(|w| w.is_empty()) => Err(CliError::Coded {
            code: "adapter-empty",
            zh: "--adapter 未给出命令：请给出适配器程序及其参数，如 --adapter \"/opt/vendor/adapter --config a.toml\""
                .to_owned(),
            en: "--adapter names no command: give the adapter program and its arguments, e.g. --adapter \"/opt/vendor/adapter --config a.toml\""
                .to_owned(),
        }),
        Some(words) => Ok(words),
    }
}

/// The node of `--api URL` with the tokens of the token files (white space at either end
/// removed, [API-001]); a file that cannot be read or holds no token is `api-token`. The tokens
/// are never printed.
fn api_target(a: &RunArgs, url: &str) -> Result<Target, CliError> {
    let read = |f: &PathBuf, option: &str| -> Result<String, CliError> {
        let shown = crate::printable(&f.display().to_string());
        let text = std::fs::read_to_string(f).map_err(|e| CliError::Coded {
            code: "api-token",
            zh: format!("{option} {shown}：无法读取令牌文件（{}）", e.kind()),
            en: format!("{option} {shown}: cannot read the token file ({})", e.kind()),
        })?;
        let t = text.trim();
        if t.is_empty() || t.contains(char::is_whitespace) {
            return Err(CliError::Coded {
                code: "api-token",
                zh: format!("{option} {shown}：文件中没有一个令牌（应为一行，不含空白）"),
                en: format!("{option} {shown}: the file holds no single token (one line, no white space)"),
            });
        }
        Ok(t.to_owned())
    };
    let Some(tf) = &a.token_file else {
        return Err(CliError::usage("--api 须同时给出 --token-file".to_owned(), "--api needs --token-file".to_owned()));
    };
    Ok(Target::Api(linli_conformance::runner::ApiTarget {
        url: url.to_owned(),
        token: read(tf, "--token-file")?,
        token_inter_department: a
            .token_file_inter_department
            .as_ref()
            .map(|f| read(f, "--token-file-inter-department"))
            .transpose()?,
        token_public: a.token_file_public.as_ref().map(|f| read(f, "--token-file-public")).transpose()?,
    }))
}

fn run_suite(a: &RunArgs, lang: Lang, out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let target = match (&a.adapter, &a.dataset, &a.api) {
        (Some(cmd), _, _) => Target::Adapter(adapter_words(cmd)?),
        (None, Some(d), _) => Target::Dataset(d.clone()),
        (None, None, Some(url)) => api_target(a, url)?,
        // The reference adapter is its own program (`linli-reference-adapter`, not shipped with
        // linli): nothing to run is a usage error that says what to give.
        (None, None, None) => {
            return Err(CliError::usage(
                "未指定测试对象：请用 --adapter \"命令 参数\" 指定厂商适配器，用 --dataset 目录 指定导出的数据集，或用 --api 地址 --token-file 文件 指定运行中的交换节点".to_owned(),
                "nothing to test: give a vendor's adapter with --adapter \"CMD ARGS\", an exported dataset with --dataset DIR, or a live exchange node with --api URL --token-file FILE".to_owned(),
            ));
        }
    };
    let sign_key = a.sign_key.as_deref().map(|k| crate::statement_cmd::read_key(k, lang)).transpose()?;
    let (suite, _bundle) = suite_dir(a.suite.as_ref())?;
    let mut opts = RunOptions::new(suite);
    opts.seed = a.seed;
    opts.case_timeout = Duration::from_millis(a.timeout_ms);
    opts.max_restarts = a.max_restarts;
    opts.run_timeout = Duration::from_secs(a.max_run_secs);
    std::fs::create_dir_all(&a.out).map_err(|source| CliError::Io { path: a.out.clone(), source })?;
    // The case directories beside the reports, where the next run cleans what a killed one left [CNF-067].
    opts.work_dir = Some(a.out.join(WORK_DIR));
    let stderr_log = a.out.join("adapter-stderr.log");
    // A fresh, private log (the adapter's logs may quote the records it was sent); an old one
    // is never left beside the reports of another run. Only an adapter run has one.
    let _ = std::fs::remove_file(&stderr_log);
    if matches!(target, Target::Adapter(_)) {
        crate::statement_cmd::create_private(&stderr_log)
            .map_err(|source| CliError::Io { path: stderr_log.clone(), source })?;
        opts.stderr_log = Some(stderr_log);
    }
    let log_path = a.out.join("events.jsonl");
    let mut log = std::io::BufWriter::new(
        std::fs::File::create(&log_path).map_err(|source| CliError::Io { path: log_path.clone(), source })?,
    );
    // JSON reports: no control character raw, whatever a vendor's answer held [CON-072].
    let json = linli_validate::report::escape_json_controls;
    let summary = run(&target, &opts, &mut |e| {
        let _ = writeln!(log, "{}", json(&e.to_string()));
    });
    log.flush().map_err(|source| CliError::Io { path: log_path.clone(), source })?;
    // The requirement texts for report.html: a spec that does not read has already refused the
    // run (`suite-refused`, the coverage gate [CNF-020]), which the reports say; the default, no
    // texts, then shows the requirement IDs alone.
    let reqs = linli_conformance::coverage::requirements(&opts.suite.join("../spec")).unwrap_or_default();
    let text_of = |id: &str| reqs.iter().find(|r| r.id == id).map(|r| r.text.clone());
    let files: [(&str, String); 3] = [
        ("summary.json", format!("{}\n", json(&crate::to_json_pretty(&summary)?))),
        ("junit.xml", linli_conformance::report::junit(&summary)),
        ("report.html", linli_conformance::report::html(&summary, &text_of)),
    ];
    for (name, text) in &files {
        let p = a.out.join(name);
        std::fs::write(&p, text).map_err(|source| CliError::Io { path: p, source })?;
    }
    if let Some(key) = &sign_key {
        let summary_json = (&summary, files[0].1.as_bytes());
        crate::statement_cmd::write_statement(key, summary_json, &target, &opts.suite, &a.out, (lang, out))?;
    }
    for e in &summary.run_errors {
        let (word, text) = match lang {
            Lang::Zh => ("运行错误", crate::printable(&e.zh)),
            Lang::En => ("run error", crate::printable(&e.en)),
        };
        writeln!(out, "{word} error[{}]: {text}", e.code).map_err(CliError::Stdout)?;
    }
    let table = class_table(&summary.classes, lang);
    out.write_all(table.as_bytes()).map_err(CliError::Stdout)?;
    out.write_all(not_passing(&summary, lang).as_bytes()).map_err(CliError::Stdout)?;
    let errors = summary.cases.iter().filter(|c| c.outcome == linli_conformance::runner::Outcome::Error).count();
    let log = a.out.join("adapter-stderr.log");
    if errors > 0 && std::fs::metadata(&log).is_ok_and(|m| m.len() > 0) {
        let note = match lang {
            Lang::Zh => format!("{errors} 个结果出错；适配器的标准错误输出见 {}", log.display()),
            Lang::En => {
                format!("{errors} outcomes ended in error; the adapter's standard error is in {}", log.display())
            }
        };
        writeln!(out, "{}", crate::printable(&note)).map_err(CliError::Stdout)?;
    }
    writeln!(out, "{}", crate::printable(&verdict_line(&summary, lang))).map_err(CliError::Stdout)?;
    let mut reports = vec!["summary.json", "events.jsonl", "junit.xml", "report.html"];
    if sign_key.is_some() {
        reports.push(linli_conformance::statement::STATEMENT_FILE);
    }
    let msg = match lang {
        Lang::Zh => format!("报告已写入 {}（{}）", a.out.display(), reports.join("、")),
        Lang::En => format!("reports in {} ({})", a.out.display(), reports.join(", ")),
    };
    writeln!(out, "{}", crate::printable(&msg)).map_err(CliError::Stdout)?;
    Ok(ExitCode::from(summary.exit_code()))
}

/// Most outcomes that did not pass listed on the terminal; the rest are counted.
const LISTED_OUTCOMES: usize = 20;

/// The outcomes that did not pass (`fail`, `error`, `skip`), each with its reason on one line
/// (already masked by the runner, cut to 200 characters), at most [`LISTED_OUTCOMES`], then
/// how many more: the terminal says why, the reports say it in full.
fn not_passing(summary: &linli_conformance::runner::Summary, lang: Lang) -> String {
    use linli_conformance::runner::Outcome;
    let bad: Vec<_> =
        summary.cases.iter().filter(|c| matches!(c.outcome, Outcome::Fail | Outcome::Error | Outcome::Skip)).collect();
    let mut text = String::new();
    for c in bad.iter().take(LISTED_OUTCOMES) {
        let detail = if lang == Lang::Zh { &c.detail_zh } else { &c.detail_en };
        let one: String = detail.chars().map(|ch| if ch.is_control() { ' ' } else { ch }).collect();
        let one =
            if one.chars().count() > 200 { format!("{}…", one.chars().take(200).collect::<String>()) } else { one };
        text.push_str(&crate::printable(&format!("  {} {}: {one}", c.id, c.outcome.name())));
        text.push('\n');
    }
    if bad.len() > LISTED_OUTCOMES {
        let more = bad.len() - LISTED_OUTCOMES;
        text.push_str(&match lang {
            Lang::Zh => format!("  另有 {more} 个未通过的结果，见 summary.json 与 report.html\n"),
            Lang::En => format!("  and {more} more outcomes that did not pass: see summary.json and report.html\n"),
        });
    }
    text
}

/// The overall verdict of a run, one line `[CNF-071]`: PASS / 合格 when every claimed class
/// passes, FAIL / 不合格 with the classes that fail, NO VERDICT / 无结论 when the run could not
/// run or ran nothing; with the product as declared, or the target of a dataset run.
fn verdict_line(summary: &linli_conformance::runner::Summary, lang: Lang) -> String {
    let what = match &summary.product {
        Some(p) => format!("{}/{} {}", p.vendor, p.name, p.version),
        None => summary.target.clone(),
    };
    let failing: Vec<&str> =
        summary.classes.iter().filter(|c| c.claimed && c.verdict != "pass").map(|c| c.class.name()).collect();
    match (summary.overall(), lang) {
        ("pass", Lang::Zh) => format!("结论：合格 — {what}：所有声明的类别均通过"),
        ("pass", Lang::En) => format!("verdict: PASS — {what}: every claimed class passes"),
        ("fail", Lang::Zh) => format!("结论：不合格 — {what}：未通过的类别：{}", failing.join("、")),
        ("fail", Lang::En) => format!("verdict: FAIL — {what}: classes that fail: {}", failing.join(", ")),
        (_, Lang::Zh) => format!("结论：无结论 — {what}：测试无法运行或未运行任何用例"),
        (_, Lang::En) => format!("verdict: NO VERDICT — {what}: the suite could not run or ran nothing"),
    }
}

/// The verdict of each class as a table with a header row, in one language, its columns aligned
/// by display width (a Chinese character takes two columns).
fn class_table(classes: &[linli_conformance::runner::ClassVerdict], lang: Lang) -> String {
    use unicode_width::UnicodeWidthStr;
    const OUTCOMES: [&str; 5] = ["pass", "fail", "error", "skip", "not-applicable"];
    let zh = lang == Lang::Zh;
    let word = |w: &str| -> String {
        match (zh, w) {
            (true, "pass") => "通过",
            (true, "fail") => "不通过",
            (true, "error") => "出错",
            (true, "skip") => "跳过",
            (true, "not-claimed") => "未声明",
            (true, "not-applicable") => "不适用",
            (false, "not-applicable") => "n/a",
            (false, "not-claimed") => "not claimed",
            _ => w,
        }
        .to_owned()
    };
    let mut rows: Vec<Vec<String>> = vec![
        [if zh { "类别" } else { "class" }, if zh { "结论" } else { "verdict" }]
            .into_iter()
            .map(str::to_owned)
            .chain(OUTCOMES.iter().map(|o| word(o)))
            .collect(),
    ];
    for c in classes {
        let name =
            if zh { format!("{}（{}）", c.class.name_zh(), c.class.name()) } else { c.class.name().to_owned() };
        let mut row = vec![name, word(c.verdict)];
        row.extend(OUTCOMES.iter().map(|o| c.counts.get(*o).copied().unwrap_or(0).to_string()));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len()).map(|i| rows.iter().map(|r| r[i].width()).max().unwrap_or(0)).collect();
    let mut text = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                let pad = " ".repeat(w - cell.width());
                // Names and verdicts to the left, counts to the right.
                if i < 2 { format!("{cell}{pad}") } else { format!("{pad}{cell}") }
            })
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

//! The adapter target: the `start` answer checked, every planned case sent and judged.

use super::*;

/// Class names in a `start` answer that are no class of the specification (e.g. `dataset`), quoted.
pub(super) fn unknown_classes(answer: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(answer).ok()?;
    let bad: Vec<String> = v
        .get("classes")?
        .as_array()?
        .iter()
        .filter(|c| serde_json::from_value::<Class>((*c).clone()).is_err())
        .map(|c| c.to_string())
        .collect();
    (!bad.is_empty()).then(|| bad.join(", "))
}

/// Why the suite cannot run against what the adapter declared at `start` `[CNF-031]`: a version
/// that is not definite, a standard version the suite does not test, no class or a reserved one,
/// a skip that names no case or outcome of the suite, or one without a reason.
pub(super) fn refuse_start(hello: &StartResponse, plan: &Plan<'_>) -> Vec<RunError> {
    let mut out = Vec::new();
    let mut refuse = |zh: String, en: String| out.push(RunError::new("start-refused", zh, en));
    let p = &hello.product;
    for (member, text) in [("vendor", &p.vendor), ("name", &p.name), ("version", &p.version)] {
        // Terminal escapes, carriage returns and invisible characters make a report show what
        // is not there (`latest` followed by a zero-width space is not a definite version).
        if text.chars().any(invisible) {
            refuse(
                format!("产品声明的 {member} {text:?} 含控制字符或不可见字符 [CNF-031]"),
                format!("product {member} {text:?} holds control or invisible characters [CNF-031]"),
            );
        }
    }
    let v = p.version.trim().to_ascii_lowercase();
    if v.is_empty() || matches!(v.as_str(), "latest" | "main" | "master" | "head" | "dev" | "snapshot" | "unknown") {
        refuse(
            format!("产品版本 {:?} 不是确定的版本号 [CNF-031]", p.version),
            format!("product version {:?} is not a definite version [CNF-031]", p.version),
        );
    }
    if !hello.standard_versions.iter().any(|s| s == SUITE_VERSION) {
        refuse(
            format!(
                "产品声明实现的标准版本为 {:?}；本测试套件检验的是 {SUITE_VERSION} 版 [CNF-031]",
                hello.standard_versions
            ),
            format!(
                "the product implements standard versions {:?}; this suite tests version {SUITE_VERSION} [CNF-031]",
                hello.standard_versions
            ),
        );
    }
    if hello.classes.is_empty() {
        refuse("产品未声明任何测试类别 [CNF-002]".into(), "the product claims no class [CNF-002]".into());
    }
    for c in &hello.classes {
        if *c == Class::Api {
            refuse(
                "测试类别 `api` 只能以 --api 对运行中的节点测试，不能通过适配器声明 [CNF-002] [CNF-072]".into(),
                "class `api` is judged only by a run against a live node (--api), never claimed through an adapter [CNF-002] [CNF-072]".into(),
            );
        } else if !Class::CURRENT.contains(c) {
            refuse(
                format!("测试类别 `{}` 为保留类别，本测试套件尚无其用例 [CNF-002]", c.name()),
                format!("class `{}` is reserved: this suite has no cases for it yet [CNF-002]", c.name()),
            );
        }
    }
    let outcomes = plan.outcomes();
    for s in &hello.skips {
        if !outcomes.iter().any(|(v, op)| s.case == v.id || s.case == format!("{}/{op}", v.id)) {
            refuse(
                format!("跳过声明 {:?} 未指向本测试套件的任何用例或结果 [CNF-003]", s.case),
                format!("skip {:?} names no case or outcome of this suite [CNF-003]", s.case),
            );
        }
        if s.reason.chars().any(invisible) {
            refuse(
                format!("跳过声明 {:?} 的理由含控制字符或不可见字符 [CNF-003]", s.case),
                format!("the reason of skip {:?} holds control or invisible characters [CNF-003]", s.case),
            );
        }
        if s.reason.trim().is_empty() {
            refuse(
                format!("跳过声明 {:?} 没有给出理由 [CNF-003]", s.case),
                format!("skip {:?} has no reason [CNF-003]", s.case),
            );
        }
    }
    out
}

pub(super) fn run_adapter(
    cmd: &[String],
    opts: &RunOptions,
    work_dir: &Path,
    vectors: &[DocumentVector],
    adapters: &[AdapterVector],
    summary: &mut Summary,
    event: &mut dyn FnMut(&serde_json::Value),
) -> Vec<Class> {
    let mut seq = 0u64;
    // The personal values sent so far: masked wherever the adapter's words are kept [CNF-068].
    let sent = Sent::default();
    let (session, hello) = match start(cmd, opts, &mut seq, &sent) {
        Ok(x) => x,
        Err(e) => {
            summary.run_errors.push(RunError::new("adapter-start", format!("适配器未能开始会话：{e}"), e));
            return Vec::new();
        }
    };
    // The product as declared goes into the summary even when the run is refused [CNF-050].
    summary.product = Some(hello.product.clone());
    event(&serde_json::json!({"event": "adapter-started", "product": hello.product, "classes": hello.classes}));
    let plan = Plan::new(&opts.suite, vectors, adapters);
    let refusals = refuse_start(&hello, &plan);
    if !refusals.is_empty() {
        summary.run_errors.extend(refusals);
        session.kill();
        return Vec::new();
    }
    let claimed = hello.classes.clone();
    let skips: BTreeMap<String, String> = hello.skips.iter().map(|s| (s.case.clone(), s.reason.clone())).collect();
    let mut work = plan.outcomes();
    let by_id: BTreeMap<&str, &AdapterVector> = adapters.iter().map(|a| (a.id.as_str(), a)).collect();
    shuffle(&mut work, opts.seed);
    let mut session = Some(session);
    let mut restarts = 0u32;
    // A deadline beyond what the clock can hold is no deadline.
    let deadline = Instant::now()
        .checked_add(opts.run_timeout)
        .unwrap_or_else(|| Instant::now() + Duration::from_secs(100 * 365 * 24 * 3600));
    for (v, op) in work {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero()
            && let Some(s) = session.take()
        {
            s.kill();
            let secs = opts.run_timeout.as_secs();
            summary.run_errors.push(RunError::new(
                "run-deadline",
                format!("运行超过了 {secs} 秒的时限，未执行的结果记为出错 [CNF-040]"),
                format!(
                    "the run took longer than its deadline of {secs} s; the outcomes not reached are errors [CNF-040]"
                ),
            ));
        }
        let mut result = CaseResult {
            id: format!("{}/{op}", v.id),
            case: v.id.clone(),
            op,
            class: v.class,
            requirements: v.requirements.clone(),
            outcome: Outcome::NotApplicable,
            detail_zh: String::new(),
            detail_en: String::new(),
            ms: 0,
        };
        if !claimed.contains(&v.class) {
            result.detail_zh = "未声明该测试类别".into();
            result.detail_en = "class not claimed".into();
        } else if let Some(reason) = skips.get(&result.id).or_else(|| skips.get(&v.id)) {
            result.outcome = Outcome::Skip;
            // The vendor's own words, with long digit runs masked as in every report [PRI-004].
            let reason = mask_long_numbers(reason);
            result.detail_zh = format!("厂商声明跳过：{reason}");
            result.detail_en = format!("skipped by the vendor: {reason}");
        } else if left.is_zero() {
            result.outcome = Outcome::Error;
            result.detail_zh = "运行已超过总时限，未执行".into();
            result.detail_en = "not run: the run had passed its deadline".into();
        } else if session.is_none() {
            result.outcome = Outcome::Error;
            result.detail_zh = "适配器已多次失败，不再重启".into();
            result.detail_en = "the adapter failed too often and was not restarted again".into();
        } else if let Some(s) = session.as_mut() {
            seq += 1;
            let export_dir = export_dir(work_dir, opts.seed, seq);
            if op == "export" || op.starts_with("share-") {
                let _ = create_export_dir(&export_dir);
            }
            let req = match (op, by_id.get(v.id.as_str())) {
                ("convert", Some(a)) => Request::Convert {
                    seq,
                    case: a.id.clone(),
                    from: a.from.clone(),
                    to: a.to.clone(),
                    input: a.input.clone(),
                    input_base64: a.input_base64.clone(),
                    mapping: a.mapping.clone(),
                    options: a.options.clone(),
                },
                ("validate", _) => Request::Validate { seq, case: v.id.clone(), record: v.record.clone() },
                (op, _) if op.starts_with("share-") => {
                    plan.shares.request(v, op.trim_start_matches("share-"), seq, &export_dir)
                }
                ("export", _) => Request::Export {
                    seq,
                    case: v.id.clone(),
                    // Export and share vectors are made by `export_cases` with `record` the array of the
                    // dataset's records: the default, no records, is never taken.
                    records: v.record.as_array().cloned().unwrap_or_default(),
                    directory: export_dir.display().to_string(),
                },
                _ => Request::Roundtrip { seq, case: v.id.clone(), record: v.record.clone() },
            };
            // What the case sends is known before the adapter can quote it [CNF-068].
            if let Ok(sent_now) = serde_json::to_value(&req) {
                sent.add(&sent_now);
            }
            if let Some(records) = by_id.get(v.id.as_str()).and_then(|a| a.expected.records.as_ref()) {
                sent.add(&serde_json::Value::Array(records.clone()));
            }
            let t0 = Instant::now();
            let answer = s.ask(&req, opts.case_timeout.min(left));
            result.ms = u64::try_from(t0.elapsed().as_millis()).unwrap_or(u64::MAX);
            let judged = answer.and_then(|a| {
                let r: CaseResponse = serde_json::from_str(&a).map_err(|e| format!("malformed answer: {e}"))?;
                if r.seq != seq || r.case != v.id {
                    return Err(format!("the answer echoes seq {} case {} instead of {seq} {}", r.seq, r.case, v.id));
                }
                Ok(r)
            });
            // What the product wrote is looked at without following anything first [CNF-034].
            let plain_dir = (op == "export" || op.starts_with("share-"))
                .then(|| export_not_plain(&export_dir, opts.max_output_bytes))
                .flatten();
            match judged {
                Err(e) => {
                    let e = sent.adapter_text(&e);
                    result.outcome = Outcome::Error;
                    result.detail_zh = format!("适配器出错：{e}");
                    result.detail_en = format!("adapter error: {e}");
                    // Contain it: kill and restart, within the cap.
                    if let Some(s) = session.take() {
                        s.kill();
                    }
                    if restarts < opts.max_restarts {
                        restarts += 1;
                        event(&serde_json::json!({"event": "adapter-restarted", "after": v.id, "restarts": restarts}));
                        match start(cmd, opts, &mut seq, &sent) {
                            // The product that comes back must still be one the run accepts [CNF-031].
                            Ok((s, again)) => {
                                let refusals = refuse_start(&again, &plan);
                                if refusals.is_empty() && again.product == hello.product {
                                    session = Some(s);
                                } else {
                                    s.kill();
                                    summary.run_errors.extend(refusals);
                                    summary.run_errors.push(RunError::new(
                                        "adapter-restart",
                                        "重启后的适配器声明了另一产品或不可接受的内容，不再继续 [CNF-031]",
                                        "the restarted adapter declared another product or what the run refuses; it is not used [CNF-031]",
                                    ));
                                }
                            }
                            Err(e) => summary.run_errors.push(RunError::new(
                                "adapter-restart",
                                format!("适配器重启失败：{e}"),
                                format!("restart: {e}"),
                            )),
                        }
                    }
                }
                Ok(CaseResponse { error: Some(e), .. }) => {
                    // The product said it could not do it: an error of the case [CNF-040]. Its
                    // words may quote the records sent: masked and cut [CNF-068].
                    let e = sent.adapter_text(&e);
                    result.outcome = Outcome::Error;
                    result.detail_zh = format!("产品报告无法完成：{e}");
                    result.detail_en = format!("the product reported it could not do it: {e}");
                }
                Ok(_) if (op == "export" || op.starts_with("share-")) && plain_dir.is_some() => {
                    // The guard of this arm holds `plain_dir` as Some: the default is never taken.
                    let why = plain_dir.unwrap_or_default();
                    result.outcome = Outcome::Fail;
                    result.detail_zh = format!("导出目录不是普通的数据集目录，未读取：{why} [CNF-034]");
                    result.detail_en =
                        format!("the export directory is not a plain dataset folder and was not read: {why} [CNF-034]");
                }
                Ok(r) if op == "export" => judge_export(v, &r, &export_dir, &mut result),
                Ok(r) if op.starts_with("share-") => {
                    plan.shares.judge(v, op.trim_start_matches("share-"), &r, &export_dir, &mut result);
                }
                Ok(r) if op == "convert" => match by_id.get(v.id.as_str()) {
                    Some(a) => crate::convert::judge_convert(a, &r, &mut result),
                    None => result.outcome = Outcome::Error,
                },
                Ok(r) => judge(v, op, &r, &mut result),
            }
            if op == "export" || op.starts_with("share-") {
                let _ = std::fs::remove_dir_all(&export_dir);
            }
            // The case directory is gone and its name changes with every run: a detail names it
            // `<case-dir>`, so that summary.json reads the same from one run to the next [CNF-070].
            for (dir, name) in [(&export_dir, "<case-dir>"), (&work_dir.to_path_buf(), "<work-dir>")] {
                let shown = dir.display().to_string();
                result.detail_zh = result.detail_zh.replace(&shown, name);
                result.detail_en = result.detail_en.replace(&shown, name);
            }
        }
        // Whatever else of the adapter's a detail quotes (a skip reason, a value it sent back):
        // the values sent are never written raw into a report [CNF-068].
        result.detail_zh = sent.mask(&result.detail_zh);
        result.detail_en = sent.mask(&result.detail_en);
        event(&case_event(&result));
        summary.cases.push(result);
    }
    for e in &mut summary.run_errors {
        e.zh = sent.mask(&e.zh);
        e.en = sent.mask(&e.en);
    }
    if let Some(mut s) = session {
        seq += 1;
        let _ = s.ask(&Request::Stop { seq }, Duration::from_secs(2));
        s.kill();
    }
    summary.cases.sort_by(|a, b| a.id.cmp(&b.id));
    claimed
}

/// A new name for the directory of an `export` or `share` case, in the run's work folder `work`
/// `[CNF-067]`.
pub(super) fn export_dir(work: &Path, seed: u64, seq: u64) -> PathBuf {
    // Unique per process and call: several runs may share a process (the tests do). The random
    // part makes the name unguessable, so that nothing can be planted there before the case.
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut r = [0u8; 8];
    let _ = getrandom::fill(&mut r);
    let r = linli_model::support::hex::encode(&r);
    work.join(format!("linli-conformance-{}-{n}-{seed}-{seq}-{r}", std::process::id()))
}

/// Create the empty directory of an `export` or `share` case: new (never one found there), and
/// readable by its owner only where the platform has modes.
pub(super) fn create_export_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

//! The checks of the api cases, by case ID (what each sends and judges is listed in chapter 30,
//! `[CNF-074]`).

use serde_json::Value;

use super::{Broken, Check, Ctx, code_shown, etag_of, place, record_path};
use crate::runner::listed;
use crate::vector::{DocumentVector, Verdict};

/// A check: it sends its requests and records what is wrong; `Err` when an answer could not be
/// judged (the case ends `error`).
pub(crate) type CheckFn = fn(&Ctx<'_>, &mut Check) -> Result<(), Broken>;

/// Every api case the runner can run.
pub(crate) const CHECKS: &[(&str, CheckFn)] = &[
    ("AP-0001", status_and_health),
    ("AP-0002", authentication),
    ("AP-0003", idempotent_writes),
    ("AP-0004", preconditions),
    ("AP-0005", paging),
    ("AP-0006", feed),
    ("AP-0007", delete),
    ("AP-0008", level_inter_department),
    ("AP-0009", level_public),
    ("AP-0010", purpose_export_report),
    ("AP-0011", batch),
    ("AP-0012", paths),
    ("AP-0013", scopes),
    ("AP-0014", long_poll),
    ("AP-0015", upload_check),
    ("AP-0016", limits),
    ("AP-0017", page),
    ("AP-0018", department_check),
];

/// `GET /healthz`, `/openapi.json` and `/v1/status`; a query parameter an endpoint does not
/// define refused `[API-004]` `[API-005]`.
fn status_and_health(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    let h = ctx.http.send("GET", "/healthz", None, &[], None)?;
    if c.status(&h, &[200], "API-004") && h.json()?.get("status").and_then(Value::as_str) != Some("ok") {
        c.fail(
            "GET /healthz 的应答不是 {\"status\":\"ok\"} [API-004]",
            "GET /healthz did not answer {\"status\":\"ok\"} [API-004]",
        );
    }
    let o = ctx.http.send("GET", "/openapi.json", None, &[], None)?;
    if c.status(&o, &[200], "API-004") {
        let v = o.json()?;
        if !v.get("openapi").and_then(Value::as_str).is_some_and(|s| s.starts_with("3.1")) {
            c.fail(
                "GET /openapi.json 不是 OpenAPI 3.1 文档 [API-004]",
                "GET /openapi.json is not an OpenAPI 3.1 document [API-004]",
            );
        }
    }
    let s = ctx.writer("GET", "/v1/status", None)?;
    if c.status(&s, &[200], "API-005") {
        let v = s.json()?;
        let mut bad: Vec<String> = ["principal", "feed", "storage", "version"]
            .into_iter()
            .filter(|m| !v.get(*m).is_some_and(Value::is_string))
            .map(str::to_owned)
            .collect();
        if !v.get("counts").is_some_and(Value::is_object) {
            bad.push("counts".into());
        }
        if !matches!(v.get("storage").and_then(Value::as_str), Some("sqlite" | "postgres")) {
            bad.push("storage".into());
        }
        if !bad.is_empty() {
            bad.dedup();
            c.fail(
                format!("GET /v1/status 的应答缺少或错写成员：{} [API-005]", listed(&bad, true)),
                format!("GET /v1/status lacks or misstates: {} [API-005]", listed(&bad, false)),
            );
        }
        if v.get("readLevel").and_then(Value::as_str) != Some("internal") {
            c.fail(
                "写入方令牌的读取级别不是 internal：本类别需要 internal 级别、可写全部六种类型的令牌 [API-005] [CNF-072]",
                "the writer token's read level is not internal: the class needs a token of level internal that writes all six types [API-005] [CNF-072]",
            );
        }
    }
    for path in ["/v1/records?colour=red", "/v1/changes?colour=red"] {
        let a = ctx.writer("GET", path, None)?;
        c.error(&a, 400, "api-bad-query", "API-004")?;
        no_store(c, &a);
    }
    // Cache-Control: no-store on what carries records or audit data, errors included [API-076].
    no_store(c, &s);
    for path in ["/v1/records?type=Place&limit=1", "/v1/changes?limit=1", "/v1/records/Place/api-never-written"] {
        let a = ctx.writer("GET", path, None)?;
        no_store(c, &a);
    }
    Ok(())
}

/// The answer carries `Cache-Control: no-store` `[API-076]`.
fn no_store(c: &mut Check, a: &super::Answer) {
    let ok = a
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("cache-control"))
        .any(|(_, v)| v.split(',').any(|d| d.trim().eq_ignore_ascii_case("no-store")));
    if !ok {
        c.fail(
            format!("{} 的应答（HTTP {}）没有 Cache-Control: no-store [API-076]", a.what, a.status),
            format!("{} answered HTTP {} without Cache-Control: no-store [API-076]", a.what, a.status),
        );
    }
}

/// No token, an unknown token: `401` and nothing done; `bearer` in lower case accepted; a token
/// never echoed `[API-001]` `[API-040]`.
fn authentication(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    let wrong = format!("lt_wrong_{}_token_of_the_conformance_run", ctx.nonce);
    let id = ctx.id("AP-0002", 1);
    let rec = place(&id, "1幢");
    let path = format!("/v1/records/Place/{id}");
    let answers = [
        ctx.http.send("GET", "/v1/status", None, &[], None)?,
        ctx.http.send("GET", "/v1/status", Some(&wrong), &[], None)?,
        ctx.http.send("GET", "/v1/records?type=Place", Some(&wrong), &[("X-Linli-Purpose", super::PURPOSE)], None)?,
        ctx.http.send(
            "PUT",
            &path,
            Some(&wrong),
            &[("Content-Type", "application/json")],
            Some(rec.to_string().into_bytes()),
        )?,
        ctx.http.send("GET", "/v1/status", None, &[("Authorization", "Basic Y2xlcms6Y2xlcms=")], None)?,
    ];
    for a in &answers {
        c.error(a, 401, "api-unauthenticated", "API-001")?;
        if String::from_utf8_lossy(&a.body).contains(&wrong) {
            c.fail(format!("{} 的应答回显了令牌 [API-001]", a.what), format!("{} echoed the token [API-001]", a.what));
        }
    }
    // The refused write stored nothing.
    let g = ctx.get("Place", &id)?;
    c.error(&g, 404, "api-not-found", "API-001")?;
    let lower = format!("bearer {}", ctx.target.token);
    let a = ctx.http.send("GET", "/v1/status", None, &[("Authorization", &lower)], None)?;
    c.status(&a, &[200], "API-001");
    Ok(())
}

/// A new record `201` `created`; the same record again (another text, the same stored form)
/// `200` `unchanged` with the same ETag and no change in the feed; a changed one `200`
/// `updated` with a new ETag and a change `[API-012]`.
fn idempotent_writes(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    let id = ctx.id("AP-0003", 1);
    let r1 = place(&id, "1幢");
    let a = ctx.put(&r1, &[])?;
    let e1 = write_answer(c, &a, 201, "created", "API-012")?;
    if let Some(e) = &e1 {
        // Computable from the record without the node's secret, it would let a masked reader
        // test guesses of what was masked.
        if *e == etag_of(&r1) {
            c.fail(
                "ETag 就是存储形式的 SHA-256，无需节点密钥即可算出 [API-012]",
                "the ETag is the SHA-256 of the stored form, computable without the node's secret [API-012]",
            );
        }
    }
    let head = ctx.feed_head()?;
    // The same record as another text: white space and another member order.
    // A JSON value always serialises: the default, an empty body, is never taken.
    let pretty = serde_json::to_string_pretty(&r1).unwrap_or_default();
    let mut h = vec![("Content-Type", "application/json")];
    h.truncate(1);
    let a = ctx.http.send(
        "PUT",
        &format!("/v1/records/Place/{id}"),
        Some(&ctx.target.token),
        &h,
        Some(pretty.into_bytes()),
    )?;
    let e2 = write_answer(c, &a, 200, "unchanged", "API-012")?;
    if e1.is_some() && e2.is_some() && e1 != e2 {
        c.fail("相同记录重写后 ETag 变了 [API-012]", "an identical re-write changed the ETag [API-012]");
    }
    let after = ctx.feed_head()?;
    if after != head {
        c.fail(
            "相同记录重写后变更流的位置前进了 [API-012]",
            "an identical re-write moved the feed's position [API-012]",
        );
    }
    let ch = ctx.writer("GET", &format!("/v1/changes?since={}", enc(&head)), None)?;
    if c.status(&ch, &[200], "API-020") {
        let v = ch.json()?;
        if changes_of(&v).iter().any(|x| x.get("id").and_then(Value::as_str) == Some(id.as_str())) {
            c.fail(
                "相同记录重写后变更流中出现了该记录的新变更 [API-012]",
                "an identical re-write added a change of the record to the feed [API-012]",
            );
        }
    }
    let r3 = place(&id, "1幢（改）");
    let a = ctx.put(&r3, &[])?;
    let e3 = write_answer(c, &a, 200, "updated", "API-012")?;
    if e3.is_some() && e3 == e1 {
        c.fail("记录改变后 ETag 未变 [API-012]", "the ETag did not change with the record [API-012]");
    }
    let ch = ctx.writer("GET", &format!("/v1/changes?since={}", enc(&head)), None)?;
    if c.status(&ch, &[200], "API-020") {
        let v = ch.json()?;
        if !changes_of(&v).iter().any(|x| x.get("id").and_then(Value::as_str) == Some(id.as_str())) {
            c.fail(
                "记录改变后变更流中没有它的变更 [API-012]",
                "a changed record added no change to the feed [API-012]",
            );
        }
    }
    Ok(())
}

/// `If-Match` and `If-None-Match`: carried out only when the condition holds, else `412` and
/// nothing stored; malformed values `400`; of two writes with the same ETag at most one succeeds
/// `[API-013]`.
fn preconditions(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    const R: &str = "API-013";
    let id = ctx.id("AP-0004", 1);
    let a = ctx.put(&place(&id, "1幢"), &[("If-None-Match", "*")])?;
    let Some(e1) = write_answer(c, &a, 201, "created", R)? else { return Ok(()) };
    let a = ctx.put(&place(&id, "2幢"), &[("If-None-Match", "*")])?;
    c.error(&a, 412, "api-precondition-failed", R)?;
    let q1 = format!("\"{e1}\"");
    let a = ctx.put(&place(&id, "3幢"), &[("If-Match", &q1)])?;
    let Some(e3) = write_answer(c, &a, 200, "updated", R)? else { return Ok(()) };
    // A stale ETag: refused, nothing stored.
    let a = ctx.put(&place(&id, "4幢"), &[("If-Match", &q1)])?;
    c.error(&a, 412, "api-precondition-failed", R)?;
    let g = ctx.get("Place", &id)?;
    if c.status(&g, &[200], "API-015") && g.etag().as_deref() != Some(e3.as_str()) {
        c.fail(
            "If-Match 不符的写入仍改变了记录 [API-013]",
            "a write whose If-Match failed changed the record [API-013]",
        );
    }
    for bad in [format!("W/\"{e3}\""), e3.clone(), format!("\"{e3}\", \"{e1}\"")] {
        let a = ctx.put(&place(&id, "5幢"), &[("If-Match", &bad)])?;
        c.error(&a, 400, "api-bad-header", R)?;
    }
    let a = ctx.put(&place(&id, "5幢"), &[("If-None-Match", "\"x\"")])?;
    c.error(&a, 400, "api-bad-header", R)?;
    let a = ctx.http.send(
        "DELETE",
        &format!("/v1/records/Place/{id}"),
        Some(&ctx.target.token),
        &[("If-None-Match", "*")],
        None,
    )?;
    c.error(&a, 400, "api-bad-header", R)?;
    let a = ctx.http.send(
        "DELETE",
        &format!("/v1/records/Place/{id}"),
        Some(&ctx.target.token),
        &[("If-Match", &q1)],
        None,
    )?;
    c.error(&a, 412, "api-precondition-failed", R)?;
    // If-Match on a record never written.
    let a = ctx.put(&place(&ctx.id("AP-0004", 2), "1幢"), &[("If-Match", &q1)])?;
    c.error(&a, 412, "api-precondition-failed", R)?;
    // Two writers with the same ETag, at once, five times: at most one succeeds each time.
    let mut current = e3;
    for round in 0..5 {
        let q = format!("\"{current}\"");
        let names = [format!("{round}幢甲"), format!("{round}幢乙")];
        let answers: Vec<Result<super::Answer, Broken>> = std::thread::scope(|s| {
            let hs: Vec<_> = names
                .iter()
                .map(|n| {
                    let rec = place(&id, n);
                    let q = q.clone();
                    s.spawn(move || ctx.put(&rec, &[("If-Match", q.as_str())]))
                })
                .collect();
            hs.into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(Broken::new("线程失败", "a thread failed"))))
                .collect()
        });
        let mut won = Vec::new();
        for a in answers {
            let a = a?;
            match a.status {
                200 => won.push(a.json()?.get("etag").and_then(Value::as_str).unwrap_or("").to_owned()),
                412 => {}
                _ => {
                    c.status(&a, &[200, 412], R);
                }
            }
        }
        if won.len() > 1 {
            c.fail(
                "两个携带同一 ETag 的条件写入同时成功 [API-013]",
                "two conditional writes with the same ETag both succeeded [API-013]",
            );
            break;
        }
        match won.pop() {
            Some(e) => current = e,
            None => {
                c.fail(
                    "两个携带当前 ETag 的条件写入都被拒绝 [API-013]",
                    "both conditional writes with the current ETag were refused [API-013]",
                );
                break;
            }
        }
    }
    // If-Match: * — an update of a live record only, never a create [API-077].
    write_answer(c, &ctx.put(&place(&id, "星幢"), &[("If-Match", "*")])?, 200, "updated", "API-077")?;
    let never = ctx.id("AP-0004", 3);
    c.error(&ctx.put(&place(&never, "1幢"), &[("If-Match", "*")])?, 412, "api-precondition-failed", "API-077")?;
    c.error(&ctx.get("Place", &never)?, 404, "api-not-found", "API-077")?;
    let gone = ctx.id("AP-0004", 4);
    write_answer(c, &ctx.put(&place(&gone, "1幢"), &[])?, 201, "created", "API-012")?;
    let d = ctx.http.send("DELETE", &format!("/v1/records/Place/{gone}"), Some(&ctx.target.token), &[], None)?;
    c.status(&d, &[204], "API-017");
    c.error(&ctx.put(&place(&gone, "2幢"), &[("If-Match", "*")])?, 412, "api-precondition-failed", "API-077")?;
    let d = ctx.http.send(
        "DELETE",
        &format!("/v1/records/Place/{never}"),
        Some(&ctx.target.token),
        &[("If-Match", "*")],
        None,
    )?;
    c.error(&d, 412, "api-precondition-failed", "API-077")?;
    Ok(())
}

/// The ETag of a write answered `status` with `word` (`created`, `updated`, `unchanged`);
/// failures recorded when the answer is another, or when the header and the body disagree.
pub(crate) fn write_answer(
    c: &mut Check,
    a: &super::Answer,
    status: u16,
    word: &str,
    req: &str,
) -> Result<Option<String>, Broken> {
    if !c.status(a, &[status], req) {
        return Ok(None);
    }
    let v = a.json()?;
    let got = v.get("status").and_then(Value::as_str).unwrap_or("");
    if got != word {
        let got = code_shown(got);
        c.fail(
            format!("{} 应答的 status 为 {got:?}，应为 {word} [API-012]", a.what),
            format!("{} answered status {got:?}, expected {word} [API-012]", a.what),
        );
    }
    let body = v.get("etag").and_then(Value::as_str).map(str::to_owned);
    if body.is_none() || body != a.etag() {
        c.fail(
            format!("{} 应答体中的 etag 与 ETag 头不一致或缺失 [API-012]", a.what),
            format!("{}: the body's etag and the ETag header differ or are missing [API-012]", a.what),
        );
    }
    Ok(body)
}

/// The `changes` of a feed answer.
pub(crate) fn changes_of(v: &Value) -> Vec<Value> {
    // No `changes` array: the default, no change, fails the checks that need one.
    v.get("changes").and_then(Value::as_array).cloned().unwrap_or_default()
}

/// A cursor as a query value: the characters a URL query cannot carry as they are, escaped.
pub(crate) fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One document vector written: a valid record stored and read back equal (chapter 30's
/// comparison, [CNF-033]); an invalid one refused `422` `api-invalid-record` with exactly the
/// expected error findings `[API-010]` `[CNF-073]`.
pub(crate) fn api_write(ctx: &Ctx<'_>, v: &DocumentVector, c: &mut Check) -> Result<(), Broken> {
    let path = record_path(&v.record);
    match (v.verdict, path) {
        (Verdict::Valid, Some(path)) => {
            let a = ctx.put(&v.record, &[])?;
            if !c.status(&a, &[200, 201], "API-010") {
                return Ok(());
            }
            let etag = a.json()?.get("etag").and_then(Value::as_str).map(str::to_owned);
            let g = ctx.writer("GET", &path, None)?;
            if !c.status(&g, &[200], "API-015") {
                return Ok(());
            }
            if g.etag() != etag {
                c.fail(
                    "读回的 ETag 与写入应答的不同 [API-015]",
                    "the ETag read back differs from the write's [API-015]",
                );
            }
            let back = g.json()?;
            let d = crate::compare::diff(&v.record, &back);
            if !d.is_empty() {
                let zh = |x: &[String]| listed(x, true);
                let en = |x: &[String]| listed(x, false);
                c.fail(
                    format!(
                        "读回的记录与所写不同：缺少 {}，多出 {}，改变 {} [CNF-033]",
                        zh(&d.lost),
                        zh(&d.added),
                        zh(&d.changed)
                    ),
                    format!(
                        "the record read back differs from the one written: lost {}, added {}, changed {} [CNF-033]",
                        en(&d.lost),
                        en(&d.added),
                        en(&d.changed)
                    ),
                );
            }
        }
        (Verdict::Valid, None) => {
            c.fail(
                "有效用例的记录没有可用作路径的类型与标识",
                "the valid vector's record has no type and id usable in a path",
            );
        }
        (Verdict::Invalid, Some(_)) => {
            let a = ctx.put(&v.record, &[])?;
            if a.status != 422 {
                c.error(&a, 422, "api-invalid-record", "API-010")?;
                return Ok(());
            }
            let body = a.json()?;
            let code = body.get("code").and_then(Value::as_str).unwrap_or("");
            if code != "api-invalid-record" {
                c.error(&a, 422, "api-invalid-record", "API-010")?;
                return Ok(());
            }
            c.error_body(&a, &body);
            let findings = body.pointer("/report/findings").cloned().unwrap_or(Value::Null);
            same_findings(c, v, &findings);
        }
        (Verdict::Invalid, None) => {
            // No path can name it: sent as a batch of one line, answered as a PUT would be [API-014].
            let line = format!("{}\n", v.record);
            let a = ctx.http.send(
                "POST",
                "/v1/records",
                Some(&ctx.target.token),
                &[("Content-Type", "application/x-ndjson")],
                Some(line.into_bytes()),
            )?;
            if !c.status(&a, &[200], "API-014") {
                return Ok(());
            }
            let lines = a.ndjson()?;
            match lines.as_slice() {
                [one]
                    if one.get("status").and_then(Value::as_u64) == Some(422)
                        && one.get("code").and_then(Value::as_str) == Some("api-invalid-record") =>
                {
                    same_findings(c, v, one.get("findings").unwrap_or(&Value::Null));
                }
                [one] => {
                    // No status: the default, empty, is what the detail shows.
                    let st =
                        one.get("status").and_then(Value::as_u64).map_or("(no status)".to_owned(), |n| n.to_string());
                    c.fail(
                        format!("批量写入的该行结果为 {st}，应为 422 api-invalid-record [API-010]"),
                        format!("the batch line's result is {st}, expected 422 api-invalid-record [API-010]"),
                    );
                }
                _ => c.fail(
                    format!("一行的批量写入得到 {} 个结果 [API-014]", lines.len()),
                    format!("a batch of one line had {} results [API-014]", lines.len()),
                ),
            }
        }
    }
    Ok(())
}

/// The error-level findings of a report are exactly the vector's (code and pointer).
fn same_findings(c: &mut Check, v: &DocumentVector, findings: &Value) {
    let mut got: Vec<String> = findings
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f.get("level").and_then(Value::as_str) == Some("error"))
        .map(|f| {
            format!(
                "{} {}",
                f.get("code").and_then(Value::as_str).unwrap_or("?"),
                f.get("pointer").and_then(Value::as_str).unwrap_or("?")
            )
        })
        .collect();
    let mut want: Vec<String> = v.findings.iter().map(|f| format!("{} {}", f.code, f.pointer)).collect();
    // As sets, as the suite's own check of the vectors compares them [CNF-010].
    got.sort();
    got.dedup();
    want.sort();
    want.dedup();
    if got != want {
        let missing: Vec<String> = want.iter().filter(|w| !got.contains(w)).cloned().collect();
        let extra: Vec<String> = got.iter().filter(|g| !want.contains(g)).cloned().collect();
        c.fail(
            format!(
                "校验报告的错误与用例不同：缺少 {}，多出 {} [API-010]",
                listed(&missing, true),
                listed(&extra, true)
            ),
            format!(
                "the report's errors differ from the vector's: missing {}, unexpected {} [API-010]",
                listed(&missing, false),
                listed(&extra, false)
            ),
        );
    }
}

/// Whether seq `a` comes before seq `b`: decimal strings compared as numbers `[API-020]`.
fn seq_before(a: &str, b: &str) -> bool {
    (a.len(), a) < (b.len(), b)
}

fn decimal(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

/// The listing followed to its end while another thread writes new records among the case's and
/// changes the case's: every record live throughout appears exactly once, no record twice, in
/// ascending (type, id); malformed cursors and limits refused `[API-016]`.
fn paging(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    const R: &str = "API-016";
    const N: usize = 120;
    // The even numbers first, in one batch; the odd ones are written during the listing.
    let batch: String = (0..N).step_by(2).map(|i| format!("{}\n", place(&ctx.id("AP-0005", i), "1幢"))).collect();
    let a = ctx.http.send(
        "POST",
        "/v1/records",
        Some(&ctx.target.token),
        &[("Content-Type", "application/x-ndjson")],
        Some(batch.into_bytes()),
    )?;
    if !c.status(&a, &[200], "API-014") {
        return Ok(());
    }
    let written = a.ndjson()?;
    if written.len() != N / 2
        || written.iter().any(|l| !matches!(l.get("status").and_then(Value::as_u64), Some(200 | 201)))
    {
        c.fail(
            "批量写入分页用例的记录未全部成功 [API-014]",
            "the batch of the paging case was not all written [API-014]",
        );
        return Ok(());
    }
    let prefix = ctx.id("AP-0005", 0);
    let prefix = &prefix[..prefix.len() - 4];
    let done = std::sync::atomic::AtomicBool::new(false);
    let listing: Result<Vec<(String, String)>, Broken> = std::thread::scope(|s| {
        let writer = s.spawn(|| -> Result<(), Broken> {
            let mut round = 0usize;
            while !done.load(std::sync::atomic::Ordering::Relaxed) && round < 8 {
                for i in 0..N {
                    if done.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    // New records between the case's, and changes of the case's.
                    let name = if i % 2 == 1 { "新".to_owned() } else { format!("{round}幢") };
                    ctx.put(&place(&ctx.id("AP-0005", i), &name), &[])?;
                }
                round += 1;
            }
            Ok(())
        });
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut result = Ok(());
        for _ in 0..10_000 {
            let path = match &cursor {
                Some(k) => format!("/v1/records?type=Place&limit=7&cursor={}", enc(k)),
                None => "/v1/records?type=Place&limit=7".to_owned(),
            };
            let page = match ctx.writer("GET", &path, None).and_then(|a| {
                if a.status == 200 {
                    a.json()
                } else {
                    Err(Broken::new(
                        format!("{} 应答 HTTP {}", a.what, a.status),
                        format!("{} answered HTTP {}", a.what, a.status),
                    ))
                }
            }) {
                Ok(p) => p,
                Err(b) => {
                    result = Err(b);
                    break;
                }
            };
            for r in page.get("records").and_then(Value::as_array).into_iter().flatten() {
                let ty = r.get("type").and_then(Value::as_str).unwrap_or("").to_owned();
                let id = r.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
                seen.push((ty, id));
            }
            if let Err(b) = bounded(seen.len()) {
                result = Err(b);
                break;
            }
            match page.get("next") {
                Some(Value::String(k)) => cursor = Some(k.clone()),
                _ => break,
            }
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let w = writer.join().unwrap_or_else(|_| Err(Broken::new("写入线程失败", "the writing thread failed")));
        result.and(w).map(|()| seen)
    });
    let seen = listing?;
    let mut order_broken = false;
    for pair in seen.windows(2) {
        if pair[0] >= pair[1] {
            order_broken = true;
        }
    }
    let ours: Vec<&str> =
        seen.iter().filter(|(t, id)| t == "Place" && id.starts_with(prefix)).map(|(_, id)| id.as_str()).collect();
    let mut twice: Vec<String> = Vec::new();
    let mut sorted = seen.clone();
    sorted.sort();
    for pair in sorted.windows(2) {
        if pair[0] == pair[1] {
            twice.push(format!("{}/{}", pair[0].0, pair[0].1));
        }
    }
    twice.dedup();
    let missing: Vec<String> =
        (0..N).step_by(2).map(|i| ctx.id("AP-0005", i)).filter(|id| !ours.contains(&id.as_str())).collect();
    if !missing.is_empty() {
        c.fail(
            format!("写入期间跟随 next 读完列表，缺少始终存在的记录 {} 条 [API-016]", missing.len()),
            format!(
                "following next while others wrote, {} records live throughout were missing [API-016]",
                missing.len()
            ),
        );
    }
    if !twice.is_empty() {
        c.fail(
            format!("写入期间跟随 next 读完列表，{} 条记录出现了不止一次 [API-016]", twice.len()),
            format!("following next while others wrote, {} records appeared more than once [API-016]", twice.len()),
        );
    }
    if order_broken {
        c.fail(
            "列表未按 (类型, 标识) 升序排列 [API-016]",
            "the listing was not in ascending (type, id) order [API-016]",
        );
    }
    for (path, status, code) in [
        ("/v1/records?cursor=%21%21not-a-cursor", 400, "api-bad-cursor"),
        ("/v1/records?limit=0", 400, "api-bad-query"),
        ("/v1/records?limit=1001", 400, "api-bad-query"),
        ("/v1/records?type=Spaceship", 404, "api-unknown-type"),
    ] {
        let a = ctx.writer("GET", path, None)?;
        c.error(&a, status, code, R)?;
    }
    Ok(())
}

/// One change as read: (seq, op, id, etag, whether its members fit its op), each text cut to
/// [`KEPT_CHARS`]: what a case keeps of a change, never the change itself `[CNF-040]`.
struct Read {
    seq: String,
    op: String,
    id: String,
    etag: Option<String>,
    shape_ok: bool,
}

/// Most characters kept of a change's seq, op, id or etag (ids of the run are at most 128).
const KEPT_CHARS: usize = 200;

/// Most changes a case keeps: a node that answers more is not judged further (the case ends
/// `error`) `[CNF-040]`.
const MAX_KEPT: usize = 200_000;

/// Longest `next` followed: a cursor goes into the request target, which a node refuses over
/// 8 KiB `[API-078]`.
const MAX_CURSOR: usize = 8 * 1024;

/// Most bytes of cursors a case keeps `[CNF-040]`.
const MAX_CURSOR_BYTES: usize = 16 << 20;

/// `next` as a cursor to follow, or why it is not one.
fn cursor_of(what: &str, next: &str) -> Result<String, Broken> {
    if next.len() > MAX_CURSOR {
        return Err(Broken::new(
            format!("{what} 应答的 next 超过 {MAX_CURSOR} 字节，不能放入请求目标 [API-078]"),
            format!(
                "{what} answered a next longer than {MAX_CURSOR} bytes, which no request target can carry [API-078]"
            ),
        ));
    }
    Ok(next.to_owned())
}

/// Add `reads` to `all`, or why the case keeps no more.
fn keep(all: &mut Vec<Read>, reads: impl IntoIterator<Item = Read>) -> Result<(), Broken> {
    all.extend(reads);
    bounded(all.len())
}

/// Why a case keeps no more when it holds `n` records or changes of a node's answers.
fn bounded(n: usize) -> Result<(), Broken> {
    if n > MAX_KEPT {
        return Err(Broken::new(
            format!("节点应答的记录或变更超过 {MAX_KEPT} 条，本用例不再读取 [CNF-040]"),
            format!("the node answered more than {MAX_KEPT} records or changes; the case reads no more [CNF-040]"),
        ));
    }
    Ok(())
}

/// Read the feed from `since` until an answer with no change; the changes and the `next` after
/// each answer (with the number of changes read before it).
fn read_feed(ctx: &Ctx<'_>, since: &str, limit: usize, c: &mut Check) -> Result<(Vec<Read>, String), Broken> {
    let mut cursor = since.to_owned();
    let mut all = Vec::new();
    for _ in 0..10_000 {
        let a = ctx.writer("GET", &format!("/v1/changes?since={}&limit={limit}", enc(&cursor)), None)?;
        if !c.status(&a, &[200], "API-020") {
            return Ok((all, cursor));
        }
        let v = a.json()?;
        let ch = changes_of(&v);
        match v.get("next").and_then(Value::as_str) {
            Some(n) => cursor = cursor_of(&a.what, n)?,
            None => {
                c.fail("变更流应答没有 next [API-020]", "a feed answer had no next [API-020]");
                return Ok((all, cursor));
            }
        }
        if ch.is_empty() {
            break;
        }
        keep(&mut all, ch.iter().map(as_read))?;
    }
    Ok((all, cursor))
}

fn as_read(v: &Value) -> Read {
    let cut = |t: &str| t.chars().take(KEPT_CHARS).collect::<String>();
    let s = |m: &str| cut(v.get(m).and_then(Value::as_str).unwrap_or(""));
    let etag = v.get("etag").and_then(Value::as_str).map(cut);
    // The shape of each change: a tombstone has no etag and no record.
    let shape_ok = match v.get("op").and_then(Value::as_str) {
        Some("upsert") => {
            etag.is_some() && (v.get("record").is_some_and(Value::is_object) || v.get("withheld").is_some())
        }
        Some("delete") => etag.is_none() && v.get("record").is_none(),
        _ => false,
    };
    Read { seq: s("seq"), op: s("op"), id: s("id"), etag, shape_ok }
}

/// The feed read again and again, following `next`, while three writers write, change and delete
/// records: ordered by seq, every acknowledged write's final state read by following the cursor
/// (a feed that shows a change committed later under a lower position loses it), tombstones for
/// deletes, resumable from a cursor in the middle, compacted `[API-020]` `[API-023]` `[API-051]`.
fn feed(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    use std::collections::BTreeMap;
    use std::sync::Mutex;
    const WRITERS: usize = 3;
    const EACH: usize = 30;
    let head = ctx.feed_head()?;
    let acked: Mutex<BTreeMap<String, Option<String>>> = Mutex::new(BTreeMap::new());
    let running = std::sync::atomic::AtomicUsize::new(WRITERS);
    type Reads = (Vec<Read>, Vec<(usize, String)>);
    let read: Result<Reads, Broken> = std::thread::scope(|s| {
        let mut writers = Vec::new();
        for t in 0..WRITERS {
            let acked = &acked;
            let running = &running;
            writers.push(s.spawn(move || -> Result<(), Broken> {
                let r = (|| {
                    for i in 0..EACH {
                        let id = ctx.id("AP-0006", t * 1000 + i);
                        let put = |name: &str| -> Result<(), Broken> {
                            let a = ctx.put(&place(&id, name), &[])?;
                            if matches!(a.status, 200 | 201) {
                                let e = a.json()?.get("etag").and_then(Value::as_str).map(str::to_owned);
                                if let Ok(mut m) = acked.lock() {
                                    m.insert(id.clone(), e);
                                }
                            }
                            Ok(())
                        };
                        put("1幢")?;
                        if i % 3 == 0 {
                            put("2幢")?;
                        }
                        if i % 5 == 4 {
                            let a = ctx.http.send(
                                "DELETE",
                                &format!("/v1/records/Place/{id}"),
                                Some(&ctx.target.token),
                                &[],
                                None,
                            )?;
                            if a.status == 204 {
                                if let Ok(mut m) = acked.lock() {
                                    m.insert(id.clone(), None);
                                }
                            }
                        }
                    }
                    Ok(())
                })();
                running.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                r
            }));
        }
        // The reader: follows `next` while the writers write, then until the feed has no more.
        let mut all = Vec::new();
        let mut cursors = Vec::new();
        let mut cursor = head.clone();
        let mut result = Ok(());
        let mut idle_after_end = 0;
        let mut cursor_bytes = 0usize;
        for _ in 0..20_000 {
            let writing = running.load(std::sync::atomic::Ordering::SeqCst) > 0;
            let a = match ctx.writer("GET", &format!("/v1/changes?since={}&limit=7", enc(&cursor)), None) {
                Ok(a) => a,
                Err(b) => {
                    result = Err(b);
                    break;
                }
            };
            let v = match if a.status == 200 {
                a.json()
            } else {
                Err(Broken::new(
                    format!("{} 应答 HTTP {}", a.what, a.status),
                    format!("{} answered HTTP {}", a.what, a.status),
                ))
            } {
                Ok(v) => v,
                Err(b) => {
                    result = Err(b);
                    break;
                }
            };
            let ch = changes_of(&v);
            let empty = ch.is_empty();
            if let Err(b) = keep(&mut all, ch.iter().map(as_read)) {
                result = Err(b);
                break;
            }
            match v.get("next").and_then(Value::as_str).map(|n| cursor_of(&a.what, n)) {
                Some(Err(b)) => {
                    result = Err(b);
                    break;
                }
                Some(Ok(n)) => cursor = n,
                None => {
                    result = Err(Broken::new("变更流应答没有 next [API-020]", "a feed answer had no next [API-020]"));
                    break;
                }
            }
            cursor_bytes += cursor.len();
            if cursor_bytes > MAX_CURSOR_BYTES {
                result = Err(Broken::new(
                    format!("变更流应答的游标合计超过 {MAX_CURSOR_BYTES} 字节，本用例不再读取 [CNF-040]"),
                    format!(
                        "the feed's cursors came to more than {MAX_CURSOR_BYTES} bytes; the case reads no more [CNF-040]"
                    ),
                ));
                break;
            }
            cursors.push((all.len(), cursor.clone()));
            if !writing && empty {
                idle_after_end += 1;
                if idle_after_end >= 2 {
                    break;
                }
            }
        }
        let mut joined = Ok(());
        for w in writers {
            let r = w.join().unwrap_or_else(|_| Err(Broken::new("写入线程失败", "a writing thread failed")));
            joined = joined.and(r);
        }
        result.and(joined).map(|()| (all, cursors))
    });
    let (all, cursors) = read?;
    let acked = acked.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let reads = all;
    // Ordered: seq increasing along the feed.
    if reads.iter().any(|r| !decimal(&r.seq)) {
        c.fail("变更的 seq 不是十进制数字串 [API-020]", "a change's seq is not a decimal string [API-020]");
    } else if reads.windows(2).any(|p| !seq_before(&p[0].seq, &p[1].seq)) {
        c.fail(
            "按游标读取的变更未按 seq 递增 [API-020]",
            "the changes read by following the cursor are not in increasing seq [API-020]",
        );
    }
    // The shape of each change: a tombstone has no etag and no record.
    for r in &reads {
        let shape_ok = r.shape_ok;
        if !shape_ok {
            let (seq, op) = (
                if decimal(&r.seq) && r.seq.len() <= 20 { r.seq.clone() } else { "(not a seq)".into() },
                code_shown(&r.op),
            );
            c.fail(
                format!("变更 {seq} 的 op 为 {op:?}，其成员不符 [API-020]"),
                format!("change {seq} has op {op:?} and members that do not fit it [API-020]"),
            );
            break;
        }
    }
    // Every acknowledged write, in its final state, was read by following the cursor.
    let mut last: BTreeMap<&str, &Read> = BTreeMap::new();
    for r in &reads {
        last.insert(r.id.as_str(), r);
    }
    let mut lost = 0;
    let mut stale = 0;
    for (id, state) in &acked {
        match (last.get(id.as_str()), state) {
            (None, _) => lost += 1,
            (Some(r), Some(e)) if r.op == "upsert" && r.etag.as_deref() == Some(e.as_str()) => {}
            (Some(r), None) if r.op == "delete" => {}
            _ => stale += 1,
        }
    }
    if lost > 0 {
        c.fail(
            format!("{lost} 条已确认的写入在跟随游标读取的变更流中从未出现（变更流丢失了变更）[API-020]"),
            format!("{lost} acknowledged writes never appeared in the feed read by following the cursor (the feed lost changes) [API-020]"),
        );
    }
    if stale > 0 {
        c.fail(
            format!("{stale} 条记录在跟随游标读取的变更流中的最后状态不是其最后一次确认的写入或删除 [API-020] [API-023]"),
            format!("for {stale} records the last state read by following the cursor is not their last acknowledged write or delete [API-020] [API-023]"),
        );
    }
    if acked.values().all(Option::is_some) {
        c.fail(
            "写入线程未能删除任何记录，无法检查墓碑 [API-017]",
            "the writers deleted nothing, so no tombstone could be checked [API-017]",
        );
    }
    // Resumed from a cursor in the middle: each record of the case at most once, and exactly
    // those whose final state was read after that cursor, in that state.
    if let Some((before, mid)) = cursors.get(cursors.len() / 2).cloned() {
        let (again, _) = read_feed(ctx, &mid, 50, c)?;
        let ours = |id: &str| acked.contains_key(id);
        let mut seen: BTreeMap<&str, &Read> = BTreeMap::new();
        let mut twice = 0;
        for r in again.iter().filter(|r| ours(&r.id)) {
            if seen.insert(r.id.as_str(), r).is_some() {
                twice += 1;
            }
        }
        if twice > 0 {
            c.fail(
                format!("从中间的游标续读，{twice} 条记录出现了不止一次（变更流未按记录压缩）[API-023]"),
                format!("resumed from a cursor in the middle, {twice} records appeared more than once (the feed is not compacted by record) [API-023]"),
            );
        }
        let later: Vec<&str> = {
            let mut pos: BTreeMap<&str, usize> = BTreeMap::new();
            for (i, r) in reads.iter().enumerate() {
                pos.insert(r.id.as_str(), i);
            }
            pos.into_iter().filter(|(id, i)| *i >= before && ours(id)).map(|(id, _)| id).collect()
        };
        let missing = later.iter().filter(|id| !seen.contains_key(*id)).count();
        let extra = seen.keys().filter(|id| !later.contains(id)).count();
        if missing > 0 || extra > 0 {
            c.fail(
                format!("从中间的游标续读：缺少该游标之后变更的记录 {missing} 条，多出之前的记录 {extra} 条 [API-020]"),
                format!("resumed from a cursor in the middle: {missing} records changed after it were missing, {extra} records changed only before it appeared [API-020]"),
            );
        }
    }
    for (path, status, code) in
        [("/v1/changes?since=%21%21not-a-cursor", 400, "api-bad-cursor"), ("/v1/changes?limit=0", 400, "api-bad-query")]
    {
        let a = ctx.writer("GET", path, None)?;
        c.error(&a, status, code, "API-020")?;
    }
    Ok(())
}

/// A delete: `204` without a body, then `404` on read and on a second delete, a tombstone in the
/// feed, and a write after it `201` again; a read with the ETag and the level `[API-015]`
/// `[API-017]`.
fn delete(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    let id = ctx.id("AP-0007", 1);
    let rec = place(&id, "1幢");
    let Some(etag) = write_answer(c, &ctx.put(&rec, &[])?, 201, "created", "API-012")? else { return Ok(()) };
    let g = ctx.get("Place", &id)?;
    if c.status(&g, &[200], "API-015") {
        if g.etag().as_deref() != Some(etag.as_str()) {
            c.fail("读取的 ETag 与写入的不同 [API-015]", "the ETag read differs from the one written [API-015]");
        }
        if g.header("x-linli-level") != Some("internal") {
            c.fail(
                "读取应答缺少 X-Linli-Level: internal [API-015]",
                "the read lacks X-Linli-Level: internal [API-015]",
            );
        }
    }
    let head = ctx.feed_head()?;
    let path = format!("/v1/records/Place/{id}");
    let d = ctx.http.send("DELETE", &path, Some(&ctx.target.token), &[], None)?;
    if c.status(&d, &[204], "API-017") && !d.body.is_empty() {
        c.fail("删除的 204 应答带有内容 [API-017]", "the 204 of a delete has a body [API-017]");
    }
    c.error(&ctx.get("Place", &id)?, 404, "api-not-found", "API-015")?;
    c.error(&ctx.http.send("DELETE", &path, Some(&ctx.target.token), &[], None)?, 404, "api-not-found", "API-017")?;
    c.error(&ctx.get("Place", &ctx.id("AP-0007", 2))?, 404, "api-not-found", "API-015")?;
    let (changes, _) = read_feed(ctx, &head, 100, c)?;
    let tomb = changes.into_iter().find(|r| r.id == id);
    if !tomb.as_ref().is_some_and(|r| r.op == "delete" && r.etag.is_none()) {
        c.fail(
            "删除后变更流中没有该记录的墓碑 [API-017]",
            "after the delete the feed holds no tombstone of the record [API-017]",
        );
    }
    write_answer(c, &ctx.put(&rec, &[])?, 201, "created", "API-017")?;
    Ok(())
}

/// What a reader at `level` receives of the share sources' records — each read, the listing and
/// the feed — holds none of the raw values the `share` cases forbid at that level (the same
/// judgement, [CNF-036]); a record the node withholds is `451` `api-withheld` or marked
/// `withheld` `[API-030]` `[API-034]`.
fn level_reads(ctx: &Ctx<'_>, c: &mut Check, level: &str) -> Result<(), Broken> {
    use std::collections::BTreeSet;
    let token = if level == "public" {
        ctx.target.token_public.as_deref()
    } else {
        ctx.target.token_inter_department.as_deref()
    };
    let Some(token) = token else { return Ok(()) };
    let exports = crate::runner::plan::export_cases(ctx.suite);
    let shares = crate::share::Shares::new(ctx.suite, &exports);
    let (mut returned, mut withheld) = (0usize, 0usize);
    for v in &shares.vectors {
        // Share vectors are made by `Shares::new` with `record` the array of the dataset's
        // records: the default, no records, is never taken.
        let sent: Vec<Value> = v.record.as_array().cloned().unwrap_or_default();
        let head = ctx.feed_head()?;
        let mut keys: BTreeSet<(String, String)> = BTreeSet::new();
        for r in &sent {
            let a = ctx.put(r, &[])?;
            if !c.status(&a, &[200, 201], "API-010") {
                return Ok(());
            }
            let ty = r.get("type").and_then(Value::as_str).unwrap_or("").to_owned();
            let id = r.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
            keys.insert((ty, id));
        }
        let mut back: Vec<Value> = Vec::new();
        let take = |x: &Value, back: &mut Vec<Value>, returned: &mut usize, withheld: &mut usize| {
            if x.get("withheld").is_some() {
                *withheld += 1;
            } else {
                *returned += 1;
                back.push(x.clone());
            }
        };
        for (ty, id) in &keys {
            let a = ctx.http.send("GET", &format!("/v1/records/{ty}/{id}"), Some(token), &[], None)?;
            match a.status {
                200 => {
                    if a.header("x-linli-level") != Some(level) {
                        c.fail(
                            format!("{level} 级别读取的应答没有 X-Linli-Level: {level} [API-015]"),
                            format!("a read at level {level} lacks X-Linli-Level: {level} [API-015]"),
                        );
                    }
                    let x = a.json()?;
                    take(&x, &mut back, &mut returned, &mut withheld);
                }
                451 => {
                    c.error(&a, 451, "api-withheld", "API-034")?;
                    withheld += 1;
                }
                _ => {
                    c.status(&a, &[200, 451], "API-015");
                }
            }
        }
        let types: BTreeSet<&str> = keys.iter().map(|(t, _)| t.as_str()).collect();
        for ty in types {
            let mut cursor: Option<String> = None;
            for _ in 0..10_000 {
                let path = match &cursor {
                    Some(k) => format!("/v1/records?type={ty}&limit=1000&cursor={}", enc(k)),
                    None => format!("/v1/records?type={ty}&limit=1000"),
                };
                let a = ctx.http.send("GET", &path, Some(token), &[], None)?;
                if !c.status(&a, &[200], "API-016") {
                    break;
                }
                let page = a.json()?;
                for x in page.get("records").and_then(Value::as_array).into_iter().flatten() {
                    let k = (
                        x.get("type").and_then(Value::as_str).unwrap_or("").to_owned(),
                        x.get("id").and_then(Value::as_str).unwrap_or("").to_owned(),
                    );
                    if keys.contains(&k) {
                        take(x, &mut back, &mut returned, &mut withheld);
                    }
                }
                bounded(back.len())?;
                match page.get("next") {
                    Some(Value::String(k)) => cursor = Some(k.clone()),
                    _ => break,
                }
            }
        }
        let mut cursor = head;
        for _ in 0..10_000 {
            let a = ctx.http.send(
                "GET",
                &format!("/v1/changes?since={}&limit=1000", enc(&cursor)),
                Some(token),
                &[],
                None,
            )?;
            if !c.status(&a, &[200], "API-020") {
                break;
            }
            let page = a.json()?;
            let ch = changes_of(&page);
            for x in &ch {
                let k = (
                    x.get("type").and_then(Value::as_str).unwrap_or("").to_owned(),
                    x.get("id").and_then(Value::as_str).unwrap_or("").to_owned(),
                );
                if keys.contains(&k) {
                    match x.get("record") {
                        Some(r) => take(r, &mut back, &mut returned, &mut withheld),
                        None if x.get("withheld").is_some() => withheld += 1,
                        None => {}
                    }
                }
            }
            bounded(back.len())?;
            match page.get("next").and_then(Value::as_str) {
                Some(n) if !ch.is_empty() => cursor = n.to_owned(),
                _ => break,
            }
        }
        let forbidden = crate::share::forbidden(&sent, level);
        let mut texts = Vec::new();
        for b in &back {
            crate::share::strings(b, &mut texts);
        }
        let leaked = crate::share::leaked(&forbidden, &texts);
        if !leaked.is_empty() {
            c.fail(
                format!("{}：{level} 级别的读取方收到了原始个人信息：{} [API-030]", v.id, listed(&leaked, true)),
                format!(
                    "{}: a reader at level {level} received raw personal information: {} [API-030]",
                    v.id,
                    listed(&leaked, false)
                ),
            );
        }
        let names = crate::share::names_left(&sent, &back, level);
        if !names.is_empty() {
            c.fail(
                format!(
                    "{}：{level} 级别收到的 {} 条记录的自由文本中仍有所写人员或联系人的姓名 [API-030]",
                    v.id,
                    names.len()
                ),
                format!(
                    "{}: {} records received at level {level} still name a person or contact in free text [API-030]",
                    v.id,
                    names.len()
                ),
            );
        }
    }
    if returned == 0 {
        c.fail(
            format!("{level} 级别的读取方没有收到任何记录（全部被扣留）[API-030]"),
            format!("a reader at level {level} received no record at all (everything withheld) [API-030]"),
        );
    }
    Ok(())
}

fn level_inter_department(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    level_reads(ctx, c, "inter-department")
}

fn level_public(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    level_reads(ctx, c, "public")
}

/// The names of a tar archive's entries, in order; `None` when it is no ustar archive.
fn tar_names(b: &[u8]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 512 <= b.len() {
        let h = &b[at..at + 512];
        if h.iter().all(|x| *x == 0) {
            return Some(out);
        }
        if &h[257..262] != b"ustar" {
            return None;
        }
        let name = String::from_utf8_lossy(&h[..100]).trim_end_matches('\0').to_owned();
        let size_text = String::from_utf8_lossy(&h[124..136]).trim_matches(|c: char| c == '\0' || c == ' ').to_owned();
        let size = usize::from_str_radix(&size_text, 8).ok()?;
        out.push(name);
        at += 512 + size.div_ceil(512) * 512;
    }
    None
}

/// The purpose on reads at level `internal` (percent-encoded too); the export at a level, its
/// refusals; the dataset report for `internal` only; the place filter for `internal` only
/// `[API-031]` `[API-032]` `[API-033]` `[API-016]`.
fn purpose_export_report(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    let Some(public) = ctx.target.token_public.as_deref() else { return Ok(()) };
    let id = ctx.id("AP-0010", 1);
    write_answer(c, &ctx.put(&place(&id, "1幢"), &[])?, 201, "created", "API-012")?;
    let t = Some(ctx.target.token.as_str());
    let read = format!("/v1/records/Place/{id}");
    // White space only: no purpose [API-031], or not 1 to 200 characters [API-081].
    let a = ctx.http.send("GET", &read, t, &[("X-Linli-Purpose", "   ")], None)?;
    c.error_of(&a, 400, &["api-purpose-required", "api-purpose-invalid"], "API-031")?;
    // A purpose that is not 1 to 200 characters of text without control characters, at any level [API-081].
    let long = "a".repeat(201);
    for (token, purpose) in
        [(t, "forged%0Aline"), (t, long.as_str()), (Some(public), "%E6%A0%B8%0D%E6%9F%A5"), (t, "%FF%FE")]
    {
        let a = ctx.http.send("GET", &read, token, &[("X-Linli-Purpose", purpose)], None)?;
        c.error(&a, 400, "api-purpose-invalid", "API-081")?;
    }
    for (path, purpose) in [
        (read.as_str(), None),
        ("/v1/records?type=Place&limit=1", None),
        ("/v1/changes?limit=1", None),
        ("/v1/export?level=internal", None),
    ] {
        // No purpose: the default, no header, is the request under test.
        let h: Vec<(&str, &str)> = purpose.map(|p| vec![("X-Linli-Purpose", p)]).unwrap_or_default();
        let a = ctx.http.send("GET", path, t, &h, None)?;
        c.error(&a, 400, "api-purpose-required", "API-031")?;
    }
    let a = ctx.http.send("GET", &read, t, &[("X-Linli-Purpose", "%E6%A0%B8%E6%9F%A5")], None)?;
    c.status(&a, &[200], "API-031");
    // The export at level internal: a ustar archive with the manifest, names in order.
    let a = ctx.writer("GET", "/v1/export?level=internal", None)?;
    if c.status(&a, &[200], "API-032") {
        if a.media_type() != "application/x-tar" {
            c.fail(
                "导出的内容类型不是 application/x-tar [API-032]",
                "the export's content type is not application/x-tar [API-032]",
            );
        }
        if a.header("x-linli-created-at").is_none() {
            c.fail("导出应答没有 X-Linli-Created-At [API-032]", "the export has no X-Linli-Created-At [API-032]");
        }
        match tar_names(&a.body) {
            None => c.fail("导出不是 ustar 归档 [API-032]", "the export is not a ustar archive [API-032]"),
            Some(names) => {
                if !names.iter().any(|n| n == "manifest.json") || !names.iter().any(|n| n == "place.ndjson") {
                    c.fail(
                        "导出中没有 manifest.json 或 place.ndjson [API-032]",
                        "the export lacks manifest.json or place.ndjson [API-032]",
                    );
                }
                if names.windows(2).any(|p| p[0] >= p[1]) {
                    c.fail(
                        "导出中的文件未按名称升序排列 [API-032]",
                        "the export's files are not in ascending order of name [API-032]",
                    );
                }
            }
        }
    }
    for path in [
        "/v1/export?level=secret",
        "/v1/export?level=internal&at=2999-01-01T00:00:00%2B08:00",
        "/v1/export?level=internal&at=2024-01-01",
    ] {
        c.error(&ctx.writer("GET", path, None)?, 400, "api-bad-query", "API-032")?;
    }
    let p = Some(public);
    c.error(
        &ctx.http.send("GET", "/v1/export?level=internal", p, &[], None)?,
        403,
        "api-level-not-allowed",
        "API-032",
    )?;
    c.error(&ctx.http.send("GET", "/v1/report", p, &[], None)?, 403, "api-forbidden", "API-033")?;
    c.error(&ctx.http.send("GET", &format!("/v1/records?place={id}"), p, &[], None)?, 403, "api-forbidden", "API-016")?;
    let r = ctx.writer("GET", "/v1/report", None)?;
    if c.status(&r, &[200], "API-033") && !r.json()?.is_object() {
        c.fail("/v1/report 的应答不是 JSON 报告 [API-033]", "/v1/report did not answer a JSON report [API-033]");
    }
    Ok(())
}

/// A batch: one result per non-blank line in order, refused lines not undoing the others, each
/// line stored or not; a batch of another media type `415` `[API-014]` `[API-018]`.
fn batch(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    let (a_id, b_id, bad_id) = (ctx.id("AP-0011", 1), ctx.id("AP-0011", 2), ctx.id("AP-0011", 3));
    let mut body = Vec::new();
    body.extend_from_slice(format!("{}\n", place(&a_id, "1幢")).as_bytes());
    body.extend_from_slice(b"   \n");
    body.extend_from_slice(format!("{{\"type\":\"Place\",\"id\":\"{bad_id}\"}}\n").as_bytes());
    body.extend_from_slice(b"{\"type\":\"Place\",\"name\":\"\xff\xfe\"}\n");
    body.extend_from_slice(format!("{}\r\n", place(&b_id, "2幢")).as_bytes());
    let send = |b: Vec<u8>, ct: &str| {
        ctx.http.send("POST", "/v1/records", Some(&ctx.target.token), &[("Content-Type", ct)], Some(b))
    };
    let a = send(body.clone(), "application/x-ndjson")?;
    if !c.status(&a, &[200], "API-014") {
        return Ok(());
    }
    let lines = a.ndjson()?;
    let got: Vec<(u64, u64, String)> = lines
        .iter()
        .map(|l| {
            let result = code_shown(l.get("result").or_else(|| l.get("code")).and_then(Value::as_str).unwrap_or(""));
            (
                l.get("line").and_then(Value::as_u64).unwrap_or(0),
                l.get("status").and_then(Value::as_u64).unwrap_or(0),
                result,
            )
        })
        .collect();
    let want: Vec<(u64, u64, String)> = vec![
        (1, 201, "created".into()),
        (3, 422, "api-invalid-record".into()),
        (4, 400, "api-not-json".into()),
        (5, 201, "created".into()),
    ];
    if got != want {
        let show = |v: &[(u64, u64, String)]| v.iter().map(|(l, s, r)| format!("{l}:{s} {r}")).collect::<Vec<_>>();
        c.fail(
            format!("批量写入的结果为 {}，应为 {} [API-014]", listed(&show(&got), true), listed(&show(&want), true)),
            format!(
                "the batch's results are {}, expected {} [API-014]",
                listed(&show(&got), false),
                listed(&show(&want), false)
            ),
        );
    }
    if lines.get(1).and_then(|l| l.get("findings")).is_none_or(|f| !f.is_array()) {
        c.fail("被拒绝的行没有 findings [API-014]", "the refused line has no findings [API-014]");
    }
    c.status(&ctx.get("Place", &b_id)?, &[200], "API-018");
    c.error(&ctx.get("Place", &bad_id)?, 404, "api-not-found", "API-018")?;
    // Sent again: the written lines unchanged.
    let a = send(body, "application/x-ndjson")?;
    if c.status(&a, &[200], "API-014") {
        let again: Vec<String> =
            a.ndjson()?.iter().filter_map(|l| l.get("result").and_then(Value::as_str).map(str::to_owned)).collect();
        if again != ["unchanged", "unchanged"] {
            c.fail(
                "同一批量再次写入，已写的行不是 unchanged [API-014]",
                "the same batch again: the written lines are not unchanged [API-014]",
            );
        }
    }
    let a = send(format!("{}\n", place(&ctx.id("AP-0011", 4), "4幢")).into_bytes(), "application/xml")?;
    c.error(&a, 415, "api-unsupported-media-type", "API-014")?;
    c.error(&ctx.get("Place", &ctx.id("AP-0011", 4))?, 404, "api-not-found", "API-014")?;
    Ok(())
}

/// The path and the body: a record at its own path written; a body whose type or id differs from
/// the path, a type that is no record type, a body that is not UTF-8, a path that is no endpoint
/// and a method an endpoint lacks refused with their codes `[API-011]` `[API-040]`.
fn paths(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    let (one, two) = (ctx.id("AP-0012", 1), ctx.id("AP-0012", 2));
    let t = Some(ctx.target.token.as_str());
    let json = [("Content-Type", "application/json")];
    let body = place(&one, "1幢").to_string().into_bytes();
    c.error(
        &ctx.http.send("PUT", &format!("/v1/records/Place/{two}"), t, &json, Some(body.clone()))?,
        422,
        "api-path-mismatch",
        "API-011",
    )?;
    c.error(
        &ctx.http.send("PUT", &format!("/v1/records/Thing/{one}"), t, &json, Some(body.clone()))?,
        422,
        "api-path-mismatch",
        "API-011",
    )?;
    c.error(&ctx.get("Place", &two)?, 404, "api-not-found", "API-011")?;
    c.error(&ctx.get("Place", &one)?, 404, "api-not-found", "API-011")?;
    c.error(
        &ctx.http.send("PUT", &format!("/v1/records/Spaceship/{one}"), t, &json, Some(body.clone()))?,
        404,
        "api-unknown-type",
        "API-011",
    )?;
    c.error(&ctx.writer("GET", &format!("/v1/records/Spaceship/{one}"), None)?, 404, "api-unknown-type", "API-011")?;
    let not_utf8 = b"{\"type\":\"Place\",\"id\":\"x\",\"name\":\"\xff\"}".to_vec();
    c.error(
        &ctx.http.send("PUT", &format!("/v1/records/Place/{one}"), t, &json, Some(not_utf8))?,
        400,
        "api-not-json",
        "API-011",
    )?;
    c.error(&ctx.writer("GET", "/v1/nothing-here", None)?, 404, "api-no-route", "API-040")?;
    // A target over 8 KiB, header fields over 64 KiB [API-078].
    let target = format!("/v1/records?type=Place&limit=1&pad={}", "a".repeat(8200));
    c.error(&ctx.writer("GET", &target, None)?, 414, "api-uri-too-long", "API-078")?;
    let pad = "b".repeat(66 * 1024);
    let a =
        ctx.http.send("GET", "/v1/status", t, &[("X-Linli-Purpose", super::PURPOSE), ("X-Pad", pad.as_str())], None)?;
    c.error(&a, 431, "api-headers-too-large", "API-078")?;
    c.error(
        &ctx.http.send("POST", &format!("/v1/records/Place/{one}"), t, &json, Some(body.clone()))?,
        405,
        "api-method-not-allowed",
        "API-040",
    )?;
    write_answer(
        c,
        &ctx.http.send("PUT", &format!("/v1/records/Place/{one}"), t, &json, Some(body))?,
        201,
        "created",
        "API-011",
    )?;
    Ok(())
}

/// Write scopes: a caller without them (the public reader) may neither write nor delete, and
/// nothing changes; the writer (a department) writes a record of any source `[API-002]`.
fn scopes(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    let Some(public) = ctx.target.token_public.as_deref() else { return Ok(()) };
    let (one, two) = (ctx.id("AP-0013", 1), ctx.id("AP-0013", 2));
    let mut other = place(&two, "2幢");
    other["meta"]["source"]["vendor"] = Value::from("另一家公司（一致性测试）");
    let Some(etag) = write_answer(c, &ctx.put(&other, &[])?, 201, "created", "API-002")? else { return Ok(()) };
    let json = [("Content-Type", "application/json")];
    let a = ctx.http.send(
        "PUT",
        &format!("/v1/records/Place/{one}"),
        Some(public),
        &json,
        Some(place(&one, "1幢").to_string().into_bytes()),
    )?;
    c.error(&a, 403, "api-forbidden", "API-002")?;
    c.error(&ctx.get("Place", &one)?, 404, "api-not-found", "API-002")?;
    // An invalid record it may not write: 403 without findings, never a 422 report [API-075].
    let bad = format!("{{\"type\":\"Place\",\"id\":\"{one}\"}}");
    let a = ctx.http.send(
        "PUT",
        &format!("/v1/records/Place/{one}"),
        Some(public),
        &json,
        Some(bad.clone().into_bytes()),
    )?;
    c.error(&a, 403, "api-forbidden", "API-075")?;
    if a.status == 403 && a.json()?.get("report").is_some() {
        c.fail(
            "无权写入的无效记录得到了校验报告 [API-075]",
            "an invalid record the caller may not write drew a validation report [API-075]",
        );
    }
    let line = format!("{bad}\n").into_bytes();
    let a =
        ctx.http.send("POST", "/v1/records", Some(public), &[("Content-Type", "application/x-ndjson")], Some(line))?;
    // A caller with no write scopes: the batch is refused whole, before its body [API-014].
    c.error(&a, 403, "api-forbidden", "API-014")?;
    if a.status == 403 && a.json()?.get("findings").is_some() {
        c.fail(
            "无写入范围的批量写入得到了校验结果 [API-075]",
            "a batch by a caller without write scopes drew validation findings [API-075]",
        );
    }
    let a = ctx.http.send("DELETE", &format!("/v1/records/Place/{two}"), Some(public), &[], None)?;
    c.error(&a, 403, "api-forbidden", "API-002")?;
    let g = ctx.get("Place", &two)?;
    if c.status(&g, &[200], "API-002") && g.etag().as_deref() != Some(etag.as_str()) {
        c.fail(
            "无写入范围的删除改变了记录 [API-002]",
            "a delete by a caller without write scopes changed the record [API-002]",
        );
    }
    Ok(())
}

/// The long poll: `wait` out of range refused; with no change the answer comes when the time is
/// up, without a change; a change written during the wait is answered `[API-022]`.
fn long_poll(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    for w in ["61", "-1", "soon"] {
        c.error(&ctx.writer("GET", &format!("/v1/changes?wait={w}"), None)?, 400, "api-bad-query", "API-022")?;
    }
    let head = ctx.feed_head()?;
    let started = std::time::Instant::now();
    let a = ctx.writer("GET", &format!("/v1/changes?since={}&wait=1", enc(&head)), None)?;
    if c.status(&a, &[200], "API-022") {
        let v = a.json()?;
        if !changes_of(&v).is_empty() {
            c.fail(
                "等待期间没有写入，应答却带有变更 [API-022]",
                "no write during the wait, yet the answer held a change [API-022]",
            );
        } else if started.elapsed() < std::time::Duration::from_millis(500) {
            c.fail(
                "wait=1 且没有变更时，节点未等待即应答 [API-022]",
                "with wait=1 and no change the node answered without waiting [API-022]",
            );
        }
    }
    let id = ctx.id("AP-0014", 1);
    let wait = (ctx.deadline.as_secs() / 2).clamp(1, 5);
    let answer = std::thread::scope(|s| {
        let writer = s.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(300));
            ctx.put(&place(&id, "1幢"), &[])
        });
        let a = ctx.writer("GET", &format!("/v1/changes?since={}&wait={wait}", enc(&head)), None);
        let w = writer.join().unwrap_or_else(|_| Err(Broken::new("写入线程失败", "the writing thread failed")));
        a.and_then(|a| w.map(|_| a))
    })?;
    if c.status(&answer, &[200], "API-022") {
        let v = answer.json()?;
        let seen = changes_of(&v).iter().any(|x| x.get("id").and_then(Value::as_str) == Some(id.as_str()));
        // The write may land just before the poll starts: either way the change must be there.
        if !seen {
            c.fail(
                format!("等待（wait={wait}）期间写入的变更未在应答中 [API-022]"),
                format!("a change written during the wait (wait={wait}) was not in the answer [API-022]"),
            );
        }
    }
    Ok(())
}

/// The clerk's upload check: a JSON or HTML report, nothing stored; an upload that does not read
/// as its format `422` `api-upload-unreadable` `[API-035]`.
fn upload_check(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    let id = ctx.id("AP-0015", 1);
    let line = format!("{}\n", place(&id, "1幢")).into_bytes();
    let t = Some(ctx.target.token.as_str());
    let a = ctx.http.send("POST", "/v1/check?format=json&name=upload.ndjson", t, &[], Some(line.clone()))?;
    if c.status(&a, &[200], "API-035") && !a.json()?.is_object() {
        c.fail("检查应答不是 JSON 报告 [API-035]", "the check did not answer a JSON report [API-035]");
    }
    let a = ctx.http.send("POST", "/v1/check?lang=en", t, &[], Some(line))?;
    if c.status(&a, &[200], "API-035") && a.media_type() != "text/html" {
        c.fail(
            "默认格式的检查应答不是 HTML [API-035]",
            "the check in the default format did not answer HTML [API-035]",
        );
    }
    c.error(&ctx.get("Place", &id)?, 404, "api-not-found", "API-035")?;
    let a = ctx.http.send(
        "POST",
        "/v1/check?format=json&name=export.zip",
        t,
        &[],
        Some(b"PK\x03\x04 this is no zip archive".to_vec()),
    )?;
    c.error(&a, 422, "api-upload-unreadable", "API-035")?;
    Ok(())
}

/// A `PUT` body over 16 MiB refused `413` `api-too-large`, nothing stored; one under it judged
/// `[API-041]`.
fn limits(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    let id = ctx.id("AP-0016", 1);
    let small = place(&id, "1幢").to_string();
    let mut big = small.clone().into_bytes();
    // White space after the record: the same record, one byte over the limit.
    big.resize(16 * 1024 * 1024 + 1, b' ');
    let json = [("Content-Type", "application/json")];
    let path = format!("/v1/records/Place/{id}");
    let a = ctx.http.send("PUT", &path, Some(&ctx.target.token), &json, Some(big))?;
    c.error(&a, 413, "api-too-large", "API-041")?;
    c.error(&ctx.get("Place", &id)?, 404, "api-not-found", "API-041")?;
    let mut under = small.into_bytes();
    under.resize(1024 * 1024, b' ');
    let a = ctx.http.send("PUT", &path, Some(&ctx.target.token), &json, Some(under))?;
    write_answer(c, &a, 201, "created", "API-041")?;
    Ok(())
}

/// The clerk's page: served without a token, self-contained, Chinese first, and loading nothing
/// from another origin (its Content-Security-Policy and its markup) `[API-060]`.
fn page(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    let a = ctx.http.send("GET", "/", None, &[], None)?;
    if !c.status(&a, &[200], "API-060") {
        return Ok(());
    }
    if a.media_type() != "text/html" {
        c.fail("GET / 的内容类型不是 text/html [API-060]", "GET / is not text/html [API-060]");
    }
    let csp = a.header("content-security-policy").unwrap_or("");
    let default_self = csp.split(';').any(|d| d.split_whitespace().collect::<Vec<_>>() == ["default-src", "'self'"]);
    if !default_self || csp.contains("http:") || csp.contains("https:") || csp.contains('*') {
        c.fail(
            "页面的 Content-Security-Policy 不是 default-src 'self' 且不含其他来源 [API-060]",
            "the page's Content-Security-Policy is not default-src 'self' without another origin [API-060]",
        );
    }
    let html = String::from_utf8_lossy(&a.body).to_ascii_lowercase();
    let outside = [
        "src=\"http",
        "src='http",
        "src=\"//",
        "href=\"http",
        "href=\"//",
        "url(http",
        "url(\"http",
        "url(//",
        "action=\"http",
    ];
    if outside.iter().any(|p| html.contains(p)) {
        c.fail(
            "页面从其他来源加载或向其发送内容 [API-060]",
            "the page loads from or sends to another origin [API-060]",
        );
    }
    if !html.contains("lang=\"zh") {
        c.fail(
            "页面不是中文优先（html 的 lang 不是 zh）[API-060]",
            "the page is not Chinese first (its html lang is not zh) [API-060]",
        );
    }
    Ok(())
}

/// The upload check answered to a department (the writer) `[API-070]`.
fn department_check(ctx: &Ctx<'_>, c: &mut Check) -> Result<(), Broken> {
    let line = format!("{}\n", place(&ctx.id("AP-0018", 1), "1幢")).into_bytes();
    let a =
        ctx.http.send("POST", "/v1/check?format=json&name=upload.ndjson", Some(&ctx.target.token), &[], Some(line))?;
    if c.status(&a, &[200], "API-070") && !a.json()?.is_object() {
        c.fail(
            "部门的上传检查未得到 JSON 报告 [API-070]",
            "a department's upload check did not answer a JSON report [API-070]",
        );
    }
    Ok(())
}

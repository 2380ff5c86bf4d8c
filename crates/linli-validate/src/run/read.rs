//! Reading one file: a reader thread cuts it into batches, workers check them, and the
//! results are folded back into the report and the dataset index in input order.

use super::*;
use crate::codes::Code;
pub(super) enum Pending {
    Record(RawRecord),
    Finding(Finding),
}

impl Run<'_> {
    /// Fold one checked batch into the report and the dataset index, in input order.
    pub(super) fn fold(
        &mut self,
        batch: Vec<Pending>,
        outcomes: Vec<Option<Checked>>,
        file: &str,
        file_id: u32,
        expect: Option<linli_model::RecordType>,
    ) {
        for (p, outcome) in batch.into_iter().zip(outcomes) {
            match (p, outcome) {
                (Pending::Finding(mut f), _) => {
                    // A line that could not be read at all still counts as an invalid record.
                    if matches!(f.code.as_ref(), "invalid-utf8" | "line-too-long") {
                        let checked = self.report.checks(&f);
                        self.report.count_record(None, !checked, None);
                    }
                    // A file that a manifest lists may hold no record: [DAT-002] says SHOULD.
                    if f.code == Code::EmptyInput.as_str() && expect.is_some() {
                        f.level = Level::Warning;
                    }
                    // Lines in another encoding: one finding with a count [DAT-023].
                    if let (true, Some(line)) = (f.code == Code::InvalidUtf8.as_str(), f.line) {
                        self.repeat(Repeated::Encoding, line, || f);
                        continue;
                    }
                    self.push(f, file, None);
                }
                (Pending::Record(raw), Some(mut out)) => {
                    // The manifest says another type: one mistake of the manifest (or of the
                    // file), reported once with a count when the file ends [DAT-023]; the record
                    // is still invalid.
                    let mut wrong_type = false;
                    if let (Some(want), Some(got)) = (expect, out.record_type) {
                        if want != got {
                            // Unless that rule is not checked (`--skip`) [VAL-023].
                            wrong_type =
                                self.report.rule_filter.keeps(Code::ManifestRecordType.as_str(), Some("DAT-013"));
                            let id = out.id.clone();
                            self.repeat(Repeated::RecordType { want, got }, raw.line, || {
                                let mut f = Finding::new(
                                    Code::ManifestRecordType,
                                    Level::Error,
                                    Some("DAT-013"),
                                    String::new(),
                                    String::new(),
                                )
                                .at("/type");
                                f.record_type = Some(got);
                                f.record_id = id;
                                f
                            });
                        }
                    }
                    if let (Some((profile, today)), Some(record)) = (&self.sharing, out.record.as_deref()) {
                        out.findings.extend(crate::record::raw_value_findings(record, profile, *today));
                        out.findings.extend(crate::record::name_findings(record, &self.names));
                    }
                    if let Some(Index::Spill(index)) = self.index.as_mut() {
                        // What the index finds at this record goes after the record's own
                        // findings: the log position they end at.
                        let own = out.findings.iter().filter(|f| self.report.checks(f)).count() as u64;
                        let slot = self.spill.as_ref().map_or(0, |s| s.log.len()) + own;
                        let loc = Loc { file: file_id, line: raw.line };
                        match (out.record.as_deref(), out.record_type, out.id.as_deref()) {
                            (Some(record), _, _) => index.add(record, loc, slot),
                            (None, Some(ty), Some(id)) => index.add_id(ty, id, loc, slot),
                            _ => {}
                        }
                    }
                    if let Some(Index::Memory(index)) = self.index.as_mut() {
                        let loc = Loc { file: file_id, line: raw.line };
                        match (out.record.as_deref(), out.record_type, out.id.as_deref()) {
                            (Some(record), _, _) => {
                                for mut f in index.add(record, loc, &self.files) {
                                    f.record_type = Some(record.record_type());
                                    f.record_id = Some(record.id().to_string());
                                    out.findings.push(f);
                                }
                            }
                            // Not readable as a record, but its type and id are known: it still
                            // takes its id, so references to it resolve and a repeat is caught.
                            (None, Some(ty), Some(id)) => {
                                if let Some(mut f) = index.add_id(ty, id, loc, &self.files) {
                                    f.record_type = Some(ty);
                                    f.record_id = Some(id.to_owned());
                                    out.findings.push(f);
                                }
                            }
                            _ => {}
                        }
                    }
                    // Rules not checked (`--pick`, `--skip`) neither count nor make the record
                    // invalid `[VAL-023]`; every finding names its record `[VAL-022]`.
                    let before = out.findings.len();
                    out.findings.retain(|f| self.report.checks(f));
                    self.report.findings_filtered += (before - out.findings.len()) as u64;
                    for f in &mut out.findings {
                        if f.record_type.is_none() {
                            f.record_type = out.record_type;
                        }
                        if f.record_id.is_none() {
                            f.record_id.clone_from(&out.id);
                        }
                    }
                    let valid = !wrong_type && !out.findings.iter().any(|f| f.level == Level::Error);
                    if !valid && self.index.is_some() {
                        let loc = Loc { file: file_id, line: raw.line };
                        match self.spill.as_mut() {
                            Some(s) => {
                                if let Err(e) = s.invalid.push(loc) {
                                    s.fail(e);
                                }
                            }
                            None => {
                                self.invalid_at.insert(loc);
                            }
                        }
                    }
                    self.report.count_record(out.record_type, valid, out.members);
                    for f in out.findings {
                        self.push(f, file, Some(raw.line));
                    }
                }
                (Pending::Record(_), None) => {}
            }
        }
    }

    /// Read and validate one file ([`Run::file_read`]), then report the manifest-level
    /// mistakes seen in its records once each, with a count `[DAT-023]`.
    pub(super) fn file(
        &mut self,
        path: Source<'_>,
        label: &str,
        kind: InputKind,
        expect: Option<linli_model::RecordType>,
    ) -> std::io::Result<FileStats> {
        self.repeats.clear();
        let stats = self.file_read(path, label, kind, expect);
        self.flush_repeats(label);
        stats
    }

    /// Read and validate one file: a reader thread cuts the input into batches, `threads`
    /// workers check whole batches, and this thread folds the results back in input order. All
    /// channels are bounded, so memory stays flat in the size of the input.
    pub(super) fn file_read(
        &mut self,
        path: Source<'_>,
        label: &str,
        kind: InputKind,
        expect: Option<linli_model::RecordType>,
    ) -> std::io::Result<FileStats> {
        let file_id = self.file_id(label);
        let workers = self.threads.max(1);
        let validator = self.validator;
        let keep_records = self.index.is_some();
        let max_line = self.opts.max_line_bytes;
        let hash = expect.is_some();
        let max_gz = self.opts.max_archive_bytes;
        if workers == 1 {
            return self.file_inline(path, label, file_id, kind, expect);
        }
        if kind == InputKind::Ndjson {
            return self.file_chunks(path, label, file_id, expect);
        }
        let mut result = Ok(FileStats::default());
        std::thread::scope(|scope| {
            let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<(u64, Vec<Pending>)>(workers * 2);
            let (done_tx, done_rx) =
                std::sync::mpsc::sync_channel::<(u64, Vec<Pending>, Vec<Option<Checked>>)>(workers * 2);
            let reader = scope.spawn(move || {
                let mut batch: Vec<Pending> = Vec::with_capacity(BATCH_RECORDS);
                let mut bytes = 0usize;
                let mut seq = 0u64;
                let mut sink = |item: Item| {
                    match item {
                        Item::Record(r) => {
                            bytes += r.text.len();
                            batch.push(Pending::Record(r));
                        }
                        Item::Finding(f) => batch.push(Pending::Finding(f)),
                    }
                    if batch.len() >= BATCH_RECORDS || bytes >= BATCH_BYTES {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_RECORDS));
                        let _ = work_tx.send((seq, full));
                        seq += 1;
                        bytes = 0;
                    }
                };
                let r = match kind {
                    InputKind::Json => input::read_json_file(path.open()?, &mut sink),
                    InputKind::NdjsonGz => {
                        input::read_ndjson_file_within(path.open()?, true, max_line, hash, max_gz, &mut sink)
                    }
                    _ => input::read_ndjson_file(path.open()?, false, max_line, hash, &mut sink),
                };
                if !batch.is_empty() {
                    let _ = work_tx.send((seq, batch));
                }
                r
            });
            let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
            for _ in 0..workers {
                let rx = std::sync::Arc::clone(&work_rx);
                let tx = done_tx.clone();
                scope.spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => return,
                        };
                        let Ok((seq, batch)) = job else { return };
                        let mut batch = batch;
                        let checked: Vec<Option<Checked>> =
                            batch.iter().map(|p| check(validator, p, keep_records)).collect();
                        for p in &mut batch {
                            if let Pending::Record(r) = p {
                                r.text = String::new();
                            }
                        }
                        if tx.send((seq, batch, checked)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(done_tx);
            // Fold in input order; batches that finish early wait in `ahead`.
            let mut next = 0u64;
            let mut ahead = std::collections::BTreeMap::new();
            for (seq, batch, checked) in done_rx {
                ahead.insert(seq, (batch, checked));
                while let Some((batch, checked)) = ahead.remove(&next) {
                    let bytes: u64 = batch
                        .iter()
                        .map(|p| if let Pending::Record(r) = p { r.text.len() as u64 + 1 } else { 0 })
                        .sum();
                    self.fold(batch, checked, label, file_id, expect);
                    self.bytes_done += bytes;
                    if let Some(p) = &self.opts.progress {
                        p(self.bytes_done);
                    }
                    next += 1;
                }
            }
            result = reader.join().unwrap_or_else(|_| Err(std::io::Error::other("reader thread failed")));
        });
        result
    }
}

impl Run<'_> {
    /// One thread: read, check and fold a few records at a time, so that each line is parsed
    /// while it is still in the cache.
    pub(super) fn file_inline(
        &mut self,
        path: Source<'_>,
        label: &str,
        file_id: u32,
        kind: InputKind,
        expect: Option<linli_model::RecordType>,
    ) -> std::io::Result<FileStats> {
        const INLINE_BATCH: usize = 32;
        let keep_records = self.index.is_some();
        let max_line = self.opts.max_line_bytes;
        let hash = expect.is_some();
        let max_gz = self.opts.max_archive_bytes;
        let mut batch: Vec<Pending> = Vec::with_capacity(INLINE_BATCH);
        let run_batch = |run: &mut Self, batch: Vec<Pending>| {
            let validator = run.validator;
            let bytes: u64 =
                batch.iter().map(|p| if let Pending::Record(r) = p { r.text.len() as u64 + 1 } else { 0 }).sum();
            let checked: Vec<Option<Checked>> = batch.iter().map(|p| check(validator, p, keep_records)).collect();
            run.fold(batch, checked, label, file_id, expect);
            run.bytes_done += bytes;
            if let Some(p) = &run.opts.progress {
                p(run.bytes_done);
            }
        };
        let mut sink = |item: Item| {
            batch.push(match item {
                Item::Record(r) => Pending::Record(r),
                Item::Finding(f) => Pending::Finding(f),
            });
            if batch.len() >= INLINE_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(INLINE_BATCH));
                run_batch(self, full);
            }
        };
        let stats = match kind {
            InputKind::Json => input::read_json_file(path.open()?, &mut sink),
            InputKind::NdjsonGz => {
                input::read_ndjson_file_within(path.open()?, true, max_line, hash, max_gz, &mut sink)
            }
            _ => input::read_ndjson_file(path.open()?, false, max_line, hash, &mut sink),
        };
        if !batch.is_empty() {
            run_batch(self, batch);
        }
        stats
    }
}

/// What a worker found for one record, in a compact form for the fold.
pub(super) struct Checked {
    record_type: Option<linli_model::RecordType>,
    /// The id, kept only for the dataset index.
    pub(super) id: Option<String>,
    /// The record, kept only for the dataset index.
    pub(super) record: Option<Box<linli_model::Record>>,
    pub(super) findings: Vec<Finding>,
    /// Members present, when the typed model read the record.
    members: Option<u64>,
}

/// Check one pending item on a worker. Everything per record happens here: parse, check, note
/// the members present; the record itself is dropped at once unless the dataset index needs it.
pub(super) fn check(validator: &Validator, p: &Pending, keep_records: bool) -> Option<Checked> {
    match p {
        Pending::Record(r) => {
            let out: RecordOutcome = validator.validate_str(&r.text);
            let members = out.record.as_ref().map(|rec| present_mask(rec.record_type(), rec));
            Some(Checked {
                record_type: out.record_type,
                id: if keep_records { out.id } else { None },
                record: if keep_records { out.record.map(Box::new) } else { None },
                findings: out.findings,
                members,
            })
        }
        Pending::Finding(_) => None,
    }
}

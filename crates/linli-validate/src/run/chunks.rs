//! A plain NDJSON file on several cores: 1 MiB chunks cut at line starts, checked where they
//! lie in the cache, folded in order.

use super::*;
/// Bytes per chunk of a plain NDJSON file checked in parallel.
pub(super) const CHUNK_BYTES: u64 = 1 << 20;

/// One chunk as checked by a worker: its items with lines counted from the chunk's start.
pub(super) struct DoneChunk {
    index: u64,
    items: Vec<Pending>,
    checked: Vec<Option<Checked>>,
    stats: FileStats,
}

/// Where chunk `k` of a file of `len` bytes starts: just after the first newline at or after
/// `k * CHUNK_BYTES - 1` (so that a chunk begins at a line start), or `len`.
pub(super) fn chunk_start(file: &std::fs::File, k: u64, len: u64) -> std::io::Result<u64> {
    use std::io::{BufRead, Seek, SeekFrom};
    if k == 0 {
        return Ok(0);
    }
    let nominal = k.saturating_mul(CHUNK_BYTES);
    if nominal >= len {
        return Ok(len);
    }
    let mut f = file;
    f.seek(SeekFrom::Start(nominal - 1))?;
    let mut r = std::io::BufReader::with_capacity(1 << 16, f);
    let mut pos = nominal - 1;
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(len);
        }
        if let Some(i) = memchr::memchr(b'\n', buf) {
            return Ok(pos + i as u64 + 1);
        }
        let n = buf.len();
        pos += n as u64;
        r.consume(n);
    }
}

impl Run<'_> {
    /// A plain NDJSON file on several cores: workers take 1 MiB chunks (cut at line starts),
    /// each reads, parses and checks its chunk where it lies in the cache; this thread folds the
    /// chunks in order, numbering lines as it goes. Workers stay at most a few chunks ahead of
    /// the fold, so memory stays flat in the size of the file.
    pub(super) fn file_chunks(
        &mut self,
        path: Source<'_>,
        label: &str,
        file_id: u32,
        expect: Option<linli_model::RecordType>,
    ) -> std::io::Result<FileStats> {
        use std::io::{Read, Seek, SeekFrom};
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        let workers = self.threads.max(1);
        let len = path.len()?;
        let chunks = len.div_ceil(CHUNK_BYTES).max(1);
        let validator = self.validator;
        let keep_records = self.index.is_some();
        let max_line = self.opts.max_line_bytes;
        let next = AtomicU64::new(0);
        let folded = std::sync::Mutex::new(0u64);
        let advanced = std::sync::Condvar::new();
        let failed = AtomicBool::new(false);
        let window = (workers as u64) * 2;
        let mut total = FileStats::default();
        let mut error: Option<std::io::Error> = None;
        let mut sha = None;
        std::thread::scope(|scope| {
            // The digest, when a manifest needs it, is one sequential pass of its own.
            let hasher = expect.is_some().then(|| {
                scope.spawn(move || -> std::io::Result<String> {
                    let mut f = path.open()?;
                    let mut h = <sha2::Sha256 as sha2::Digest>::new();
                    let mut buf = vec![0u8; 1 << 16];
                    loop {
                        let n = f.read(&mut buf)?;
                        if n == 0 {
                            break;
                        }
                        sha2::Digest::update(&mut h, &buf[..n]);
                    }
                    Ok(linli_model::support::hex::encode(&sha2::Digest::finalize(h)))
                })
            });
            let (tx, rx) = std::sync::mpsc::channel::<std::io::Result<DoneChunk>>();
            for _ in 0..workers {
                let tx = tx.clone();
                let (next, folded, advanced, failed) = (&next, &folded, &advanced, &failed);
                scope.spawn(move || {
                    let work = |k: u64| -> std::io::Result<DoneChunk> {
                        let file = path.open()?;
                        let start = chunk_start(&file, k, len)?;
                        let end = chunk_start(&file, k + 1, len)?;
                        let mut f = &file;
                        f.seek(SeekFrom::Start(start))?;
                        let reader = std::io::BufReader::with_capacity(1 << 16, f.take(end.saturating_sub(start)));
                        let mut items = Vec::with_capacity((end.saturating_sub(start) / 256) as usize + 8);
                        let stats = input::read_lines(reader, max_line, start == 0, &mut |item| {
                            items.push(match item {
                                Item::Record(r) => Pending::Record(r),
                                Item::Finding(f) => Pending::Finding(f),
                            });
                        })?;
                        let checked = items.iter().map(|p| check(validator, p, keep_records)).collect();
                        // The text is no longer needed: free it on the thread that made it.
                        for p in &mut items {
                            if let Pending::Record(r) = p {
                                r.text = String::new();
                            }
                        }
                        Ok(DoneChunk { index: k, items, checked, stats })
                    };
                    loop {
                        let k = next.fetch_add(1, Ordering::SeqCst);
                        if k >= chunks || failed.load(Ordering::SeqCst) {
                            return;
                        }
                        // Stay within `window` chunks of the fold.
                        if let Ok(mut done) = folded.lock() {
                            while k >= *done + window && !failed.load(Ordering::SeqCst) {
                                done = match advanced.wait(done) {
                                    Ok(d) => d,
                                    Err(_) => return,
                                };
                            }
                        }
                        let r = work(k);
                        let stop = r.is_err();
                        if tx.send(r).is_err() || stop {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            let mut ahead = std::collections::BTreeMap::new();
            let mut want = 0u64;
            for r in rx {
                let chunk = match r {
                    Ok(c) => c,
                    Err(e) => {
                        failed.store(true, Ordering::SeqCst);
                        advanced.notify_all();
                        error.get_or_insert(e);
                        continue;
                    }
                };
                ahead.insert(chunk.index, chunk);
                while let Some(mut c) = ahead.remove(&want) {
                    let offset = total.lines;
                    for item in &mut c.items {
                        match item {
                            Pending::Record(r) => r.line += offset,
                            Pending::Finding(f) => f.line = f.line.map(|l| l + offset),
                        }
                    }
                    let bytes = c.stats.bytes;
                    self.fold(c.items, c.checked, label, file_id, expect);
                    total.bytes += c.stats.bytes;
                    total.lines += c.stats.lines;
                    total.records += c.stats.records;
                    total.blank_lines += c.stats.blank_lines;
                    if total.first_blank.is_none() {
                        total.first_blank = c.stats.first_blank.map(|l| l + offset);
                    }
                    self.bytes_done += bytes;
                    if let Some(p) = &self.opts.progress {
                        p(self.bytes_done);
                    }
                    want += 1;
                    if let Ok(mut done) = folded.lock() {
                        *done = want;
                    }
                    advanced.notify_all();
                }
            }
            if let Some(h) = hasher {
                sha = Some(h.join().unwrap_or_else(|_| Err(std::io::Error::other("hasher thread failed"))));
            }
        });
        if let Some(e) = error {
            return Err(e);
        }
        if let Some(h) = sha {
            total.sha256 = h?;
        }
        for mut f in input::tail_findings(&total) {
            if f.code == "empty-input" && expect.is_some() {
                f.level = Level::Warning;
            }
            self.push(f, label, None);
        }
        Ok(total)
    }
}

//! A plain NDJSON file on several cores: 1 MiB chunks cut at line starts, checked where they
//! lie in the cache, folded in order.

use super::*;
/// Bytes per chunk of a plain NDJSON file checked in parallel.
pub(super) const CHUNK_BYTES: u64 = 1 << 20;

/// What a worker hands the fold: a segment of a chunk, checked, with lines counted from the
/// chunk's start; the last segment of a chunk carries the chunk's totals.
pub(super) struct Segment {
    chunk: u64,
    items: Vec<Pending>,
    checked: Vec<Option<Checked>>,
    /// What the segment holds on the heap, as counted against the cap ([`cost`]).
    cost: u64,
    end: Option<FileStats>,
}

/// Records per segment: a chunk is read, checked and handed over a few hundred records at a time,
/// so that what one record draws (findings, the record kept for the dataset index) is never held
/// for a whole chunk.
const SEGMENT_RECORDS: usize = 512;
/// Bytes of record text per segment at most.
const SEGMENT_BYTES: usize = 256 << 10;

/// Bytes of checked results the workers of a file may hold ahead of the fold `[VAL-026]`: a
/// worker waits before handing over a segment that would take the total above it, unless the
/// fold needs that very segment to go on. What is in flight thus stays under the cap plus one
/// segment, whatever the file holds and however much each record draws.
pub(super) const IN_FLIGHT_BYTES: u64 = 32 << 20;

/// What flow control saw, for tests: the most bytes in flight at once and the largest segment.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FlowStats {
    /// Most bytes handed over and not yet folded, at any moment.
    pub(crate) peak: u64,
    /// The largest segment's cost.
    pub(crate) max_segment: u64,
    /// Segments handed over.
    pub(crate) segments: u64,
    /// Segments handed over beyond the cap because the fold needed them.
    pub(crate) forced: u64,
    /// Bytes handed over in all.
    pub(crate) total: u64,
}

/// The state shared by the workers of a file and the fold.
#[derive(Default)]
struct FlowState {
    /// The chunk being folded.
    want: u64,
    /// Bytes handed over and not yet folded.
    buffered: u64,
    /// Of those, per chunk.
    pending: std::collections::BTreeMap<u64, u64>,
    failed: bool,
    stats: FlowStats,
}

/// Bounds what is in flight between the workers and the fold ([`IN_FLIGHT_BYTES`]).
pub(super) struct Flow {
    cap: u64,
    state: std::sync::Mutex<FlowState>,
    changed: std::sync::Condvar,
}

impl Flow {
    pub(super) fn new(cap: u64) -> Self {
        Flow { cap, state: std::sync::Mutex::new(FlowState::default()), changed: std::sync::Condvar::new() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FlowState> {
        // A poisoned lock: a thread panicked holding it; the state is a few counters, still
        // meaningful, and the panic is reported by the scope.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Wait until a segment of `cost` bytes of chunk `chunk` may be handed over, and count it as
    /// in flight. It may when the total stays within the cap, or when it belongs to the chunk
    /// being folded and nothing of that chunk is in flight (the fold waits for it: without it
    /// nothing would move). Returns false when the run failed.
    fn admit(&self, chunk: u64, cost: u64) -> bool {
        let mut st = self.lock();
        loop {
            if st.failed {
                return false;
            }
            let fits = st.buffered.saturating_add(cost) <= self.cap;
            let needed = chunk == st.want && st.pending.get(&chunk).is_none_or(|p| *p == 0);
            if fits || needed {
                if !fits {
                    st.stats.forced += 1;
                }
                st.buffered += cost;
                *st.pending.entry(chunk).or_default() += cost;
                st.stats.peak = st.stats.peak.max(st.buffered);
                st.stats.max_segment = st.stats.max_segment.max(cost);
                st.stats.segments += 1;
                st.stats.total += cost;
                return true;
            }
            st = self.changed.wait(st).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// A segment of `chunk` was folded; `next` is the chunk folded now.
    fn folded(&self, chunk: u64, cost: u64, next: u64) {
        let mut st = self.lock();
        st.buffered = st.buffered.saturating_sub(cost);
        if let Some(p) = st.pending.get_mut(&chunk) {
            *p = p.saturating_sub(cost);
        }
        if next != st.want {
            st.pending.remove(&chunk);
            st.want = next;
        }
        drop(st);
        self.changed.notify_all();
    }

    /// Wait until chunk `k` is within `window` chunks of the fold. Returns false when the run
    /// failed.
    fn within(&self, k: u64, window: u64) -> bool {
        let mut st = self.lock();
        while k >= st.want + window && !st.failed {
            st = self.changed.wait(st).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        !st.failed
    }

    fn fail(&self) {
        self.lock().failed = true;
        self.changed.notify_all();
    }

    pub(super) fn stats(&self) -> FlowStats {
        self.lock().stats
    }
}

/// What a checked segment holds on the heap, roughly: its items, their outcomes, the findings
/// with their texts, and the records kept for the dataset index (counted by their text, `text`).
fn cost(items: &[Pending], checked: &[Option<Checked>], text: u64) -> u64 {
    use std::mem::size_of;
    fn finding(f: &Finding) -> usize {
        size_of::<Finding>()
            + f.message_zh.capacity()
            + f.message_en.capacity()
            + f.pointer.capacity()
            + f.file.as_ref().map_or(0, String::capacity)
            + f.record_id.as_ref().map_or(0, String::capacity)
            + f.value.as_ref().map_or(0, String::capacity)
    }
    let mut bytes = std::mem::size_of_val(items) + std::mem::size_of_val(checked);
    for p in items {
        if let Pending::Finding(f) = p {
            bytes += finding(f);
        }
    }
    let mut kept = false;
    for c in checked.iter().flatten() {
        bytes += c.findings.iter().map(finding).sum::<usize>();
        bytes += c.id.as_ref().map_or(0, String::capacity);
        if c.record.is_some() {
            bytes += size_of::<linli_model::Record>();
            kept = true;
        }
    }
    let bytes = bytes as u64;
    // A record kept for the index holds about what its text held.
    if kept { bytes.saturating_add(text) } else { bytes }
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
    /// A plain NDJSON file on several cores: workers take 1 MiB chunks (cut at line starts) and
    /// read, parse and check each a segment at a time, where it lies in the cache; this thread
    /// folds the segments in order, numbering lines as it goes. Workers stay at most a few
    /// chunks ahead of the fold, and what they hand over and the fold has not taken yet stays
    /// under [`IN_FLIGHT_BYTES`] plus one segment ([`Flow`]), so memory stays flat in the size of
    /// the file and in what its records draw `[VAL-026]`.
    pub(super) fn file_chunks(
        &mut self,
        path: Source<'_>,
        label: &str,
        file_id: u32,
        expect: Option<linli_model::RecordType>,
    ) -> std::io::Result<FileStats> {
        use std::io::{Read, Seek, SeekFrom};
        use std::sync::atomic::{AtomicU64, Ordering};
        let workers = self.threads.max(1);
        let len = path.len()?;
        let chunks = len.div_ceil(CHUNK_BYTES).max(1);
        let validator = self.validator;
        let keep_records = self.index.is_some();
        let max_line = self.opts.max_line_bytes;
        let next = AtomicU64::new(0);
        let flow = Flow::new(self.in_flight_cap);
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
            let (tx, rx) = std::sync::mpsc::channel::<std::io::Result<Segment>>();
            for _ in 0..workers {
                let tx = tx.clone();
                let (next, flow) = (&next, &flow);
                scope.spawn(move || {
                    // Check a segment, free its text, wait for room and hand it over.
                    let hand_over = |k: u64, mut items: Vec<Pending>, end: Option<FileStats>| -> bool {
                        let checked: Vec<Option<Checked>> =
                            items.iter().map(|p| check(validator, p, keep_records)).collect();
                        let mut text = 0u64;
                        // The text is no longer needed: free it on the thread that made it.
                        for p in &mut items {
                            if let Pending::Record(r) = p {
                                text += r.text.len() as u64;
                                r.text = String::new();
                            }
                        }
                        let cost = cost(&items, &checked, text);
                        flow.admit(k, cost) && tx.send(Ok(Segment { chunk: k, items, checked, cost, end })).is_ok()
                    };
                    let work = |k: u64| -> std::io::Result<bool> {
                        let file = path.open()?;
                        let start = chunk_start(&file, k, len)?;
                        let end = chunk_start(&file, k + 1, len)?;
                        let mut f = &file;
                        f.seek(SeekFrom::Start(start))?;
                        let reader = std::io::BufReader::with_capacity(1 << 16, f.take(end.saturating_sub(start)));
                        let mut items = Vec::with_capacity(SEGMENT_RECORDS);
                        let mut bytes = 0usize;
                        let mut going = true;
                        let stats = input::read_lines(reader, max_line, start == 0, &mut |item| {
                            if !going {
                                return;
                            }
                            items.push(match item {
                                Item::Record(r) => {
                                    bytes += r.text.len();
                                    Pending::Record(r)
                                }
                                Item::Finding(f) => Pending::Finding(f),
                            });
                            if items.len() >= SEGMENT_RECORDS || bytes >= SEGMENT_BYTES {
                                bytes = 0;
                                let full = std::mem::replace(&mut items, Vec::with_capacity(SEGMENT_RECORDS));
                                going = hand_over(k, full, None);
                            }
                        })?;
                        Ok(going && hand_over(k, items, Some(stats)))
                    };
                    loop {
                        let k = next.fetch_add(1, Ordering::SeqCst);
                        // Stay within `window` chunks of the fold.
                        if k >= chunks || !flow.within(k, window) {
                            return;
                        }
                        match work(k) {
                            Ok(true) => {}
                            Ok(false) => return,
                            Err(e) => {
                                flow.fail();
                                let _ = tx.send(Err(e));
                                return;
                            }
                        }
                    }
                });
            }
            drop(tx);
            let mut ahead: std::collections::BTreeMap<u64, std::collections::VecDeque<Segment>> =
                std::collections::BTreeMap::new();
            let mut want = 0u64;
            for r in rx {
                let seg = match r {
                    Ok(s) => s,
                    Err(e) => {
                        flow.fail();
                        error.get_or_insert(e);
                        continue;
                    }
                };
                if error.is_some() {
                    continue;
                }
                ahead.entry(seg.chunk).or_default().push_back(seg);
                while let Some(mut s) = ahead.get_mut(&want).and_then(std::collections::VecDeque::pop_front) {
                    let offset = total.lines;
                    for item in &mut s.items {
                        match item {
                            Pending::Record(r) => r.line += offset,
                            Pending::Finding(f) => f.line = f.line.map(|l| l + offset),
                        }
                    }
                    self.fold(s.items, s.checked, label, file_id, expect);
                    if let Some(stats) = s.end {
                        ahead.remove(&want);
                        total.bytes += stats.bytes;
                        total.lines += stats.lines;
                        total.records += stats.records;
                        total.blank_lines += stats.blank_lines;
                        if total.first_blank.is_none() {
                            total.first_blank = stats.first_blank.map(|l| l + offset);
                        }
                        self.bytes_done += stats.bytes;
                        if let Some(p) = &self.opts.progress {
                            p(self.bytes_done);
                        }
                        want += 1;
                    }
                    flow.folded(s.chunk, s.cost, want);
                }
            }
            if let Some(h) = hasher {
                sha = Some(h.join().unwrap_or_else(|_| Err(std::io::Error::other("hasher thread failed"))));
            }
        });
        let seen = flow.stats();
        self.flow.peak = self.flow.peak.max(seen.peak);
        self.flow.max_segment = self.flow.max_segment.max(seen.max_segment);
        self.flow.segments += seen.segments;
        self.flow.forced += seen.forced;
        self.flow.total += seen.total;
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

//! Supervising the adapter process: start, the line protocol with time and size limits, its
//! stderr log masked `[PRI-004]`.

use super::*;

/// What the adapter's reader thread hands over.
pub(super) enum Line {
    Text(String),
    TooLong,
    Eof,
}

/// A running adapter process.
pub(super) struct Session {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Line>,
    /// How many bytes the adapter wrote to its standard error.
    stderr_bytes: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// The process groups of the adapters alive in this process: what [`kill_adapters`] stops.
static ADAPTERS: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

/// Kill the process group `pgid` (the adapter and whatever it started).
fn kill_group(pgid: u32) {
    #[cfg(unix)]
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    #[cfg(not(unix))]
    let _ = pgid;
}

/// Stop every adapter this process runs, with the processes they started: for a handler of
/// SIGINT / SIGTERM / SIGHUP, since an adapter runs in a process group of its own and the
/// terminal's Ctrl-C does not reach it `[CNF-067]`.
pub fn kill_adapters() {
    // A lock held by the interrupted thread is not waited for: a poisoned one is still read.
    // The case loop holds it only to add or remove a pid: tried again for a moment.
    let mut groups = None;
    for _ in 0..100 {
        match ADAPTERS.try_lock() {
            Ok(g) => groups = Some(g.clone()),
            Err(std::sync::TryLockError::Poisoned(p)) => groups = Some(p.into_inner().clone()),
            Err(std::sync::TryLockError::WouldBlock) => {
                std::thread::sleep(std::time::Duration::from_millis(10));
                continue;
            }
        }
        break;
    }
    // The lock never came free: the default, no group, kills nothing (the run is ending anyway).
    let groups = groups.unwrap_or_default();
    for g in &groups {
        kill_group(*g);
    }
    // SIGKILL is delivered, not yet carried out, when `kill` returns: the run ends only once each
    // adapter has stopped (a zombie, never reaped once this process exits, counts as stopped),
    // so that nothing of the product runs on after the judge (a loaded machine took a moment).
    #[cfg(target_os = "linux")]
    for g in groups {
        for _ in 0..500 {
            // No such process: the default, empty, reads as gone.
            let state = std::fs::read_to_string(format!("/proc/{g}/stat")).unwrap_or_default();
            // The state follows the parenthesised command name: `pid (comm) S ...`.
            let gone = state.rsplit_once(") ").is_none_or(|(_, rest)| rest.starts_with(['Z', 'X']));
            if gone {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}

/// An adapter's log may quote the records it was sent: every run of 11 or more digits (a phone
/// or an identity number, with a final `X`) is masked before the log reaches a report [PRI-004].
pub(super) fn mask_long_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= 11 {
            out.push_str(&linli_model::check::mask_middle(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || (matches!(c, 'X' | 'x') && !run.is_empty()) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Longest stderr line read at once.
pub(super) const STDERR_LINE: u64 = 64 << 10;

/// Most bytes of the adapter's standard error written to the log.
pub(super) const STDERR_LOG_MAX: u64 = 16 << 20;

impl Session {
    pub(super) fn spawn(cmd: &[String], opts: &RunOptions, sent: &Sent) -> Result<Session, String> {
        let (prog, args) = cmd.split_first().ok_or("empty adapter command")?;
        let mut command = Command::new(prog);
        command.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        // A process group of its own, so that whatever the adapter starts is stopped with it.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().map_err(|e| format!("cannot start `{prog}`: {e}"))?;
        if let Ok(mut live) = ADAPTERS.lock() {
            live.push(child.id());
        }
        let sent = sent.clone();
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let stderr_bytes = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counted = std::sync::Arc::clone(&stderr_bytes);
        let mut log = opts.stderr_log.as_ref().and_then(|p| {
            let mut o = std::fs::OpenOptions::new();
            o.create(true).append(true);
            // The adapter's logs may quote the records it was sent: the owner's eyes only.
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            o.open(p).ok().map(std::io::BufWriter::new)
        });
        std::thread::spawn(move || {
            let mut r = std::io::BufReader::new(stderr);
            let mut line = Vec::new();
            let mut logged = 0u64;
            loop {
                line.clear();
                // One line at a time (at most STDERR_LINE bytes of it), so that long numbers are
                // masked whole before anything is written.
                match std::io::Read::take(&mut r, STDERR_LINE).read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                // The values the runner sent in the records, then personal numbers [CNF-068].
                let masked = sent.mask(&String::from_utf8_lossy(&line));
                if let Some(w) = log.as_mut() {
                    if logged < STDERR_LOG_MAX {
                        logged += masked.len() as u64;
                        let _ = w.write_all(masked.as_bytes()).and_then(|()| w.flush());
                        if logged >= STDERR_LOG_MAX {
                            let _ = w.write_all(b"\n[linli: log cut here, the adapter wrote more]\n");
                            let _ = w.flush();
                        }
                    }
                }
                counted.fetch_add(line.len() as u64, std::sync::atomic::Ordering::Relaxed);
            }
        });
        let (tx, rx) = std::sync::mpsc::channel();
        let (max_line, max_total) = (opts.max_line_bytes, opts.max_output_bytes);
        std::thread::spawn(move || {
            let mut r = std::io::BufReader::new(stdout);
            let mut total = 0u64;
            loop {
                let mut buf = Vec::new();
                let mut too_long = false;
                loop {
                    let chunk = match r.fill_buf() {
                        Ok(c) => c,
                        Err(_) => {
                            let _ = tx.send(Line::Eof);
                            return;
                        }
                    };
                    if chunk.is_empty() {
                        let _ = tx.send(if buf.is_empty() {
                            Line::Eof
                        } else {
                            Line::Text(String::from_utf8_lossy(&buf).into_owned())
                        });
                        return;
                    }
                    let (part, done) = match chunk.iter().position(|b| *b == b'\n') {
                        Some(i) => (&chunk[..i], Some(i + 1)),
                        None => (chunk, None),
                    };
                    if buf.len() + part.len() > max_line {
                        too_long = true;
                    } else if !too_long {
                        buf.extend_from_slice(part);
                    }
                    let n = done.unwrap_or(chunk.len());
                    total += n as u64;
                    r.consume(n);
                    if total > max_total {
                        let _ = tx.send(Line::TooLong);
                        return;
                    }
                    if done.is_some() {
                        break;
                    }
                }
                let msg = if too_long { Line::TooLong } else { Line::Text(String::from_utf8_lossy(&buf).into_owned()) };
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        Ok(Session { child, stdin, lines: rx, stderr_bytes })
    }

    /// Send a request and wait for one answer line.
    pub(super) fn ask(&mut self, req: &Request, timeout: Duration) -> Result<String, String> {
        let mut line = serde_json::to_string(req).map_err(|e| e.to_string())?;
        line.push('\n');
        self.stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("the adapter stopped reading: {e}"))?;
        match self.lines.recv_timeout(timeout) {
            Ok(Line::Text(t)) => Ok(t),
            Ok(Line::TooLong) => Err("the adapter wrote more than the output cap".into()),
            Ok(Line::Eof) | Err(RecvTimeoutError::Disconnected) => Err(self.exited()),
            Err(RecvTimeoutError::Timeout) => Err(format!("no answer within {} ms", timeout.as_millis())),
        }
    }

    /// Why the adapter stopped answering: its exit status and the last lines of its standard error.
    pub(super) fn exited(&mut self) -> String {
        // The stderr reader may still be draining what the adapter wrote just before it died.
        std::thread::sleep(Duration::from_millis(50));
        let status = match self.child.try_wait() {
            Ok(Some(s)) => format!(" ({s})"),
            _ => String::new(),
        };
        // Its logs are not quoted: they may hold the records it was sent (names, numbers in any
        // form). They are in the private log file of the run.
        match self.stderr_bytes.load(std::sync::atomic::Ordering::Relaxed) {
            0 => format!("the adapter exited{status}"),
            n => format!("the adapter exited{status}; it wrote {n} bytes to its standard error (adapter-stderr.log)"),
        }
    }

    /// Stop the adapter and every process it started (its process group): a child left running
    /// could keep writing into the export directories of a later run.
    pub(super) fn kill(mut self) {
        let id = self.child.id();
        kill_group(id);
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Ok(mut live) = ADAPTERS.lock() {
            live.retain(|g| *g != id);
        }
    }
}

pub(super) fn start(
    cmd: &[String],
    opts: &RunOptions,
    seq: &mut u64,
    sent: &Sent,
) -> Result<(Session, StartResponse), String> {
    let mut s = Session::spawn(cmd, opts, sent)?;
    *seq += 1;
    let req = Request::Start { seq: *seq, protocol: PROTOCOL.into(), suite: SUITE_VERSION.into(), seed: opts.seed };
    // Starting may take longer than answering a case (loading, a busy machine): at least 10 s.
    let answer = match s.ask(&req, opts.case_timeout.max(Duration::from_secs(10))) {
        Ok(a) => a,
        Err(e) => {
            s.kill();
            return Err(format!("start: {e}"));
        }
    };
    if let Some(unknown) = unknown_classes(&answer) {
        s.kill();
        return Err(format!(
            "start: {unknown} is not a class of this specification; the classes are {} [CNF-002]",
            Class::ADAPTER.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
        ));
    }
    match serde_json::from_str::<StartResponse>(&answer) {
        Ok(r) if r.seq == *seq => Ok((s, r)),
        Ok(r) => {
            s.kill();
            Err(format!("start: the answer echoes seq {} instead of {}", r.seq, *seq))
        }
        Err(e) => {
            s.kill();
            Err(format!("start: malformed answer: {e}"))
        }
    }
}

/// A control character (C0, DEL, C1) or an invisible formatting one (zero-width, bidirectional
/// overrides, soft hyphen, byte order mark).
pub(super) fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

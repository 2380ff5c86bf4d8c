//! The lines of a batch body as its parts arrive `[API-014]`: each line whole, numbered from 1,
//! or — when longer than the limit — refused by number without being kept, however the body
//! was cut into parts.

/// One line of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A line (without its `\n`), with its number.
    Line(u64, Vec<u8>),
    /// A line longer than the limit, by number.
    TooLong(u64),
}

/// Splits a body into [`Piece`]s.
#[derive(Debug)]
pub(crate) struct Splitter {
    max: usize,
    line: u64,
    buf: Vec<u8>,
    skipping: bool,
}

impl Splitter {
    /// A splitter for lines of at most `max` bytes.
    pub(crate) fn new(max: usize) -> Self {
        Splitter { max, line: 0, buf: Vec::new(), skipping: false }
    }

    /// The lines a part of the body completes.
    pub(crate) fn push(&mut self, mut rest: &[u8], out: &mut Vec<Piece>) {
        while let Some(i) = memchr::memchr(b'\n', rest) {
            let (head, tail) = rest.split_at(i);
            rest = &tail[1..];
            self.line += 1;
            if std::mem::take(&mut self.skipping) {
                continue;
            }
            if self.buf.len() + head.len() > self.max {
                self.buf.clear();
                out.push(Piece::TooLong(self.line));
                continue;
            }
            self.buf.extend_from_slice(head);
            out.push(Piece::Line(self.line, std::mem::take(&mut self.buf)));
        }
        if self.skipping {
            return;
        }
        if self.buf.len() + rest.len() > self.max {
            // Refused now; the rest of the line is passed over, never kept.
            self.skipping = true;
            self.buf.clear();
            out.push(Piece::TooLong(self.line + 1));
        } else {
            self.buf.extend_from_slice(rest);
        }
    }

    /// The last line, when the body does not end with `\n`.
    pub(crate) fn finish(&mut self, out: &mut Vec<Piece>) {
        if !self.skipping && !self.buf.is_empty() {
            self.line += 1;
            out.push(Piece::Line(self.line, std::mem::take(&mut self.buf)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quickcheck::quickcheck;

    /// The lines of a whole body, split at once.
    fn reference(body: &[u8], max: usize) -> Vec<Piece> {
        let mut parts: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
        if parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
        parts
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let n = i as u64 + 1;
                if p.len() > max { Piece::TooLong(n) } else { Piece::Line(n, p.to_vec()) }
            })
            .collect()
    }

    quickcheck! {
        /// However the body is cut into parts, the lines are those of the whole body.
        fn any_cutting_gives_the_lines_of_the_whole_body(lines: Vec<Vec<u8>>, cuts: Vec<usize>, max: u8, newline_at_end: bool) -> bool {
            let max = usize::from(max % 16);
            let lines: Vec<Vec<u8>> = lines.into_iter().map(|l| l.into_iter().map(|b| if b == b'\n' { b'x' } else { b }).collect()).collect();
            let mut body = lines.join(&b'\n');
            if newline_at_end {
                body.push(b'\n');
            }
            let mut cut: Vec<usize> = cuts.into_iter().map(|c| c % (body.len() + 1)).collect();
            cut.sort_unstable();
            let mut s = Splitter::new(max);
            let mut got = Vec::new();
            let mut at = 0;
            for c in cut {
                s.push(&body[at..c], &mut got);
                at = c;
            }
            s.push(&body[at..], &mut got);
            s.finish(&mut got);
            got == reference(&body, max)
        }
    }

    #[test]
    fn a_long_line_is_refused_by_number_and_the_next_line_keeps_its_number() {
        let mut s = Splitter::new(4);
        let mut got = Vec::new();
        for part in [&b"ab\nccc"[..], b"ccc", b"cc\nd", b"\n"] {
            s.push(part, &mut got);
        }
        s.finish(&mut got);
        assert_eq!(got, vec![Piece::Line(1, b"ab".to_vec()), Piece::TooLong(2), Piece::Line(3, b"d".to_vec())]);
    }
}

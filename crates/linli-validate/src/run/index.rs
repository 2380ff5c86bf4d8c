//! The dataset index of a run: in memory, or spilled to disk within `--memory-limit`
//! `[VAL-025]`.

use super::*;
/// The dataset index: in memory, or spilling to disk within a memory limit.
pub(super) enum Index {
    Memory(Box<DatasetIndex>),
    Spill(Box<crate::spill::SpillIndex>),
}

impl Index {
    pub(super) fn declare_external(&mut self, ty: linli_model::RecordType, id: Option<&str>) {
        match self {
            Index::Memory(i) => i.declare_external(ty, id),
            Index::Spill(i) => i.declare_external(ty, id),
        }
    }

    pub(super) fn require_community_residences(&mut self) {
        match self {
            Index::Memory(i) => i.require_community_residences(),
            Index::Spill(i) => i.require_community_residences(),
        }
    }
}

/// A run within a memory limit: every finding goes to a log on disk, and those the dataset
/// index finds at a record (a repeated id, a person entered twice) to a sorter keyed by where
/// they belong in that log; the report is filled from both at the end, in the order the
/// in-memory run fills it `[VAL-025]`.
pub(super) struct Spill {
    pub(super) shared: std::sync::Arc<crate::spill::Shared>,
    pub(super) budget: usize,
    pub(super) log: crate::spill::FindingLog,
    pub(super) at_records: crate::spill::Sorter,
    /// The places of the records counted invalid (`Run::invalid_at` of a run in memory).
    pub(super) invalid: crate::spill::LocFile,
    pub(super) error: Option<std::io::Error>,
}

impl Spill {
    pub(super) fn new(opts: &Options, limit: u64) -> std::io::Result<Self> {
        let shared = crate::spill::Shared::new(opts.spill_dir.as_deref(), opts.spill_stats.clone())?;
        let budget = usize::try_from(limit).unwrap_or(usize::MAX);
        Ok(Spill {
            log: crate::spill::FindingLog::new(&shared)?,
            at_records: crate::spill::Sorter::new(shared.clone(), budget / 8),
            invalid: crate::spill::LocFile::new(&shared)?,
            shared,
            budget,
            error: None,
        })
    }

    pub(super) fn fail(&mut self, e: std::io::Error) {
        self.error.get_or_insert(e);
    }

    /// Fill the report: the logged findings in order, each record's findings from the dataset
    /// index right after its own.
    pub(super) fn replay(mut self, report: &mut Report) -> std::io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut at_records = self.at_records.finish()?;
        let mut log = self.log.read()?;
        let mut next = at_records.next_rec()?;
        let mut position = 0u64;
        loop {
            let f = self.log.next(&mut log)?;
            while let Some(rec) = &next {
                let slot = crate::spill::Dec(rec).u64();
                if f.is_some() && slot > position {
                    break;
                }
                // Slot, file, line and number within the record come first.
                // The log's records are this run's own, each with its 24-byte head: the default (an empty
                // rest) is never taken.
                report.push(self.log.decode(rec.get(24..).unwrap_or_default()));
                next = at_records.next_rec()?;
            }
            match f {
                Some(f) => report.push(f),
                None => break,
            }
            position += 1;
        }
        Ok(())
    }
}

/// A spill error as a run error, in both languages `[VAL-026]`.
pub(super) fn spill_error(e: &std::io::Error) -> RunError {
    RunError::Input {
        label: String::from("--memory-limit"),
        code: "spill-io",
        zh: format!(
            "无法写入或读取临时文件夹中的排序文件（{}）：请确认临时文件夹（TMPDIR）可写且空间足够",
            linli_model::io_text::describe(e, true).trim_start_matches('：')
        ),
        en: format!(
            "cannot write or read the sorted runs in the temporary folder ({e}): check that the temporary folder (TMPDIR) is writable and has room"
        ),
    }
}

impl Run<'_> {
    /// A new dataset index: in memory, or spilling when the run has a memory limit.
    pub(super) fn new_index(&mut self) -> Index {
        match self.spill.as_ref() {
            Some(s) => Index::Spill(Box::new(crate::spill::SpillIndex::new(s.shared.clone(), s.budget))),
            None => Index::Memory(Box::default()),
        }
    }

    /// Run the whole-dataset checks of the current index, if any, and drop it.
    pub(super) fn finish_index(&mut self) {
        if let Some(Index::Spill(index)) = self.index.take_if(|i| matches!(i, Index::Spill(_))) {
            self.finish_spilled(*index);
            return;
        }
        if let Some(Index::Memory(index)) = self.index.take() {
            let found = index.finish(&self.files);
            // The record each finding is at, by its place: type and id on every finding `[VAL-022]`.
            let at: std::collections::HashSet<Loc> = found.iter().filter_map(|(loc, _)| *loc).collect();
            let records = index.records_at(&at);
            for (loc, mut f) in found {
                if let (Some(l), Some((ty, _))) = (loc, loc.and_then(|l| records.get(&l))) {
                    // A record in error at the level of the dataset is an invalid record.
                    if f.level == Level::Error && self.report.checks(&f) && self.invalid_at.insert(l) {
                        self.report.recount_invalid(Some(*ty));
                    }
                }
                if let Some((ty, id)) = loc.and_then(|l| records.get(&l)) {
                    if f.record_type.is_none() {
                        f.record_type = Some(*ty);
                    }
                    if f.record_id.is_none() {
                        f.record_id = Some(id.to_string());
                    }
                }
                let (file, line) = match loc {
                    Some(l) if (l.file as usize) < self.files.len() => {
                        (self.files[l.file as usize].clone(), Some(l.line))
                    }
                    _ => (String::from("-"), None),
                };
                self.push(f, &file, line);
            }
        }
    }

    /// The whole-dataset checks of a spilled index: as [`Run::finish_index`] does for one in
    /// memory, and the findings at records kept aside for [`Spill::replay`].
    pub(super) fn finish_spilled(&mut self, index: crate::spill::SpillIndex) {
        let Some(spill) = self.spill.as_mut() else { return };
        let (report, files) = (&mut self.report, &self.files);
        // The records that a dataset-level error makes invalid, unless they are already: joined
        // with the places of the invalid records when the index is done.
        let mut candidates = crate::spill::Sorter::new(spill.shared.clone(), spill.budget / 8);
        let mut at_record = |item: crate::spill::Out| -> std::io::Result<()> {
            match item {
                crate::spill::Out::AtRecord { slot, sub, loc, ty, id, mut finding } => {
                    finding.record_type = Some(ty);
                    finding.record_id = Some(id);
                    // As in [`Run::fold`]: an error there makes its record invalid.
                    if finding.level == Level::Error && report.checks(&finding) {
                        candidates.push(&crate::spill::invalid_candidate(loc, ty))?;
                    }
                    // `loc.file` is the number this run gave the file in `files`: the default (no name) is
                    // never taken.
                    finding.file = Some(files.get(loc.file as usize).cloned().unwrap_or_default());
                    if finding.line.is_none() {
                        finding.line = Some(loc.line);
                    }
                    let mut e = crate::spill::Enc::default();
                    e.u64(slot).u32(loc.file).u64(loc.line).u32(sub);
                    e.0.extend_from_slice(&spill.log.encode(&finding));
                    spill.at_records.push(&e.0)
                }
                crate::spill::Out::Dataset { loc, record, finding: mut f } => {
                    if let (Some(l), Some((ty, _))) = (loc, &record) {
                        if f.level == Level::Error && report.checks(&f) {
                            candidates.push(&crate::spill::invalid_candidate(l, *ty))?;
                        }
                    }
                    if let Some((ty, id)) = record {
                        if f.record_type.is_none() {
                            f.record_type = Some(ty);
                        }
                        if f.record_id.is_none() {
                            f.record_id = Some(id);
                        }
                    }
                    match loc {
                        Some(l) if (l.file as usize) < files.len() => {
                            f.file = Some(files[l.file as usize].clone());
                            if f.line.is_none() {
                                f.line = Some(l.line);
                            }
                        }
                        _ => f.file = Some(String::from("-")),
                    }
                    spill.log.push(&f)
                }
            }
        };
        let found = index.finish(files, &mut at_record);
        let recounted = found.and_then(|()| {
            let mut invalid = spill.invalid.read()?.peekable();
            let mut candidates = candidates.finish()?;
            let mut last = None;
            while let Some(c) = candidates.next_rec()? {
                let (loc, ty) = crate::spill::read_candidate(&c);
                if last == Some(loc) {
                    continue;
                }
                last = Some(loc);
                // Both in order of place: skip the invalid records before this one.
                let key = |l: Loc| (l.file, l.line);
                while let Some(Ok(l)) = invalid.peek() {
                    if key(*l) >= key(loc) {
                        break;
                    }
                    invalid.next();
                }
                match invalid.peek() {
                    Some(Ok(l)) if *l == loc => {}
                    Some(Err(_)) => {
                        if let Some(Err(e)) = invalid.next() {
                            return Err(e);
                        }
                    }
                    _ => report.recount_invalid(Some(ty)),
                }
            }
            Ok(())
        });
        if let Err(e) = recounted {
            spill.fail(e);
        }
    }
}

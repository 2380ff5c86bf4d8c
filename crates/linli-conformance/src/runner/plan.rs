//! What a run against an adapter sends, in the order the seed gives `[CNF-003]`.

use super::*;

/// A small deterministic shuffle (splitmix64) so that the case order depends on the seed only.
pub(super) fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut s = seed;
    let mut next = || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..items.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// What a run against an adapter sends: every outcome of the suite, by the table of operations
/// per class in chapter 30 `[CNF-003]`.
pub(super) struct Plan<'a> {
    /// Document vectors: `validate` each, `roundtrip` each valid one (their own class).
    pub(super) vectors: &'a [DocumentVector],
    /// Valid self-contained dataset cases as `export` cases (class `core`).
    pub(super) exports: Vec<DocumentVector>,
    /// The share cases (class `privacy`) with their keys and reference times.
    pub(super) shares: crate::share::Shares,
    /// Adapter vectors as `convert` cases (class `adapters`).
    pub(super) converts: Vec<DocumentVector>,
}

impl<'a> Plan<'a> {
    pub(super) fn new(suite: &Path, vectors: &'a [DocumentVector], adapters: &[AdapterVector]) -> Self {
        let exports = export_cases(suite);
        let shares = crate::share::Shares::new(suite, &exports);
        let converts = adapters
            .iter()
            .map(|a| DocumentVector {
                id: a.id.clone(),
                description: a.description.clone(),
                class: Class::Adapters,
                requirements: a.requirements.clone(),
                record: serde_json::Value::Null,
                verdict: Verdict::Valid,
                schema_verdict: Verdict::Valid,
                findings: Vec::new(),
            })
            .collect();
        Plan { vectors, exports, shares, converts }
    }

    /// Every (case, operation) of the suite, in file order.
    pub(super) fn outcomes(&self) -> Vec<(&DocumentVector, &'static str)> {
        let mut work: Vec<(&DocumentVector, &'static str)> = Vec::new();
        for v in self.vectors {
            work.push((v, "validate"));
            if v.verdict == Verdict::Valid {
                work.push((v, "roundtrip"));
            }
        }
        work.extend(self.exports.iter().map(|v| (v, "export")));
        for v in &self.shares.vectors {
            work.push((v, "share-inter-department"));
            work.push((v, "share-public"));
        }
        work.extend(self.converts.iter().map(|v| (v, "convert")));
        work
    }
}

/// The valid dataset cases, each as a pseudo-vector whose `record` is the array of its records.
pub(crate) fn export_cases(suite: &Path) -> Vec<DocumentVector> {
    let mut out = Vec::new();
    // A suite whose dataset cases do not read is refused before any case runs (the coverage
    // gate, `suite-refused` [CNF-020]): the default, no dataset cases, is then never judged.
    for (dir, case) in dataset_cases(suite).unwrap_or_default() {
        // Only self-contained valid datasets: the export request carries no external references.
        let manifest = read_text(&dir.join("dataset/manifest.json"));
        let external = serde_json::from_str::<serde_json::Value>(&manifest)
            .ok()
            .and_then(|m| m.get("externalRefs").and_then(|x| x.as_array()).map(|a| !a.is_empty()))
            .unwrap_or(false);
        if !case.expected.is_empty() || case.dataset_checks || external {
            continue;
        }
        let records = dataset_records(&dir.join("dataset"));
        out.push(DocumentVector {
            id: case.id,
            description: case.description,
            class: Class::Core,
            requirements: {
                let mut r = case.requirements;
                r.push("CNF-034".into());
                r
            },
            record: serde_json::Value::Array(records),
            verdict: Verdict::Valid,
            schema_verdict: Verdict::Valid,
            findings: Vec::new(),
        });
    }
    out
}

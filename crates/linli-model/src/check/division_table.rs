//! A full administrative division table, loaded from a CSV file the user supplies `[PLA-006]`.
//!
//! Linli ships only the 34 province prefixes. When a user has a complete table (for example the
//! NBS statistical codes as `code,name,...` CSV), codes that are well-formed but absent from the
//! table are reported as `division-code-unknown`.
//!
//! The table itself is always here ([`DivisionTable::from_pairs`]); reading it from CSV is
//! tooling, behind the `divisions` feature (which brings in `csv`).

use std::collections::HashMap;

/// Why a division table does not read: the `problem` of [`crate::Error::DivisionTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DivisionTableProblem {
    /// The file cannot be read, or not as CSV (the reader's own words).
    Unreadable(String),
    /// The header has no `code` column or no `name` column.
    MissingColumns,
    /// A row's code (truncated) is not a division code.
    NotACode(String),
}

impl DivisionTableProblem {
    /// What is wrong, in Chinese (`zh`) or English.
    pub fn message(&self, zh: bool) -> String {
        match (self, zh) {
            (DivisionTableProblem::Unreadable(why), false) => format!("cannot be read as CSV: {why}"),
            (DivisionTableProblem::Unreadable(why), true) => format!("无法按 CSV 读取：{why}"),
            (DivisionTableProblem::MissingColumns, false) => "the header needs `code` and `name` columns".into(),
            (DivisionTableProblem::MissingColumns, true) => "表头需要 `code` 和 `name` 两列".into(),
            (DivisionTableProblem::NotACode(code), false) => format!("`{code}` is not a division code"),
            (DivisionTableProblem::NotACode(code), true) => format!("`{code}` 不是行政区划代码"),
        }
    }
}

impl std::fmt::Display for DivisionTableProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(false))
    }
}

/// Division codes and names.
#[derive(Debug, Clone, Default)]
pub struct DivisionTable {
    names: HashMap<String, String>,
}

impl DivisionTable {
    /// A table of `(code, name)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        DivisionTable { names: pairs.into_iter().collect() }
    }

    /// Read a CSV file whose header has `code` and `name` columns (other columns are ignored).
    #[cfg(feature = "divisions")]
    pub fn from_csv_path(path: &std::path::Path) -> Result<Self, crate::Error> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| crate::Error::DivisionTable {
            path: name.clone(),
            line: None,
            problem: DivisionTableProblem::Unreadable(e.to_string()),
        })?;
        Self::from_csv_reader(file, &name)
    }

    /// Read CSV from any reader (see [`DivisionTable::from_csv_path`]), `name` saying what it is in
    /// errors; errors name the line.
    #[cfg(feature = "divisions")]
    pub fn from_csv_reader(r: impl std::io::Read, name: &str) -> Result<Self, crate::Error> {
        let err = |line: u64, problem| crate::Error::DivisionTable { path: name.to_owned(), line: Some(line), problem };
        let unreadable = |line: u64, e: csv::Error| err(line, DivisionTableProblem::Unreadable(e.to_string()));
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(r);
        let headers = rdr.headers().map_err(|e| unreadable(1, e))?.clone();
        let col = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}').trim() == name);
        let (Some(code_col), Some(name_col)) = (col("code"), col("name")) else {
            return Err(err(1, DivisionTableProblem::MissingColumns));
        };
        let mut names = HashMap::new();
        for (i, row) in rdr.records().enumerate() {
            let line = i as u64 + 2;
            let row = row.map_err(|e| unreadable(line, e))?;
            // The reader is not flexible: every row has the header's cells, so the default (an
            // empty cell) is never taken; were it, an empty code is refused just below.
            let code = row.get(code_col).unwrap_or_default().trim();
            // The same for the name: a row always has its cell (the default is never taken).
            let name = row.get(name_col).unwrap_or_default().trim();
            if crate::codes::division_code_shape(code).is_err() && code.len() != 2 && code.len() != 4 {
                return Err(err(line, DivisionTableProblem::NotACode(crate::text::truncate(code, 20))));
            }
            names.insert(code.to_owned(), name.to_owned());
        }
        Ok(DivisionTable { names })
    }

    /// Whether the table has `code`.
    pub fn contains(&self, code: &str) -> bool {
        self.names.contains_key(code)
    }

    /// The name of `code`.
    pub fn name(&self, code: &str) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
#[cfg(feature = "divisions")]
mod tests {
    use super::*;

    #[test]
    fn reads_code_and_name_columns() {
        let csv = "code,name,cityCode\n320508,\"姑苏区\",3205\n320505,\"虎丘区\",3205\n";
        let t = DivisionTable::from_csv_reader(csv.as_bytes(), "t.csv").unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.name("320508"), Some("姑苏区"));
        assert!(!t.contains("320599"));
    }

    fn problem(csv: &str) -> (Option<u64>, DivisionTableProblem, String) {
        let e = DivisionTable::from_csv_reader(csv.as_bytes(), "t.csv").unwrap_err();
        match &e {
            crate::Error::DivisionTable { line, problem, .. } => (*line, problem.clone(), e.to_string()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_files_name_the_line_and_the_problem() {
        let (line, p, text) = problem("code,name\n320508,a\nabc,b\n");
        assert_eq!((line, &p), (Some(3), &DivisionTableProblem::NotACode("abc".into())));
        assert_eq!(text, "division table t.csv, line 3: `abc` is not a division code");
        assert_eq!(p.message(true), "`abc` 不是行政区划代码");
        let (line, p, _) = problem("id,label\n");
        assert_eq!((line, &p), (Some(1), &DivisionTableProblem::MissingColumns));
        assert_eq!(p.message(true), "表头需要 `code` 和 `name` 两列");
        let (line, p, _) = problem("code,name\n320508,a,extra\n");
        assert!(line == Some(2) && matches!(p, DivisionTableProblem::Unreadable(_)), "{p:?}");
        assert!(p.message(true).starts_with("无法按 CSV 读取："), "{p}");
    }

    #[test]
    fn a_missing_file_is_unreadable_with_no_line() {
        let e = DivisionTable::from_csv_path(std::path::Path::new("/nonexistent/divisions.csv")).unwrap_err();
        assert!(
            matches!(&e, crate::Error::DivisionTable { line: None, problem: DivisionTableProblem::Unreadable(_), .. }),
            "{e:?}"
        );
        assert!(e.to_string().starts_with("division table /nonexistent/divisions.csv: cannot be read as CSV: "), "{e}");
    }
}

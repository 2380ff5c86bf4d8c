//! A full administrative division table, loaded from a CSV file the user supplies `[PLA-006]`.
//!
//! Linli ships only the 34 province prefixes. When a user has a complete table (for example the
//! NBS statistical codes as `code,name,...` CSV), codes that are well-formed but absent from the
//! table are reported as `division-code-unknown`.
//!
//! The table itself is always here ([`DivisionTable::from_pairs`]); reading it from CSV is
//! tooling, behind the `divisions` feature (which brings in `csv`).

use std::collections::HashMap;

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
        let err = |message: String| crate::Error::DivisionTable { path: path.display().to_string(), message };
        let file = std::fs::File::open(path).map_err(|e| err(e.to_string()))?;
        Self::from_csv_reader(file).map_err(err)
    }

    /// Read CSV from any reader (see [`DivisionTable::from_csv_path`]); errors name the line.
    #[cfg(feature = "divisions")]
    pub fn from_csv_reader(r: impl std::io::Read) -> Result<Self, String> {
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(r);
        let headers = rdr.headers().map_err(|e| format!("line 1: {e}"))?.clone();
        let col = |name: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}').trim() == name);
        let (Some(code_col), Some(name_col)) = (col("code"), col("name")) else {
            return Err("line 1: the header needs `code` and `name` columns".into());
        };
        let mut names = HashMap::new();
        for (i, row) in rdr.records().enumerate() {
            let line = i + 2;
            let row = row.map_err(|e| format!("line {line}: {e}"))?;
            let code = row.get(code_col).unwrap_or_default().trim();
            let name = row.get(name_col).unwrap_or_default().trim();
            if crate::codes::division_code_shape(code).is_err() && code.len() != 2 && code.len() != 4 {
                return Err(format!("line {line}: `{}` is not a division code", crate::text::truncate(code, 20)));
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

#[cfg(all(test, feature = "divisions"))]
mod tests {
    use super::*;

    #[test]
    fn reads_code_and_name_columns() {
        let csv = "code,name,cityCode\n320508,\"姑苏区\",3205\n320505,\"虎丘区\",3205\n";
        let t = DivisionTable::from_csv_reader(csv.as_bytes()).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.name("320508"), Some("姑苏区"));
        assert!(!t.contains("320599"));
    }

    #[test]
    fn bad_files_name_the_line() {
        let e = DivisionTable::from_csv_reader("code,name\n320508,a\nabc,b\n".as_bytes()).unwrap_err();
        assert!(e.starts_with("line 3:"), "{e}");
        let e = DivisionTable::from_csv_reader("id,label\n".as_bytes()).unwrap_err();
        assert!(e.starts_with("line 1:"), "{e}");
        let e = DivisionTable::from_csv_reader("code,name\n320508,a,extra\n".as_bytes()).unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
    }
}

//! Bless mode of the repository's tests: a test that compares output with a committed file
//! rewrites that file instead when its variable (`LINLI_WRITE_…`, `LINLI_BLESS`) is set — and
//! never in CI, where a set variable would make the comparison pass whatever the file holds.

use std::ffi::OsString;

/// Whether the variable `var` asks for the committed file to be rewritten: `Ok(false)` when it is
/// not set, `Ok(true)` when it is set outside CI, an error (for the test to fail with) when it is
/// set while `CI` is set (any value).
pub fn requested(var: &str) -> Result<bool, String> {
    mode(var, std::env::var_os(var), std::env::var_os("CI"))
}

/// [`requested`] on the values given: `write` of the variable `var`, `ci` of `CI`.
pub fn mode(var: &str, write: Option<OsString>, ci: Option<OsString>) -> Result<bool, String> {
    match (write, ci) {
        (None, _) => Ok(false),
        (Some(_), Some(ci)) => Err(format!(
            "{var} is set in CI (CI={}): the committed file would be rewritten, not checked",
            ci.to_string_lossy()
        )),
        (Some(_), None) => Ok(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bless_variable_fails_the_test_in_ci() {
        let set = || Some(OsString::from("1"));
        assert_eq!(mode("LINLI_WRITE_X", None, None), Ok(false));
        assert_eq!(mode("LINLI_WRITE_X", None, Some("true".into())), Ok(false));
        assert_eq!(mode("LINLI_WRITE_X", set(), None), Ok(true));
        let e = mode("LINLI_WRITE_X", set(), Some("true".into())).unwrap_err();
        assert!(e.starts_with("LINLI_WRITE_X is set in CI (CI=true)"), "{e}");
    }
}

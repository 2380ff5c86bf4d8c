//! The one trait every crate's table of stable codes implements: a finding is made from a typed
//! code of a table (the model's semantic codes, the validator's, the adapters'), never from a
//! string, so that a mistyped code does not compile.

/// A code of one of the workspace's code tables.
pub trait TableCode: Copy {
    /// The stable code as reported (`schema-required`, `fiware-id-invalid`).
    fn as_code_str(self) -> &'static str;
}

impl TableCode for crate::check::FindingCode {
    fn as_code_str(self) -> &'static str {
        self.as_str()
    }
}

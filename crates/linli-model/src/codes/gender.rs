//! GB/T 2261.1-2003 性别代码.

crate::code_table! {
    /// Gender (性别), GB/T 2261.1-2003 `[PER-005]`.
    pub enum Gender: table "gender", standard "GB/T 2261.1-2003", zh "性别", en "Gender" {
        Unknown = "0", "未知的性别", "Unknown";
        Male = "1", "男性", "Male";
        Female = "2", "女性", "Female";
        Unspecified = "9", "未说明的性别", "Unspecified";
    }
}

//! The clerk's page at `/` `[API-060]`: upload an export and read the report; counts by type
//! and the feed's position. One self-contained HTML file, Chinese first.

/// The page.
pub(crate) const PAGE: &str = include_str!("page.html");

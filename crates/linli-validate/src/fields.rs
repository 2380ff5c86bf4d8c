//! Names of record members in Chinese and English, for reports a person reads (the problem list,
//! the HTML page): taken from the titles of the published schemas (`title`,
//! `x-linli-title-zh`), so that there is one source for them.

use std::collections::HashMap;
use std::sync::OnceLock;

use linli_model::RecordType;
use linli_model::codes::CodeTable;

type Labels = HashMap<(RecordType, String), (String, String)>;

fn labels() -> &'static Labels {
    static LABELS: OnceLock<Labels> = OnceLock::new();
    LABELS.get_or_init(|| {
        let mut out = Labels::new();
        for ty in <RecordType as CodeTable>::ALL {
            let schema = linli_model::schema::schema_for(*ty);
            linli_model::schema::walk_members(&schema, &mut |pattern, node| {
                if pattern.is_empty() {
                    return;
                }
                let (Some(en), Some(zh)) =
                    (node.get("title").and_then(|v| v.as_str()), node.get("x-linli-title-zh").and_then(|v| v.as_str()))
                else {
                    return;
                };
                // The member's own title comes first; the title of the type it refers to after.
                out.entry((*ty, pattern.to_owned())).or_insert_with(|| (zh.to_owned(), en.to_owned()));
            });
        }
        out
    })
}

/// The name of the member at `pointer` (RFC 6901) in a record of `ty`, in Chinese and English:
/// of the member itself, or else of the nearest member that holds it (an extension's key, a
/// position past the end of an array). `None` for the whole record or a pointer outside every
/// member.
pub fn field_label(ty: RecordType, pointer: &str) -> Option<(&'static str, &'static str)> {
    let mut pattern: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|seg| {
            if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                "*".to_owned()
            } else {
                seg.replace("~1", "/").replace("~0", "~")
            }
        })
        .collect();
    let labels = labels();
    while !pattern.is_empty() {
        let key = format!("/{}", pattern.join("/"));
        if let Some((zh, en)) = labels.get(&(ty, key)) {
            return Some((zh.as_str(), en.as_str()));
        }
        pattern.pop();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_have_names_in_both_languages() {
        assert_eq!(field_label(RecordType::Person, "/gender"), Some(("性别", "Gender")));
        assert_eq!(field_label(RecordType::Person, "/identifiers/3"), Some(("证件", "Identifier")));
        let (zh, en) = field_label(RecordType::Person, "/identifiers/0/value").unwrap();
        assert!(!zh.is_empty() && !en.is_empty() && zh != en);
        assert_eq!(field_label(RecordType::Person, ""), None);
        assert_eq!(field_label(RecordType::Person, "/noSuchMember"), None);
        // Every record type has names for its top-level members.
        for ty in <RecordType as CodeTable>::ALL {
            assert!(field_label(*ty, "/id").is_some(), "{ty:?}");
        }
    }
}

//! The structural comparison of two JSON values, member by member, as the converters (what a
//! written record loses, [ADP-002]) and the conformance judge (what a product changed,
//! [CNF-033]) need it. One walker; each user says how leaves compare and whether arrays are
//! compared element by element.

use serde_json::Value;

/// What differs at one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Present in the first value, absent in the second.
    Lost,
    /// Absent in the first value, present in the second.
    Added,
    /// Present in both, different.
    Changed,
}

/// How two values are compared.
pub struct Walk<'a> {
    /// Arrays are compared element by element (an element only one has is lost or added);
    /// otherwise an array is a leaf.
    pub into_arrays: bool,
    /// Members (and elements) only the second value has are reported as [`Change::Added`].
    pub added: bool,
    /// Whether two leaves are equal; `tokens` is where they are.
    pub leaf_equal: &'a dyn Fn(&Value, &Value, &[String]) -> bool,
}

impl Walk<'_> {
    /// Compare `a` with `b` at `tokens` (the place of `a` and `b`, restored on return), calling
    /// `out` with every difference in document order of `a` (then those only `b` has).
    pub fn run(&self, a: &Value, b: &Value, tokens: &mut Vec<String>, out: &mut dyn FnMut(Change, &[String])) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for (k, va) in x {
                    tokens.push(k.clone());
                    match y.get(k) {
                        Some(vb) => self.run(va, vb, tokens, out),
                        None => out(Change::Lost, tokens),
                    }
                    tokens.pop();
                }
                if self.added {
                    for k in y.keys().filter(|k| !x.contains_key(*k)) {
                        tokens.push(k.clone());
                        out(Change::Added, tokens);
                        tokens.pop();
                    }
                }
            }
            (Value::Array(x), Value::Array(y)) if self.into_arrays => {
                for (i, va) in x.iter().enumerate() {
                    tokens.push(i.to_string());
                    match y.get(i) {
                        Some(vb) => self.run(va, vb, tokens, out),
                        None => out(Change::Lost, tokens),
                    }
                    tokens.pop();
                }
                if self.added {
                    for i in x.len()..y.len() {
                        tokens.push(i.to_string());
                        out(Change::Added, tokens);
                        tokens.pop();
                    }
                }
            }
            (x, y) if (self.leaf_equal)(x, y, tokens) => {}
            _ => out(Change::Changed, tokens),
        }
    }
}

/// `name` as one JSON Pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The JSON Pointer of `tokens`: `/` for the root.
pub fn pointer(tokens: &[String]) -> String {
    if tokens.is_empty() { "/".into() } else { tokens.iter().map(|t| format!("/{}", token(t))).collect() }
}

/// What a written record loses ([ADP-002], chapter 18): the pointers of the members of `a`
/// that `b` (the record read back) lacks or holds with another value, in document order.
/// Objects are compared member by member, every other value (arrays included) as a whole;
/// members only `b` has are no loss.
pub fn lost_members(a: &Value, b: &Value) -> Vec<String> {
    let walk = Walk { into_arrays: false, added: false, leaf_equal: &|x, y, _| x == y };
    let mut lost = Vec::new();
    walk.run(a, b, &mut Vec::new(), &mut |_, tokens| lost.push(pointer(tokens)));
    lost
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lost_members_in_member_order() {
        let a = json!({"name": "a", "tags": ["x", "y"], "meta": {"v": 1, "s/t": 2}, "k~": 3});
        let b = json!({"name": "a", "tags": ["x"], "meta": {"v": 2}, "extra": 1});
        assert_eq!(lost_members(&a, &b), vec!["/k~0", "/meta/s~1t", "/meta/v", "/tags"]);
        assert!(lost_members(&a, &a).is_empty());
        assert_eq!(lost_members(&json!(1), &json!(2)), vec!["/"], "the root is `/`");
    }

    #[test]
    fn walk_into_arrays_with_added() {
        let walk = Walk { into_arrays: true, added: true, leaf_equal: &|x, y, _| x == y };
        let a = json!({"p": ["1", "2"], "n": 1});
        let b = json!({"p": ["1"], "n": 2, "q": true});
        let mut seen = Vec::new();
        walk.run(&a, &b, &mut Vec::new(), &mut |c, t| seen.push((c, pointer(t))));
        assert_eq!(
            seen,
            vec![(Change::Changed, "/n".into()), (Change::Lost, "/p/1".into()), (Change::Added, "/q".into())]
        );
    }

    quickcheck::quickcheck! {
        /// A value never differs from itself, and a member removed is reported lost at its name.
        fn self_equal_and_removal_lost(keys: Vec<String>, drop: usize) -> bool {
            let a: serde_json::Map<String, Value> =
                keys.iter().enumerate().map(|(i, k)| (k.clone(), json!(i))).collect();
            let a = Value::Object(a);
            if !lost_members(&a, &a).is_empty() {
                return false;
            }
            let Some(obj) = a.as_object() else { return false };
            let Some(gone) = obj.keys().nth(drop % obj.len().max(1)).cloned() else { return true };
            let mut b = obj.clone();
            b.remove(&gone);
            lost_members(&a, &Value::Object(b)) == vec![format!("/{}", token(&gone))]
        }
    }
}

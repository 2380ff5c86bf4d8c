//! Values never print (issue 16, `[PRI-004]`): every `Display`, `Debug` and `Serialize` of the
//! model's errors and findings, built from a real-looking resident ID number, mobile number and
//! name, shows none of them; the explicit accessors give them back.
//!
//! The detector is shown to bite: [`leaky_finding_is_caught`] runs it on a copy of `Finding` with
//! a derived `Debug` and a plain `String` value — what `Finding` was before issue 16 — and it
//! reports the leak.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use linli_model::check::{self, FindingCode, id_number};
use linli_model::codes::{DataClassification, Gender, IdentifierScheme};
use linli_model::datetime::Timestamp;
use linli_model::person::Identifier;
use linli_model::text::{CountryCode, Id, PhoneNumber, Text};
use linli_model::{Error, Meta, Person, Record};
use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};

/// A resident ID number, a mobile number and a name as they appear in real data.
#[derive(Debug, Clone)]
struct Personal {
    id_number: String,
    mobile: String,
    name: String,
}

fn digits(g: &mut Gen, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + u8::arbitrary(g) % 10)).collect()
}

impl Arbitrary for Personal {
    fn arbitrary(g: &mut Gen) -> Self {
        let division = *g.choose(&["110105", "320508", "330502", "440305", "510107", "650102"]).unwrap_or(&"110105");
        let year = 1930 + u32::arbitrary(g) % 90;
        let month = 1 + u32::arbitrary(g) % 12;
        let day = 1 + u32::arbitrary(g) % 28;
        let first17 = format!("{division}{year}{month:02}{day:02}{}", digits(g, 3));
        let check = id_number::check_character(&first17).unwrap_or('0');
        let prefix = *g.choose(&["138", "139", "150", "186", "199", "177"]).unwrap_or(&"138");
        let surname = *g.choose(&["张", "王", "李", "欧阳", "司马", "陈"]).unwrap_or(&"张");
        let given: String = (0..1 + usize::arbitrary(g) % 2)
            .map(|_| *g.choose(&['三', '伟', '芳', '娜', '秀', '英', '敏', '静']).unwrap_or(&'三'))
            .collect();
        Personal {
            id_number: format!("{first17}{check}"),
            mobile: format!("{prefix}{}", digits(g, 8)),
            name: format!("{surname}{given}"),
        }
    }
}

impl Personal {
    fn values(&self) -> [&str; 3] {
        [&self.id_number, &self.mobile, &self.name]
    }
}

/// Which of `values` `printed` shows whole; for a value whose hidden middle (what `[PRI-004]`
/// masks: everything but the first and last few characters) has 8 characters or more — an ID
/// number's birth date and sequence — also that middle, once the masked forms themselves are
/// taken out. (A shorter middle, the 4 digits of a mobile number, turns up by chance: in
/// `GB 11643`, or at the end of its own masked form, `150****1817` of `15018171817`.)
fn leaks<'a>(printed: &str, values: &[&'a str]) -> Vec<&'a str> {
    let mut rest = printed.to_owned();
    for v in values {
        rest = rest.replace(&check::mask_middle(v), "\u{1}");
    }
    values
        .iter()
        .copied()
        .filter(|v| {
            let chars: Vec<char> = v.chars().collect();
            let (head, tail) = check::mask_shown(chars.len());
            let middle: String = chars[head..chars.len() - tail].iter().collect();
            printed.contains(v) || (middle.chars().count() >= 8 && rest.contains(&middle))
        })
        .collect()
}

fn meta() -> Meta {
    Meta::new(
        Text::new("示例科技").unwrap(),
        Text::new("平台").unwrap(),
        "2024-05-01T09:00:00+08:00".parse().unwrap(),
        DataClassification::Restricted,
    )
}

/// Every way a model error or finding can be printed.
fn printed_error(e: &Error) -> String {
    format!("{e}\n{e:?}\n{e:#?}")
}

fn printed_finding(f: &check::Finding) -> String {
    format!("{f:?}\n{f:#?}\n{}", serde_json::to_string(f).unwrap())
}

/// The errors a vendor gets when one of the values lands in the wrong member.
fn errors(v: &str) -> Vec<Error> {
    vec![
        CountryCode::new(v).unwrap_err(),
        PhoneNumber::new(format!("{v}/")).unwrap_err(),
        Id::new(format!("{v} ")).unwrap_err(),
        v.parse::<Timestamp>().unwrap_err(),
        v.parse::<linli_model::datetime::Date>().unwrap_err(),
        v.parse::<Gender>().unwrap_err(),
    ]
}

fn findings(p: &Personal) -> Vec<check::Finding> {
    let mut out = Vec::new();
    for v in p.values() {
        out.push(check::Finding::new(FindingCode::PhoneShape, "/phones/0").value(v));
        out.push(
            check::Finding::new(FindingCode::PhoneShape, "/phones/0")
                .value(v)
                .sensitive(linli_model::codes::Sensitivity::Personal),
        );
    }
    // Real findings of the checks: a wrong check character of an ID number, born after the
    // record was made.
    let mut person = Person::new(Id::new("P-1").unwrap(), meta(), Text::new(p.name.as_str()).unwrap());
    let wrong = format!("{}{}", &p.id_number[..17], if p.id_number.ends_with('1') { '2' } else { '1' });
    person.identifiers.push(Identifier::new(IdentifierScheme::ResidentId, Text::new(wrong).unwrap()));
    let record = Record::from(person);
    out.extend(check::check_record(&record, &Default::default()));
    out
}

#[test]
fn errors_and_findings_never_print_the_value() {
    fn prop(p: Personal) -> TestResult {
        let values = p.values();
        for v in values {
            for e in errors(v) {
                let printed = printed_error(&e);
                let leaked = leaks(&printed, &values);
                if !leaked.is_empty() {
                    return TestResult::error(format!("{leaked:?} in {printed}"));
                }
                // The explicit accessor gives the value back.
                if !e.raw_value().is_some_and(|r| r.contains(v)) {
                    return TestResult::error(format!("raw_value of {e:?} lost {v}"));
                }
            }
        }
        let fs = findings(&p);
        if !fs.iter().any(|f| f.code == FindingCode::IdNumberCheckCharacter.as_str()) {
            return TestResult::error(format!("no check-character finding: {fs:?}"));
        }
        for f in &fs {
            let mut shown = printed_finding(f);
            shown.push_str(&f.display_value().unwrap_or_default());
            let leaked = leaks(&shown, &values);
            if !leaked.is_empty() && f.sensitivity.is_some() {
                return TestResult::error(format!("{leaked:?} in {shown}"));
            }
            let printed = printed_finding(f);
            let leaked = leaks(&printed, &values);
            if !leaked.is_empty() {
                return TestResult::error(format!("{leaked:?} in {printed}"));
            }
            if f.raw_value().is_none() {
                return TestResult::error(format!("raw_value lost: {f:?}"));
            }
        }
        TestResult::passed()
    }
    QuickCheck::new().tests(300).quickcheck(prop as fn(Personal) -> TestResult);
}

/// What `Finding` was before issue 16: a derived `Debug` and `Serialize` of the raw value.
#[derive(Debug, serde::Serialize)]
struct LeakyFinding {
    code: &'static str,
    value: Option<String>,
}

#[test]
fn leaky_finding_is_caught() {
    fn prop(p: Personal) -> bool {
        let values = p.values();
        values.iter().all(|v| {
            let f = LeakyFinding { code: "phone-shape", value: Some((*v).to_owned()) };
            let printed = format!("{f:?}\n{}", serde_json::to_string(&f).unwrap_or_default());
            leaks(&printed, &values).contains(v)
        })
    }
    QuickCheck::new().tests(100).quickcheck(prop as fn(Personal) -> bool);
}

#[test]
fn a_finding_masks_like_a_report() {
    let f = check::Finding::new(FindingCode::PhoneShape, "/phones/0").value("13812345678");
    let json = serde_json::to_string(&f).unwrap();
    assert!(json.contains(r#""value":"138****5678""#), "{json}");
    assert_eq!(f.raw_value(), Some("13812345678"));
    let e = CountryCode::new("11010519491231002X").unwrap_err();
    assert_eq!(e.to_string(), "invalid CountryCode `1101**********002X`: longer than 3 characters");
}

/// A record's own `Debug` (what a vendor's `{:?}` in a log prints) shows its name, phone and ID
/// number masked, as every text type prints itself masked; `as_str()` gives them back.
#[test]
fn records_never_print_their_values_through_debug() {
    fn prop(p: Personal) -> TestResult {
        let values = p.values();
        let mut person = Person::new(Id::new("P-1").unwrap(), meta(), Text::new(p.name.as_str()).unwrap());
        person
            .identifiers
            .push(Identifier::new(IdentifierScheme::ResidentId, Text::new(p.id_number.as_str()).unwrap()));
        person.phones.push(PhoneNumber::new(p.mobile.as_str()).unwrap());
        let record = Record::from(person);
        let printed = format!("{record:?}\n{record:#?}");
        let leaked = leaks(&printed, &values);
        if !leaked.is_empty() {
            return TestResult::error(format!("{leaked:?} in {printed}"));
        }
        let Record::Person(person) = &record else { return TestResult::error("not a person") };
        if person.phones[0].as_str() != p.mobile || person.name.as_str() != p.name {
            return TestResult::error("as_str() lost the value");
        }
        TestResult::passed()
    }
    QuickCheck::new().tests(200).quickcheck(prop as fn(Personal) -> TestResult);
}

//! Reading cell values written every which way (Table 18-2 of `spec/18-adapters.md`): code
//! lookup, lists, full-width forms, dates, telephone numbers, addresses.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use linli_model::check::phone;
use linli_model::codes::CodeTable;
use linli_model::datetime::Date;
use linli_model::place::StandardAddress;
use linli_model::text::Text;
use regex::Regex;

/// Labels registers write for codes, besides the code tables' own labels (Table 18-4 of
/// `spec/18-adapters.md`): (code table, label, code).
pub(crate) const ALIASES: &[(&str, &str, &str)] = &[
    ("education", "研究生", "10"),
    ("education", "博士", "11"),
    ("education", "博士研究生", "11"),
    ("education", "硕士", "14"),
    ("education", "硕士研究生", "14"),
    ("education", "大学本科", "20"),
    ("education", "本科", "20"),
    ("education", "大学专科", "30"),
    ("education", "大专", "30"),
    ("education", "专科", "30"),
    ("education", "中专", "40"),
    ("education", "中职", "40"),
    ("education", "职高", "40"),
    ("education", "技校", "40"),
    ("education", "高中", "60"),
    ("education", "普通高中", "60"),
    ("education", "初中", "70"),
    ("education", "小学", "80"),
    ("gender", "男", "1"),
    ("gender", "女", "2"),
    ("political-status", "党员", "01"),
    ("political-status", "中共党员", "01"),
    ("political-status", "预备党员", "02"),
    ("political-status", "中共预备党员", "02"),
    ("political-status", "团员", "03"),
    ("political-status", "共青团员", "03"),
    ("political-status", "无党派人士", "12"),
    ("relationship", "丈夫", "11"),
    ("relationship", "妻子", "12"),
    ("relationship", "儿子", "20"),
    ("relationship", "女儿", "30"),
    ("residence-kind", "户籍人口", "registered"),
    ("residence-kind", "常住人口", "permanent"),
    ("residence-kind", "流动人口", "floating"),
    ("residence-kind", "外来人口", "floating"),
    ("residence-kind", "暂住人口", "floating"),
    ("residence-kind", "承租人", "tenant"),
    ("residence-kind", "租客", "tenant"),
    ("rental-status", "是", "rented"),
    ("rental-status", "否", "owner-occupied"),
    ("plate-color", "蓝", "blue"),
    ("plate-color", "蓝色", "blue"),
    ("plate-color", "黄", "yellow"),
    ("plate-color", "黄色", "yellow"),
    ("plate-color", "绿", "green"),
    ("plate-color", "绿色", "green"),
    ("plate-color", "白", "white"),
    ("plate-color", "白色", "white"),
    ("plate-color", "黑", "black"),
    ("plate-color", "黑色", "black"),
];

/// Table 18-4 as Markdown (generated into chapter 18).
pub(crate) fn aliases_markdown() -> String {
    let mut md = String::from("| code table | label | code |\n|---|---|---|\n");
    for (t, l, c) in ALIASES {
        md.push_str(&format!("| `{t}` | {l} | `{c}` |\n"));
    }
    md
}

/// Look a cell up in a code table: value map, code, Chinese label, English label, then the
/// built-in aliases ([`ALIASES`]).
pub(crate) fn lookup<T: CodeTable>(raw: &str, map: Option<&BTreeMap<String, String>>) -> Option<T> {
    if let Some(code) = map.and_then(|m| m.get(raw)) {
        return T::from_code(code);
    }
    T::from_code(raw)
        .or_else(|| T::ALL.iter().copied().find(|c| c.label_zh() == raw))
        .or_else(|| T::ALL.iter().copied().find(|c| c.label_en().eq_ignore_ascii_case(raw)))
        .or_else(|| ALIASES.iter().find(|(t, l, _)| *t == T::TABLE && *l == raw).and_then(|(_, _, c)| T::from_code(c)))
}

/// Split a list cell into its items.
pub(crate) fn items(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([';', '；', ',', '，', '、', '/']).map(str::trim).filter(|s| !s.is_empty())
}

/// Full-width ASCII forms (`０`–`９`, `Ａ`, `－`, `＋`, U+3000) to ASCII; borrowed when there is
/// none (most cells).
pub(crate) fn half_width(s: &str) -> std::borrow::Cow<'_, str> {
    let full = |c: char| matches!(c, '\u{3000}' | '\u{ff01}'..='\u{ff5e}');
    if s.is_ascii() || !s.chars().any(full) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{3000}' => ' ',
                '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
                _ => c,
            })
            .collect(),
    )
}

/// Clean one telephone number (already half-width): drop blanks and brackets, and a country
/// prefix when a mainland number is left.
pub(crate) fn clean_phone(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')')).collect();
    let s = s.replace(['—', '–'], "-");
    let mainland =
        |n: &str| matches!(phone::classify(n), Some(phone::PhoneShape::Mobile | phone::PhoneShape::Landline));
    for prefix in ["+86-", "+86", "0086-", "0086", "86-"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if mainland(rest) {
                return rest.to_owned();
            }
        }
    }
    // `86` glued to a mobile number: 8613812345678.
    if s.len() == 13 {
        if let Some(rest) = s.strip_prefix("86") {
            if matches!(phone::classify(rest), Some(phone::PhoneShape::Mobile)) {
                return rest.to_owned();
            }
        }
    }
    s
}

/// Parse a date written as `1990-01-02`, `1990/1/2`, `1990.1.2`, `19900102` or `1990年1月2日`.
pub(crate) fn parse_date(raw: &str) -> Option<Date> {
    let s = half_width(raw);
    // split always yields a first part; the default empty date is never taken.
    let s = s.split([' ', 'T']).next().unwrap_or_default();
    let num = |t: &str| t.parse::<u32>().ok().filter(|_| t.bytes().all(|b| b.is_ascii_digit()));
    // An Excel serial date written as a number (a date column formatted "General").
    if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
        let serial: f64 = s.parse().ok()?;
        let text = excel_date(serial)?;
        let mut parts = text.get(..10)?.split('-').map(str::parse::<u32>);
        let (y, m, d) = (parts.next()?.ok()?, parts.next()?.ok()?, parts.next()?.ok()?);
        return Date::from_ymd(i32::try_from(y).ok()?, u8::try_from(m).ok()?, u8::try_from(d).ok()?);
    }
    let (y, m, d) = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        (s.get(..4)?, s.get(4..6)?, s.get(6..)?)
    } else {
        let s = s.strip_suffix('日').unwrap_or(s);
        let mut parts = s.split(['-', '/', '.', '年', '月']);
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
            return None;
        }
        (y, m, d)
    };
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    Date::from_ymd(i32::try_from(y).ok()?, u8::try_from(m).ok()?, u8::try_from(d).ok()?)
}

/// The address pattern, with or without its district part.
fn address_pattern(district: bool) -> Option<Regex> {
    let parts = [
        r"^(?P<province>.+?(?:省|自治区|特别行政区))?",
        r"(?P<city>.+?(?:市|自治州|地区|盟))?",
        if district { r"(?P<district>.+?(?:区|县|旗|市))?" } else { "" },
        r"(?P<subDistrict>.+?(?:街道|镇|乡))?",
        r"(?P<community>.+?(?:社区|村))?",
        r"(?P<road>.+?(?:路|街|巷|弄|道))?",
        r"(?P<doorNumber>[0-9０-９]+(?:[-之][0-9０-９]+)?号)?",
        r"(?P<compound>.+?(?:小区|花园|家园|新村|公寓|苑))?",
        r"(?P<building>[0-9０-９A-Za-z一二三四五六七八九十]+(?:幢|栋|号楼))?",
        r"(?P<unit>[0-9０-９一二三四五六七八九十]+单元)?",
        r"(?P<floor>[0-9０-９]+层)?",
        r"(?P<room>[0-9０-９A-Za-z-]+室?)?$",
    ];
    Regex::new(&parts.concat()).ok()
}

static ADDRESS: LazyLock<Option<Regex>> = LazyLock::new(|| address_pattern(true));
/// For a text whose "district" would end in 小区 or 社区: those are a compound and a community.
static ADDRESS_NO_DISTRICT: LazyLock<Option<Regex>> = LazyLock::new(|| address_pattern(false));

/// A standard address of its full text alone.
pub(crate) fn bare_address(full_text: Text) -> StandardAddress {
    StandardAddress::new(full_text)
}

/// A standard address from address text: always `fullText`, the parts where the text allows.
pub(crate) fn parse_address(raw: &str) -> Option<StandardAddress> {
    let mut a = bare_address(Text::new(raw).ok()?);
    let caps = ADDRESS.as_ref().and_then(|re| re.captures(raw)).and_then(|c| {
        let district = c.name("district").map(|m| m.as_str());
        if district.is_some_and(|d| d.ends_with("小区") || d.ends_with("社区")) {
            ADDRESS_NO_DISTRICT.as_ref().and_then(|re| re.captures(raw))
        } else {
            Some(c)
        }
    });
    if let Some(caps) = caps {
        let part = |name: &str| caps.name(name).and_then(|m| Text::new(m.as_str()).ok());
        a.province = part("province");
        a.city = part("city");
        a.district = part("district");
        a.sub_district = part("subDistrict");
        a.community = part("community");
        a.road = part("road");
        a.door_number = part("doorNumber");
        a.compound = part("compound");
        a.building = part("building");
        a.unit = part("unit");
        a.floor = part("floor");
        a.room = part("room");
    }
    Some(a)
}

/// An Excel serial date (1900 date system) as `YYYY-MM-DD`, with `THH:MM:SS` when it has a time.
pub(crate) fn excel_date(serial: f64) -> Option<String> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    let secs = (serial * 86_400.0).round() as i64;
    let dt = epoch.midnight().checked_add(time::Duration::seconds(secs))?;
    let date = format!("{:04}-{:02}-{:02}", dt.year(), u8::from(dt.month()), dt.day());
    Some(match dt.time() == time::Time::MIDNIGHT {
        true => date,
        false => format!("{date}T{:02}:{:02}:{:02}", dt.hour(), dt.minute(), dt.second()),
    })
}

//! A mapping skeleton from a register's header row and sample rows (`linli convert
//! --init-mapping`) `[ADP-018]`: each column matched to a target through the synonym table of
//! Chinese and English header names ([`SYNONYMS`]), else guessed from its values; value maps
//! proposed for the labels of code columns; unmatched columns listed as comments with the
//! closest targets. A clerk edits the result, rather than writing it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use linli_model::check::{credit_code, id_number, phone};
use linli_model::codes::{
    CareTag, CodeTable, Education, EthnicGroup, Gender, OrganizationKind, PlateColor, PoliticalStatus, Relationship,
    RentalStatus, ResidenceKind, RoomUse, ThingKind, ThingStatus,
};

use super::row::header_key;
use super::source::{self, Item, TableKind};
use super::targets::{Slot, Target};
use super::values::{clean_phone, half_width, lookup, parse_date};
use crate::Error;

/// Header synonyms: target → the header titles (as [`header_key`] normalises them: no stars,
/// blanks, full-width forms or bracketed remarks; lower case) that mean it. One table for
/// `--init-mapping` and for the suggestions of [`crate::Error::ColumnsMissing`].
pub const SYNONYMS: &[(&str, &[&str])] = &[
    ("person.id", &["人员编号", "人员id", "人口编号", "居民编号", "人员代码", "personid", "residentid"]),
    (
        "person.name",
        &[
            "姓名",
            "人员姓名",
            "居民姓名",
            "名字",
            "户主姓名（本人）",
            "承租人姓名",
            "承租人",
            "租客姓名",
            "车主姓名",
            "车主",
            "name",
            "fullname",
            "xm",
        ],
    ),
    ("person.gender", &["性别", "gender", "sex", "xb"]),
    ("person.ethnicGroup", &["民族", "族别", "ethnicity", "ethnicgroup", "mz"]),
    (
        "person.birthDate",
        &["出生日期", "出生年月日", "出生年月", "生日", "出生时间", "birthdate", "dateofbirth", "birthday", "csrq"],
    ),
    (
        "person.identifiers.resident-id",
        &[
            "公民身份号码",
            "公民身份证号",
            "公民身份证号码",
            "身份证号",
            "身份证号码",
            "身份证",
            "身份证件号码",
            "证件号码",
            "证件号",
            "居民身份证号码",
            "承租人身份证号",
            "承租人身份证号码",
            "车主身份证号",
            "车主身份证号码",
            "idnumber",
            "idcard",
            "idcardno",
            "sfzh",
            "gmsfhm",
        ],
    ),
    (
        "person.phones",
        &[
            "联系电话",
            "联系方式",
            "手机号",
            "手机号码",
            "手机",
            "电话",
            "电话号码",
            "移动电话",
            "本人电话",
            "承租人联系电话",
            "承租人电话",
            "车主联系电话",
            "车主电话",
            "phone",
            "mobile",
            "telephone",
            "tel",
            "lxdh",
        ],
    ),
    ("person.residences.registered", &["户籍地址", "户籍地", "户籍所在地", "户口所在地", "户籍地详址"]),
    ("person.residences.permanent", &["现住址", "现居住地址", "居住地址", "现居住地", "实际居住地址", "住址"]),
    ("person.residence.kind", &["人口类型", "人员类型", "居住类型", "人口类别", "居住性质", "人员类别"]),
    ("person.household.householdId", &["户号", "户编号", "户口编号", "户籍编号", "家庭编号"]),
    ("person.household.relationship", &["与户主关系", "与户主的关系", "家庭关系", "户内关系", "relationship"]),
    ("person.nationality", &["国籍", "nationality"]),
    ("person.education", &["文化程度", "学历", "受教育程度", "education"]),
    ("person.politicalStatus", &["政治面貌", "政治身份", "politicalstatus"]),
    (
        "person.careTags",
        &[
            "关爱标签",
            "人员标签",
            "关怀对象类别",
            "重点人群类别",
            "特殊人群类别",
            "服务对象类别",
            "服务对象类型",
            "对象类别",
        ],
    ),
    ("place.id", &["房屋编号", "房屋编码", "房屋id", "地址编码", "房屋代码"]),
    ("place.community", &["社区", "所属社区", "所在社区", "社区名称", "村社区", "村居", "所属村居"]),
    ("place.compound", &["小区", "小区名称", "所属小区", "小区名", "住宅小区", "楼盘"]),
    (
        "place.building",
        &["楼栋", "楼栋号", "楼号", "栋", "幢", "幢号", "栋号", "楼栋名称", "所在楼宇", "楼宇", "楼宇名称"],
    ),
    ("place.unit", &["单元", "单元号"]),
    ("place.floor", &["楼层", "所在楼层", "层"]),
    ("place.room", &["房号", "房间号", "门牌号", "户室号", "室号", "房屋号", "室"]),
    ("place.divisionCode", &["区划代码", "行政区划代码", "行政区划", "区划"]),
    ("place.address", &["房屋地址", "地址", "详细地址", "标准地址", "场所地址", "经营地址", "单位地址"]),
    ("place.roomUse", &["房屋用途", "用途", "使用性质", "房屋性质"]),
    ("place.rentalStatus", &["出租状态", "是否出租", "居住状态", "房屋状态", "使用状态"]),
    ("place.area", &["面积", "建筑面积", "房屋面积", "使用面积"]),
    ("thing.id", &["车辆编号", "设备编号", "设施编号"]),
    ("thing.kind", &["车辆类型", "设备类型", "物品类型", "设施类型", "车型"]),
    ("thing.name", &["设备名称", "设施名称", "名称"]),
    ("thing.plateNumber", &["车牌号", "车牌号码", "号牌号码", "车牌", "号牌", "platenumber", "plateno"]),
    ("thing.plateColor", &["车牌颜色", "号牌颜色", "platecolor"]),
    ("thing.manufacturer", &["品牌", "厂商", "生产厂家", "车辆品牌", "制造商"]),
    ("thing.model", &["型号", "品牌型号", "车辆型号", "规格型号"]),
    ("thing.serialNumber", &["序列号", "出厂编号", "车架号", "车辆识别代号", "vin"]),
    ("thing.deviceCode", &["设备编码", "国标编码", "设备国标编码"]),
    ("thing.status", &["设备状态", "运行状态"]),
    ("thing.installDate", &["安装日期", "安装时间", "登记日期"]),
    ("organization.id", &["单位编号", "机构编号", "场所编号"]),
    ("organization.name", &["单位名称", "机构名称", "企业名称", "组织名称", "场所名称"]),
    ("organization.kind", &["单位类型", "机构类型", "组织类型", "单位性质", "场所类型"]),
    ("organization.creditCode", &["统一社会信用代码", "社会信用代码", "信用代码", "creditcode", "uscc"]),
    ("organization.contact.name", &["联系人", "联系人姓名", "负责人"]),
    ("organization.contact.phone", &["联系人电话", "联系人手机", "负责人电话", "单位电话"]),
];

/// The target a header title means, by the synonym table: the whole title, else its last part
/// after `/` (a two-level header).
pub fn guess_target(header: &str) -> Option<Target> {
    let key = header_key(header);
    let find = |k: &str| {
        SYNONYMS.iter().find(|(_, syns)| syns.iter().any(|s| header_key(s) == k)).and_then(|(t, _)| Target::parse(t))
    };
    find(&key).or_else(|| key.rsplit_once('/').and_then(|(_, last)| find(last)))
}

/// The targets whose synonyms are closest to a title (edit distance on normalised titles), best
/// first, each once.
fn closest_by_synonym(header: &str, n: usize) -> Vec<String> {
    let key = header_key(header);
    let mut scored: Vec<(usize, &str)> = Vec::new();
    for (t, syns) in SYNONYMS {
        for s in *syns {
            scored.push((super::targets::distance(&key, &header_key(s)), t));
        }
    }
    scored.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, t) in scored {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
        if out.len() == n {
            break;
        }
    }
    out
}

/// Legal representatives: in an organization register, these columns are the Person's.
const LEGAL_REPRESENTATIVE: &[(&str, &[&str])] = &[
    ("person.name", &["法定代表人", "法人代表", "法人", "法定代表人姓名", "法人姓名"]),
    (
        "person.identifiers.resident-id",
        &["法定代表人身份证号", "法人身份证号", "法人身份证号码", "法定代表人身份证号码"],
    ),
    ("person.phones", &["法定代表人电话", "法人电话", "法人联系电话", "法定代表人联系电话"]),
];

/// A value guess from sample cells: what every non-empty sampled cell of a column looks like.
fn guess_from_values(header: &str, values: &[String]) -> Option<(Target, &'static str)> {
    let vals: Vec<String> =
        values.iter().map(|v| half_width(v.trim()).into_owned()).filter(|v| !v.is_empty()).collect();
    if vals.is_empty() {
        return None;
    }
    let all = |f: &dyn Fn(&str) -> bool| vals.iter().all(|v| f(v));
    if all(&|v| id_number::parse(&v.to_ascii_uppercase()).is_ok()) {
        return Some((Target::parse("person.identifiers.resident-id")?, "身份号码 / ID numbers"));
    }
    if all(&|v| {
        super::values::items(v).all(|i| {
            matches!(phone::classify(&clean_phone(i)), Some(phone::PhoneShape::Mobile | phone::PhoneShape::Landline))
        })
    }) {
        return Some((Target::Phones, "电话号码 / phone numbers"));
    }
    if all(&|v| v.len() == 18 && credit_code::verify(&v.to_ascii_uppercase()).is_ok()) {
        return Some((Target::CreditCode, "统一社会信用代码 / credit codes"));
    }
    if all(&|v| lookup::<Gender>(v, None).is_some() || matches!(v, "男" | "女")) {
        return Some((Target::Gender, "性别 / gender words"));
    }
    if all(&|v| is_plate(v)) {
        return Some((Target::PlateNumber, "号牌号码 / plate numbers"));
    }
    if all(&|v| matches!(v.len(), 6 | 9 | 12) && v.bytes().all(|b| b.is_ascii_digit())) {
        return Some((Target::DivisionCode, "区划代码 / division codes"));
    }
    if all(&|v| parse_date(v).is_some()) && header.contains('生') {
        return Some((Target::BirthDate, "出生日期 / birth dates"));
    }
    None
}

/// Whether a text reads as a personal value: an ID or mobile number in it, or a Chinese
/// personal name.
fn personal_text(v: &str) -> bool {
    super::row::looks_personal(v) || !linli_privacy::leak::scan_text(v).is_empty() || looks_like_name(v)
}

/// Whether a title reads as a Chinese personal name rather than a column title: two to four Han
/// characters starting with a common surname, and no synonym knows it.
pub(crate) fn looks_like_name(v: &str) -> bool {
    const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
    let n = v.chars().count();
    (2..=4).contains(&n)
        && v.chars().next().is_some_and(|c| SURNAMES.contains(c))
        && v.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        && guess_target(v).is_none()
}

/// A Chinese vehicle plate: a province character, a letter, then 5 or 6 letters and digits.
fn is_plate(v: &str) -> bool {
    const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领";
    let v: String = v.chars().filter(|c| !matches!(c, ' ' | '·' | '-')).collect();
    let mut chars = v.chars();
    let (Some(p), Some(l)) = (chars.next(), chars.next()) else { return false };
    let rest: Vec<char> = chars.collect();
    PROVINCES.contains(p)
        && l.is_ascii_uppercase()
        && (5..=6).contains(&rest.len())
        && rest.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '挂' | '学' | '警'))
}

/// The code a label probably means, when exactly one code's label contains it, or it contains
/// exactly one label (`户籍人口` → `registered`, `汉` → `01`), or a common alias says so.
fn guess_code<C: CodeTable>(v: &str) -> Option<&'static str> {
    if let Some(c) = lookup::<C>(v, None) {
        return Some(c.code());
    }
    if v.chars().count() < 1 {
        return None;
    }
    let hits: Vec<C> = C::ALL
        .iter()
        .copied()
        .filter(|c| {
            let l = c.label_zh();
            (l.contains(v) && v.chars().count() >= 1 && l.starts_with(v)) || (v.contains(l) && l.chars().count() >= 2)
        })
        .collect();
    match hits.as_slice() {
        [one] => Some(one.code()),
        _ => None,
    }
}

/// A proposed value map for the sampled labels of a code column: (label, Some(code)) when
/// guessed, (label, None) when a clerk must fill it in.
fn value_map(target: Target, labels: &BTreeSet<String>) -> Vec<(String, Option<&'static str>)> {
    fn go<C: CodeTable>(labels: &BTreeSet<String>) -> Vec<(String, Option<&'static str>)> {
        labels.iter().filter(|l| lookup::<C>(l, None).is_none()).map(|l| (l.clone(), guess_code::<C>(l))).collect()
    }
    match target {
        Target::Gender => go::<Gender>(labels),
        Target::EthnicGroup => go::<EthnicGroup>(labels),
        Target::Education => go::<Education>(labels),
        Target::PoliticalStatus => go::<PoliticalStatus>(labels),
        Target::Relationship => go::<Relationship>(labels),
        Target::CareTags => go::<CareTag>(labels),
        Target::ResidenceKind => go::<ResidenceKind>(labels),
        Target::RoomUse => go::<RoomUse>(labels),
        Target::RentalStatus => go::<RentalStatus>(labels),
        Target::ThingKind => go::<ThingKind>(labels),
        Target::PlateColor => go::<PlateColor>(labels),
        Target::ThingStatus => go::<ThingStatus>(labels),
        Target::OrgKind => go::<OrganizationKind>(labels),
        _ => Vec::new(),
    }
}

/// The sheet of a workbook whose first rows hold most titles the synonym table knows (a
/// workbook often opens with a sheet of instructions, 填表说明); `None` for the first sheet.
fn best_sheet(bytes: &[u8]) -> Option<String> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).ok()?;
    let names = wb.sheet_names();
    if names.len() < 2 {
        return None;
    }
    let mut best: Option<(usize, String)> = None;
    for name in names {
        let Ok(range) = wb.worksheet_range(&name) else { continue };
        let score = range
            .rows()
            .take(super::HEADER_SEARCH_ROWS)
            .map(|r| r.iter().filter(|c| guess_target(&c.to_string()).is_some()).count())
            .max()
            .unwrap_or(0);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, name));
        }
    }
    best.filter(|(s, _)| *s > 0).map(|(_, n)| n)
}

/// How many data rows `--init-mapping` reads for value guesses and labels.
pub const SAMPLE_ROWS: usize = 10_000;

/// Options of [`init_mapping`].
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Forced encoding of CSV.
    pub encoding: Option<String>,
    /// Sheet of a workbook.
    pub sheet: Option<String>,
    /// The register's file name (written into the skeleton's comments and `meta.product`).
    pub file_name: Option<String>,
    /// `meta.createdAt` (RFC 3339); the skeleton must be valid as written.
    pub created_at: String,
}

fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Write a mapping skeleton (TOML) for a register: see the module documentation. The skeleton
/// reads as a valid mapping without any edit.
pub fn init_mapping(bytes: &[u8], opts: &InitOptions) -> Result<String, Error> {
    let kind = TableKind::sniff(bytes);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut delimiter = b',';
    let mut row_numbers: Vec<usize> = Vec::new();
    let mut chosen_sheet: Option<String> = None;
    match kind {
        TableKind::Csv => {
            let mut cur = std::io::Cursor::new(bytes);
            let (enc, bom, _) = source::detect_encoding(&mut cur, opts.encoding.as_deref())?;
            let first_line: String = {
                let (text, _) = enc.decode_without_bom_handling(
                    // `bom` is at most 3 and within `bytes`, and split yields a first part: the defaults are never taken.
                    bytes.get(bom..).unwrap_or_default().split(|b| *b == b'\n').next().unwrap_or_default(),
                );
                text.into_owned()
            };
            delimiter = [b',', b'\t', b';', b'|']
                .into_iter()
                .max_by_key(|d| first_line.matches(char::from(*d)).count())
                .unwrap_or(b',');
            let reader = std::io::BufReader::new(cur);
            for item in source::CsvRows::new(reader, enc, bom, delimiter) {
                if let Item::Row(n, cells) = item {
                    rows.push(cells);
                    row_numbers.push(n);
                    if rows.len() > SAMPLE_ROWS + super::HEADER_SEARCH_ROWS {
                        break;
                    }
                }
            }
        }
        TableKind::Xlsx | TableKind::Xls => {
            let sheet = match &opts.sheet {
                Some(sheet) => Some(sheet.clone()),
                None => best_sheet(bytes),
            };
            chosen_sheet.clone_from(&sheet);
            let s = source::excel_rows(bytes, sheet.as_deref())
                .map_err(|e| Error::Input { format: kind.name(), message: format!("not a readable workbook: {e}") })?;
            for (i, r) in s.rows.into_iter().enumerate().take(SAMPLE_ROWS + super::HEADER_SEARCH_ROWS) {
                rows.push(r);
                row_numbers.push(i + 1);
            }
        }
    }
    // The header: among the first rows, the one whose titles the synonym table knows best; else
    // the first row with at least half of the widest row's cells filled.
    let width = rows
        .iter()
        .take(super::HEADER_SEARCH_ROWS)
        .map(|r| r.iter().filter(|c| !c.trim().is_empty()).count())
        .max()
        .unwrap_or(0);
    let scored = rows
        .iter()
        .enumerate()
        .take(super::HEADER_SEARCH_ROWS)
        .map(|(i, r)| (r.iter().filter(|c| guess_target(c).is_some()).count(), i))
        .fold(None::<(usize, usize)>, |acc, (s, i)| match acc {
            Some((bs, _)) if bs >= s => acc,
            _ => Some((s, i)),
        });
    let header_at = match scored {
        Some((s, i)) if s > 0 => i,
        _ => rows
            .iter()
            .position(|r| r.iter().filter(|c| !c.trim().is_empty()).count() * 2 >= width.max(1))
            .ok_or_else(|| Error::Input { format: kind.name(), message: "the table has no header row".into() })?,
    };
    let header: Vec<String> =
        // `header_at` indexes `rows`; an empty register has the default empty header (no column to map).
        rows.get(header_at).cloned().unwrap_or_default().iter().map(|h| h.trim().to_owned()).collect();
    // Titles that read as personal values mean the "header" is a row of data: no skeleton is
    // written from it (it would copy personal data into a file meant to be shared).
    if header.iter().any(|h| personal_text(h)) {
        return Err(Error::Input {
            format: kind.name(),
            message:
                "no header row: the first rows hold data (ID numbers, phones or names), not titles; add a header row"
                    .into(),
        });
    }
    let data: Vec<&Vec<String>> = rows.iter().skip(header_at + 1).collect();
    let column = |i: usize| -> Vec<String> { data.iter().filter_map(|r| r.get(i).cloned()).collect() };

    // Match each column.
    let mut taken: BTreeMap<Target, usize> = BTreeMap::new();
    let mut matched: Vec<Option<(Target, &'static str)>> = vec![None; header.len()];
    let legal = header
        .iter()
        .any(|h| LEGAL_REPRESENTATIVE.iter().any(|(_, syns)| syns.iter().any(|s| header_key(s) == header_key(h))));
    for (i, h) in header.iter().enumerate() {
        if h.is_empty() || h == super::REASON_COLUMN {
            continue;
        }
        let by_legal = LEGAL_REPRESENTATIVE
            .iter()
            .find(|(_, syns)| syns.iter().any(|s| header_key(s) == header_key(h)))
            .and_then(|(t, _)| Target::parse(t));
        let by_name = by_legal.or_else(|| guess_target(h));
        // In an organization register, a bare 名称 is the organization's.
        let by_name = match by_name {
            Some(Target::ThingName) if legal => Some(Target::OrgName),
            other => other,
        };
        let guess = match by_name {
            Some(t) => Some((t, "表头 / header")),
            None => guess_from_values(h, &column(i)),
        };
        if let Some((t, why)) = guess {
            let multi = matches!(t, Target::Phones | Target::Identifier(_));
            if multi || !taken.contains_key(&t) {
                taken.insert(t, i);
                if let Some(m) = matched.get_mut(i) {
                    *m = Some((t, why));
                }
            }
        }
    }
    // Contact columns are an organization's only in a register of organizations.
    if !taken.contains_key(&Target::OrgName) {
        for m in matched.iter_mut() {
            if m.is_some_and(|(t, _)| t.slot() == Slot::Organization) {
                *m = None;
            }
        }
        taken.retain(|t, _| t.slot() != Slot::Organization);
    }
    let slots: BTreeSet<Slot> = matched.iter().flatten().map(|(t, _)| t.slot()).collect();
    let has = |t: Target| taken.contains_key(&t);

    let mut out = String::new();
    let file = opts.file_name.as_deref().unwrap_or("register");
    let _ = writeln!(
        out,
        "# 由 `linli convert --init-mapping` 根据 {} 的表头和前 {} 行生成：请核对后使用。",
        file,
        data.len()
    );
    let _ = writeln!(
        out,
        "# Written by `linli convert --init-mapping` from the header and first {} rows of {}: check it, then use it.",
        data.len(),
        file
    );
    let _ = writeln!(
        out,
        "# 目标清单 / every target: `linli convert --list-targets`; 规范 / spec: spec/18-adapters.md 18.2."
    );
    if header_at > 0 {
        // No `headerRow`: the reader finds the header by its titles, so the same mapping also
        // reads a corrected rejects file, whose header is row 1.
        let n = row_numbers.get(header_at).copied().unwrap_or(header_at + 1);
        let _ = writeln!(
            out,
            "# 表头在第 {n} 行，其上为标题行（读取时自动识别）/ the header is row {n}, title rows above it (found when reading)."
        );
    }
    if delimiter != b',' {
        let _ = writeln!(out, "delimiter = {}", toml_str(&char::from(delimiter).to_string()));
    }
    if let Some(s) = &chosen_sheet {
        let _ = writeln!(out, "sheet = {}", toml_str(s));
    }
    let primary = [Slot::Organization, Slot::Thing, Slot::Person, Slot::Place].into_iter().find(|s| slots.contains(s));
    // In a vehicle or organization register the row is the vehicle or the organization, the
    // person its owner or legal representative.
    if let Some(p) = primary {
        let _ = writeln!(out, "record = {}", toml_str(p.record_type()));
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "# 生成的标识为 <前缀>-<行号>；同一数据集中的各登记表请用不同前缀。");
    let _ = writeln!(out, "# Generated ids are <prefix>-<row>: give each register of one dataset its own prefixes.");
    let _ = writeln!(out, "[ids]");
    for s in [Slot::Person, Slot::Thing, Slot::Organization] {
        if slots.contains(&s) {
            let p = match s {
                Slot::Person => "P",
                Slot::Thing => "T",
                _ => "ORG",
            };
            let _ = writeln!(out, "{} = {}", s.prefix(), toml_str(p));
        }
    }
    if slots.contains(&Slot::Place) {
        let _ = writeln!(out, "place = \"PL\"");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "[meta]");
    let _ = writeln!(out, "vendor = {}", toml_str(super::mapping::PLACEHOLDER));
    let _ = writeln!(out, "product = {}", toml_str(file));
    let _ = writeln!(out, "# 数据分级 / data classification: `linli codes data-classification`");
    let personal = matched.iter().flatten().any(|(t, _)| t.personal());
    let _ = writeln!(out, "classification = {}", toml_str(if personal { "restricted" } else { "internal" }));
    let _ = writeln!(out, "createdAt = {}", toml_str(&opts.created_at));
    let _ = writeln!(out);
    let _ = writeln!(out, "[columns]");
    for (i, h) in header.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        if let Some((t, why)) = matched.get(i).copied().flatten() {
            let _ = writeln!(out, "{} = {}  # {why}", toml_str(h), toml_str(&t.name()));
        }
    }
    let unmatched: Vec<&String> = header
        .iter()
        .enumerate()
        .filter(|(i, h)| {
            !h.is_empty() && h.as_str() != super::REASON_COLUMN && matched.get(*i).is_some_and(Option::is_none)
        })
        .map(|(_, h)| h)
        .collect();
    if !unmatched.is_empty() {
        let _ = writeln!(out, "# 未匹配的列（不映射则保存在扩展 csv 中；列名或取值像个人信息的不保存）：");
        let _ = writeln!(
            out,
            "# Unmatched columns (kept in extensions.csv unless mapped; personal-looking ones are not kept):"
        );
        for h in unmatched {
            let near = closest_by_synonym(h, 3);
            let _ = writeln!(out, "# {} = \"?\"   # 最接近 / closest: {}", toml_str(h), near.join(", "));
        }
    }
    if header.iter().any(String::is_empty) {
        let _ = writeln!(
            out,
            "# 有 {} 列没有列名，其取值保存在扩展中 / untitled columns are kept in extensions.",
            header.iter().filter(|h| h.is_empty()).count()
        );
    }
    // Defaults the records need.
    let mut defaults: Vec<String> = Vec::new();
    if slots.contains(&Slot::Thing) && !has(Target::ThingKind) {
        let kind = if has(Target::PlateNumber) { "vehicle.motor" } else { "device.other" };
        defaults.push(format!("\"thing.kind\" = {}  # 请核对 / check: `linli codes thing-kind`", toml_str(kind)));
    }
    if slots.contains(&Slot::Organization) && !has(Target::OrgKind) {
        defaults
            .push("\"organization.kind\" = \"enterprise\"  # 请核对 / check: `linli codes organization-kind`".into());
    }
    if !defaults.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "[defaults]");
        for d in defaults {
            let _ = writeln!(out, "{d}");
        }
    }
    // Value maps for the labels the sample shows.
    for (i, h) in header.iter().enumerate() {
        let Some((t, _)) = matched.get(i).copied().flatten() else { continue };
        if t.table().is_none() {
            continue;
        }
        let labels: BTreeSet<String> = column(i)
            .into_iter()
            .flat_map(|v| {
                if t == Target::CareTags {
                    super::values::items(&v).map(str::to_owned).collect::<Vec<_>>()
                } else {
                    vec![v.trim().to_owned()]
                }
            })
            .filter(|v| !v.is_empty())
            // A label is a short word, never a personal value (a column of numbers or names is
            // no code column): such cells are not written into the skeleton.
            .filter(|v| {
                v.chars().count() <= 20
                    && !super::row::looks_personal(v)
                    && linli_privacy::leak::scan_text(v).is_empty()
            })
            .take(200)
            .collect();
        let map = value_map(t, &labels);
        let mut hidden = 0usize;
        if map.is_empty() {
            continue;
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "[values.{}]", toml_str(h));
        for (label, code) in map {
            match code {
                Some(c) => {
                    let _ = writeln!(out, "{} = {}  # 推测 / guessed", toml_str(&label), toml_str(c));
                }
                // A label no code fits that reads as a name is not copied (it may be a person's),
                // but it is counted, so that the clerk knows a label is still missing.
                None if looks_like_name(&label) => hidden += 1,
                None => {
                    let _ = writeln!(
                        out,
                        "# {} = \"?\"  # 待填写 / to fill in: `linli codes {}`",
                        toml_str(&label),
                        // a target without a code table: the default empty table name, which no value map uses.
                        t.table().unwrap_or_default()
                    );
                }
            }
        }
        if hidden > 0 {
            let _ = writeln!(
                out,
                "# 另有 {hidden} 个像姓名的取值未列出（可能是个人信息），请核对此列 / {hidden} more value(s) that read as names are not shown: check this column"
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_synonym_names_a_target_and_no_title_means_two() {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for (t, syns) in SYNONYMS {
            assert!(Target::parse(t).is_some(), "{t}");
            for s in *syns {
                if let Some(other) = seen.insert(header_key(s), t) {
                    assert_eq!(other, *t, "`{s}` means both {other} and {t}");
                }
            }
        }
    }

    #[test]
    fn titles_written_every_which_way_find_their_target() {
        for (h, t) in [
            ("姓名*", "person.name"),
            ("＊身份证号", "person.identifiers.resident-id"),
            ("公民身份证号", "person.identifiers.resident-id"),
            ("联系电话（手机）", "person.phones"),
            ("小 区", "place.compound"),
            ("户籍信息/户籍地址", "person.residences.registered"),
            ("车牌号码", "thing.plateNumber"),
            ("承租人姓名*", "person.name"),
            ("承租人身份证号*", "person.identifiers.resident-id"),
            ("承租人联系电话*", "person.phones"),
            ("车主姓名*", "person.name"),
            ("车主身份证号", "person.identifiers.resident-id"),
            ("车主联系电话", "person.phones"),
            ("所在楼宇", "place.building"),
            ("服务对象类别", "person.careTags"),
        ] {
            assert_eq!(guess_target(h).map(Target::name).as_deref(), Some(t), "{h}");
        }
        assert_eq!(guess_target("配偶姓名"), None, "a relative's name is not the person's");
    }

    #[test]
    fn labels_guess_their_codes_only_when_one_code_fits() {
        assert_eq!(guess_code::<ResidenceKind>("户籍人口"), Some("registered"));
        assert_eq!(guess_code::<EthnicGroup>("汉"), Some("01"));
        assert_eq!(guess_code::<PoliticalStatus>("中共党员"), Some("01"));
        assert_eq!(guess_code::<Relationship>("其他亲属关系不明"), None);
    }

    #[test]
    fn plates() {
        assert!(is_plate("苏E12345"));
        assert!(is_plate("苏E·D12345"));
        assert!(!is_plate("E12345"));
    }
}

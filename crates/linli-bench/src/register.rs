//! `linli-bench register`: a deterministic department population register (社区实有人口登记表), the
//! input of `benches/register.sh`.
//!
//! One row per person, the columns of a typical community export:
//!
//! `人员编号,姓名,性别,民族,出生日期,公民身份号码,联系电话,户籍地址,小区,楼栋,单元,房号,人口类型,户号,与户主关系,政治面貌,备注`
//!
//! Rows come in households: a head (户主) and up to five members (妻/夫, 长子, 次女, 父亲, 母亲, …,
//! GB/T 4761 labels) sharing one 户号, one room (小区/楼栋/单元/房号) and one 人口类型 (户籍人口,
//! 常住人口, 流动人口, 租户). Households share rooms: there are about `rows / 10` rooms in ~200
//! 小区, so a room holds several households (tenants, earlier occupants), as registers do.
//!
//! Every value is valid: resident ID numbers are GB 11643 with a correct check character, an
//! address code of a real province, the row's birth date and a sequence code whose parity agrees
//! with 性别 (男/女) and are unique; mobiles are `1[3-9]` and 11 digits; birth dates are in the
//! past (up to 2024-12-31) and written as `1990-01-02`, `1990/1/2`, `1990年1月2日` or `19900102`.
//! Names are drawn from surname and given-name character lists: no real person's data.
//!
//! The same `--rows` and `--seed` give the same bytes.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write;

use rand_core::{Rng, SeedableRng};

/// The header row.
pub(crate) const HEADER: [&str; 17] = [
    "人员编号",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "联系电话",
    "户籍地址",
    "小区",
    "楼栋",
    "单元",
    "房号",
    "人口类型",
    "户号",
    "与户主关系",
    "政治面貌",
    "备注",
];

/// The last possible birth date (births are in the past of the mapping's `createdAt`).
const LAST_YEAR: u32 = 2024;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛",
    "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武",
    "戴", "莫", "孔", "向", "汤", "欧阳", "司马",
];
const GIVEN_M: &[&str] = &[
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "建", "国", "华", "文", "博", "轩", "浩", "然", "宇",
    "航", "俊", "志", "鹏", "辉", "斌", "刚", "平", "海", "波", "峰", "林", "晨", "睿", "泽", "昊", "哲", "宏", "亮",
    "鑫", "凯", "成", "东", "兵", "春", "德", "荣", "新", "忠", "庆", "宁",
];
const GIVEN_F: &[&str] = &[
    "芳", "娜", "秀", "英", "敏", "静", "丽", "艳", "娟", "霞", "玉", "兰", "桂", "雨", "涵", "欣", "怡", "梓", "诗",
    "琪", "佳", "婉", "清", "红", "梅", "琳", "燕", "萍", "莉", "慧", "婷", "雪", "倩", "颖", "晶", "璐", "悦", "瑶",
    "蕾", "洁", "妍", "菲", "岚", "月", "凤", "云", "薇", "彤", "馨", "琴",
];

/// 民族 labels with their weight per 1000 persons (汉族 the rest).
const ETHNIC: &[(&str, u32)] = &[
    ("回族", 15),
    ("满族", 14),
    ("壮族", 13),
    ("苗族", 9),
    ("土家族", 8),
    ("蒙古族", 7),
    ("彝族", 6),
    ("朝鲜族", 5),
    ("畲族", 4),
    ("布依族", 3),
    ("侗族", 3),
    ("白族", 2),
    ("藏族", 1),
];

/// Address codes of 苏州市 used on resident IDs of registered residents (today's 姑苏区 and the
/// districts it was merged from).
const SUZHOU_AREAS: &[&str] = &["320508", "320502", "320503", "320504"];
/// Other districts of 苏州市 (常住人口 registered elsewhere in the city).
const SUZHOU_OTHER: &[(&str, &str)] = &[
    ("320505", "江苏省苏州市虎丘区"),
    ("320506", "江苏省苏州市吴中区"),
    ("320507", "江苏省苏州市相城区"),
    ("320509", "江苏省苏州市吴江区"),
];
/// Address codes and registered-address prefixes of migrants' home counties.
const HOME_COUNTIES: &[(&str, &str)] = &[
    ("340122", "安徽省合肥市肥东县"),
    ("341221", "安徽省阜阳市临泉县"),
    ("410523", "河南省安阳市汤阴县"),
    ("411721", "河南省驻马店市西平县"),
    ("411627", "河南省周口市太康县"),
    ("420117", "湖北省武汉市新洲区"),
    ("421127", "湖北省黄冈市黄梅县"),
    ("430524", "湖南省邵阳市隆回县"),
    ("510722", "四川省绵阳市三台县"),
    ("511621", "四川省广安市岳池县"),
    ("360821", "江西省吉安市吉安县"),
    ("320322", "江苏省徐州市沛县"),
    ("321281", "江苏省泰州市兴化市"),
    ("370828", "山东省济宁市金乡县"),
    ("520521", "贵州省毕节市大方县"),
    ("130627", "河北省保定市唐县"),
    ("230102", "黑龙江省哈尔滨市道里区"),
    ("500233", "重庆市忠县"),
    ("450881", "广西壮族自治区贵港市桂平市"),
    ("330381", "浙江省温州市瑞安市"),
];
const TOWNS: &[&str] = &["城关镇", "新集镇", "王庄镇", "石桥镇", "永安镇", "龙泉镇", "太平镇", "白马镇"];
const VILLAGES: &[&str] = &["张庄村", "李湾村", "前进村", "红旗村", "东风村", "杨树村", "新华村", "马店村"];
/// 街道 and one of its roads in 姑苏区.
const STREETS: &[(&str, &str)] = &[
    ("平江街道", "平江路"),
    ("观前街道", "观前街"),
    ("双塔街道", "凤凰街"),
    ("沧浪街道", "南门路"),
    ("金阊街道", "石路"),
    ("虎丘街道", "虎丘路"),
    ("白洋湾街道", "金政街"),
    ("吴门桥街道", "南环西路"),
];
/// 小区 names: every prefix with every suffix (200).
const ESTATE_PREFIX: &[&str] = &[
    "锦绣",
    "幸福",
    "阳光",
    "翠园",
    "金桥",
    "新城",
    "碧波",
    "桂花",
    "康乐",
    "东港",
    "南苑",
    "枫桥",
    "平江",
    "桃花坞",
    "沧浪",
    "石湖",
    "金鸡湖",
    "虎丘",
    "白塘",
    "青枫",
];
const ESTATE_SUFFIX: &[&str] = &["花园", "新村", "小区", "苑", "家园", "公寓", "嘉园", "雅苑", "名邸", "新苑"];
/// Mobile prefixes (三位号段).
const MOBILE_PREFIX: &[u16] = &[
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 153, 155, 156, 157, 158, 159, 166, 173, 175,
    176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 191, 198, 199,
];
const REMARKS: &[&str] = &["退役军人", "低保户", "残疾人", "重点关爱对象", "临时外出务工", "已迁出待核实"];

/// Where a household is registered (人口类型).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Registered,
    Permanent,
    Migrant,
    Tenant,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Registered => "户籍人口",
            Kind::Permanent => "常住人口",
            Kind::Migrant => "流动人口",
            Kind::Tenant => "租户",
        }
    }
}

/// A generated person before rendering.
struct Member {
    surname: &'static str,
    male: bool,
    birth: (u32, u32, u32),
    relation: &'static str,
    area: &'static str,
}

struct Rand(rand_chacha::ChaCha8Rng);

impl Rand {
    fn below(&mut self, n: u32) -> u32 {
        if n == 0 { 0 } else { (self.0.next_u64() % u64::from(n)) as u32 }
    }
    fn range(&mut self, lo: u32, hi_incl: u32) -> u32 {
        lo + self.below(hi_incl.saturating_sub(lo) + 1)
    }
    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < per_mille
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u32) as usize]
    }
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// What was written.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    pub(crate) rows: u64,
    pub(crate) households: u64,
    pub(crate) rooms: u64,
    pub(crate) bytes: u64,
}

struct Gen {
    rng: Rand,
    rooms: u32,
    used_rooms: HashSet<u32>,
    ids: HashSet<u64>,
    households: u64,
}

impl Gen {
    fn birth_in(&mut self, year: u32) -> (u32, u32, u32) {
        let m = self.rng.range(1, 12);
        let d = self.rng.range(1, days_in_month(year, m));
        (year, m, d)
    }

    fn name(&mut self, surname: &str, male: bool, out: &mut String) {
        out.push_str(surname);
        let chars = if male { GIVEN_M } else { GIVEN_F };
        out.push_str(self.rng.pick(chars));
        if self.rng.chance(700) {
            out.push_str(self.rng.pick(chars));
        }
    }

    /// The members of one household (head first), at most `max` of them.
    fn household(&mut self, kind: Kind, max: u32) -> Vec<Member> {
        let size = match self.rng.below(100) {
            0..20 => 1,
            20..48 => 2,
            48..75 => 3,
            75..90 => 4,
            90..97 => 5,
            _ => 6,
        }
        .min(max);
        let home: &'static str = match kind {
            Kind::Registered => self.rng.pick(SUZHOU_AREAS),
            Kind::Permanent if self.rng.chance(500) => self.rng.pick(SUZHOU_OTHER).0,
            _ => self.rng.pick(HOME_COUNTIES).0,
        };
        let head_age = match kind {
            Kind::Migrant | Kind::Tenant => self.rng.range(20, 60),
            _ => self.rng.range(22, 88),
        };
        let head_year = LAST_YEAR - head_age;
        let head_male = self.rng.chance(700);
        let head_surname: &'static str = self.rng.pick(SURNAMES);
        let birth = self.birth_in(head_year);
        let mut members =
            vec![Member { surname: head_surname, male: head_male, birth, relation: "户主", area: home }];
        let mut father_surname = head_male.then_some(head_surname);
        if members.len() < size as usize && self.rng.chance(850) {
            let year = if head_male { head_year + self.rng.range(0, 5) } else { head_year - self.rng.range(0, 5) }
                .min(LAST_YEAR - 20);
            let surname: &'static str = self.rng.pick(SURNAMES);
            if !head_male {
                father_surname = Some(surname);
            }
            let area = if self.rng.chance(700) { home } else { self.rng.pick(HOME_COUNTIES).0 };
            let birth = self.birth_in(year);
            members.push(Member {
                surname,
                male: !head_male,
                birth,
                relation: if head_male { "妻" } else { "夫" },
                area,
            });
        }
        // The head's parents, when the head is young enough to live with them.
        if head_age <= 45 && members.len() + 2 <= size as usize && self.rng.chance(250) {
            for male in [true, false] {
                let year = head_year - self.rng.range(22, 32);
                let surname = if male { head_surname } else { self.rng.pick(SURNAMES) };
                let birth = self.birth_in(year);
                let relation = if male { "父亲" } else { "母亲" };
                members.push(Member { surname, male, birth, relation, area: home });
            }
        }
        // Children, born when the head was 22 to 40.
        let mut children: Vec<(bool, (u32, u32, u32))> = Vec::new();
        while members.len() + children.len() < size as usize {
            let year = head_year + self.rng.range(22, 40);
            if year > LAST_YEAR || children.len() >= 3 {
                break;
            }
            let male = self.rng.chance(510);
            children.push((male, self.birth_in(year)));
        }
        children.sort_by_key(|c| c.1);
        let (mut sons, mut daughters) = (0usize, 0usize);
        for (male, birth) in children {
            let relation = if male {
                sons += 1;
                ["长子", "次子", "三子"][sons - 1]
            } else {
                daughters += 1;
                ["长女", "次女", "三女"][daughters - 1]
            };
            let surname = father_surname.unwrap_or(head_surname);
            members.push(Member { surname, male, birth, relation, area: home });
        }
        members
    }

    /// A unique GB 11643 number for a person.
    fn id_number(&mut self, m: &Member) -> String {
        let (y, mo, d) = m.birth;
        loop {
            // Odd for men (1..=997), even for women (2..=998).
            let seq = (self.rng.below(499) + 1) * 2 - u32::from(m.male);
            // 沧浪, 平江 and 金阊 were merged into 姑苏区 in 2012: numbers issued later carry 320508.
            let area = if y >= 2013 && SUZHOU_AREAS.contains(&m.area) { "320508" } else { m.area };
            let first17 = format!("{area}{y:04}{mo:02}{d:02}{seq:03}");
            let key = first17.bytes().fold(0u64, |acc, b| acc * 10 + u64::from(b.wrapping_sub(b'0')));
            if !self.ids.insert(key) {
                continue;
            }
            let check = linli_model::check::id_number::check_character(&first17).unwrap_or('0');
            return format!("{first17}{check}");
        }
    }

    /// The registered address (户籍地址) of a household whose head's ID number has address code
    /// `area`: in 姑苏区 for registered residents, else in the head's home county.
    fn registered_address(&mut self, kind: Kind, area: &str, out: &mut String) {
        let home = HOME_COUNTIES.iter().chain(SUZHOU_OTHER).find(|(code, _)| *code == area);
        if let (Some((_, prefix)), false) = (home, kind == Kind::Registered) {
            out.push_str(prefix);
            if prefix.ends_with('区') {
                let road = ["人民路", "建设路", "解放路", "中山路", "新华路"];
                let _ = write!(out, "{}{}号", self.rng.pick(&road), self.rng.range(1, 400));
            } else {
                let _ = write!(
                    out,
                    "{}{}{}组{}号",
                    self.rng.pick(TOWNS),
                    self.rng.pick(VILLAGES),
                    self.rng.range(1, 12),
                    self.rng.range(1, 80)
                );
            }
        } else {
            let (street, road) = self.rng.pick(STREETS);
            let _ = write!(out, "江苏省苏州市姑苏区{street}{road}{}号", self.rng.range(1, 300));
        }
    }
}

/// Append one CSV field (quoted only when it must be).
fn field(line: &mut String, value: &str) {
    if !line.is_empty() {
        line.push(',');
    }
    if value.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&value.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(value);
    }
}

/// The room of index `i`: (小区, 楼栋, 单元, 房号). 200 小区; in each, buildings of 3 units of 6
/// floors with 2 rooms a floor.
fn room(i: u32) -> (usize, u32, u32, u32) {
    let estates = (ESTATE_PREFIX.len() * ESTATE_SUFFIX.len()) as u32;
    let estate = i % estates;
    let j = i / estates;
    let building = j / 36 + 1;
    let rem = j % 36;
    let unit = rem / 12 + 1;
    let floor = (rem % 12) / 2 + 1;
    (estate as usize, building, unit, floor * 100 + rem % 2 + 1)
}

/// Write `rows` rows (plus the header) to `out`, in GBK when `gbk`, else UTF-8 without a BOM;
/// lines end in CRLF, as spreadsheet exports do.
pub(crate) fn write(rows: u64, seed: u64, gbk: bool, out: &mut dyn Write) -> std::io::Result<Summary> {
    let mut g = Gen {
        rng: Rand(rand_chacha::ChaCha8Rng::seed_from_u64(seed)),
        rooms: u32::try_from((rows / 10).max(1)).unwrap_or(u32::MAX),
        used_rooms: HashSet::new(),
        ids: HashSet::with_capacity(usize::try_from(rows).unwrap_or(0)),
        households: 0,
    };
    let mut summary = Summary::default();
    let mut line = String::with_capacity(512);
    let mut emit = |line: &mut String, summary: &mut Summary| -> std::io::Result<()> {
        line.push_str("\r\n");
        let bytes: std::borrow::Cow<'_, [u8]> =
            if gbk { encoding_rs::GBK.encode(line).0 } else { std::borrow::Cow::Borrowed(line.as_bytes()) };
        out.write_all(&bytes)?;
        summary.bytes += bytes.len() as u64;
        line.clear();
        Ok(())
    };
    for h in HEADER {
        field(&mut line, h);
    }
    emit(&mut line, &mut summary)?;
    let mut scratch = String::new();
    while summary.rows < rows {
        let kind = match g.rng.below(100) {
            0..55 => Kind::Registered,
            55..70 => Kind::Permanent,
            70..90 => Kind::Migrant,
            _ => Kind::Tenant,
        };
        let left = u32::try_from(rows - summary.rows).unwrap_or(u32::MAX);
        let members = g.household(kind, left);
        g.households += 1;
        let household_no = format!("{:09}", g.households);
        let room_index = g.rng.below(g.rooms);
        g.used_rooms.insert(room_index);
        let (estate, building, unit, room_no) = room(room_index);
        let estate_name =
            format!("{}{}", ESTATE_PREFIX[estate / ESTATE_SUFFIX.len()], ESTATE_SUFFIX[estate % ESTATE_SUFFIX.len()]);
        // One household, one registered address.
        let mut address = String::new();
        g.registered_address(kind, members[0].area, &mut address);
        for m in &members {
            summary.rows += 1;
            let (y, mo, d) = m.birth;
            let age = LAST_YEAR - y;
            field(&mut line, &format!("P{:08}", summary.rows));
            scratch.clear();
            g.name(m.surname, m.male, &mut scratch);
            field(&mut line, &scratch);
            field(&mut line, if m.male { "男" } else { "女" });
            let mut ethnic = "汉族";
            let mut roll = g.rng.below(1000);
            for (label, w) in ETHNIC {
                if roll < *w {
                    ethnic = label;
                    break;
                }
                roll -= w;
            }
            field(&mut line, ethnic);
            let date = match g.rng.below(100) {
                0..55 => format!("{y:04}-{mo:02}-{d:02}"),
                55..80 => format!("{y}/{mo}/{d}"),
                80..95 => format!("{y}年{mo}月{d}日"),
                _ => format!("{y:04}{mo:02}{d:02}"),
            };
            field(&mut line, &date);
            let id = g.id_number(m);
            field(&mut line, &id);
            let no_phone = (age < 16 && g.rng.chance(900)) || (age > 75 && g.rng.chance(300));
            let phone = if no_phone {
                String::new()
            } else {
                format!("{}{:08}", g.rng.pick(MOBILE_PREFIX), g.rng.below(100_000_000))
            };
            field(&mut line, &phone);
            field(&mut line, &address);
            field(&mut line, &estate_name);
            field(&mut line, &format!("{building}栋"));
            field(&mut line, &format!("{unit}单元"));
            field(&mut line, &room_no.to_string());
            field(&mut line, kind.label());
            field(&mut line, &household_no);
            field(&mut line, m.relation);
            let political = if (14..=28).contains(&age) && g.rng.chance(350) {
                "共青团员"
            } else if age >= 18 && g.rng.chance(90) {
                "中共党员"
            } else {
                "群众"
            };
            field(&mut line, political);
            let remark = if g.rng.chance(30) { g.rng.pick(REMARKS) } else { "" };
            field(&mut line, remark);
            emit(&mut line, &mut summary)?;
        }
    }
    summary.households = g.households;
    summary.rooms = g.used_rooms.len() as u64;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(rows: u64, seed: u64) -> String {
        let mut out = Vec::new();
        write(rows, seed, false, &mut out).expect("writes to a Vec");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn deterministic_and_the_requested_number_of_rows() {
        let a = generate(2000, 7);
        assert_eq!(a, generate(2000, 7));
        assert_ne!(a, generate(2000, 8));
        assert_eq!(a.lines().count(), 2001);
        assert_eq!(a.lines().next(), Some(HEADER.join(",").as_str()));
    }

    #[test]
    fn every_row_is_valid_and_consistent() {
        let text = generate(20_000, 2026);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut ids = HashSet::new();
        let mut heads = HashSet::new();
        let mut households = HashSet::new();
        for row in reader.records() {
            let row = row.expect("well-formed CSV");
            assert_eq!(row.len(), HEADER.len());
            let id = linli_model::check::id_number::parse(&row[5]).expect("a valid ID number");
            assert!(id.province.is_some());
            assert!(ids.insert(row[5].to_owned()), "ID numbers are unique");
            let digits: String = row[4].chars().map(|c| if c.is_ascii_digit() { c } else { ' ' }).collect();
            let parts: Vec<u32> = digits.split_whitespace().map(|p| p.parse().expect("digits")).collect();
            let (y, m, d) = match parts.as_slice() {
                [ymd] => (ymd / 10000, ymd / 100 % 100, ymd % 100),
                [y, m, d] => (*y, *m, *d),
                _ => panic!("a date"),
            };
            let birth = linli_model::datetime::Date::from_ymd(y as i32, m as u8, d as u8).expect("a real date");
            assert_eq!(birth, id.birth_date, "birth date agrees with the ID number");
            assert!(y <= LAST_YEAR);
            let male = &row[2] == "男";
            assert_eq!(id.gender == linli_model::codes::Gender::Male, male, "gender agrees with the ID number");
            if !row[6].is_empty() {
                assert_eq!(
                    linli_model::check::phone::classify(&row[6]),
                    Some(linli_model::check::phone::PhoneShape::Mobile)
                );
            }
            households.insert(row[13].to_owned());
            if &row[14] == "户主" {
                assert!(heads.insert(row[13].to_owned()), "one head per household");
            }
        }
        assert_eq!(heads.len(), households.len(), "every household has its head");
    }

    #[test]
    fn about_one_room_per_ten_rows() {
        let mut sink = std::io::sink();
        let s = write(100_000, 1, false, &mut sink).expect("writes");
        assert_eq!(s.rows, 100_000);
        assert!((9_000..=10_000).contains(&s.rooms), "{} rooms", s.rooms);
        assert!((30_000..50_000).contains(&s.households), "{} households", s.households);
    }

    #[test]
    fn gbk_encodes_every_row() {
        let mut out = Vec::new();
        write(500, 3, true, &mut out).expect("writes");
        let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&out);
        assert!(!had_errors);
        assert_eq!(text, generate(500, 3));
    }
}

//! GB/T 2260 省级行政区划代码.

crate::code_table! {
    /// Province-level division (省级行政区), the 2-digit prefix of a GB/T 2260 administrative
    /// division code.
    pub enum Province: table "province", standard "GB/T 2260", zh "省级行政区", en "Province-level division" {
        Beijing = "11", "北京市", "Beijing";
        Tianjin = "12", "天津市", "Tianjin";
        Hebei = "13", "河北省", "Hebei";
        Shanxi = "14", "山西省", "Shanxi";
        InnerMongolia = "15", "内蒙古自治区", "Inner Mongolia Autonomous Region";
        Liaoning = "21", "辽宁省", "Liaoning";
        Jilin = "22", "吉林省", "Jilin";
        Heilongjiang = "23", "黑龙江省", "Heilongjiang";
        Shanghai = "31", "上海市", "Shanghai";
        Jiangsu = "32", "江苏省", "Jiangsu";
        Zhejiang = "33", "浙江省", "Zhejiang";
        Anhui = "34", "安徽省", "Anhui";
        Fujian = "35", "福建省", "Fujian";
        Jiangxi = "36", "江西省", "Jiangxi";
        Shandong = "37", "山东省", "Shandong";
        Henan = "41", "河南省", "Henan";
        Hubei = "42", "湖北省", "Hubei";
        Hunan = "43", "湖南省", "Hunan";
        Guangdong = "44", "广东省", "Guangdong";
        Guangxi = "45", "广西壮族自治区", "Guangxi Zhuang Autonomous Region";
        Hainan = "46", "海南省", "Hainan";
        Chongqing = "50", "重庆市", "Chongqing";
        Sichuan = "51", "四川省", "Sichuan";
        Guizhou = "52", "贵州省", "Guizhou";
        Yunnan = "53", "云南省", "Yunnan";
        Tibet = "54", "西藏自治区", "Tibet Autonomous Region";
        Shaanxi = "61", "陕西省", "Shaanxi";
        Gansu = "62", "甘肃省", "Gansu";
        Qinghai = "63", "青海省", "Qinghai";
        Ningxia = "64", "宁夏回族自治区", "Ningxia Hui Autonomous Region";
        Xinjiang = "65", "新疆维吾尔自治区", "Xinjiang Uygur Autonomous Region";
        Taiwan = "71", "台湾省", "Taiwan";
        HongKong = "81", "香港特别行政区", "Hong Kong SAR";
        Macao = "82", "澳门特别行政区", "Macao SAR";
    }
}

/// Why a string is not shaped like an administrative division code (see [`division_code_shape`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DivisionShapeError {
    /// The code is not 6, 9 or 12 characters long.
    Length,
    /// The code contains something other than ASCII digits `0`-`9`.
    NotDigits,
    /// The first two digits are not a known province-level division.
    UnknownProvince,
}

impl std::fmt::Display for DivisionShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DivisionShapeError::Length => "division code must have 6, 9 or 12 digits",
            DivisionShapeError::NotDigits => "division code must be ASCII digits only",
            DivisionShapeError::UnknownProvince => "division code has an unknown province prefix",
        })
    }
}

impl std::error::Error for DivisionShapeError {}

/// Shape of an administrative division code `[PLA-006]`: 6 digits (GB/T 2260 county level), or
/// the 9- or 12-digit statistical extension, all ASCII digits, with a known province prefix.
///
/// Only the shape is checked: a well-shaped code need not name a division that exists.
/// Returns the province-level division named by the first two digits.
pub fn division_code_shape(code: &str) -> Result<Province, DivisionShapeError> {
    use crate::codes::CodeTable;

    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DivisionShapeError::NotDigits);
    }
    // All bytes are ASCII here, so the byte length is the character count and slicing is safe.
    if !matches!(code.len(), 6 | 9 | 12) {
        return Err(DivisionShapeError::Length);
    }
    code.get(..2).and_then(Province::from_code).ok_or(DivisionShapeError::UnknownProvince)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::CodeTable;

    #[test]
    fn county_level_code_names_its_province() {
        assert_eq!(division_code_shape("320508"), Ok(Province::Jiangsu));
    }

    #[test]
    fn statistical_extensions_are_accepted() {
        assert_eq!(division_code_shape("320508001"), Ok(Province::Jiangsu));
        assert_eq!(division_code_shape("320508001001"), Ok(Province::Jiangsu));
    }

    #[test]
    fn malformed_codes_are_rejected() {
        assert_eq!(division_code_shape("32050"), Err(DivisionShapeError::Length));
        assert_eq!(division_code_shape(""), Err(DivisionShapeError::Length));
        assert_eq!(division_code_shape("3205080010"), Err(DivisionShapeError::Length));
        assert_eq!(division_code_shape("32050a"), Err(DivisionShapeError::NotDigits));
        assert_eq!(division_code_shape("32050\u{ff18}"), Err(DivisionShapeError::NotDigits));
        assert_eq!(division_code_shape("990101"), Err(DivisionShapeError::UnknownProvince));
    }

    #[test]
    fn there_are_34_province_level_divisions() {
        assert_eq!(<Province as CodeTable>::ALL.len(), 34);
    }
}

//! GB/T 3304-1991 中国各民族名称的罗马字母拼写法和代码.

crate::code_table! {
    /// Ethnic group (民族), GB/T 3304-1991: the 56 ethnic groups of China in the order and
    /// with the codes of the standard, plus `97` other and `98` foreign origin.
    pub enum EthnicGroup: table "ethnic-group", standard "GB/T 3304-1991", zh "民族", en "Ethnic group" {
        Han = "01", "汉族", "Han";
        Mongol = "02", "蒙古族", "Mongol";
        Hui = "03", "回族", "Hui";
        Tibetan = "04", "藏族", "Tibetan";
        Uyghur = "05", "维吾尔族", "Uyghur";
        Miao = "06", "苗族", "Miao";
        Yi = "07", "彝族", "Yi";
        Zhuang = "08", "壮族", "Zhuang";
        Bouyei = "09", "布依族", "Bouyei";
        Korean = "10", "朝鲜族", "Korean";
        Manchu = "11", "满族", "Manchu";
        Dong = "12", "侗族", "Dong";
        Yao = "13", "瑶族", "Yao";
        Bai = "14", "白族", "Bai";
        Tujia = "15", "土家族", "Tujia";
        Hani = "16", "哈尼族", "Hani";
        Kazakh = "17", "哈萨克族", "Kazakh";
        Dai = "18", "傣族", "Dai";
        Li = "19", "黎族", "Li";
        Lisu = "20", "傈僳族", "Lisu";
        Va = "21", "佤族", "Va";
        She = "22", "畲族", "She";
        Gaoshan = "23", "高山族", "Gaoshan";
        Lahu = "24", "拉祜族", "Lahu";
        Shui = "25", "水族", "Shui";
        Dongxiang = "26", "东乡族", "Dongxiang";
        Naxi = "27", "纳西族", "Naxi";
        Jingpo = "28", "景颇族", "Jingpo";
        Kyrgyz = "29", "柯尔克孜族", "Kyrgyz";
        Tu = "30", "土族", "Tu";
        Daur = "31", "达斡尔族", "Daur";
        Mulao = "32", "仫佬族", "Mulao";
        Qiang = "33", "羌族", "Qiang";
        Blang = "34", "布朗族", "Blang";
        Salar = "35", "撒拉族", "Salar";
        Maonan = "36", "毛南族", "Maonan";
        Gelao = "37", "仡佬族", "Gelao";
        Xibe = "38", "锡伯族", "Xibe";
        Achang = "39", "阿昌族", "Achang";
        Pumi = "40", "普米族", "Pumi";
        Tajik = "41", "塔吉克族", "Tajik";
        Nu = "42", "怒族", "Nu";
        Uzbek = "43", "乌孜别克族", "Uzbek";
        Russian = "44", "俄罗斯族", "Russian";
        Ewenki = "45", "鄂温克族", "Ewenki";
        Deang = "46", "德昂族", "Deang";
        Bonan = "47", "保安族", "Bonan";
        Yugur = "48", "裕固族", "Yugur";
        Gin = "49", "京族", "Gin";
        Tatar = "50", "塔塔尔族", "Tatar";
        Derung = "51", "独龙族", "Derung";
        Oroqen = "52", "鄂伦春族", "Oroqen";
        Hezhen = "53", "赫哲族", "Hezhen";
        Monba = "54", "门巴族", "Monba";
        Lhoba = "55", "珞巴族", "Lhoba";
        Jino = "56", "基诺族", "Jino";
        Other = "97", "其他", "Other";
        ForeignOrigin = "98", "外国血统中国籍人士", "Foreign origin, Chinese nationality";
    }
}

//! GB/T 4761-2008 家庭关系代码.

crate::code_table! {
    /// Family relationship (家庭关系) of a person to the household head, GB/T 4761-2008.
    ///
    /// Codes ending in `0` (`10`, `20`, ... `80`) are the group headings of the standard and may
    /// be used when the finer relationship is not known.
    pub enum Relationship: table "relationship", standard "GB/T 4761-2008", zh "家庭关系", en "Family relationship" {
        Oneself = "01", "本人", "Self";
        HouseholdHead = "02", "户主", "Household head";
        Spouse = "10", "配偶", "Spouse";
        Husband = "11", "夫", "Husband";
        Wife = "12", "妻", "Wife";
        Son = "20", "子", "Son";
        OnlySon = "21", "独生子", "Only son";
        EldestSon = "22", "长子", "Eldest son";
        SecondSon = "23", "次子", "Second son";
        ThirdSon = "24", "三子", "Third son";
        FourthSon = "25", "四子", "Fourth son";
        FifthSon = "26", "五子", "Fifth son";
        AdoptedOrStepSon = "27", "养子或继子", "Adopted son or stepson";
        SonInLaw = "28", "女婿", "Son-in-law";
        OtherSon = "29", "其他儿子", "Other son";
        Daughter = "30", "女", "Daughter";
        OnlyDaughter = "31", "独生女", "Only daughter";
        EldestDaughter = "32", "长女", "Eldest daughter";
        SecondDaughter = "33", "次女", "Second daughter";
        ThirdDaughter = "34", "三女", "Third daughter";
        FourthDaughter = "35", "四女", "Fourth daughter";
        FifthDaughter = "36", "五女", "Fifth daughter";
        AdoptedOrStepDaughter = "37", "养女或继女", "Adopted daughter or stepdaughter";
        DaughterInLaw = "38", "儿媳", "Daughter-in-law";
        OtherDaughter = "39", "其他女儿", "Other daughter";
        Grandchild = "40", "孙子、孙女或外孙子、外孙女", "Grandchild";
        SonsSon = "41", "孙子", "Grandson (son's son)";
        SonsDaughter = "42", "孙女", "Granddaughter (son's daughter)";
        DaughtersSon = "43", "外孙子", "Grandson (daughter's son)";
        DaughtersDaughter = "44", "外孙女", "Granddaughter (daughter's daughter)";
        GrandsonsWife = "45", "孙媳妇或外孙媳妇", "Grandson's wife";
        GranddaughtersHusband = "46", "孙女婿或外孙女婿", "Granddaughter's husband";
        GreatGrandson = "47", "曾孙子或外曾孙子", "Great-grandson";
        GreatGranddaughter = "48", "曾孙女或外曾孙女", "Great-granddaughter";
        OtherGrandchild = "49", "其他孙子、孙女或外孙子、外孙女", "Other grandchild";
        Parent = "50", "父母", "Parent";
        Father = "51", "父亲", "Father";
        Mother = "52", "母亲", "Mother";
        HusbandsFather = "53", "公公", "Father-in-law (husband's father)";
        HusbandsMother = "54", "婆婆", "Mother-in-law (husband's mother)";
        WifesFather = "55", "岳父", "Father-in-law (wife's father)";
        WifesMother = "56", "岳母", "Mother-in-law (wife's mother)";
        StepOrAdoptiveFather = "57", "继父或养父", "Stepfather or adoptive father";
        StepOrAdoptiveMother = "58", "继母或养母", "Stepmother or adoptive mother";
        OtherParent = "59", "其他父母关系", "Other parent";
        Grandparent = "60", "祖父母或外祖父母", "Grandparent";
        PaternalGrandfather = "61", "祖父", "Paternal grandfather";
        PaternalGrandmother = "62", "祖母", "Paternal grandmother";
        MaternalGrandfather = "63", "外祖父", "Maternal grandfather";
        MaternalGrandmother = "64", "外祖母", "Maternal grandmother";
        SpousesGrandparent = "65", "配偶的祖父母或外祖父母", "Spouse's grandparent";
        GreatGrandfather = "66", "曾祖父", "Great-grandfather";
        GreatGrandmother = "67", "曾祖母", "Great-grandmother";
        SpousesGreatGrandparent = "68", "配偶的曾祖父母或外曾祖父母", "Spouse's great-grandparent";
        OtherGrandparent = "69", "其他祖父母或外祖父母关系", "Other grandparent";
        Sibling = "70", "兄弟姐妹", "Sibling";
        ElderBrother = "71", "兄", "Elder brother";
        ElderBrothersWife = "72", "嫂", "Elder brother's wife";
        YoungerBrother = "73", "弟", "Younger brother";
        YoungerBrothersWife = "74", "弟媳", "Younger brother's wife";
        ElderSister = "75", "姐姐", "Elder sister";
        ElderSistersHusband = "76", "姐夫", "Elder sister's husband";
        YoungerSister = "77", "妹妹", "Younger sister";
        YoungerSistersHusband = "78", "妹夫", "Younger sister's husband";
        OtherSibling = "79", "其他兄弟姐妹", "Other sibling";
        Other = "80", "其他", "Other";
        FathersElderBrother = "81", "伯父", "Uncle (father's elder brother)";
        FathersElderBrothersWife = "82", "伯母", "Aunt (wife of father's elder brother)";
        FathersYoungerBrother = "83", "叔父", "Uncle (father's younger brother)";
        FathersYoungerBrothersWife = "84", "婶母", "Aunt (wife of father's younger brother)";
        MothersBrother = "85", "舅父", "Uncle (mother's brother)";
        MothersBrothersWife = "86", "舅母", "Aunt (wife of mother's brother)";
        MothersSistersHusband = "87", "姨父", "Uncle (husband of mother's sister)";
        MothersSister = "88", "姨母", "Aunt (mother's sister)";
        FathersSistersHusband = "89", "姑父", "Uncle (husband of father's sister)";
        FathersSister = "90", "姑母", "Aunt (father's sister)";
        PaternalCousin = "91", "堂兄弟、堂姐妹", "Cousin (father's brother's child)";
        OtherCousin = "92", "表兄弟、表姐妹", "Cousin (other)";
        BrothersSon = "93", "侄子", "Nephew (brother's son)";
        BrothersDaughter = "94", "侄女", "Niece (brother's daughter)";
        SistersSon = "95", "外甥", "Nephew (sister's son)";
        SistersDaughter = "96", "外甥女", "Niece (sister's daughter)";
        OtherRelative = "97", "其他亲属", "Other relative";
        NonRelative = "99", "非亲属", "Non-relative";
    }
}

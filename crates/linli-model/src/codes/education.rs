//! GB/T 4658-2006 学历代码.

crate::code_table! {
    /// Education level (学历), GB/T 4658-2006.
    ///
    /// Codes ending in `0` are the levels of the standard; the others record completion:
    /// 毕业 (graduated), 结业 (completed without a diploma) or 肄业 (left before completion).
    pub enum Education: table "education", standard "GB/T 4658-2006", zh "学历", en "Education level" {
        Postgraduate = "10", "研究生教育", "Postgraduate education";
        DoctorateGraduated = "11", "博士研究生毕业", "Doctoral program, graduated";
        DoctorateCompleted = "12", "博士研究生结业", "Doctoral program, completed without diploma";
        DoctorateIncomplete = "13", "博士研究生肄业", "Doctoral program, not completed";
        MasterGraduated = "14", "硕士研究生毕业", "Master's program, graduated";
        MasterCompleted = "15", "硕士研究生结业", "Master's program, completed without diploma";
        MasterIncomplete = "16", "硕士研究生肄业", "Master's program, not completed";
        PostgraduateClassGraduated = "17", "研究生班毕业", "Postgraduate class, graduated";
        PostgraduateClassCompleted = "18", "研究生班结业", "Postgraduate class, completed without diploma";
        PostgraduateClassIncomplete = "19", "研究生班肄业", "Postgraduate class, not completed";
        Undergraduate = "20", "大学本科教育", "Undergraduate education";
        UndergraduateGraduated = "21", "大学本科毕业", "Bachelor's program, graduated";
        UndergraduateCompleted = "22", "大学本科结业", "Bachelor's program, completed without diploma";
        UndergraduateIncomplete = "23", "大学本科肄业", "Bachelor's program, not completed";
        UniversityOrdinaryClassGraduated = "28", "大学普通班毕业", "University ordinary class, graduated";
        JuniorCollege = "30", "大学专科教育", "Junior college education";
        JuniorCollegeGraduated = "31", "大学专科毕业", "Junior college, graduated";
        JuniorCollegeCompleted = "32", "大学专科结业", "Junior college, completed without diploma";
        JuniorCollegeIncomplete = "33", "大学专科肄业", "Junior college, not completed";
        SecondaryVocational = "40", "中等职业教育", "Secondary vocational education";
        SecondarySpecializedGraduated = "41", "中等专科毕业", "Secondary specialized school, graduated";
        SecondarySpecializedCompleted = "42", "中等专科结业", "Secondary specialized school, completed without diploma";
        SecondarySpecializedIncomplete = "43", "中等专科肄业", "Secondary specialized school, not completed";
        VocationalHighGraduated = "44", "职业高中毕业", "Vocational high school, graduated";
        VocationalHighCompleted = "45", "职业高中结业", "Vocational high school, completed without diploma";
        VocationalHighIncomplete = "46", "职业高中肄业", "Vocational high school, not completed";
        TechnicalSchoolGraduated = "47", "技工学校毕业", "Technical school, graduated";
        TechnicalSchoolCompleted = "48", "技工学校结业", "Technical school, completed without diploma";
        TechnicalSchoolIncomplete = "49", "技工学校肄业", "Technical school, not completed";
        SeniorHigh = "60", "普通高级中学教育", "Senior high school education";
        SeniorHighGraduated = "61", "普通高中毕业", "Senior high school, graduated";
        SeniorHighCompleted = "62", "普通高中结业", "Senior high school, completed without diploma";
        SeniorHighIncomplete = "63", "普通高中肄业", "Senior high school, not completed";
        JuniorHigh = "70", "初级中学教育", "Junior high school education";
        JuniorHighGraduated = "71", "初中毕业", "Junior high school, graduated";
        JuniorHighIncomplete = "73", "初中肄业", "Junior high school, not completed";
        Primary = "80", "小学教育", "Primary education";
        PrimaryGraduated = "81", "小学毕业", "Primary school, graduated";
        PrimaryIncomplete = "83", "小学肄业", "Primary school, not completed";
        Other = "90", "其他", "Other";
    }
}

//! GB/T 4762-1984 政治面貌代码.

crate::code_table! {
    /// Political status (政治面貌), GB/T 4762-1984.
    pub enum PoliticalStatus: table "political-status", standard "GB/T 4762-1984", zh "政治面貌", en "Political status" {
        CpcMember = "01", "中国共产党党员", "Member of the Communist Party of China";
        CpcProbationaryMember = "02", "中国共产党预备党员", "Probationary member of the Communist Party of China";
        CylMember = "03", "中国共产主义青年团团员", "Member of the Communist Youth League of China";
        RevolutionaryCommitteeKmt = "04", "中国国民党革命委员会会员", "Member of the Revolutionary Committee of the Chinese Kuomintang";
        DemocraticLeague = "05", "中国民主同盟盟员", "Member of the China Democratic League";
        DemocraticNationalConstruction = "06", "中国民主建国会会员", "Member of the China National Democratic Construction Association";
        PromotingDemocracy = "07", "中国民主促进会会员", "Member of the China Association for Promoting Democracy";
        PeasantsWorkersDemocratic = "08", "中国农工民主党党员", "Member of the Chinese Peasants' and Workers' Democratic Party";
        ZhiGong = "09", "中国致公党党员", "Member of the China Zhi Gong Party";
        Jiusan = "10", "九三学社社员", "Member of the Jiusan Society";
        TaiwanDemocraticSelfGovernment = "11", "台湾民主自治同盟盟员", "Member of the Taiwan Democratic Self-Government League";
        NonPartisan = "12", "无党派民主人士", "Non-partisan democrat";
        Masses = "13", "群众", "Ordinary citizen (no affiliation)";
    }
}

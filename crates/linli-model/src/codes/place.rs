//! Place kinds, room uses and rental status (Linli tables).

crate::code_table! {
    /// Kind of a place `[PLA-003]`, ordered from the largest to the smallest in the place
    /// hierarchy; `facility` and `poi` sit beside the hierarchy (see [`PlaceKind::rank`]).
    pub enum PlaceKind: table "place-kind", standard "Linli", zh "地点类型", en "Place kind" {
        Province = "province", "省级", "Province";
        City = "city", "地级市", "City";
        District = "district", "区县", "District or county";
        SubDistrict = "sub-district", "街道乡镇", "Sub-district or town";
        Community = "community", "社区村", "Community or village";
        Grid = "grid", "网格", "Grid";
        Compound = "compound", "小区", "Residential compound";
        Building = "building", "楼栋", "Building";
        Unit = "unit", "单元", "Unit (entrance)";
        Floor = "floor", "楼层", "Floor";
        Room = "room", "户室", "Room (dwelling)";
        Facility = "facility", "设施", "Facility";
        Poi = "poi", "兴趣点", "Point of interest";
    }
}

impl PlaceKind {
    /// Rank in the place hierarchy (`[PLA-004]`): a place's parent MUST have a strictly smaller
    /// rank. `facility` and `poi` have no rank of their own: they may hang under any place, and
    /// nothing but another facility or POI may hang under them.
    pub fn rank(self) -> Option<u8> {
        Some(match self {
            PlaceKind::Province => 1,
            PlaceKind::City => 2,
            PlaceKind::District => 3,
            PlaceKind::SubDistrict => 4,
            PlaceKind::Community => 5,
            PlaceKind::Grid => 6,
            PlaceKind::Compound => 7,
            PlaceKind::Building => 8,
            PlaceKind::Unit => 9,
            PlaceKind::Floor => 10,
            PlaceKind::Room => 11,
            PlaceKind::Facility | PlaceKind::Poi => return None,
        })
    }

    /// Whether a place of kind `self` may have a parent of kind `parent` `[PLA-004]`.
    pub fn may_have_parent(self, parent: PlaceKind) -> bool {
        match (self.rank(), parent.rank()) {
            (Some(c), Some(p)) => p < c,
            // A facility or POI may sit under any place, and under another facility (a
            // pump room inside a sports centre).
            (None, _) => true,
            // Nothing in the hierarchy sits under a facility or POI.
            (Some(_), None) => false,
        }
    }
}

crate::code_table! {
    /// Use of a room or dwelling `[PLA-010]`.
    pub enum RoomUse: table "room-use", standard "Linli", zh "房屋用途", en "Room use" {
        Residential = "residential", "住宅", "Residential";
        Commercial = "commercial", "商业", "Commercial";
        Office = "office", "办公", "Office";
        Mixed = "mixed", "商住两用", "Mixed residential and commercial";
        Storage = "storage", "仓储", "Storage";
        Vacant = "vacant", "空置", "Vacant";
        Other = "other", "其他", "Other";
    }
}

crate::code_table! {
    /// Rental status of a room `[PLA-010]`.
    pub enum RentalStatus: table "rental-status", standard "Linli", zh "出租状态", en "Rental status" {
        OwnerOccupied = "owner-occupied", "自住", "Owner-occupied";
        Rented = "rented", "出租", "Rented out";
        GroupRented = "group-rented", "群租", "Group rental";
        Vacant = "vacant", "空置", "Vacant";
    }
}

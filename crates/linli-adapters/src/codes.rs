//! Every code the adapters report, in one table: loss-report entries and findings alike
//! (spec `spec/22-adapter-codes.md`, generated from this table; rules in `spec/18-adapters.md`).
//!
//! A code is stable: it is never reused for another meaning and never translated.

use crate::LossKind;

/// How a code is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reported {
    /// As a loss-report entry of this kind (and, for `rejected`, also as a finding).
    Loss(LossKind),
    /// As a finding about the input as a whole or a row that was not converted; no loss entry.
    Finding,
    /// As the error of a conversion that reads nothing: the input as a whole is refused
    /// (`linli convert` exits 2) [ADP-075], [ADP-076].
    Refused,
}

impl Reported {
    /// The kind as the spec writes it (`kept-in-extensions`, …, or `finding`).
    pub fn as_str(self) -> &'static str {
        match self {
            Reported::Loss(LossKind::KeptInExtensions) => "kept-in-extensions",
            Reported::Loss(LossKind::NotRepresentable) => "not-representable",
            Reported::Loss(LossKind::Normalised) => "normalised",
            Reported::Loss(LossKind::Rejected) => "rejected",
            Reported::Finding => "finding",
            Reported::Refused => "refused",
        }
    }
}

/// One documented adapter code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdapterCode {
    /// The stable code; its prefix names the format.
    pub code: &'static str,
    /// How it is reported.
    pub reported: Reported,
    /// The requirement of `spec/18-adapters.md` it follows.
    pub requirement: &'static str,
    /// Chinese title.
    pub title_zh: &'static str,
    /// English title.
    pub title_en: &'static str,
}

/// A row of [`CODES`] from one entry of the table below (for the shared
/// [`code_table!`](linli_model::support::code::code_table)).
macro_rules! row {
    (@doc $kind:ident, $req:literal, $zh:literal, $en:literal) => {
        concat!("(", $req, "): ", $en)
    };
    ($code:literal, $kind:ident, $req:literal, $zh:literal, $en:literal) => {
        AdapterCode { code: $code, reported: row!(@kind $kind), requirement: $req, title_zh: $zh, title_en: $en }
    };
    (@kind Finding) => { Reported::Finding };
    (@kind Refused) => { Reported::Refused };
    (@kind $k:ident) => { Reported::Loss(LossKind::$k) };
}

linli_model::support::code::code_table! {
    /// A code the adapters report, typed: every loss entry, finding and error is made from one,
    /// so that a mistyped code does not compile.
    pub enum Code;
    /// Every code the adapters report.
    pub const CODES: [AdapterCode] = row!;
    // CSV and Excel tables
    CsvColumnKept = "csv-column-kept", KeptInExtensions, "ADP-001", "没有映射目标的列，保存在扩展中", "A column without a mapping target, kept in extensions";
    CsvAddressKept = "csv-address-kept", KeptInExtensions, "ADP-011", "地址文本（无地点标识）作为标准地址保存在扩展中", "Address text without a place id, kept as a standard address in extensions";
    CsvDateNormalised = "csv-date-normalised", Normalised, "ADP-012", "日期写法已规范", "A date written another way, normalised";
    CsvPhoneCleaned = "csv-phone-cleaned", Normalised, "ADP-012", "电话号码已清理", "A telephone number cleaned";
    CsvIdNumberNormalised = "csv-id-number-normalised", Normalised, "ADP-012", "身份号码写法已规范（全角、小写 x、空格）", "An ID number written another way (full-width, lower-case x, spaces), normalised";
    CsvUnknownLabel = "csv-unknown-label", Finding, "ADP-016", "不是代码表的代码或名称，也不在值映射中；本行拒收", "Neither a code nor a label of the code table, nor in the value map; the row is refused";
    CsvBadDate = "csv-bad-date", Finding, "ADP-016", "无法识别的日期；本行拒收", "Not a recognisable date; the row is refused";
    CsvBadIdNumber = "csv-bad-id-number", Finding, "ADP-016", "无效的公民身份号码；本行拒收", "Invalid resident ID number; the row is refused";
    CsvBadPhone = "csv-bad-phone", Finding, "ADP-016", "无法识别的电话号码；本行拒收", "Not a recognisable telephone number; the row is refused";
    CsvBadValue = "csv-bad-value", Finding, "ADP-016", "目标成员无法容纳的值；本行拒收", "A value the target member cannot hold; the row is refused";
    CsvBadRecordId = "csv-bad-record-id", Finding, "ADP-016", "无效的记录标识；本行拒收", "Invalid record id; the row is refused";
    CsvHouseholdIncomplete = "csv-household-incomplete", Finding, "ADP-016", "只有户号或只有与户主关系；本行拒收", "Household number without relationship, or the reverse; the row is refused";
    CsvBadCreditCode = "csv-bad-credit-code", Finding, "ADP-016", "无效的统一社会信用代码；本行拒收", "Invalid unified social credit code; the row is refused";
    CsvPlaceConflict = "csv-place-conflict", Finding, "ADP-014", "同一地点在不同行的属性不同；本行拒收", "The same place has other attributes in an earlier row; the row is refused";
    CsvDuplicatePlace = "csv-duplicate-place", Finding, "ADP-014", "以地点为主记录的行，其地点已由前面的行写出；本行拒收", "A row whose primary record is a place already written by an earlier row; the row is refused";
    CsvCreditCodeNormalised = "csv-credit-code-normalised", Normalised, "ADP-012", "统一社会信用代码写法已规范（全角、小写、空格）", "A credit code written another way (full-width, lower case, spaces), normalised";
    CsvPlateNormalised = "csv-plate-normalised", Normalised, "ADP-012", "号牌号码写法已规范（空格、分隔点、小写）", "A plate number written another way (blanks, separator dots, lower case), normalised";
    CsvSensitiveColumnNotKept = "csv-sensitive-column-not-kept", Finding, "ADP-019", "列名表明是个人信息而映射没有为它指定目标：此列不保存", "A column whose title marks it personal has no target: not kept";
    CsvSensitiveValueNotKept = "csv-sensitive-value-not-kept", NotRepresentable, "ADP-019", "未映射的列中像身份号码或手机号码的值，不保存", "A value of an unmapped column that looks like an ID or mobile number, not kept";
    CsvTitleRowSkipped = "csv-title-row-skipped", Normalised, "ADP-015", "表头之上的标题行，已跳过", "A title row above the header, skipped";
    CsvFormatDetected = "csv-format-detected", Normalised, "ADP-015", "文件内容与 --from 不符（CSV 或 Excel），按内容读取", "The bytes are another kind of table than --from says (CSV or Excel); read as what they are";
    CsvCellsBeyondColumns = "csv-cells-beyond-columns", NotRepresentable, "ADP-015", "工作表中超出读取范围（第 1024 列以右）的非空单元格，未读取", "Non-empty cells of a sheet beyond what is read (right of column 1024), not read";
    CsvColumnsMissing = "csv-columns-missing", Refused, "ADP-017", "表头缺少映射中过半的列或必需的姓名列，未转换任何行", "The header lacks most of the mapping's columns or the required name column; nothing converted";
    CsvMalformed = "csv-malformed", Finding, "ADP-011", "CSV 格式错误（字段数不符、引号未闭合），本行未转换", "Malformed CSV (ragged row, unclosed quote); the row is not converted";
    CsvEncoding = "csv-encoding", Finding, "ADP-010", "无法解码的字节或未知的编码", "Undecodable bytes or an unknown encoding";
    CsvMissingRequired = "csv-missing-required", Finding, "ADP-016", "缺少必需的单元格（姓名、机构名称、物品类型、地点名称）；本行拒收", "A required cell is missing (name, organization name, thing kind, place name); the row is refused";
    CsvMissingColumn = "csv-missing-column", Finding, "ADP-011", "映射中的列不在表头中", "A mapped column is not in the header";
    CsvDuplicateColumn = "csv-duplicate-column", Finding, "ADP-001", "表头重复，后一列已改名", "A repeated header; the later column is renamed";
    CsvNotRepresentable = "csv-not-representable", NotRepresentable, "ADP-013", "按此映射表格无法表示的成员", "A member the table cannot hold with this mapping";
    CsvRecordTypeNotRepresentable = "csv-record-type-not-representable", NotRepresentable, "ADP-013", "表格只能容纳 Person 记录", "The table holds Person records only";
    CsvCellNeutralised = "csv-cell-neutralised", Normalised, "ADP-081", "以 =、+、-、@、制表符或回车开头的单元格，写为带前导 ' 的文本，以免被当作公式", "A cell starting with =, +, -, @, a tab or a carriage return, written with a leading ' so that it is not taken for a formula";
    CsvEncodingUnrepresentable = "csv-encoding-unrepresentable", NotRepresentable, "ADP-013", "输出编码无法表示的字符", "A character the output encoding cannot represent";
    // FIWARE NGSI-LD
    FiwareBadUnit = "fiware-bad-unit", Rejected, "ADP-023", "属性给出的 unitCode 不是 UN/CEFACT 单位代码，不作为测量值，原样保存在扩展中", "An attribute's unitCode that is not a UN/CEFACT unit code; not a measurement, kept as given in extensions";
    FiwareSensitiveNotKept = "fiware-sensitive-not-kept", NotRepresentable, "ADP-078", "个人信息或密钥属性，不保存在扩展中", "A personal or secret attribute, not kept in extensions";
    FiwareAttributeKept = "fiware-attribute-kept", KeptInExtensions, "ADP-001", "没有对应成员的 FIWARE 属性，保存在扩展中", "A FIWARE attribute without a Linli member, kept in extensions";
    FiwareMetadataKept = "fiware-metadata-kept", KeptInExtensions, "ADP-001", "属性的元数据（observedAt、unitCode 等）保存在扩展中", "Attribute metadata (observedAt, unitCode, …) kept in extensions";
    FiwareContextKept = "fiware-context-kept", KeptInExtensions, "ADP-001", "@context 保存在扩展中", "The @context kept in extensions";
    FiwareAddressKept = "fiware-address-kept", KeptInExtensions, "ADP-001", "地址保存在扩展中", "The address kept in extensions";
    FiwareIdNotUrn = "fiware-id-not-urn", Normalised, "ADP-020", "标识不是 urn:ngsi-ld: 形式，已直接使用", "The id is not an urn:ngsi-ld: URN; used as it is";
    FiwareCoordinatesToWgs84 = "fiware-coordinates-to-wgs84", Normalised, "ADP-070", "坐标已换算为 WGS-84", "Coordinates converted to WGS-84";
    FiwareDateFromTime = "fiware-date-from-time", Normalised, "ADP-020", "由时间取日期", "A date taken from a time";
    FiwareNullAbsent = "fiware-null-absent", Normalised, "ADP-020", "null 值按缺省处理", "A null value read as absent";
    FiwareDefaultCategory = "fiware-default-category", Normalised, "ADP-020", "缺少类别或类别没有对应的 Linli 代码，使用 other.other", "No category, or one without a Linli code; other.other is used";
    FiwareDefaultChannel = "fiware-default-channel", Normalised, "ADP-020", "缺少渠道，使用默认值", "No channel; the default is used";
    FiwareDefaultClassification = "fiware-default-classification", Normalised, "ADP-020", "缺少数据分级，使用默认值", "No classification; the default is used";
    FiwareDefaultHistory = "fiware-default-history", Normalised, "ADP-020", "缺少办理过程，按状态生成", "No history; generated from the status";
    FiwareDefaultKind = "fiware-default-kind", Normalised, "ADP-020", "缺少种类，使用默认值", "No kind; the default is used";
    FiwareDefaultName = "fiware-default-name", Normalised, "ADP-020", "缺少名称，使用标识", "No name; the id is used";
    FiwareDefaultSeverity = "fiware-default-severity", Normalised, "ADP-020", "缺少严重程度，使用默认值", "No severity; the default is used";
    FiwareDefaultSource = "fiware-default-source", Normalised, "ADP-020", "缺少来源系统，使用默认值", "No source system; the default is used";
    FiwareDefaultStatus = "fiware-default-status", Normalised, "ADP-020", "缺少状态，使用默认值", "No status; the default is used";
    FiwareDefaultTime = "fiware-default-time", Normalised, "ADP-020", "缺少时间，使用转换时间", "No time; the time of conversion is used";
    FiwareDefaultTitle = "fiware-default-title", Normalised, "ADP-020", "缺少标题，使用默认值", "No title; the default is used";
    FiwareDefaultVersion = "fiware-default-version", Normalised, "ADP-020", "缺少版本，使用默认值", "No version; the default is used";
    FiwareAttributeType = "fiware-attribute-type", Rejected, "ADP-020", "FIWARE 属性类型错误", "A FIWARE attribute of the wrong type";
    FiwareTimeWithoutOffset = "fiware-time-without-offset", Normalised, "ADP-020", "时间缺少时区偏移，按 UTC 处理", "A time without a zone offset, read as UTC";
    FiwareTimeInvalid = "fiware-time-invalid", Rejected, "ADP-020", "时间格式错误", "A malformed time";
    FiwareTimeOrder = "fiware-time-order", Rejected, "ADP-020", "时间先后顺序错误", "Times in the wrong order";
    FiwareGeometryInvalid = "fiware-geometry-invalid", Rejected, "ADP-020", "几何无效", "An invalid geometry";
    FiwareIdInvalid = "fiware-id-invalid", Normalised, "ADP-020", "FIWARE 标识不是有效的 Linli 标识", "A FIWARE id that is not a valid Linli id";
    FiwareNotConverted = "fiware-not-converted", Finding, "ADP-003", "此实体未转换", "An entity that could not be converted";
    FiwareUnmappedType = "fiware-unmapped-type", Finding, "ADP-021", "实体类型没有映射文件映射，未转换；可用 --mapping 文件添加", "An entity type no mapping file maps; not converted (a --mapping file adds it)";
    FiwareTypeNoLinliHome = "fiware-type-no-linli-home", Finding, "ADP-021", "映射文件声明该实体类型没有对应的 Linli 记录，未转换", "An entity type the mapping files declare to have no Linli record; not converted";
    FiwareTypeKept = "fiware-type-kept", KeptInExtensions, "ADP-022", "多类型实体的其他类型保存在扩展中", "The other types of a multi-typed entity, kept in extensions";
    FiwareEnvelopeKept = "fiware-envelope-kept", KeptInExtensions, "ADP-022", "通知或批量包装的成员保存在每条记录的扩展中", "A member of a notification or batch wrapper, kept in each record's extensions";
    FiwareGeometryKept = "fiware-geometry-kept", KeptInExtensions, "ADP-025", "Linli 几何不能容纳的 GeoJSON 几何（LineString、MultiPolygon 等）保存在扩展中", "A GeoJSON geometry a Linli geometry cannot hold (LineString, MultiPolygon, …), kept in extensions";
    FiwareLocationUnknown = "fiware-location-unknown", Normalised, "ADP-025", "坐标 0,0 表示未知，不作为位置，原值保存在扩展中", "Coordinates 0,0 mean unknown: no location; the value kept in extensions";
    FiwareCoordinatesSwapped = "fiware-coordinates-swapped", Normalised, "ADP-025", "纬度写在经度之前，已交换", "Latitude given before longitude; swapped";
    FiwareGeoPoint = "fiware-geo-point", Normalised, "ADP-024", "NGSI-v2 geo:point（\"纬度, 经度\"）读为 GeoJSON 点", "An NGSI-v2 geo:point (\"lat, lng\") read as a GeoJSON Point";
    FiwareTimeNormalised = "fiware-time-normalised", Normalised, "ADP-025", "时间由其他写法转换为 RFC 3339", "A time written in another form, read as RFC 3339";
    FiwareTimeInterval = "fiware-time-interval", Normalised, "ADP-023", "ISO 8601 时间区间拆分为开始和结束时间", "An ISO 8601 interval split into start and end";
    FiwareUnitDefault = "fiware-unit-default", Normalised, "ADP-023", "测量值没有 unitCode，使用映射文件中的单位", "A measurement without unitCode; the mapping file's unit is used";
    FiwareNotRepresentable = "fiware-not-representable", NotRepresentable, "ADP-020", "NGSI-LD 实体无法表示的成员", "A member an NGSI-LD entity cannot hold";
    // Open311 GeoReport v2
    Open311SensitiveNotKept = "open311-sensitive-not-kept", NotRepresentable, "ADP-078", "个人信息或密钥字段（请求人的 email、phone、姓名），不保存在扩展中", "A personal or secret field (the requester's email, phone, names), not kept in extensions";
    Open311FieldKept = "open311-field-kept", KeptInExtensions, "ADP-001", "没有对应成员的 Open311 字段，保存在扩展中", "An Open311 field without a Linli member, kept in extensions";
    Open311MediaKept = "open311-media-kept", KeptInExtensions, "ADP-001", "media_url 保存在扩展中", "The media_url kept in extensions";
    Open311ServiceCodeKept = "open311-service-code-kept", KeptInExtensions, "ADP-032", "映射文件将 service_code 归入类别，原 service_code 和 service_name 保存在扩展中，写出时还原", "A service_code the mapping file turned into a category; the code and service_name kept in extensions and written back";
    Open311UnknownServiceCode = "open311-unknown-service-code", KeptInExtensions, "ADP-030", "映射表中没有的 service_code，类别记为其他", "A service_code not in the mapping table; category other";
    Open311UnknownStatus = "open311-unknown-status", Rejected, "ADP-030", "未知的 status（既非 open 也非 closed），保存在扩展中", "A status neither open nor closed, kept in extensions";
    Open311StatusStepSynthesised = "open311-status-step-synthesised", Normalised, "ADP-030", "由 status 生成的办理步骤", "A history step made from the status";
    Open311TimeWithoutOffset = "open311-time-without-offset", Normalised, "ADP-072", "时间缺少时区偏移，按 UTC 处理（映射文件可声明 +08:00）", "A time without a zone offset, read as UTC (or +08:00 when the mapping file declares it)";
    Open311TimeForm = "open311-time-form", Normalised, "ADP-071", "纪元秒/毫秒或纯数字时间，已转为 RFC 3339", "A time written as epoch seconds/milliseconds or digits, converted to RFC 3339";
    Open311NullAbsent = "open311-null-absent", Normalised, "ADP-074", "null 或空字符串按缺省处理", "A null or empty value read as absent";
    Open311DefaultTitle = "open311-default-title", Normalised, "ADP-030", "没有 service_name，标题取类别名称", "No service_name; the title is the category's label";
    Open311CoordinateText = "open311-coordinate-text", Normalised, "ADP-073", "坐标以文本写出，已读为数值", "Coordinates written as text, read as numbers";
    Open311CoordinatesSwapped = "open311-coordinates-swapped", Normalised, "ADP-073", "lat 与 long 写反，已交换", "lat and long given the other way round, swapped";
    Open311CoordinatesToWgs84 = "open311-coordinates-to-wgs84", Normalised, "ADP-070", "坐标已换算为 WGS-84", "Coordinates converted to WGS-84";
    Open311PositionUnknown = "open311-position-unknown", Normalised, "ADP-073", "坐标 0,0 表示未知，不作为位置", "Coordinates 0,0 mean unknown; no location";
    Open311PostResponse = "open311-post-response", Rejected, "ADP-033", "提交请求（POST）的回应，不是服务请求，未转换", "A POST response, not a service request; not converted";
    Open311ErrorResponse = "open311-error-response", Rejected, "ADP-033", "错误回应（code、description），不是服务请求，未转换", "An error response (code, description), not a service request; not converted";
    Open311BadTime = "open311-bad-time", Rejected, "ADP-003", "时间格式错误", "A malformed time";
    Open311BadCoordinate = "open311-bad-coordinate", Rejected, "ADP-003", "坐标无效", "An invalid coordinate";
    Open311BadText = "open311-bad-text", Rejected, "ADP-003", "文本无效（空白或过长）", "Invalid text (blank or too long)";
    Open311BadId = "open311-bad-id", Rejected, "ADP-003", "service_request_id 不是有效的标识", "A service_request_id that is not a valid id";
    Open311MissingId = "open311-missing-id", Rejected, "ADP-003", "缺少 service_request_id，请求未转换", "No service_request_id; the request is not converted";
    Open311MissingRequestedDatetime = "open311-missing-requested-datetime", Rejected, "ADP-003", "缺少 requested_datetime，请求未转换", "No requested_datetime; the request is not converted";
    Open311NotObject = "open311-not-object", Rejected, "ADP-003", "不是 JSON 对象", "Not a JSON object";
    Open311NotRepresentable = "open311-not-representable", NotRepresentable, "ADP-030", "Open311 服务请求无法表示的成员", "A member an Open311 service request cannot hold";
    Open311RecordTypeNotRepresentable = "open311-record-type-not-representable", NotRepresentable, "ADP-030", "Open311 只能容纳 Case 记录", "Open311 holds Case records only";
    Open311XmlAttributeNotRead = "open311-xml-attribute-not-read", NotRepresentable, "ADP-031", "<service_requests> 元素的属性不属于任何请求，未读取", "An attribute of the <service_requests> element, which belongs to no request; not read";
    Open311XmlJsonText = "open311-xml-json-text", Normalised, "ADP-031", "非标量成员在 XML 中写为 JSON 文本", "A non-scalar member written as JSON text in XML";
    Open311XmlName = "open311-xml-name", NotRepresentable, "ADP-031", "成员名不是 XML 元素名，在 XML 中无法写出", "A member whose name is not an XML element name, not written in XML";
    Open311XmlNull = "open311-xml-null", NotRepresentable, "ADP-031", "值为 null 的成员，XML 无法表示，未写出", "A member whose value is null, which XML cannot hold; not written";
    Open311XmlCharReplaced = "open311-xml-char-replaced", NotRepresentable, "ADP-031", "含有 XML 1.0 不允许的字符（C0 控制字符、U+FFFE、U+FFFF），写为 U+FFFD", "Characters XML 1.0 does not allow (C0 controls, U+FFFE, U+FFFF), written as U+FFFD";
    Open311ExtensionConflict = "open311-extension-conflict", NotRepresentable, "ADP-030", "扩展中的字段与写出的字段冲突", "A kept field that clashes with a written one";
    // GA/T 1400
    Gat1400FieldKept = "gat1400-field-kept", KeptInExtensions, "ADP-001", "没有对应成员的视图库字段，保存在扩展中", "A GA/T 1400 field without a Linli member, kept in extensions";
    Gat1400TimeToCst = "gat1400-time-to-cst", Normalised, "ADP-040", "写出时时间转为北京时间 yyyyMMddHHmmss", "A time written as yyyyMMddHHmmss in China Standard Time";
    Gat1400PlateColor = "gat1400-plate-color", Normalised, "ADP-040", "号牌颜色代码已转换", "Plate colour code converted";
    Gat1400ImageByReference = "gat1400-image-by-reference", NotRepresentable, "ADP-041", "图像数据不复制，只保留 sha256 引用", "Image bytes not copied; a sha256 reference kept";
    Gat1400ImageDataNotRestorable = "gat1400-image-data-not-restorable", NotRepresentable, "ADP-041", "写出时无法恢复图像数据", "Image bytes cannot be restored when writing";
    Gat1400NotificationField = "gat1400-notification-field", NotRepresentable, "ADP-040", "通知包装中的字段", "A field of the notification wrapper";
    Gat1400NotRepresentable = "gat1400-not-representable", NotRepresentable, "ADP-040", "视图库对象无法表示的成员", "A member a GA/T 1400 object cannot hold";
    Gat1400RecordTypeNotRepresentable = "gat1400-record-type-not-representable", NotRepresentable, "ADP-040", "视图库只能容纳 Thing 和 Event 记录", "GA/T 1400 holds Thing and Event records only";
    Gat1400EventCategory = "gat1400-event-category", NotRepresentable, "ADP-040", "视图库无法表示的事件类别", "An event category GA/T 1400 cannot hold";
    Gat1400ThingKind = "gat1400-thing-kind", NotRepresentable, "ADP-040", "视图库无法表示的物品种类", "A thing kind GA/T 1400 cannot hold";
    Gat1400BadId = "gat1400-bad-id", Rejected, "ADP-040", "编号格式错误（设备 20 位、来源/图像 41 位、对象 48 位）", "A malformed ID (device 20, source/image 41, object 48 characters)";
    Gat1400NoDeviceCode = "gat1400-no-device-code", Normalised, "ADP-040", "没有 20 位国标设备编码，写出记录标识", "No 20-digit national device code; the record id is written instead";
    Gat1400BadTime = "gat1400-bad-time", Rejected, "ADP-040", "时间不是有效的 yyyyMMddHHmmss", "Not a valid yyyyMMddHHmmss time";
    Gat1400MissingTime = "gat1400-missing-time", Rejected, "ADP-040", "缺少时间，对象未转换", "No time; the object is not converted";
    Gat1400MissingId = "gat1400-missing-id", Rejected, "ADP-040", "缺少编号，对象未转换", "No ID; the object is not converted";
    Gat1400BadBase64 = "gat1400-bad-base64", Rejected, "ADP-041", "图像数据不是有效的 base64", "Image data that is not valid base64";
    Gat1400BadCoordinate = "gat1400-bad-coordinate", Rejected, "ADP-003", "坐标无效", "An invalid coordinate";
    Gat1400NotObject = "gat1400-not-object", Rejected, "ADP-003", "不是 JSON 对象", "Not a JSON object";
    Gat1400UnknownWrapper = "gat1400-unknown-wrapper", Rejected, "ADP-040", "未知的包装对象", "An unknown wrapper object";
    Gat1400NullAbsent = "gat1400-null-absent", Normalised, "ADP-074", "null 或空字符串按缺失处理", "A null or empty value read as absent";
    Gat1400TimeZoneAssumed = "gat1400-time-zone-assumed", Normalised, "ADP-072", "无时区的时间按北京时间（+08:00）读取", "A time without a zone read as China Standard Time (+08:00)";
    Gat1400TimeEpoch = "gat1400-time-epoch", Normalised, "ADP-071", "Unix 时间戳转为 RFC 3339", "A Unix timestamp converted to RFC 3339";
    Gat1400TimeFromImage = "gat1400-time-from-image", Normalised, "ADP-040", "对象没有抓拍时间，取图像拍摄时间", "No capture time; the image's ShotTime used";
    Gat1400LocationUnknown = "gat1400-location-unknown", Normalised, "ADP-073", "经纬度 0,0 表示未知，不作为位置", "Longitude/Latitude 0,0 means unknown: no location";
    Gat1400CoordinateDatum = "gat1400-coordinate-datum", Normalised, "ADP-070", "坐标按声明的坐标系转换为 WGS-84", "Coordinates converted from the declared datum to WGS-84";
    Gat1400CoordinateSwapped = "gat1400-coordinate-swapped", Normalised, "ADP-073", "经纬度写反，已交换", "Longitude and latitude given the other way round; swapped";
    Gat1400ImageUrlOnly = "gat1400-image-url-only", Normalised, "ADP-041", "图像只有存储地址，媒体引用没有摘要", "An image given only by its URL: a media reference without digest";
    Gat1400BadImageUri = "gat1400-bad-image-uri", Rejected, "ADP-041", "图像地址不是绝对 URI", "An image location that is not an absolute URI";
    Gat1400SensitiveNotKept = "gat1400-sensitive-not-kept", NotRepresentable, "ADP-042", "无处标记的个人信息字段，不保存", "A personal field no member can mark, not kept";
    Gat1400PhotoNotCopied = "gat1400-photo-not-copied", NotRepresentable, "ADP-041", "图像数据不复制进记录", "Image bytes not copied into the record";
    Gat1400MissingName = "gat1400-missing-name", Rejected, "ADP-043", "人员登记缺少姓名，对象未转换", "A registered person without a name; not converted";
    Gat1400BadIdNumber = "gat1400-bad-id-number", Rejected, "ADP-042", "证件号码无效，未保留", "An invalid identity number, not kept";
    Gat1400GenderMismatch = "gat1400-gender-mismatch", Rejected, "ADP-042", "性别与证件号码不一致", "A gender that disagrees with the identity number";
    Gat1400BadPhone = "gat1400-bad-phone", Rejected, "ADP-042", "电话号码无效，未保留", "An invalid telephone number, not kept";
    // CloudEvents and GeoJSON
    CloudeventsSensitiveNotKept = "cloudevents-sensitive-not-kept", NotRepresentable, "ADP-078", "个人信息或密钥成员，不保存在扩展中", "A personal or secret member, not kept in extensions";
    CloudeventsNotConverted = "cloudevents-not-converted", Finding, "ADP-003", "此 CloudEvent 未转换", "A CloudEvent that could not be converted";
    CloudeventsRecordTypeNotRepresentable = "cloudevents-record-type-not-representable", NotRepresentable, "ADP-050", "CloudEvents 只能容纳 Event 记录", "CloudEvents hold Event records only";
    CloudeventsAttributeKept = "cloudevents-attribute-kept", KeptInExtensions, "ADP-001", "扩展属性保存在扩展中", "An extension attribute kept in extensions";
    CloudeventsMissingAttribute = "cloudevents-missing-attribute", Finding, "ADP-052", "缺少必需属性（specversion、id、source、type），未转换", "A required attribute (specversion, id, source, type) missing; not converted";
    CloudeventsUnsupportedSpecversion = "cloudevents-unsupported-specversion", Finding, "ADP-052", "specversion 不是 1.0，未转换", "A specversion other than 1.0; not converted";
    CloudeventsIdGenerated = "cloudevents-id-generated", Normalised, "ADP-054", "id 不是有效的 Linli 标识，使用生成的标识", "An id that is not a valid Linli id; a generated id used";
    CloudeventsDefaultCategory = "cloudevents-default-category", Normalised, "ADP-053", "类型映射中没有的类型，类别记为其他", "A type no mapping names; category other.other";
    CloudeventsDefaultSeverity = "cloudevents-default-severity", Normalised, "ADP-053", "映射没有给出严重程度，使用 info", "No severity from the mapping; info used";
    CloudeventsTimeWithoutOffset = "cloudevents-time-without-offset", Normalised, "ADP-055", "时间缺少时区偏移，按 UTC 处理", "A time without a zone offset, read as UTC";
    CloudeventsTimeNormalised = "cloudevents-time-normalised", Normalised, "ADP-055", "时间改写为 RFC 3339", "A time rewritten as RFC 3339";
    CloudeventsBadTime = "cloudevents-bad-time", Rejected, "ADP-055", "time 无效，保存在扩展中", "An invalid time, kept in extensions";
    CloudeventsDefaultTime = "cloudevents-default-time", Normalised, "ADP-055", "没有 time，取转换时间", "No time; the time of conversion used";
    CloudeventsNullAbsent = "cloudevents-null-absent", Normalised, "ADP-074", "null 或空属性按缺失处理", "A null or empty attribute read as absent";
    CloudeventsDataBase64Decoded = "cloudevents-data-base64-decoded", Normalised, "ADP-056", "data_base64 解码为 JSON", "data_base64 decoded as JSON";
    CloudeventsBadBase64 = "cloudevents-bad-base64", Rejected, "ADP-056", "data_base64 不是有效的 base64", "data_base64 that is not valid base64";
    GeojsonNotConverted = "geojson-not-converted", Finding, "ADP-003", "此 Feature 未转换", "A Feature that could not be converted";
    GeojsonRecordTypeNotRepresentable = "geojson-record-type-not-representable", NotRepresentable, "ADP-060", "GeoJSON 只能容纳 Place 记录", "GeoJSON holds Place records only";
    GeojsonPropertyKept = "geojson-property-kept", KeptInExtensions, "ADP-001", "没有对应成员的属性，保存在扩展中", "A property without a Linli member, kept in extensions";
    GeojsonNumericId = "geojson-numeric-id", Normalised, "ADP-060", "数字标识已转为文本", "A numeric id turned into text";
    GeojsonMemberDropped = "geojson-member-dropped", NotRepresentable, "ADP-060", "Feature 无法表示的成员", "A member a Feature cannot hold";
    GeojsonGeometryNotRepresentable = "geojson-geometry-not-representable", NotRepresentable, "ADP-066", "Linli 无法表示的几何类型", "A geometry type Linli cannot hold";
    GeojsonDuplicateMember = "geojson-duplicate-member", Finding, "ADP-062", "同一对象中成员名重复，输入未转换", "A member name twice in one object; nothing converted";
    GeojsonBadProperties = "geojson-bad-properties", Finding, "ADP-062", "properties 不是对象或 null，Feature 未转换", "properties neither an object nor null; the Feature is not converted";
    GeojsonBadId = "geojson-bad-id", Finding, "ADP-065", "Feature 的 id 不是字符串或数字，Feature 未转换", "A Feature id neither a string nor a number; the Feature is not converted";
    GeojsonEchartsDecoded = "geojson-echarts-decoded", Normalised, "ADP-068", "ECharts 压缩坐标已解码", "ECharts compressed coordinates decoded";
    GeojsonEchartsUndecodable = "geojson-echarts-undecodable", Finding, "ADP-068", "ECharts 压缩坐标无法解码，输入未转换", "ECharts compressed coordinates that cannot be decoded; nothing converted";
    GeojsonNullAbsent = "geojson-null-absent", Normalised, "ADP-074", "null 或空值按缺失处理", "A null or empty value read as absent";
    GeojsonBadPropertyValue = "geojson-bad-property-value", Rejected, "ADP-063", "属性值不能作为地点成员，保存在扩展中", "A property value that cannot be the place member, kept in extensions";
    GeojsonBadGeometry = "geojson-bad-geometry", Rejected, "ADP-066", "几何无效，保存在扩展中", "An invalid geometry, kept in extensions";
    GeojsonBadCoordinate = "geojson-bad-coordinate", Rejected, "ADP-066", "坐标无效，几何保存在扩展中", "An invalid position; the geometry kept in extensions";
    GeojsonIdGenerated = "geojson-id-generated", Normalised, "ADP-065", "缺少有效标识，使用生成的标识", "No valid id; a generated id is used";
    GeojsonDefaultName = "geojson-default-name", Normalised, "ADP-064", "没有名称，以标识作为名称", "No name; the id is the name";
    GeojsonDefaultKind = "geojson-default-kind", Normalised, "ADP-064", "没有地点类型，使用默认值 poi", "No place kind; the default poi is used";
    GeojsonGeometryMerged = "geojson-geometry-merged", Normalised, "ADP-066", "多边形组成的 GeometryCollection 合并为多多边形", "A GeometryCollection of polygons merged into a MultiPolygon";
    GeojsonZeroPosition = "geojson-zero-position", Normalised, "ADP-073", "坐标 0,0 表示未知，没有几何", "Position 0,0 means unknown; no geometry";
    GeojsonSwappedPosition = "geojson-swapped-position", Normalised, "ADP-073", "经纬度颠倒，已纠正", "Latitude and longitude swapped; put right";
    GeojsonCoordinatesToWgs84 = "geojson-coordinates-to-wgs84", Normalised, "ADP-070", "坐标已转换为 WGS-84", "Coordinates converted to WGS-84";
    GeojsonSensitiveNotKept = "geojson-sensitive-not-kept", NotRepresentable, "ADP-078", "个人信息或密钥属性，不保存在扩展中", "A personal or secret property, not kept in extensions";
    GeojsonReadAsNgsiLd = "geojson-read-as-ngsi-ld", Normalised, "ADP-062", "GeoJSON 形式的 NGSI-LD 实体，按 NGSI-LD 读取", "NGSI-LD entities in their GeoJSON form, read as NGSI-LD";
    GeojsonNgsiLdEntity = "geojson-ngsi-ld-entity", Finding, "ADP-062", "GeoJSON 形式的 NGSI-LD 实体，请用 --from ngsi-ld", "An NGSI-LD entity in GeoJSON form; read it with --from ngsi-ld";
    GeojsonEmptyFeature = "geojson-empty-feature", Finding, "ADP-062", "既无几何也无属性的 Feature，未转换", "A Feature with neither geometry nor properties; not converted";
    GeojsonRingClosed = "geojson-ring-closed", Normalised, "ADP-066", "未闭合的环已闭合", "An open ring closed";
    // Every format
    AdapterDuplicateId = "adapter-duplicate-id", Finding, "ADP-004", "与前面同类记录标识相同的记录，未写出", "A record with the id of an earlier record of its type; not written";
    AdapterRecordTooLarge = "adapter-record-too-large", Finding, "ADP-004", "嵌套过深或超过 16 MiB、无法作为一行 NDJSON 写出的记录，未写出", "A record nested too deep or larger than 16 MiB, which cannot be one NDJSON line; not written";
    AdapterNumberNotExact = "adapter-number-not-exact", Normalised, "ADP-080", "JSON 中无法精确读取的数：超出 64 位整数范围的整数按原文保存为字符串，其他数取最接近的双精度值", "A JSON number not read exactly: an integer beyond the 64-bit range kept as its text (a string), any other number taken as the nearest double";
    AdapterRecordInvalid = "adapter-record-invalid", Finding, "ADP-004", "读取的记录未通过语义检查，未写出", "A record read fails the semantic checks; not written";
    CsvNotText = "csv-not-text", Refused, "ADP-010", "不是文本（含 NUL 字节，或自动识别时既不是 UTF-8 也不是 GB18030），给出字节偏移和行号，未转换", "Not text (a NUL byte, or, the encoding detected, bytes neither UTF-8 nor GB18030), with the byte offset and line; nothing converted";
    AdapterInput = "adapter-input", Refused, "ADP-003", "输入无法读取（不是 JSON/XML、缺少列映射或映射文件错误）", "The input cannot be read at all (not JSON/XML, no column mapping, a bad mapping file)";
    AdapterWrongFormat = "adapter-wrong-format", Refused, "ADP-076", "输入不是所选格式；若像另一已知格式则提示 --from", "The input is not the format asked for; a hint at --from when it looks like another known format";
    AdapterDatumNotHonoured = "adapter-datum-not-honoured", Refused, "ADP-075", "此格式不含坐标，不能按非 WGS-84 的 --datum 处理", "The format carries no coordinates; a --datum other than WGS-84 is refused";
    AdapterMapping = "adapter-mapping", Refused, "ADP-003", "--mapping 给出的映射文件有误：列出其中每一处问题（TOML 行号和列号，不在代码表中的代码及其代码表）", "The mapping file given with --mapping is wrong: every problem in it (TOML line and column, a code not in its code table and the table)";
}

impl serde::Serialize for Code {
    /// As its stable code (`csv-column-kept`): the wire form of loss entries and findings.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Section 22.1 of the generated chapter: the pointers loss entries and findings carry
/// ([ADP-005]).
const POINTERS: &str = r#"## 22.1 Where: pointers (位置指针)

Every loss entry carries `pointer` and every finding `at` ([ADP-005]). They are JSON pointers (RFC 6901: in a member name `~` is written `~0` and `/` is written `~1`; the empty pointer is the input as a whole), except the `at` of a table finding.

| conversion | loss entry `pointer` | finding `at` |
|---|---|---|
| reading a table (`csv`, `xlsx`) | `/R/C` for a cell: R the row number as a spreadsheet shows it (the header is row 1), C the column header as one reference token; `/R` for a row | `row R column C` for a cell, `row R` for a row that was not converted, `file` for the input as a whole |
| reading JSON (`geojson`, `cloudevents`, `ngsi-ld`, `ngsi-ld-key-values`, `open311`, `gat1400`) | into the input as given: `/<i>/…` in a top-level array, `/features/<i>/…` in a FeatureCollection, `/<wrapper>/<list>/<i>/…` in GA/T 1400 | the same pointer |
| reading `open311-xml` | into the JSON form of the same requests: `/<i>/<element name>` | the same pointer |
| writing from `linli` (every format) | into the input array of records: `/<i>` for a whole record (`*-record-type-not-representable`, `gat1400-event-category`, `gat1400-thing-kind`), `/<i><member pointer>` for a member of it | — (writing draws no findings) |

What each kind of entry points at:

- a member kept in extensions, normalised or rejected: the member as the source has it (`/0/properties/osm_id`, `/4/联系电话`, `/2/requested_datetime`); a FIWARE loss entry points at the attribute (`/0/location`), a FIWARE finding at its value (`/0/location/value` in the normalized form, `/0/location` in key-values);
- a member the source lacks and a default replaced (`fiware-default-time`, `-name`, `-category`, `-severity`): the pointer the attribute would have (`/0/dateCreated`, `/0/category`); a default of the entity as a whole (`fiware-default-source`, `-version`, `-classification`, `-kind`): the entity (`/0`);
- `open311-post-response`, `open311-error-response`: the item (`/<i>`); `open311-null-absent`: the member; `open311-default-title`: `/<i>/service_name`; `open311-coordinate-text`, `open311-position-unknown`, `open311-coordinates-swapped`, `open311-coordinates-to-wgs84`: `/<i>/lat` (the pair as a whole);
- `open311-status-step-synthesised`: `/<i>/status`, once per synthesised step; `open311-xml-json-text`: the member of the case's `extensions.open311` written as JSON text; `open311-xml-name`, `open311-xml-null`: the member of the case's `extensions.open311` not written; `open311-xml-char-replaced`: `/<i>/description` or the member of the case's `extensions.open311` whose text it is;
- `gat1400-image-by-reference` and `gat1400-bad-base64`: the image's `Data` (`…/SubImageList/SubImageInfoObject/<j>/Data`); `gat1400-bad-coordinate`: the object's `Latitude`; `gat1400-missing-time`: the object; `gat1400-notification-field`: the field of the `SubscribeNotificationObject`; `gat1400-time-from-image`: the image's `ShotTime`; `gat1400-image-url-only` and `gat1400-bad-image-uri`: the image's `StoragePath` or the URL member; `gat1400-location-unknown`, `-coordinate-datum`, `-coordinate-swapped`: the object's `Latitude`; `gat1400-null-absent`: the absent member; `gat1400-missing-name`: the object's `Name`;
- `adapter-record-invalid` ([ADP-004]): the item of the input the record was read from where the reader knows it (the JSON pointer of the Open311 request `/<i>`, GeoJSON Feature `/features/<i>`, CloudEvent `/<i>`, NGSI entity or GA/T 1400 object, also named in the message), the empty pointer for an input that is one item (`file` for a table); the message names the record's position among the records read (from 0), its type, the semantic check's code and the member it concerns, never a value; converting canonical Linli records, the member's pointer into the input (`/<i>/…` in a JSON array) with the file and line;
- `csv-encoding-unrepresentable`: the record whose row holds the character (`/<i>`), or the empty pointer for the header;
- a `*-not-converted` finding (`geojson-`, `cloudevents-`, `fiware-not-converted`): the member that prevents the conversion, where it is or where it would be when it is missing (`/features/0/properties/name` for a Feature without `name`; `/1/id`, `/1/type` or `/1/time` for a CloudEvent that disagrees with its `data`; `/0/specversion`, `/0/data`); the item itself when it is not an object; the empty pointer when the input as a whole cannot be read as the format.

"#;

/// The entry of a code, if it is documented.
pub fn describe(code: &str) -> Option<&'static AdapterCode> {
    CODES.iter().find(|c| c.code == code)
}

/// The generated chapter `spec/22-adapter-codes.md`.
pub fn adapter_codes_chapter() -> (&'static str, String) {
    use std::fmt::Write;
    let mut md = String::from(
        "<!-- Generated by `linli docs --write spec/` from crates/linli-adapters/src/codes.rs. Do not edit by hand. -->\n\n",
    );
    md.push_str("# 22. Adapter codes (适配器代码)\n\n");
    md.push_str("中文摘要：本章列出各适配器在损失报告和问题中使用的全部代码（由参考实现的代码表生成）。代码稳定，不翻译、不复用。\n\n");
    md.push_str("Every code a reference adapter puts in a loss report ([ADP-002]) or reports as a finding ([ADP-003]), with how it is reported and the requirement of chapter 18 it follows. A `rejected` entry is also a finding with the same code; `finding` codes concern a row, an object that was not converted or the input as a whole and have no loss entry; `refused` codes are the error of a conversion that reads nothing at all (`linli convert` exits 2, [ADP-077]). One FIWARE code is a finding besides its loss entry of another kind: `fiware-attribute-type` for an attribute declared `Property` where a `Relationship` is required (the value is used; the finding points at its `type`). Another implementation SHOULD use these codes for the same situations; the conformance suite compares them ([CNF-035]).\n\n");
    md.push_str(POINTERS);
    let mut section = 1;
    for (prefix, title) in [
        ("csv-", "CSV and Excel (表格)"),
        ("xlsx-", "Excel workbooks"),
        ("fiware-", "FIWARE NGSI-LD"),
        ("open311-", "Open311 GeoReport v2"),
        ("gat1400-", "GA/T 1400 (视图库)"),
        ("cloudevents-", "CloudEvents"),
        ("geojson-", "GeoJSON"),
        ("adapter-", "Every format (所有格式)"),
    ] {
        section += 1;
        let _ = write!(
            md,
            "## 22.{section} {title}\n\n| code | reported as | requirement | 中文 | English |\n|---|---|---|---|---|\n"
        );
        for c in CODES.iter().filter(|c| c.code.starts_with(prefix)) {
            let _ = writeln!(
                md,
                "| `{}` | {} | [{}] | {} | {} |",
                c.code,
                c.reported.as_str(),
                c.requirement,
                c.title_zh,
                c.title_en
            );
        }
        md.push('\n');
    }
    ("22-adapter-codes.md", md)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_prefixed_by_their_format() {
        let mut seen = std::collections::HashSet::new();
        for c in CODES {
            assert!(seen.insert(c.code), "{} twice", c.code);
            assert!(
                ["csv-", "xlsx-", "fiware-", "open311-", "gat1400-", "cloudevents-", "geojson-", "adapter-"]
                    .iter()
                    .any(|p| c.code.starts_with(p)),
                "{}",
                c.code
            );
            assert!(c.requirement.starts_with("ADP-"), "{}", c.code);
        }
    }

    /// Every code of the table is used somewhere (as `Code::Variant` in the adapters' sources):
    /// the table has no dead entries. (A code not in the table cannot be reported at all: every
    /// place that reports one takes a [`Code`].)
    #[test]
    fn every_code_of_the_table_is_used() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let entry = regex::Regex::new(r#"(?m)^\s+(\w+) = "([a-z0-9-]+)","#).expect("pattern");
        let used_re = regex::Regex::new(r"\bCode::(\w+)").expect("pattern");
        let mut used = std::collections::BTreeSet::new();
        let mut table = std::collections::BTreeMap::new();
        // Every source file, modules split into directories included.
        let mut files = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(dir)];
        while let Some(d) = dirs.pop() {
            for entry in std::fs::read_dir(&d).expect("src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        for path in files {
            let text = std::fs::read_to_string(&path).expect("source");
            if path.file_name().is_some_and(|n| n == "codes.rs") {
                table.extend(entry.captures_iter(&text).map(|c| (c[1].to_owned(), c[2].to_owned())));
                continue;
            }
            // Outside tests: a code only a test names is not reported.
            let code = text.split("#[cfg(test)]").next().unwrap_or(&text);
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                used.extend(used_re.captures_iter(line).map(|c| c[1].to_owned()));
            }
        }
        assert_eq!(table.len(), CODES.len(), "the entry pattern reads every entry of the table");
        for (variant, code) in &table {
            assert!(used.contains(variant), "in the table but never used: {code}");
        }
    }
}

#[cfg(test)]
mod chapter {
    #[test]
    fn the_generated_chapter_is_up_to_date() {
        let (name, markdown) = super::adapter_codes_chapter();
        let path = format!("{}/../../spec/{name}", env!("CARGO_MANIFEST_DIR"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == markdown, "{path} is out of date: run `cargo run -p linli-cli -- docs --write spec/`");
    }
}

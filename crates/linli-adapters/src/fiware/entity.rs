//! One entity read into a record: its shape, its identifier, its metadata, then the reader of
//! its type (section 18.3).

use super::*;
use crate::codes::Code;

/// An entity's parts before any attribute is read (section 18.3): the object, where its
/// attributes are (a GeoJSON Feature's are its `properties`), its id and its types.
pub(super) struct Shape<'e> {
    obj: &'e Map<String, Value>,
    feature: bool,
    attrs_obj: &'e Map<String, Value>,
    attrs_base: String,
    ngsi_id: &'e str,
    type_at: String,
    types: Vec<&'e str>,
}

/// Convert one entity; pointers start with `base`. The steps: its [`shape`], the mapping of its
/// type, its [`attributes`] (those without value dropped by [`drop_absent`]), its
/// [`identifier`], its [`metadata`], its [`other_types`], then the members of its record — by
/// the reader of a built-in type ([`building`], [`device`], [`alert`], [`case`]) or by the
/// generic reader of its mapping — and [`finish`]: what is left kept, the record checked.
pub(super) fn convert(
    entity: &Value,
    base: &str,
    opts: &FromNgsi,
) -> Result<(Record, LossReport, Vec<Finding>), Refusal> {
    let shape = shape(entity, base)?;
    let registry = opts.registry();
    // A multi-typed entity is read as its first mapped type [ADP-022].
    let Some((ty_given, tm)) = shape.types.iter().find_map(|t| registry.get(t).map(|m| (*t, m))) else {
        return Err(Refusal::unmapped(&shape.type_at, &shape.types));
    };
    let ty = mapping::short_type(ty_given).to_owned();
    if tm.target == Target::None {
        return Err(Refusal::no_home(&shape.type_at, &ty, tm));
    }
    let model = tm.builtin.as_deref().and_then(Model::parse);
    let mut r = Reader {
        opts,
        model,
        personal: matches!(tm.target, Target::Record(RecordType::Person | RecordType::Organization)),
        attrs: attributes(&shape, base),
        ext: Map::new(),
        metadata: Map::new(),
        report: LossReport::default(),
        findings: Vec::new(),
    };
    drop_absent(&mut r);
    let (id, source_id) = identifier(&mut r, &shape, &ty, base)?;
    let ab = shape.attrs_base.as_str();
    let (meta, created) = metadata(&mut r, &ty, source_id, base, ab);
    let mut rec = Map::new();
    rec.insert("id".into(), Value::String(id.clone()));
    rec.insert("meta".into(), Value::Object(meta));
    other_types(&mut r, &shape, ty_given, &ty);
    match model {
        None => {
            for (k, v) in read::mapped(&mut r, tm, &id, created, ab) {
                rec.insert(k, v);
            }
        }
        Some(Model::Building) => building(&mut r, &mut rec, &id, ab),
        Some(model @ (Model::Device | Model::Camera)) => device(&mut r, &mut rec, model, ab),
        Some(Model::Alert) => alert(&mut r, &mut rec, created, ab),
        Some(model @ (Model::ServiceRequest | Model::IssueReporting)) => {
            case(&mut r, &mut rec, model, &id, created, ab)
        }
    }
    finish(r, rec, shape.obj, shape.attrs_obj, base, ab, root_label(base))
}

/// The object, its attributes' place, its id and its types, or why it is no NGSI entity.
fn shape<'e>(entity: &'e Value, base: &str) -> Result<Shape<'e>, Refusal> {
    let Some(obj) = entity.as_object() else {
        return Err(Refusal::new(base, "an NGSI entity must be a JSON object", "NGSI 实体必须是 JSON 对象"));
    };
    // A GeoJSON Feature: the attributes are its properties.
    let feature = obj.get("type").and_then(Value::as_str) == Some("Feature");
    let (attrs_obj, attrs_base) = match (feature, obj.get("properties").and_then(Value::as_object)) {
        (true, Some(p)) => (p, format!("{base}/properties")),
        _ => (obj, base.to_owned()),
    };
    let Some(ngsi_id) = obj.get("id").and_then(Value::as_str) else {
        return Err(Refusal::new(
            &format!("{base}/id"),
            "an NGSI entity must have a string `id`",
            "NGSI 实体必须有字符串 `id`",
        ));
    };
    let type_at = format!("{attrs_base}/type");
    let types: Vec<&str> = match attrs_obj.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(xs)) if !xs.is_empty() && xs.iter().all(Value::is_string) => {
            xs.iter().filter_map(Value::as_str).collect()
        }
        _ => {
            return Err(Refusal::new(
                &type_at,
                "an NGSI entity must have a string `type` (or an array of them)",
                "NGSI 实体必须有字符串 `type`（或其数组）",
            ));
        }
    };
    Ok(Shape { obj, feature, attrs_obj, attrs_base, ngsi_id, type_at, types })
}

/// The attributes of the entity; a Feature's `geometry` and other members too (its geometry as
/// `location` when the properties have none).
fn attributes(shape: &Shape<'_>, base: &str) -> Vec<Attr> {
    let Shape { obj, feature, attrs_obj, attrs_base, .. } = shape;
    let mut attrs: Vec<Attr> = attrs_obj
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "id" | "type"))
        .map(|(k, v)| Attr::new(k.clone(), format!("{attrs_base}/{}", token(k)), v.clone()))
        .collect();
    if *feature {
        for (k, v) in obj.iter().filter(|(k, _)| !matches!(k.as_str(), "id" | "type" | "properties")) {
            let name = if k == "geometry" && !attrs_obj.contains_key("location") { "location" } else { k.as_str() };
            let a = Attr::new(name.to_owned(), format!("{base}/{}", token(k)), v.clone());
            if k == "geometry" && attrs_obj.get("location") == Some(v) {
                continue; // The same as `location`: nothing is lost.
            }
            attrs.push(a);
        }
    }
    attrs
}

/// An attribute without value (`null`, `""`) is read as absent [ADP-025].
fn drop_absent(r: &mut Reader<'_>) {
    for a in r.attrs.iter().filter(|a| is_absent(&a.value)) {
        let (zh, en) = (
            format!("属性 `{}` 为 null 或空，视为缺失", a.name),
            format!("attribute `{}` is null or empty; read as absent", a.name),
        );
        r.report.push(Loss {
            kind: LossKind::Normalised,
            source: a.at.clone(),
            target: None,
            code: Code::FiwareNullAbsent,
            message_zh: zh,
            message_en: en,
        });
    }
    r.attrs.retain(|a| !is_absent(&a.value));
}

/// The Linli id of the entity (its URN's last part, the id kept whole, or a cleaned id with the
/// original for `meta.sourceId`) [CON-010].
fn identifier(
    r: &mut Reader<'_>,
    shape: &Shape<'_>,
    ty: &str,
    base: &str,
) -> Result<(String, Option<String>), Refusal> {
    let ngsi_id = shape.ngsi_id;
    let mut source_id = None;
    let prefix = format!("{URN}{ty}:");
    let id = match ngsi_id.strip_prefix(&prefix).filter(|rest| Id::new(*rest).is_ok()) {
        Some(rest) => rest.to_owned(),
        None if Id::new(ngsi_id).is_ok() => {
            if !ngsi_id.starts_with(URN) {
                // Kept whole (section 18.3): no claim about the URN a writer makes of it, which
                // depends on the record type it is written as, not on this entity's type.
                let zh = format!("标识 `{ngsi_id}` 不是 NGSI-LD URN：原样作为 Linli 标识");
                let en = format!("id `{ngsi_id}` is not an NGSI-LD URN: kept whole as the Linli id");
                r.normalised(&format!("{base}/id"), "/id", Code::FiwareIdNotUrn, zh, en);
            }
            ngsi_id.to_owned()
        }
        None => {
            let clean = sanitize_id(ngsi_id);
            if Id::new(&clean).is_err() {
                return Err(Refusal::new(
                    &format!("{base}/id"),
                    "the id cannot be made a Linli id",
                    "该标识无法转换为 Linli 标识",
                ));
            }
            // The original may hold a name: shown with what an id cannot hold masked [PRI-004].
            let shown = masked_id(ngsi_id);
            let zh = format!("`{shown}` 不是有效的 Linli 标识；读作 `{clean}`，原值保存在 `meta.sourceId`");
            let en =
                format!("`{shown}` is not a valid Linli id; read as `{clean}`, the original kept in meta.sourceId");
            let value = Value::String(shown.clone());
            r.findings.push(finding(Code::FiwareIdInvalid, "CON-010", &format!("{base}/id"), Some(&value), zh, en));
            let (zh, en) = (format!("标识 `{shown}` 改为 `{clean}`"), format!("id `{shown}` → `{clean}`"));
            r.normalised(&format!("{base}/id"), "/id", Code::FiwareIdInvalid, zh, en);
            source_id = Text::new(ngsi_id).ok().map(Text::into_string);
            clean
        }
    };
    Ok((id, source_id))
}

/// `meta`: the times of the entity (defaults said, an order mistake rejected [CON-023]), its
/// source, version and classification; and the creation time, which later defaults use.
fn metadata(
    r: &mut Reader<'_>,
    ty: &str,
    source_id: Option<String>,
    base: &str,
    ab: &str,
) -> (Map<String, Value>, Timestamp) {
    let opts = r.opts;
    let created = r.time("dateCreated").or_else(|| r.time("createdAt"));
    let mut updated = r.time("dateModified").or_else(|| r.time("modifiedAt"));
    // Without dateCreated the entity is as old as its last modification, else the conversion.
    let created = created.unwrap_or_else(|| {
        let (zh, en) = if updated.is_some() {
            (
                "没有 `dateCreated`：创建时间 `meta.createdAt` 取 `dateModified`",
                "no `dateCreated`: meta.createdAt = dateModified",
            )
        } else {
            (
                "没有 `dateCreated` 和 `dateModified`：创建时间 `meta.createdAt` 取转换时间",
                "no `dateCreated` nor `dateModified`: meta.createdAt = the time of conversion",
            )
        };
        r.normalised(&format!("{ab}/dateCreated"), "/meta/createdAt", Code::FiwareDefaultTime, zh, en);
        updated.unwrap_or(opts.default_time)
    });
    if let Some(u) = updated.filter(|u| u.cmp_instant(&created).is_lt()) {
        let at = format!("{ab}/dateModified");
        let zh = format!("`dateModified` {u} 早于 `dateCreated` {created}");
        let en = format!("dateModified {u} is before dateCreated {created}");
        r.findings.push(finding(Code::FiwareTimeOrder, "CON-023", &at, None, zh, en));
        r.report.push(Loss {
            kind: LossKind::Rejected,
            source: at,
            target: Some("/meta/updatedAt".into()),
            code: Code::FiwareTimeOrder,
            message_zh: "更新时间早于创建时间，已改为创建时间".into(),
            message_en: format!("dateModified {u} is before dateCreated; updatedAt set to dateCreated"),
        });
        updated = None;
    }
    let updated = updated.unwrap_or_else(|| {
        let zh = "没有可用的 `dateModified`：更新时间 `meta.updatedAt` 取创建时间 `meta.createdAt`";
        let en = "no usable `dateModified`: meta.updatedAt = meta.createdAt";
        r.normalised(&format!("{ab}/dateModified"), "/meta/updatedAt", Code::FiwareDefaultTime, zh, en);
        created
    });
    let zh = format!("来源 `meta.source` 设为 `{VENDOR}` / `{ty}`");
    r.normalised(base, "/meta/source", Code::FiwareDefaultSource, zh, format!("meta.source = {VENDOR} / {ty}"));
    r.normalised(base, "/meta/version", Code::FiwareDefaultVersion, "版本 `meta.version` 设为 1", "meta.version = 1");
    let zh = "密级 `meta.classification` 设为 `internal`";
    r.normalised(base, "/meta/classification", Code::FiwareDefaultClassification, zh, "meta.classification = internal");
    let mut meta = Map::new();
    meta.insert("source".into(), json!({"vendor": VENDOR, "product": ty}));
    if let Some(s) = source_id {
        meta.insert("sourceId".into(), Value::String(s));
    }
    meta.insert("createdAt".into(), Value::String(created.to_string()));
    meta.insert("updatedAt".into(), Value::String(updated.to_string()));
    meta.insert("version".into(), json!(1));
    meta.insert("classification".into(), json!("internal"));
    (meta, created)
}

/// The entity's other types, kept in the extensions [ADP-022].
fn other_types(r: &mut Reader<'_>, shape: &Shape<'_>, ty_given: &str, ty: &str) {
    let (types, type_at) = (&shape.types, &shape.type_at);
    if types.len() > 1 {
        let others: Vec<Value> = types.iter().filter(|t| **t != ty_given).map(|t| json!(t)).collect();
        let zh = format!("实体除 `{ty}` 外的其他类型已保存在扩展 `{NAMESPACE}` 的 `@otherTypes` 中");
        let en =
            format!("the entity's other types besides `{ty}` kept in extensions `{NAMESPACE}` under `@otherTypes`");
        let target = Some(format!("/extensions/{NAMESPACE}/@otherTypes"));
        r.note(LossKind::KeptInExtensions, type_at, target, Code::FiwareTypeKept, zh, en);
        r.ext.insert("@otherTypes".into(), Value::Array(others));
    }
}

/// A `Building`: a Place of kind `building`.
fn building(r: &mut Reader<'_>, rec: &mut Map<String, Value>, id: &str, ab: &str) {
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            rec.insert(k.to_owned(), v);
        }
    };
    put("type", Some("Place".into()));
    put("kind", Some("building".into()));
    let name = r.text("name").unwrap_or_else(|| {
        let zh = "没有 `name`：名称取实体标识";
        r.normalised(&format!("{ab}/name"), "/name", Code::FiwareDefaultName, zh, "no `name`: name = the id");
        id.to_owned()
    });
    put("name", Some(Value::String(name)));
    put("geometry", r.geometry("location", "/geometry", false));
    put("address", read_address(r));
}

/// A `Device` or a `Camera`: a Thing.
fn device(r: &mut Reader<'_>, rec: &mut Map<String, Value>, model: Model, ab: &str) {
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            rec.insert(k.to_owned(), v);
        }
    };
    let s = |v: Option<String>| v.map(Value::String);
    put("type", Some("Thing".into()));
    let kind = if model == Model::Camera {
        "device.camera"
    } else {
        device_kind(r.peek("deviceCategory"), r.peek("controlledProperty"))
    };
    if kind == "device.other" {
        let zh = "设备类别无法从 `deviceCategory` 或 `controlledProperty` 得出：`kind` 设为 `device.other`";
        let en = "no device kind from `deviceCategory` or `controlledProperty`: kind = device.other";
        r.normalised(ab, "/kind", Code::FiwareDefaultKind, zh, en);
    }
    put("kind", Some(kind.into()));
    put("name", s(r.text("name")));
    put("serialNumber", s(r.text("serialNumber")));
    put("firmwareVersion", s(r.text("firmwareVersion")));
    if r.peek("deviceState").and_then(Value::as_str).and_then(ThingStatus::from_code).is_some() {
        put("status", s(r.text("deviceState")));
    }
    put("location", r.geometry("location", "/location", true));
    put("owner", r.reference("owner", &[RecordType::Person, RecordType::Organization]));
    if let Some(ts) = r.time("dateInstalled") {
        if ts.as_offset_datetime().time() != time::Time::MIDNIGHT {
            r.normalised(
                &format!("{ab}/dateInstalled"),
                "/installDate",
                Code::FiwareDateFromTime,
                "`dateInstalled` 含一天中的时间：只取其日期作为 `installDate`",
                "`dateInstalled` has a time of day: installDate = its date only",
            );
        }
        put("installDate", Some(Value::String(ts.local_date().to_string())));
    }
}

/// An `Alert`: an Event.
fn alert(r: &mut Reader<'_>, rec: &mut Map<String, Value>, created: Timestamp, ab: &str) {
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            rec.insert(k.to_owned(), v);
        }
    };
    let s = |v: Option<String>| v.map(Value::String);
    let t = |v: Option<Timestamp>| v.map(|t| Value::String(t.to_string()));
    put("type", Some("Event".into()));
    let sub = r.peek("subCategory").and_then(Value::as_str).map(str::to_owned);
    let cat = r.peek("category").and_then(Value::as_str).map(str::to_owned);
    let code = match (&cat, &sub) {
        (_, Some(s)) if EventCategory::from_code(s).is_some() => Some(s.clone()),
        (Some(c), Some(s)) => {
            EVENT_PAIRS.iter().find(|(fc, fs, _)| fc == c && fs == s).map(|(_, _, l)| (*l).to_owned())
        }
        _ => None,
    };
    match code {
        Some(code) => {
            let (fc, _) = alert_category(&code);
            if cat.as_deref() == Some(fc) {
                r.text("category");
            }
            r.text("subCategory");
            put("category", Some(Value::String(code)));
        }
        None => {
            r.normalised(
                &format!("{ab}/category"),
                "/category",
                Code::FiwareDefaultCategory,
                "类别无法映射：`category` 设为 `other.other`",
                "no mappable category: category = other.other",
            );
            put("category", Some("other.other".into()));
        }
    }
    let issued = r.time("dateIssued").unwrap_or_else(|| {
        r.normalised(
            &format!("{ab}/dateIssued"),
            "/occurredAt",
            Code::FiwareDefaultTime,
            "没有 `dateIssued`：发生时间 `occurredAt` 取 `meta.createdAt`",
            "no `dateIssued`: occurredAt = meta.createdAt",
        );
        created
    });
    put("occurredAt", t(Some(issued)));
    match r.time_attr("validTo") {
        Some((end, a)) if end.cmp_instant(&issued).is_lt() => {
            let zh = format!("`validTo` {end} 早于 `dateIssued` {issued}");
            let en = format!("validTo {end} is before dateIssued {issued}");
            r.reject(a, Code::FiwareTimeOrder, "CON-023", zh, en);
        }
        Some((end, a)) => {
            r.accept(&a);
            put("endedAt", t(Some(end)));
        }
        None => {}
    }
    let severity = r.peek("severity").and_then(Value::as_str).and_then(|s| match s {
        "informational" => Some("info"),
        "low" => Some("low"),
        "medium" => Some("medium"),
        "high" => Some("high"),
        "critical" => Some("critical"),
        _ => None,
    });
    match severity {
        Some(sev) => {
            r.text("severity");
            put("severity", Some(sev.into()));
        }
        None => {
            if let Some(a) = r.take("severity") {
                let zh = "`severity` 应为 `informational`、`low`、`medium`、`high` 或 `critical`".to_owned();
                let en = "`severity` should be informational, low, medium, high or critical".to_owned();
                r.reject(a, Code::FiwareAttributeType, "EVT-006", zh, en);
            }
            let (zh, en) = ("没有可用的 `severity`：严重程度设为 `info`", "no usable `severity`: severity = info");
            r.normalised(&format!("{ab}/severity"), "/severity", Code::FiwareDefaultSeverity, zh, en);
            put("severity", Some("info".into()));
        }
    }
    put("location", r.geometry("location", "/location", true));
    put("source", r.reference("alertSource", &[RecordType::Thing]));
    put("description", s(r.text("description")));
}

/// A `service_requests` (Open311) or an `IssueReporting`: a Case.
fn case(r: &mut Reader<'_>, rec: &mut Map<String, Value>, model: Model, id: &str, created: Timestamp, ab: &str) {
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            rec.insert(k.to_owned(), v);
        }
    };
    let s = |v: Option<String>| v.map(Value::String);
    let t = |v: Option<Timestamp>| v.map(|t| Value::String(t.to_string()));
    put("type", Some("Case".into()));
    let sr = model == Model::ServiceRequest;
    let (title, description) = if sr { (None, r.text("description")) } else { (r.text("title"), r.text("comments")) };
    let reported = r.time(if sr { "requested_datetime" } else { "observationDateTime" }).unwrap_or(created);
    if sr {
        put("deadline", t(r.time("expected_datetime")));
    }
    let cat_attr = if sr { "service_code" } else { "category" };
    let category = r.peek(cat_attr).and_then(Value::as_str).filter(|c| CaseCategory::from_code(c).is_some());
    match category.map(str::to_owned) {
        Some(c) => {
            r.text(cat_attr);
            put("category", Some(Value::String(c)));
        }
        None => {
            r.normalised(
                &format!("{ab}/{cat_attr}"),
                "/category",
                Code::FiwareDefaultCategory,
                "类别无法映射：`category` 设为 `other.other`",
                "no mappable category: category = other.other",
            );
            put("category", Some("other.other".into()));
        }
    }
    let title = match title {
        Some(t) => t,
        None => {
            let from_name = r.peek("service_name").and_then(Value::as_str).and_then(|s| Text::new(s).ok());
            let title = from_name
                .map(Text::into_string)
                .or_else(|| description.as_ref().map(|d| d.chars().take(100).collect::<String>()))
                .filter(|t| Text::new(t.as_str()).is_ok())
                .unwrap_or_else(|| id.to_owned());
            let zh = "没有标题：`title` 取 `service_name`、描述的前 100 个字符或实体标识";
            let en = "no title: title = service_name, the first 100 characters of the description, or the id";
            r.normalised(ab, "/title", Code::FiwareDefaultTitle, zh, en);
            title
        }
    };
    put("title", Some(Value::String(title)));
    put("description", s(description));
    put("reportedAt", t(Some(reported)));
    put("channel", Some("other".into()));
    put("status", Some("reported".into()));
    put("history", Some(json!([{"at": reported.to_string(), "to": "reported"}])));
    defaults_of_case(r, ab);
    put("location", r.geometry("location", "/location", true));
}

/// The defaults every Case read from FIWARE gets: channel, status and history [ADP-025].
pub(super) fn defaults_of_case(r: &mut Reader<'_>, ab: &str) {
    let zh = "受理渠道 `channel` 设为 `other`";
    r.normalised(ab, "/channel", Code::FiwareDefaultChannel, zh, "channel = other");
    let zh = "状态 `status` 设为 `reported`";
    r.normalised(ab, "/status", Code::FiwareDefaultStatus, zh, "status = reported");
    let zh = "处理历史 `history` 设为一步：于 `reportedAt` 变为 `reported`";
    r.normalised(ab, "/history", Code::FiwareDefaultHistory, zh, "history = one step to reported at reportedAt");
}

pub(super) fn root_label(base: &str) -> &str {
    if base.is_empty() { "(root)" } else { base }
}

/// The context, the attributes not taken and the metadata kept; the record checked.
pub(super) fn finish(
    mut r: Reader<'_>,
    mut rec: Map<String, Value>,
    obj: &Map<String, Value>,
    attrs_obj: &Map<String, Value>,
    base: &str,
    ab: &str,
    root: &str,
) -> Result<(Record, LossReport, Vec<Finding>), Refusal> {
    if let Some(ctx) = obj.get("@context").or_else(|| attrs_obj.get("@context")) {
        r.attrs.retain(|a| a.name != "@context");
        let at = if obj.contains_key("@context") { base } else { ab };
        r.loss(
            LossKind::KeptInExtensions,
            &format!("{at}/@context"),
            Some(format!("/extensions/{NAMESPACE}/@context")),
            Code::FiwareContextKept,
            "@context",
        );
        r.ext.insert("@context".into(), ctx.clone());
    }
    r.keep_rest();
    if !r.metadata.is_empty() {
        let m = std::mem::take(&mut r.metadata);
        r.ext.insert(METADATA.into(), Value::Object(m));
    }
    if !r.ext.is_empty() {
        rec.insert("extensions".into(), json!({ NAMESPACE: Value::Object(std::mem::take(&mut r.ext)) }));
    }
    let record = Record::from_value(Value::Object(rec)).map_err(|e| {
        let _ = root;
        Refusal::new(base, &format!("not a valid Linli record: {e}"), &format!("不是有效的 Linli 记录：{e}"))
    })?;
    Ok((record, r.report, r.findings))
}

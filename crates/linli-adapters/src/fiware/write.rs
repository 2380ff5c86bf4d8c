//! A record written as an NGSI-LD entity, its losses found by reading the entity back.

use super::*;
use crate::codes::Code;

/// Builds the attributes of one entity in one form.
pub(super) struct Writer {
    form: Form,
    out: Map<String, Value>,
}

impl Writer {
    pub(super) fn attr(&mut self, name: &str, kind: &str, key: &str, v: Value) {
        let v = match self.form {
            Form::Normalized => json!({ "type": kind, key: v }),
            Form::KeyValues => v,
        };
        self.out.insert(name.to_owned(), v);
    }

    pub(super) fn prop(&mut self, name: &str, v: Option<&Value>) {
        if let Some(v) = v {
            self.attr(name, "Property", "value", v.clone());
        }
    }

    pub(super) fn time(&mut self, name: &str, v: Option<&Value>) {
        if let Some(v) = v {
            let v = match self.form {
                Form::Normalized => json!({"@type": "DateTime", "@value": v}),
                Form::KeyValues => v.clone(),
            };
            self.attr(name, "Property", "value", v);
        }
    }

    pub(super) fn geo(&mut self, name: &str, v: Option<&Value>) {
        if let Some(v) = v {
            self.attr(name, "GeoProperty", "value", v.clone());
        }
    }

    /// A relationship to the record named by a reference `{"type", "id"}`.
    pub(super) fn rel(&mut self, name: &str, reference: Option<&Value>, as_array: bool) {
        let urn = reference.and_then(|r| {
            let ty = r.get("type").and_then(Value::as_str).and_then(RecordType::from_code)?;
            let id = r.get("id").and_then(Value::as_str)?;
            Some(Value::String(entity_id(fiware_ref_type(ty), id)))
        });
        if let Some(urn) = urn {
            self.attr(name, "Relationship", "object", if as_array { Value::Array(vec![urn]) } else { urn });
        }
    }
}

/// A kept attribute in the form written.
pub(super) fn encode(v: &Value, form: Form) -> Value {
    match (form, v.as_object().filter(|_| is_attribute(v))) {
        (Form::Normalized, Some(o)) => {
            let mut o = o.clone();
            // an entity without a string `type`: the default empty type, written as no known type.
            let ty = o.get("type").and_then(Value::as_str).unwrap_or_default();
            let ld = match ty {
                "Property" | "Relationship" | "GeoProperty" | "LanguageProperty" | "VocabProperty" | "ListProperty" => {
                    None
                }
                t if t.starts_with("geo:") => Some("GeoProperty"),
                "Reference" => Some("Relationship"),
                _ => Some("Property"),
            };
            if let Some(ld) = ld {
                o.insert("type".into(), ld.into());
            }
            Value::Object(o)
        }
        (Form::Normalized, None) => json!({"type": "Property", "value": v}),
        (Form::KeyValues, Some(o)) => {
            let plain = o.get("value").or_else(|| o.get("object")).or_else(|| o.get("languageMap"));
            plain.map(unwrap_ld).cloned().unwrap_or_else(|| v.clone())
        }
        (Form::KeyValues, None) => v.clone(),
    }
}

/// Write a record as an NGSI-LD entity (see the module documentation), with the members of
/// the record it cannot hold reported as [`LossKind::NotRepresentable`] (source pointers into
/// the record). Person and Organization have no Smart Data Model here: only their `id` and
/// `type` are written.
pub fn to_ngsi(record: &Record, form: Form) -> (Value, LossReport) {
    let r = match serde_json::to_value(record) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let model = match record {
        Record::Place(_) => Some(Model::Building),
        Record::Thing(t) if t.kind.code() == "device.camera" => Some(Model::Camera),
        Record::Thing(_) => Some(Model::Device),
        Record::Event(_) => Some(Model::Alert),
        Record::Case(c) if c.meta.source.product.as_str() == Model::IssueReporting.name() => {
            Some(Model::IssueReporting)
        }
        Record::Case(_) => Some(Model::ServiceRequest),
        Record::Person(_) | Record::Organization(_) => None,
    };
    let ty = model.map_or(record.record_type().code(), Model::name);
    let mut w = Writer { form, out: Map::new() };
    w.out.insert("id".into(), Value::String(entity_id(ty, record.id().as_str())));
    w.out.insert("type".into(), Value::String(ty.to_owned()));
    let Some(model) = model else {
        let mut report = LossReport::default();
        for k in r.keys().filter(|k| !matches!(k.as_str(), "id" | "type")) {
            report.push(not_representable(&format!("/{}", token(k)), ty));
        }
        return (Value::Object(w.out), report);
    };
    let g = |k: &str| r.get(k);
    let meta = g("meta");
    w.time("dateCreated", meta.and_then(|m| m.get("createdAt")));
    w.time("dateModified", meta.and_then(|m| m.get("updatedAt")));
    match model {
        Model::Building => {
            w.prop("name", g("name"));
            w.geo("location", g("geometry"));
            let mut address = Map::new();
            for (f, part) in ADDRESS_PARTS {
                if let Some(v) = g("address").and_then(|a| a.get(*part)) {
                    address.insert((*f).to_owned(), v.clone());
                }
            }
            if !address.is_empty() {
                w.prop("address", Some(&Value::Object(address)));
            }
        }
        Model::Device | Model::Camera => {
            w.prop("name", g("name"));
            w.prop("serialNumber", g("serialNumber"));
            w.prop("firmwareVersion", g("firmwareVersion"));
            w.prop("deviceState", g("status"));
            w.geo("location", g("location"));
            w.rel("owner", g("owner"), true);
            let installed = g("installDate").and_then(Value::as_str).map(|d| Value::String(format!("{d}T00:00:00Z")));
            w.time("dateInstalled", installed.as_ref());
            match g("kind").and_then(Value::as_str) {
                Some("device.smoke-sensor") => w.prop("controlledProperty", Some(&json!(["smoke"]))),
                Some("device.temperature-sensor") => w.prop("controlledProperty", Some(&json!(["temperature"]))),
                Some("device.smart-meter") => w.prop("deviceCategory", Some(&json!(["meter"]))),
                _ => {}
            }
        }
        Model::Alert => {
            if let Some(code) = g("category").and_then(Value::as_str) {
                let (c, s) = alert_category(code);
                w.prop("category", Some(&Value::String(c.to_owned())));
                w.prop("subCategory", Some(&Value::String(s)));
            }
            w.time("dateIssued", g("occurredAt"));
            w.time("validTo", g("endedAt"));
            let severity = g("severity").map(|s| if s == "info" { json!("informational") } else { s.clone() });
            w.prop("severity", severity.as_ref());
            w.geo("location", g("location"));
            w.rel("alertSource", g("source"), false);
            w.prop("description", g("description"));
        }
        Model::ServiceRequest => {
            w.prop("description", g("description"));
            w.time("requested_datetime", g("reportedAt"));
            w.time("expected_datetime", g("deadline"));
            w.prop("service_code", g("category"));
            w.geo("location", g("location"));
        }
        Model::IssueReporting => {
            w.prop("title", g("title"));
            w.prop("comments", g("description"));
            w.time("observationDateTime", g("reportedAt"));
            w.prop("category", g("category"));
            w.geo("location", g("location"));
        }
    }
    // Kept attributes, written back; they win over derived ones.
    let kept = g("extensions").and_then(|e| e.get(NAMESPACE)).and_then(Value::as_object);
    for (k, v) in kept.into_iter().flatten() {
        match k.as_str() {
            METADATA => {}
            "@context" => {
                w.out.insert(k.clone(), v.clone());
            }
            "address" if v.is_object() && w.out.contains_key("address") => {
                let target = match (form, w.out.get_mut("address")) {
                    (Form::Normalized, a) => a.and_then(|a| a.get_mut("value")),
                    (Form::KeyValues, a) => a,
                };
                if let (Some(Value::Object(t)), Some(extra)) = (target, v.as_object()) {
                    for (m, x) in extra {
                        t.entry(m.clone()).or_insert_with(|| x.clone());
                    }
                }
            }
            _ => {
                w.out.insert(k.clone(), encode(v, form));
            }
        }
    }
    if form == Form::Normalized {
        for (name, m) in kept.and_then(|k| k.get(METADATA)).and_then(Value::as_object).into_iter().flatten() {
            if let (Some(Value::Object(a)), Some(m)) = (w.out.get_mut(name), m.as_object()) {
                for (k, v) in m {
                    a.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
    }
    let out = Value::Object(w.out);
    // What does not come back when the entity is read again.
    let mut lost = Vec::new();
    match from_ngsi(&out, &FromNgsi::new(record.meta().created_at)) {
        Ok((back, _, _)) => {
            // Extensions are compared namespace by namespace.
            let mut back = serde_json::to_value(back).unwrap_or(Value::Null);
            let mut r = r;
            r.entry("extensions").or_insert_with(|| json!({}));
            if let Some(b) = back.as_object_mut() {
                b.entry("extensions").or_insert_with(|| json!({}));
            }
            lost = linli_model::support::json_diff::lost_members(&Value::Object(r), &back);
        }
        Err(_) => lost.extend(r.keys().map(|k| format!("/{}", token(k)))),
    }
    let mut report = LossReport::default();
    for p in lost {
        report.push(not_representable(&p, ty));
    }
    (out, report)
}

pub(super) fn not_representable(pointer: &str, ty: &str) -> Loss {
    Loss {
        kind: LossKind::NotRepresentable,
        source: pointer.to_owned(),
        target: None,
        code: Code::FiwareNotRepresentable,
        message_zh: format!("Linli 成员 `{pointer}` 无法在 FIWARE `{ty}` 实体中表示"),
        message_en: format!("Linli member `{pointer}` cannot be represented in a FIWARE `{ty}` entity"),
    }
}

/// Write records as a JSON array of NGSI-LD entities; loss pointers are prefixed with `/<i>`.
pub fn to_ngsi_batch(records: &[Record], form: Form) -> (Value, LossReport) {
    let mut report = LossReport::default();
    let mut out = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let (v, l) = to_ngsi(r, form);
        out.push(v);
        for mut e in l.entries {
            e.source = format!("/{i}{}", e.source);
            report.push(e);
        }
    }
    (Value::Array(out), report)
}

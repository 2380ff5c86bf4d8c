//! The OpenAPI 3.1 document of the exchange API, generated from the code.

/// The document as JSON text.
pub fn document_text() -> String {
    document().to_string()
}

/// The document.
pub fn document() -> serde_json::Value {
    serde_json::json!({"openapi": "3.1.0", "info": {"title": "Linli exchange API", "version": env!("CARGO_PKG_VERSION")}, "paths": {}})
}

//! Conversions between Rust values and JS values, and readable errors.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Display;
use wasm_bindgen::JsValue;

/// Serialises `value` as plain JS objects, through JSON text: integers beyond 2⁵³ (the `u64`
/// seeds of specs and runs) become nearest JS numbers instead of failing, and non-finite floats
/// become `null`, exactly as in the files the page exports.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| JsValue::from_str(&format!("could not hand a result to the page: {e}")))?;
    js_sys::JSON::parse(&text)
        .map_err(|_| JsValue::from_str("could not hand a result to the page: invalid JSON"))
}

/// Deserialises a JS value sent by the page; `what` names it in the error.
pub fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| JsValue::from_str(&format!("invalid {what}: {e}")))
}

/// An error message as a JS value.
pub fn js_err(e: impl Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

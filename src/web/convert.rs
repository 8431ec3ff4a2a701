//! Conversions between Rust values and JS values (serde-wasm-bindgen), and readable errors.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Display;
use wasm_bindgen::JsValue;

/// Serialises `value` as plain JS objects (maps become objects, not `Map`s).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&format!("could not hand a result to the page: {e}")))
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

//! Editing a search space from JSON: a user's file names only the fields it changes.
//!
//! `{"depth": [1, 2], "width": {"max": 128}}` keeps every other field of the space it edits
//! (usually the task's default, [`SearchSpace::default_for`]). Objects merge field by field, any
//! other value replaces the one it names. Errors name what is wrong and where: the JSON line and
//! column of a syntax error, the dotted path of an unknown or mistyped field, and the field that
//! fails [`SearchSpace::validate`].

use super::space::{SearchSpace, SpaceError};
use serde_json::{Map, Value};

impl SearchSpace {
    /// This space with the fields given in `json` (an object, possibly partial) replaced, then
    /// validated.
    pub fn with_overrides(&self, json: &str) -> Result<SearchSpace, SpaceError> {
        let edits: Value = serde_json::from_str(json).map_err(|e| SpaceError {
            field: format!("JSON line {} column {}", e.line(), e.column()),
            message: e.to_string(),
        })?;
        let Value::Object(edits) = edits else {
            return Err(SpaceError {
                field: "(top level)".into(),
                message: "expected a JSON object of search-space fields, e.g. {\"depth\": [1, 2]}"
                    .into(),
            });
        };
        let base = serde_json::to_value(self).map_err(|e| SpaceError {
            field: "(top level)".into(),
            message: e.to_string(),
        })?;
        let mut merged = base.clone();
        merge(&mut merged, &edits, "")?;
        let space: SearchSpace = serde_json::from_value(merged).map_err(|e| {
            // serde does not say which field failed on a `Value`; find it by applying the
            // edits one at a time.
            let field = edits
                .iter()
                .find(|(key, value)| {
                    let mut one = base.clone();
                    let single = Map::from_iter([((*key).clone(), (*value).clone())]);
                    merge(&mut one, &single, "").is_err()
                        || serde_json::from_value::<SearchSpace>(one).is_err()
                })
                .map(|(key, _)| key.clone())
                .unwrap_or_else(|| "(top level)".into());
            SpaceError {
                field,
                message: e.to_string(),
            }
        })?;
        space.validate()?;
        Ok(space)
    }
}

/// Merges `edits` into the object `into`: nested objects field by field, other values replace.
/// A key that `into` lacks is an error naming its dotted path and the known keys.
fn merge(into: &mut Value, edits: &Map<String, Value>, path: &str) -> Result<(), SpaceError> {
    let Value::Object(target) = into else {
        return Err(SpaceError {
            field: path.to_string(),
            message: "is not an object".into(),
        });
    };
    for (key, value) in edits {
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let Some(slot) = target.get_mut(key) else {
            let known: Vec<&str> = target.keys().map(String::as_str).collect();
            return Err(SpaceError {
                field: here,
                message: format!("unknown field (known: {})", known.join(", ")),
            });
        };
        match (slot.is_object(), value) {
            (true, Value::Object(inner)) => merge(slot, inner, &here)?,
            _ => *slot = value.clone(),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::space::Range;

    fn base() -> SearchSpace {
        SearchSpace::default_for(true, 90)
    }

    #[test]
    fn partial_edits_keep_other_fields() {
        let s = base()
            .with_overrides(r#"{"depth": [1, 2], "width": {"max": 128}, "activations": ["tanh"]}"#)
            .unwrap();
        assert_eq!(s.depth, (1, 2));
        assert_eq!(s.width, Range::log(8.0, 128.0));
        assert_eq!(s.activations, vec![crate::model::Activation::Tanh]);
        let mut expected = base();
        expected.depth = (1, 2);
        expected.width.max = 128.0;
        expected.activations = s.activations.clone();
        assert_eq!(s, expected);
        assert_eq!(base().with_overrides("{}").unwrap(), base());
    }

    #[test]
    fn the_whole_default_round_trips() {
        let json = serde_json::to_string(&base()).unwrap();
        assert_eq!(
            SearchSpace::default_for(false, 10)
                .with_overrides(&json)
                .unwrap(),
            base()
        );
    }

    #[test]
    fn errors_name_the_field() {
        let e = base()
            .with_overrides(r#"{"widht": {"max": 3}}"#)
            .unwrap_err();
        assert_eq!(e.field, "widht");
        assert!(
            e.message.contains("unknown field") && e.message.contains("width"),
            "{e}"
        );
        let e = base()
            .with_overrides(r#"{"width": {"maxx": 3}}"#)
            .unwrap_err();
        assert_eq!(e.field, "width.maxx");
        let e = base()
            .with_overrides(r#"{"dropout": "high", "width": {"min": 16}}"#)
            .unwrap_err();
        assert_eq!(e.field, "dropout", "{e}");
        let e = base()
            .with_overrides(r#"{"activations": ["swish"]}"#)
            .unwrap_err();
        assert_eq!(e.field, "activations");
        assert!(e.message.contains("swish"), "{e}");
        let e = base().with_overrides(r#"{"depth": [3, 1]}"#).unwrap_err();
        assert_eq!(e.field, "depth");
        let e = base()
            .with_overrides(r#"{"learning_rate": {"min": 0}}"#)
            .unwrap_err();
        assert_eq!(e.field, "learning_rate");
        let e = base().with_overrides("{\"depth\": [1,\n 2,]}").unwrap_err();
        assert!(e.field.starts_with("JSON line 2"), "{e}");
        let e = base().with_overrides("[1, 2]").unwrap_err();
        assert!(e.message.contains("JSON object"), "{e}");
    }
}

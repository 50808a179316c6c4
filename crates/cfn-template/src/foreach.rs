//! `Fn::ForEach` (the AWS::LanguageExtensions transform): listing the
//! entries a section declares, loops included, and expanding the loops once
//! their collections are known.

use serde_json::{Map, Value};

/// Key prefix of a loop: `Fn::ForEach::<LoopName>`.
pub const FOR_EACH_PREFIX: &str = "Fn::ForEach::";

/// Why a section's loops could not be read or expanded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ForEachError {
    #[error("{key} must be [Identifier, Collection, {{OutputKey: OutputValue}}]")]
    Shape { key: String },
    #[error("{key}: the collection {collection} cannot be resolved to a list of strings")]
    Collection { key: String, collection: String },
    /// CloudFormation refuses such a template when it processes the
    /// transform, before anything is created or changed.
    #[error(
        "{key}: {} both produce {output_key}. &{{...}} keeps only the letters and digits of an item, \
         so items that differ only in other characters collide (and an item listed twice collides \
         with itself); each item must give a different key",
        match (first, second) {
            (Some(first), second) => format!("the items {first:?} and {second:?}"),
            (None, second) => format!("the item {second:?} and an entry declared outside the loop"),
        }
    )]
    Duplicate {
        key: String,
        output_key: String,
        /// The item that produced the key first (`None`: a key outside the loop).
        first: Option<String>,
        second: String,
    },
}

/// One `Fn::ForEach` loop around an entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForEachLoop<'t> {
    /// The loop's name (after `Fn::ForEach::`).
    pub name: &'t str,
    /// The placeholder: `${Identifier}`, `&{Identifier}`, `{"Ref": "Identifier"}`.
    pub identifier: &'t str,
    /// The collection as written: a list, or for example `{"Ref": "Param"}`.
    pub collection: &'t Value,
}

/// One key of a template section (a resource, an output, a condition),
/// possibly declared inside loops.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'t> {
    /// The key as written; inside loops it holds `${Id}` / `&{Id}` placeholders.
    pub key: &'t str,
    /// The loops around it, outermost first; empty for a plain entry.
    pub loops: Vec<ForEachLoop<'t>>,
    /// The definition as written (placeholders not substituted).
    pub value: &'t Value,
}

impl<'t> Entry<'t> {
    /// `Type` of a resource entry.
    pub fn resource_type(&self) -> Option<&'t str> {
        self.value.get("Type")?.as_str()
    }

    /// `Properties` of a resource entry.
    pub fn properties(&self) -> Option<&'t Map<String, Value>> {
        self.value.get("Properties")?.as_object()
    }

    /// `Condition` of a resource or output entry.
    pub fn condition(&self) -> Option<&'t str> {
        self.value.get("Condition")?.as_str()
    }

    /// `DependsOn`, as a list whether written as one name or several.
    pub fn depends_on(&self) -> Vec<&'t str> {
        match self.value.get("DependsOn") {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the entry is declared inside a loop.
    pub fn in_loop(&self) -> bool {
        !self.loops.is_empty()
    }
}

/// Lists a section's entries, descending into `Fn::ForEach` loops (nested
/// ones too) instead of reporting the loop keys themselves.
pub fn entries(section: &Map<String, Value>) -> Result<Vec<Entry<'_>>, ForEachError> {
    let mut found = Vec::new();
    collect(section, &[], &mut found)?;
    Ok(found)
}

fn collect<'t>(
    section: &'t Map<String, Value>,
    loops: &[ForEachLoop<'t>],
    found: &mut Vec<Entry<'t>>,
) -> Result<(), ForEachError> {
    for (key, value) in section {
        if let Some(name) = key.strip_prefix(FOR_EACH_PREFIX) {
            let (each, fragment) = parse_loop(key, name, value)?;
            let mut inner = loops.to_vec();
            inner.push(each);
            collect(fragment, &inner, found)?;
        } else {
            found.push(Entry {
                key,
                loops: loops.to_vec(),
                value,
            });
        }
    }
    Ok(())
}

fn parse_loop<'t>(
    key: &str,
    name: &'t str,
    value: &'t Value,
) -> Result<(ForEachLoop<'t>, &'t Map<String, Value>), ForEachError> {
    let shape = || ForEachError::Shape {
        key: key.to_owned(),
    };
    match value.as_array().map(Vec::as_slice) {
        Some(
            [
                Value::String(identifier),
                collection,
                Value::Object(fragment),
            ],
        ) => Ok((
            ForEachLoop {
                name,
                identifier,
                collection,
            },
            fragment,
        )),
        _ => Err(shape()),
    }
}

/// Expands every `Fn::ForEach` in `value` (at any depth, nested loops
/// included) the way the AWS::LanguageExtensions transform does: for each
/// item of the collection the fragment is copied with `${Id}` replaced by the
/// item, `&{Id}` by the item without its non-alphanumeric characters (in keys
/// and in every string), and `{"Ref": "Id"}` by the item.
///
/// `resolve` turns a collection that is not a literal list of strings (such
/// as `{"Ref": "Emails"}`) into its items, or `None` when it cannot.
/// Remember that CloudFormation hands an empty CommaDelimitedList over as
/// `[""]`, so a loop over one runs once, with `""`.
pub fn expand(
    value: &Value,
    resolve: &mut dyn FnMut(&Value) -> Option<Vec<String>>,
) -> Result<Value, ForEachError> {
    match value {
        Value::Object(object) => expand_object(object, resolve).map(Value::Object),
        Value::Array(items) => items
            .iter()
            .map(|item| expand(item, resolve))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        other => Ok(other.clone()),
    }
}

fn expand_object(
    object: &Map<String, Value>,
    resolve: &mut dyn FnMut(&Value) -> Option<Vec<String>>,
) -> Result<Map<String, Value>, ForEachError> {
    let mut out = Map::with_capacity(object.len());
    // Which loop item produced each key, to name both items of a collision.
    let mut produced_by: std::collections::BTreeMap<String, String> = Default::default();
    for (key, inner) in object {
        let Some(name) = key.strip_prefix(FOR_EACH_PREFIX) else {
            out.insert(key.clone(), expand(inner, resolve)?);
            continue;
        };
        let (each, fragment) = parse_loop(key, name, inner)?;
        let items = collection_items(each.collection)
            .or_else(|| resolve(each.collection))
            .ok_or_else(|| ForEachError::Collection {
                key: key.clone(),
                collection: each.collection.to_string(),
            })?;
        for item in items {
            let copy = substitute_in_map(fragment, each.identifier, &item);
            // Loops inside the fragment see this loop's item already in place.
            for (output_key, output) in expand_object(&copy, resolve)? {
                if out.contains_key(&output_key) {
                    return Err(ForEachError::Duplicate {
                        key: key.clone(),
                        first: produced_by.get(&output_key).cloned(),
                        output_key,
                        second: item,
                    });
                }
                produced_by.insert(output_key.clone(), item.clone());
                out.insert(output_key, output);
            }
        }
    }
    Ok(out)
}

fn collection_items(collection: &Value) -> Option<Vec<String>> {
    collection
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect()
}

/// One item put into a fragment in place of the loop's identifier.
pub fn substitute(fragment: &Value, identifier: &str, item: &str) -> Value {
    Substitution::new(identifier, item).value(fragment)
}

fn substitute_in_map(
    fragment: &Map<String, Value>,
    identifier: &str,
    item: &str,
) -> Map<String, Value> {
    Substitution::new(identifier, item).map(fragment)
}

struct Substitution<'a> {
    identifier: &'a str,
    item: &'a str,
    dollar: String,
    ampersand: String,
    alphanumeric: String,
}

impl<'a> Substitution<'a> {
    fn new(identifier: &'a str, item: &'a str) -> Self {
        Self {
            identifier,
            item,
            dollar: format!("${{{identifier}}}"),
            ampersand: format!("&{{{identifier}}}"),
            alphanumeric: item.chars().filter(char::is_ascii_alphanumeric).collect(),
        }
    }

    fn text(&self, s: &str) -> String {
        s.replace(&self.dollar, self.item)
            .replace(&self.ampersand, &self.alphanumeric)
    }

    fn value(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.value(v)).collect()),
            Value::Object(object) => {
                if object.len() == 1
                    && object.get("Ref").and_then(Value::as_str) == Some(self.identifier)
                {
                    return Value::String(self.item.to_owned());
                }
                Value::Object(self.map(object))
            }
            other => other.clone(),
        }
    }

    fn map(&self, object: &Map<String, Value>) -> Map<String, Value> {
        object
            .iter()
            .map(|(k, v)| (self.text(k), self.value(v)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn section(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn entries_descend_into_nested_loops() {
        let resources = section(json!({
            "Plain": {"Type": "AWS::SNS::Topic"},
            "Fn::ForEach::Outer": ["A", ["x", "y"], {
                "Topic${A}": {"Type": "AWS::SNS::Topic", "Condition": "C", "DependsOn": "Plain"},
                "Fn::ForEach::Inner": ["B", {"Ref": "List"}, {
                    "Queue${A}&{B}": {"Type": "AWS::SQS::Queue", "DependsOn": ["Plain", "Topic${A}"]}
                }]
            }]
        }));
        let found = entries(&resources).unwrap();
        let mut found = found;
        found.sort_by_key(|e| e.loops.len());
        let keys: Vec<&str> = found.iter().map(|e| e.key).collect();
        assert_eq!(keys, ["Plain", "Topic${A}", "Queue${A}&{B}"]);
        assert!(!found[0].in_loop());
        assert_eq!(found[1].loops.len(), 1);
        assert_eq!(found[1].loops[0].name, "Outer");
        assert_eq!(found[1].condition(), Some("C"));
        assert_eq!(found[1].depends_on(), ["Plain"]);
        let inner: Vec<&str> = found[2].loops.iter().map(|l| l.identifier).collect();
        assert_eq!(inner, ["A", "B"]);
        assert_eq!(found[2].loops[1].collection, &json!({"Ref": "List"}));
        assert_eq!(found[2].resource_type(), Some("AWS::SQS::Queue"));
        assert_eq!(found[2].depends_on(), ["Plain", "Topic${A}"]);
    }

    #[test]
    fn a_malformed_loop_is_named() {
        let resources = section(json!({"Fn::ForEach::Bad": ["A", ["x"]]}));
        assert_eq!(
            entries(&resources).unwrap_err(),
            ForEachError::Shape {
                key: "Fn::ForEach::Bad".into()
            }
        );
    }

    #[test]
    fn expand_substitutes_keys_strings_and_refs() {
        let resources = json!({
            "Fn::ForEach::Users": ["Email", {"Ref": "Emails"}, {
                "User&{Email}": {
                    "Type": "AWS::Cognito::UserPoolUser",
                    "DependsOn": "Invite",
                    "Properties": {
                        "Username": {"Ref": "Email"},
                        "Note": {"Fn::Sub": "for ${Email} in ${AWS::Region}"},
                        "Other": {"Ref": "NotTheIdentifier"}
                    }
                },
                "Member&{Email}": {"DependsOn": "User&{Email}"}
            }]
        });
        let mut asked = Vec::new();
        let expanded = expand(&resources, &mut |collection| {
            asked.push(collection.clone());
            Some(vec!["a.b@x.com".into(), "c@y.org".into()])
        })
        .unwrap();
        assert_eq!(asked, [json!({"Ref": "Emails"})]);
        assert_eq!(
            expanded,
            json!({
                "Userabxcom": {
                    "Type": "AWS::Cognito::UserPoolUser",
                    "DependsOn": "Invite",
                    "Properties": {
                        "Username": "a.b@x.com",
                        "Note": {"Fn::Sub": "for a.b@x.com in ${AWS::Region}"},
                        "Other": {"Ref": "NotTheIdentifier"}
                    }
                },
                "Memberabxcom": {"DependsOn": "Userabxcom"},
                "Usercyorg": {
                    "Type": "AWS::Cognito::UserPoolUser",
                    "DependsOn": "Invite",
                    "Properties": {
                        "Username": "c@y.org",
                        "Note": {"Fn::Sub": "for c@y.org in ${AWS::Region}"},
                        "Other": {"Ref": "NotTheIdentifier"}
                    }
                },
                "Membercyorg": {"DependsOn": "Usercyorg"}
            })
        );
    }

    #[test]
    fn expand_handles_nested_loops_and_literal_collections() {
        let value = json!({"Fn::ForEach::A": ["X", ["1", "2"], {
            "Fn::ForEach::B": ["Y", ["a", "b"], {"K${X}${Y}": "${X}-${Y}"}]
        }]});
        let expanded = expand(&value, &mut |_| None).unwrap();
        assert_eq!(
            expanded,
            json!({"K1a": "1-a", "K1b": "1-b", "K2a": "2-a", "K2b": "2-b"})
        );
    }

    #[test]
    fn expand_reports_unresolvable_collections_and_duplicates() {
        let value = json!({"Fn::ForEach::L": ["X", {"Ref": "P"}, {"K${X}": 1}]});
        assert!(matches!(
            expand(&value, &mut |_| None),
            Err(ForEachError::Collection { .. })
        ));
        let value = json!({"Fn::ForEach::L": ["X", ["a.b", "ab"], {"K&{X}": 1}]});
        assert_eq!(
            expand(&value, &mut |_| None).unwrap_err(),
            ForEachError::Duplicate {
                key: "Fn::ForEach::L".into(),
                output_key: "Kab".into(),
                first: Some("a.b".into()),
                second: "ab".into(),
            }
        );
        let message = expand(&value, &mut |_| None).unwrap_err().to_string();
        assert!(
            message.starts_with("Fn::ForEach::L: the items \"a.b\" and \"ab\" both produce Kab."),
            "{message}"
        );
        assert!(message.contains("only the letters and digits"), "{message}");
    }

    #[test]
    fn an_empty_item_still_produces_one_copy() {
        // What an empty CommaDelimitedList gives: the template guards with a Condition.
        let value = json!({"Fn::ForEach::L": ["X", [""], {"K&{X}": {"Condition": "HasItems"}}]});
        assert_eq!(
            expand(&value, &mut |_| None).unwrap(),
            json!({"K": {"Condition": "HasItems"}})
        );
    }
}

//! CloudFormation YAML to long-form JSON.
//!
//! A short-form tag becomes the JSON form CloudFormation documents for it:
//! `!Ref X` -> `{"Ref": "X"}`, `!Condition C` -> `{"Condition": "C"}`,
//! `!GetAtt A.B` -> `{"Fn::GetAtt": ["A", "B"]}` (split at the first dot, so
//! `A.B.C` reads attribute `B.C`), and every other function `!Name v` ->
//! `{"Fn::Name": v}`. Scalars follow the YAML 1.2 core schema (`yes` and
//! `on` stay strings; quote them anyway, other tools read YAML 1.1).

use saphyr::{LoadableYamlNode, Scalar, Tag, Yaml};
use serde_json::{Map, Number, Value};

/// Why a template could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the template {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the template is not valid YAML: {0}")]
    Syntax(#[from] saphyr::ScanError),
    #[error("the template is empty")]
    Empty,
    #[error("the template holds {0} YAML documents; a template is exactly one")]
    SeveralDocuments(usize),
    #[error("at {at}: {problem}")]
    Invalid { at: String, problem: String },
}

/// Functions whose short form `!Name` stands for `Fn::Name` (the last
/// six only in a template's Rules).
const FN_TAGS: &[&str] = &[
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "RefAll",
    "ValueOf",
    "ValueOfAll",
];

/// Parses one CloudFormation YAML document into long-form JSON.
pub fn to_json(text: &str) -> Result<Value, LoadError> {
    let documents = Yaml::load_from_str(text)?;
    match documents.as_slice() {
        [] => Err(LoadError::Empty),
        [document] => convert(document, &mut Location::default()),
        several => Err(LoadError::SeveralDocuments(several.len())),
    }
}

/// Where in the document a node sits, for error messages
/// (`Resources.Bucket.Properties.Tags[0]`).
#[derive(Default)]
struct Location(Vec<String>);

impl Location {
    fn within<T>(&mut self, step: String, f: impl FnOnce(&mut Self) -> T) -> T {
        self.0.push(step);
        let result = f(self);
        self.0.pop();
        result
    }

    fn error(&self, problem: impl Into<String>) -> LoadError {
        let at = if self.0.is_empty() {
            "the top level".to_owned()
        } else {
            self.0.concat().trim_start_matches('.').to_owned()
        };
        LoadError::Invalid {
            at,
            problem: problem.into(),
        }
    }
}

fn convert(node: &Yaml, at: &mut Location) -> Result<Value, LoadError> {
    match node {
        Yaml::Value(scalar) => convert_scalar(scalar, at),
        // Only produced when early scalar parsing is off; keep the text.
        Yaml::Representation(text, _, _) => Ok(Value::String(text.to_string())),
        Yaml::Sequence(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| at.within(format!("[{i}]"), |at| convert(item, at)))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Yaml::Mapping(entries) => {
            let mut object = Map::with_capacity(entries.len());
            for (key, value) in entries {
                let key = key_text(key, at)?;
                let value = at.within(format!(".{key}"), |at| convert(value, at))?;
                object.insert(key, value);
            }
            Ok(Value::Object(object))
        }
        Yaml::Tagged(tag, inner) => convert_tagged(tag, inner, at),
        Yaml::Alias(_) => Err(at.error("unresolved YAML alias")),
        // For example a core-schema tag on a value it does not fit (`!!int x`).
        Yaml::BadValue => {
            Err(at.error("a value the YAML loader could not read (check its !! tag)"))
        }
    }
}

fn convert_scalar(scalar: &Scalar, at: &Location) -> Result<Value, LoadError> {
    Ok(match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        Scalar::FloatingPoint(f) => Value::Number(
            Number::from_f64(f.into_inner())
                .ok_or_else(|| at.error(format!("{f} has no JSON form; quote it")))?,
        ),
        Scalar::String(s) => Value::String(s.to_string()),
    })
}

/// Mapping keys are strings in JSON; plain scalars (`123456789012:` in
/// Mappings) keep their text.
fn key_text(key: &Yaml, at: &Location) -> Result<String, LoadError> {
    match key {
        Yaml::Value(Scalar::String(s)) => Ok(s.to_string()),
        Yaml::Value(Scalar::Integer(i)) => Ok(i.to_string()),
        Yaml::Value(Scalar::Boolean(b)) => Ok(b.to_string()),
        Yaml::Value(Scalar::FloatingPoint(f)) => Ok(f.to_string()),
        Yaml::Representation(text, _, _) => Ok(text.to_string()),
        _ => Err(at.error("a mapping key must be a plain scalar")),
    }
}

fn convert_tagged(tag: &Tag, inner: &Yaml, at: &mut Location) -> Result<Value, LoadError> {
    if tag.handle != "!" {
        return Err(at.error(format!("unsupported YAML tag {}{}", tag.handle, tag.suffix)));
    }
    let name = tag.suffix.as_str();
    let (key, value) = match name {
        "Ref" | "Condition" => (name.to_owned(), convert(inner, at)?),
        "GetAtt" => ("Fn::GetAtt".to_owned(), get_att(inner, at)?),
        _ if FN_TAGS.contains(&name) => (format!("Fn::{name}"), convert(inner, at)?),
        _ => return Err(at.error(format!("unknown CloudFormation tag !{name}"))),
    };
    Ok(Value::Object(Map::from_iter([(key, value)])))
}

/// `!GetAtt Resource.Attribute` or `!GetAtt [Resource, Attribute]`.
fn get_att(inner: &Yaml, at: &mut Location) -> Result<Value, LoadError> {
    match convert(inner, at)? {
        Value::String(dotted) => match dotted.split_once('.') {
            Some((resource, attribute)) if !resource.is_empty() && !attribute.is_empty() => {
                Ok(Value::Array(vec![resource.into(), attribute.into()]))
            }
            _ => Err(at.error(format!("!GetAtt {dotted:?} must read Resource.Attribute"))),
        },
        list @ Value::Array(_) => Ok(list),
        other => Err(at.error(format!(
            "!GetAtt takes Resource.Attribute or [Resource, Attribute], not {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn load(text: &str) -> Value {
        to_json(text).unwrap()
    }

    #[test]
    fn ref_and_condition_keep_their_names() {
        assert_eq!(load("!Ref Bucket"), json!({"Ref": "Bucket"}));
        assert_eq!(load("!Condition IsProd"), json!({"Condition": "IsProd"}));
    }

    #[test]
    fn get_att_string_form_splits_at_the_first_dot() {
        assert_eq!(
            load("!GetAtt Db.Endpoint"),
            json!({"Fn::GetAtt": ["Db", "Endpoint"]})
        );
        assert_eq!(
            load("!GetAtt Db.Endpoint.Address"),
            json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]})
        );
    }

    #[test]
    fn get_att_list_form_is_kept_and_may_hold_functions() {
        assert_eq!(
            load("!GetAtt [Db, !Ref Attribute]"),
            json!({"Fn::GetAtt": ["Db", {"Ref": "Attribute"}]})
        );
    }

    #[test]
    fn get_att_without_an_attribute_is_refused_with_its_location() {
        let error = to_json("Outputs:\n  Out:\n    Value: !GetAtt Db\n").unwrap_err();
        let text = error.to_string();
        assert!(text.contains("Outputs.Out.Value"), "{text}");
        assert!(text.contains("Resource.Attribute"), "{text}");
    }

    #[test]
    fn every_function_tag_becomes_its_long_form() {
        for name in FN_TAGS {
            assert_eq!(
                load(&format!("!{name} [a, b]")),
                json!({ format!("Fn::{name}"): ["a", "b"] }),
                "{name}"
            );
        }
        // The ones the issue names, spelled out.
        let template = load(
            "a: !Sub 'x-${AWS::Region}'\n\
             b: !Join ['', [a, !Select [0, !Split [',', 'x,y']]]]\n\
             c: !If [Cond, !Base64 x, !FindInMap [M, K, V]]\n\
             d: !And [!Equals [a, b], !Not [!Or [!Condition C, !Condition D]]]\n\
             e: !Cidr [!Select [0, !GetAZs ''], 6, 5]\n\
             f: !ImportValue shared-vpc\n\
             g: !Not [!Contains [!Ref Groups, '']]\n",
        );
        assert_eq!(
            template,
            json!({
                "a": {"Fn::Sub": "x-${AWS::Region}"},
                "b": {"Fn::Join": ["", ["a", {"Fn::Select": [0, {"Fn::Split": [",", "x,y"]}]}]]},
                "c": {"Fn::If": ["Cond", {"Fn::Base64": "x"}, {"Fn::FindInMap": ["M", "K", "V"]}]},
                "d": {"Fn::And": [{"Fn::Equals": ["a", "b"]},
                                  {"Fn::Not": [{"Fn::Or": [{"Condition": "C"}, {"Condition": "D"}]}]}]},
                "e": {"Fn::Cidr": [{"Fn::Select": [0, {"Fn::GetAZs": ""}]}, 6, 5]},
                "f": {"Fn::ImportValue": "shared-vpc"},
                "g": {"Fn::Not": [{"Fn::Contains": [{"Ref": "Groups"}, ""]}]}
            })
        );
    }

    #[test]
    fn tags_on_mappings_and_nested_tags_convert() {
        assert_eq!(
            load("!Sub\n  - '${A}-${B}'\n  - B: !Ref Other\n"),
            json!({"Fn::Sub": ["${A}-${B}", {"B": {"Ref": "Other"}}]})
        );
    }

    #[test]
    fn long_forms_pass_through_untouched() {
        let text = "Value:\n  Fn::GetAtt: [Db, Arn]\nOther: {Ref: X}\n";
        assert_eq!(
            load(text),
            json!({"Value": {"Fn::GetAtt": ["Db", "Arn"]}, "Other": {"Ref": "X"}})
        );
    }

    #[test]
    fn scalars_follow_the_yaml_1_2_core_schema() {
        assert_eq!(
            load("a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: 2010-09-09\ng: ON\nh: \"true\"\n"),
            json!({"a": 1, "b": 1.5, "c": true, "d": null, "e": "1", "f": "2010-09-09",
                   "g": "ON", "h": "true"})
        );
    }

    #[test]
    fn numeric_keys_become_strings() {
        assert_eq!(load("123456789012: x\n"), json!({"123456789012": "x"}));
    }

    #[test]
    fn aliases_are_resolved() {
        assert_eq!(load("a: &x [1]\nb: *x\n"), json!({"a": [1], "b": [1]}));
    }

    #[test]
    fn unknown_tags_are_refused_by_name() {
        let text = to_json("Resources:\n  X:\n    Type: !Reff A\n")
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("!Reff") && text.contains("Resources.X.Type"),
            "{text}"
        );
        let text = to_json("a: !!int x\n").unwrap_err().to_string();
        assert!(text.contains("at a:") && text.contains("!! tag"), "{text}");
    }

    #[test]
    fn documents_other_than_one_are_refused() {
        assert!(matches!(to_json(""), Err(LoadError::Empty)));
        assert!(matches!(
            to_json("a: 1\n---\nb: 2\n"),
            Err(LoadError::SeveralDocuments(2))
        ));
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_are_refused() {
        assert!(matches!(to_json("a: [1\n"), Err(LoadError::Syntax(_))));
        assert!(matches!(to_json("a: 1\na: 2\n"), Err(LoadError::Syntax(_))));
    }
}

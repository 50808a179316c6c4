//! What a (long-form) template fragment refers to: `Ref`, `Fn::GetAtt`, and
//! the `${Name}` / `${Resource.Attribute}` variables of `Fn::Sub`.

use serde_json::Value;

/// One reference found in a fragment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reference {
    /// `{"Ref": name}` or `${name}` in `Fn::Sub`: a parameter, a resource or
    /// a pseudo parameter such as `AWS::Region`.
    Ref(String),
    /// `{"Fn::GetAtt": [resource, attribute]}` or `${resource.attribute}`.
    GetAtt { resource: String, attribute: String },
}

/// Every reference in `value`, in document order. `Fn::Sub` variables that
/// its own variable map defines are not references; `${!Literal}` is text.
/// A `Fn::GetAtt` whose parts are themselves functions is skipped.
pub fn references(value: &Value) -> Vec<Reference> {
    let mut found = Vec::new();
    walk(value, &mut found);
    found
}

fn walk(value: &Value, found: &mut Vec<Reference>) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| walk(item, found)),
        Value::Object(object) => {
            if object.len() == 1 {
                if let Some(Value::String(name)) = object.get("Ref") {
                    found.push(Reference::Ref(name.clone()));
                    return;
                }
                if let Some(get_att) = object.get("Fn::GetAtt") {
                    if let Some(reference) = get_att_reference(get_att) {
                        found.push(reference);
                    } else {
                        walk(get_att, found);
                    }
                    return;
                }
                if let Some(sub) = object.get("Fn::Sub") {
                    sub_references(sub, found);
                    return;
                }
            }
            object.values().for_each(|inner| walk(inner, found));
        }
        _ => {}
    }
}

fn get_att_reference(get_att: &Value) -> Option<Reference> {
    let (resource, attribute) = match get_att {
        Value::Array(parts) => match parts.as_slice() {
            [Value::String(resource), Value::String(attribute)] => {
                (resource.as_str(), attribute.as_str())
            }
            _ => return None,
        },
        // JSON templates may use the dotted form too.
        Value::String(dotted) => dotted.split_once('.')?,
        _ => return None,
    };
    Some(Reference::GetAtt {
        resource: resource.to_owned(),
        attribute: attribute.to_owned(),
    })
}

fn sub_references(sub: &Value, found: &mut Vec<Reference>) {
    let (text, variables) = match sub {
        Value::String(text) => (text.as_str(), None),
        Value::Array(parts) => match parts.as_slice() {
            [Value::String(text), Value::Object(variables)] => (text.as_str(), Some(variables)),
            _ => return walk(sub, found),
        },
        _ => return walk(sub, found),
    };
    for name in sub_variables(text) {
        if variables.is_some_and(|v| v.contains_key(name)) {
            continue;
        }
        found.push(match name.split_once('.') {
            Some((resource, attribute)) => Reference::GetAtt {
                resource: resource.to_owned(),
                attribute: attribute.to_owned(),
            },
            None => Reference::Ref(name.to_owned()),
        });
    }
    if let Some(variables) = variables {
        variables.values().for_each(|value| walk(value, found));
    }
}

/// The variable names in a `Fn::Sub` string: `${Name}` and
/// `${Resource.Attribute}`; `${!Literal}` is escaped text, not a variable.
pub fn sub_variables(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = after[..end].trim();
        if !name.starts_with('!') && !name.is_empty() {
            names.push(name);
        }
        rest = &after[end + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn get_att(resource: &str, attribute: &str) -> Reference {
        Reference::GetAtt {
            resource: resource.into(),
            attribute: attribute.into(),
        }
    }

    #[test]
    fn finds_refs_and_get_atts_at_any_depth() {
        let value = json!({
            "A": {"Ref": "Bucket"},
            "B": [{"Fn::Join": ["", [{"Fn::GetAtt": ["Db", "Endpoint.Address"]}]]}],
            "C": {"Fn::If": ["Cond", {"Ref": "AWS::NoValue"}, "x"]}
        });
        assert_eq!(
            references(&value),
            [
                Reference::Ref("Bucket".into()),
                get_att("Db", "Endpoint.Address"),
                Reference::Ref("AWS::NoValue".into())
            ]
        );
    }

    #[test]
    fn reads_sub_variables_but_not_escapes_or_its_own_variables() {
        let value = json!({"Fn::Sub": [
            "${Portal.Url}/${Local}/${!Literal}/${AWS::Region}",
            {"Local": {"Fn::GetAtt": ["Other", "Name"]}}
        ]});
        assert_eq!(
            references(&value),
            [
                get_att("Portal", "Url"),
                Reference::Ref("AWS::Region".into()),
                get_att("Other", "Name")
            ]
        );
        assert_eq!(
            references(&json!({"Fn::Sub": "https://${Domain.Prefix}.auth"})),
            [get_att("Domain", "Prefix")]
        );
    }

    #[test]
    fn get_att_forms() {
        assert_eq!(
            references(&json!({"Fn::GetAtt": "A.B.C"})),
            [get_att("A", "B.C")]
        );
        // An attribute computed by a function has no fixed name: its inner refs count.
        assert_eq!(
            references(&json!({"Fn::GetAtt": ["A", {"Ref": "Attr"}]})),
            [Reference::Ref("Attr".into())]
        );
    }

    #[test]
    fn sub_variables_scans_the_whole_string() {
        assert_eq!(sub_variables("${A}x${ B.C }${!D}${"), ["A", "B.C"]);
        assert!(sub_variables("no variables").is_empty());
    }
}

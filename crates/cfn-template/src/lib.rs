//! CloudFormation templates as data.
//!
//! [`Template::from_yaml`] reads a YAML template, short-form tags included
//! (`!Ref`, `!GetAtt A.B`, `!Sub`, ...), into the long JSON form
//! CloudFormation itself works with (`{"Ref": ...}`,
//! `{"Fn::GetAtt": [..]}`), as a [`serde_json::Value`]. On top of that:
//! listing a section's entries through `Fn::ForEach` loops
//! ([`Template::resources`]), expanding those loops once their collections
//! are known ([`Template::expand_for_each`]), and finding what a fragment refers to
//! ([`intrinsics::references`]).
//!
//! Mappings are `serde_json` maps, so keys come out in that crate's order
//! (sorted, unless its `preserve_order` feature is on); nothing here depends
//! on the document's order, just as CloudFormation's doesn't.
//!
//! ```
//! let template = cfn_template::Template::from_yaml(
//!     "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n\
//!      Outputs:\n  Arn:\n    Value: !GetAtt Topic.TopicArn\n",
//! )?;
//! let resources = template.resources()?;
//! assert_eq!(resources[0].resource_type(), Some("AWS::SNS::Topic"));
//! assert_eq!(
//!     template.as_value()["Outputs"]["Arn"]["Value"],
//!     serde_json::json!({"Fn::GetAtt": ["Topic", "TopicArn"]})
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod foreach;
pub mod intrinsics;
mod yaml;

pub use foreach::{Entry, ForEachError, ForEachLoop};
pub use intrinsics::{Reference, references};
pub use yaml::LoadError;

use serde_json::{Map, Value};
use std::path::Path;

/// A loaded template: the long-form JSON document.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    value: Value,
}

/// An empty section, for templates that leave one out.
static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

impl Template {
    /// Parses a YAML (or JSON, a subset of YAML) template.
    pub fn from_yaml(text: &str) -> Result<Self, LoadError> {
        let value = yaml::to_json(text)?;
        if !value.is_object() {
            return Err(LoadError::Invalid {
                at: "the top level".into(),
                problem: "a template is a mapping of sections".into(),
            });
        }
        Ok(Self { value })
    }

    /// Reads and parses a template file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_yaml(&text)
    }

    /// The whole template in long form.
    pub fn as_value(&self) -> &Value {
        &self.value
    }

    pub fn into_value(self) -> Value {
        self.value
    }

    /// A top-level section (`Parameters`, `Conditions`, `Resources`,
    /// `Outputs`, ...); empty when the template has none.
    pub fn section(&self, name: &str) -> &Map<String, Value> {
        self.value
            .get(name)
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY)
    }

    /// The resources, including those declared inside `Fn::ForEach` loops
    /// (with their placeholders unexpanded; see [`Entry::loops`]).
    pub fn resources(&self) -> Result<Vec<Entry<'_>>, ForEachError> {
        foreach::entries(self.section("Resources"))
    }

    /// The outputs, including those declared inside `Fn::ForEach` loops.
    pub fn outputs(&self) -> Result<Vec<Entry<'_>>, ForEachError> {
        foreach::entries(self.section("Outputs"))
    }

    /// The resource declared as `logical_id` outside any loop.
    pub fn resource(&self, logical_id: &str) -> Option<&Value> {
        self.section("Resources").get(logical_id)
    }

    /// The template with every `Fn::ForEach` expanded (see
    /// [`foreach::expand`]); `resolve` supplies collections such as
    /// `{"Ref": "Param"}` from the deployment's parameter values.
    pub fn expand_for_each(
        &self,
        resolve: &mut dyn FnMut(&Value) -> Option<Vec<String>>,
    ) -> Result<Self, ForEachError> {
        Ok(Self {
            value: foreach::expand(&self.value, resolve)?,
        })
    }

    /// The template's `Transform` as a list (it may be written as one name).
    pub fn transforms(&self) -> Vec<&str> {
        match self.value.get("Transform") {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TEMPLATE: &str = "\
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Emails: {Type: CommaDelimitedList, Default: ''}
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
  Fn::ForEach::Users:
    - Email
    - !Ref Emails
    - User&{Email}:
        Type: AWS::Cognito::UserPoolUser
        Properties:
          UserPoolId: !Ref Pool
          Username: !Ref Email
Outputs:
  PoolArn:
    Value: !GetAtt Pool.Arn
";

    #[test]
    fn loads_sections_resources_and_transforms() {
        let template = Template::from_yaml(TEMPLATE).unwrap();
        assert_eq!(
            template.transforms(),
            ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"]
        );
        let resources = template.resources().unwrap();
        let pool = resources.iter().find(|r| r.key == "Pool").unwrap();
        assert_eq!(pool.resource_type(), Some("AWS::Cognito::UserPool"));
        assert!(!pool.in_loop());
        let user = resources.iter().find(|r| r.key == "User&{Email}").unwrap();
        assert_eq!(resources.len(), 2);
        assert_eq!(user.loops[0].collection, &json!({"Ref": "Emails"}));
        assert_eq!(
            user.properties().unwrap()["UserPoolId"],
            json!({"Ref": "Pool"})
        );
        assert_eq!(template.outputs().unwrap()[0].key, "PoolArn");
        assert!(template.resource("Pool").is_some());
        assert!(template.section("Mappings").is_empty());
    }

    #[test]
    fn expands_the_users_loop_with_parameter_values() {
        let template = Template::from_yaml(TEMPLATE).unwrap();
        let expanded = template
            .expand_for_each(&mut |collection| {
                (collection == &json!({"Ref": "Emails"})).then(|| vec!["a@x.com".to_owned()])
            })
            .unwrap();
        let mut keys: Vec<&str> = expanded
            .resources()
            .unwrap()
            .iter()
            .map(|r| r.key)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["Pool", "Useraxcom"]);
        assert_eq!(
            expanded.resource("Useraxcom").unwrap()["Properties"],
            json!({"UserPoolId": {"Ref": "Pool"}, "Username": "a@x.com"})
        );
        // Sections without loops come through unchanged.
        assert_eq!(expanded.section("Outputs"), template.section("Outputs"));
    }

    #[test]
    fn a_template_must_be_a_mapping() {
        assert!(Template::from_yaml("- a\n").is_err());
        let error = Template::from_path("no/such/template.yaml").unwrap_err();
        assert!(
            error.to_string().contains("no/such/template.yaml"),
            "{error}"
        );
    }
}

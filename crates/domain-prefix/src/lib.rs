//! `Custom::DomainPrefix`: resolves the Cognito domain prefix once and keeps
//! it in an SSM parameter, so every later deployment (and a re-created stack
//! that kept the parameter) uses the same prefix. A Cognito domain cannot be
//! renamed, so a stored prefix always wins over a generated one, and a
//! different explicit one is refused rather than silently replacing it.

pub mod rules;

use aws_rules::aws_detail;
use aws_sdk_ssm::types::ParameterType;
use custom_resource::{
    Context, CustomResource, InvalidProperty, Outcome, Properties, ResourceContract, cfn,
};
use serde::Deserialize;

/// What `Custom::DomainPrefix` offers the template.
pub const CONTRACT: ResourceContract = ResourceContract {
    resource_type: "Custom::DomainPrefix",
    properties: &["ParameterName", "Prefix", "RetainParameter"],
    required: &["ParameterName"],
    data_keys: &["Prefix"],
};

/// `ResourceProperties` of a `Custom::DomainPrefix`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DomainPrefixProperties {
    /// SSM parameter that stores the prefix.
    #[serde(deserialize_with = "cfn::string")]
    pub parameter_name: String,
    /// The prefix the operator wants; empty means "generate one".
    #[serde(default, deserialize_with = "cfn::string")]
    pub prefix: String,
    /// Keep the parameter when the resource is deleted (default true).
    #[serde(default, deserialize_with = "cfn::opt_bool")]
    pub retain_parameter: Option<bool>,
}

impl DomainPrefixProperties {
    /// Whether Delete keeps the parameter: unless told "false", yes, because
    /// losing it means a new prefix (and a new sign-in URL) next time.
    pub fn retains_parameter(&self) -> bool {
        self.retain_parameter.unwrap_or(true)
    }

    /// The operator's prefix, if any.
    pub fn wanted_prefix(&self) -> Option<&str> {
        Some(self.prefix.as_str()).filter(|prefix| !prefix.is_empty())
    }
}

impl Properties for DomainPrefixProperties {
    fn validate(&self) -> Result<(), InvalidProperty> {
        if let Some(problem) = rules::parameter_name_problem(&self.parameter_name) {
            return Err(InvalidProperty::new("ParameterName", problem));
        }
        if let Some(prefix) = self.wanted_prefix()
            && let Some(problem) = rules::prefix_problem(prefix)
        {
            return Err(InvalidProperty::new(
                "Prefix",
                format!("{problem} (leave Prefix empty to have one generated)"),
            ));
        }
        Ok(())
    }
}

/// Why a `Custom::DomainPrefix` event failed, worded as a FAILED Reason.
#[derive(Debug, thiserror::Error)]
pub enum DomainPrefixError {
    #[error(
        "SSM parameter {parameter} already stores the domain prefix {stored:?}, but Prefix is {wanted:?}. \
         A Cognito domain cannot be renamed, so the stored prefix is kept and nothing was changed. To keep \
         the current domain, set Prefix to {stored:?} or leave it empty. A user pool has only one domain, so \
         {wanted:?} needs a new stack: delete the stack (the parameter stays), then the parameter \
         (aws ssm delete-parameter --name {parameter}), then create the stack with Prefix {wanted:?}"
    )]
    Conflict {
        parameter: String,
        stored: String,
        wanted: String,
    },
    #[error(
        "SSM parameter {parameter} stores {shown}, which is not a valid Cognito domain prefix: it {problem}. \
         Put a valid prefix into the parameter, or delete it (aws ssm delete-parameter --name {parameter}) \
         to have Prefix or a generated prefix stored"
    )]
    InvalidStored {
        parameter: String,
        shown: String,
        problem: String,
    },
    #[error("SSM parameter {parameter} has no value; put a valid prefix into it or delete it")]
    NoValue { parameter: String },
    #[error(transparent)]
    Generation(#[from] rules::GenerationFailed),
    #[error("could not read SSM parameter {parameter} (GetParameter): {detail}")]
    Read { parameter: String, detail: String },
    #[error(
        "could not store the domain prefix in SSM parameter {parameter} (PutParameter): {detail}"
    )]
    Write { parameter: String, detail: String },
    #[error(
        "SSM parameter {parameter} was created by someone else while this resource stored it, and is gone \
         again; deploy again"
    )]
    Vanished { parameter: String },
    #[error("could not delete SSM parameter {parameter} (DeleteParameter): {detail}")]
    Delete { parameter: String, detail: String },
}

/// What to do once the parameter has been read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The parameter holds a valid prefix that matches any wanted one.
    UseStored(String),
    /// Nothing is stored: store this prefix.
    Store(String),
}

/// The pure heart of the resource: the stored value wins, else `wanted`,
/// else a generated prefix (`generate` is only called when needed).
pub fn decide(
    parameter: &str,
    stored: Option<&str>,
    wanted: Option<&str>,
    generate: impl FnOnce() -> Result<String, rules::GenerationFailed>,
) -> Result<Decision, DomainPrefixError> {
    let Some(stored) = stored else {
        return Ok(Decision::Store(match wanted {
            Some(wanted) => wanted.to_owned(),
            None => generate()?,
        }));
    };
    if let Some(problem) = rules::prefix_problem(stored) {
        return Err(DomainPrefixError::InvalidStored {
            parameter: parameter.to_owned(),
            shown: rules::shown(stored),
            problem,
        });
    }
    match wanted {
        Some(wanted) if wanted != stored => Err(DomainPrefixError::Conflict {
            parameter: parameter.to_owned(),
            stored: stored.to_owned(),
            wanted: wanted.to_owned(),
        }),
        _ => Ok(Decision::UseStored(stored.to_owned())),
    }
}

/// The successful answer: the parameter name is the physical id.
pub fn outcome(parameter: &str, prefix: &str) -> Outcome {
    Outcome::new(parameter).with("Prefix", prefix)
}

/// The resource, holding the SSM client built once in `main`.
pub struct DomainPrefix {
    ssm: aws_sdk_ssm::Client,
}

impl DomainPrefix {
    pub fn new(ssm: aws_sdk_ssm::Client) -> Self {
        Self { ssm }
    }

    /// The stored prefix, `None` when the parameter does not exist.
    async fn read(&self, parameter: &str) -> Result<Option<String>, DomainPrefixError> {
        match self.ssm.get_parameter().name(parameter).send().await {
            Ok(output) => output
                .parameter()
                .and_then(|p| p.value())
                .map(|value| Some(value.to_owned()))
                .ok_or_else(|| DomainPrefixError::NoValue {
                    parameter: parameter.to_owned(),
                }),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_parameter_not_found()) =>
            {
                Ok(None)
            }
            Err(error) => Err(DomainPrefixError::Read {
                parameter: parameter.to_owned(),
                detail: aws_detail(&error),
            }),
        }
    }

    /// Stores `prefix` unless the parameter exists. `Ok(false)`: someone
    /// else stored one first (a concurrent or duplicated invocation).
    async fn store(&self, parameter: &str, prefix: &str) -> Result<bool, DomainPrefixError> {
        let put = self
            .ssm
            .put_parameter()
            .name(parameter)
            .value(prefix)
            .r#type(ParameterType::String)
            .overwrite(false)
            .description("Cognito domain prefix, kept across deployments by Custom::DomainPrefix")
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_parameter_already_exists()) =>
            {
                Ok(false)
            }
            Err(error) => Err(DomainPrefixError::Write {
                parameter: parameter.to_owned(),
                detail: aws_detail(&error),
            }),
        }
    }

    /// Create and Update alike: resolve under the current ParameterName.
    async fn resolve(
        &self,
        context: &Context,
        properties: &DomainPrefixProperties,
    ) -> Result<Outcome, DomainPrefixError> {
        let parameter = properties.parameter_name.as_str();
        let wanted = properties.wanted_prefix();
        let stack_name = context.stack_name().unwrap_or_default();
        let generate = || rules::generate_prefix(stack_name, rules::random_suffix);
        let stored = self.read(parameter).await?;
        match decide(parameter, stored.as_deref(), wanted, generate)? {
            Decision::UseStored(prefix) => {
                tracing::info!(parameter, prefix, "using the stored domain prefix");
                Ok(outcome(parameter, &prefix))
            }
            Decision::Store(prefix) => {
                if self.store(parameter, &prefix).await? {
                    context.claim_physical_id(parameter);
                    tracing::info!(
                        parameter,
                        prefix,
                        generated = wanted.is_none(),
                        "stored the domain prefix"
                    );
                    return Ok(outcome(parameter, &prefix));
                }
                // Lost a race: whatever won is now the stored value and wins.
                let Some(stored) = self.read(parameter).await? else {
                    return Err(DomainPrefixError::Vanished {
                        parameter: parameter.to_owned(),
                    });
                };
                tracing::info!(
                    parameter,
                    prefix = stored,
                    "another writer stored the prefix first; using it"
                );
                match decide(parameter, Some(&stored), wanted, generate)? {
                    Decision::UseStored(prefix) | Decision::Store(prefix) => {
                        Ok(outcome(parameter, &prefix))
                    }
                }
            }
        }
    }
}

impl CustomResource for DomainPrefix {
    type Properties = DomainPrefixProperties;
    type Error = DomainPrefixError;

    async fn create(
        &self,
        context: &Context,
        properties: DomainPrefixProperties,
    ) -> Result<Outcome, DomainPrefixError> {
        self.resolve(context, &properties).await
    }

    /// A new ParameterName gives a new physical id; CloudFormation then
    /// deletes the old one, which honours the old RetainParameter.
    async fn update(
        &self,
        context: &Context,
        physical_resource_id: &str,
        properties: DomainPrefixProperties,
        _old: Option<DomainPrefixProperties>,
    ) -> Result<Outcome, DomainPrefixError> {
        if physical_resource_id != properties.parameter_name {
            tracing::info!(
                old = physical_resource_id,
                new = properties.parameter_name,
                "ParameterName changed: the prefix is resolved under the new name"
            );
        }
        self.resolve(context, &properties).await
    }

    async fn delete(
        &self,
        _context: &Context,
        physical_resource_id: &str,
        properties: DomainPrefixProperties,
    ) -> Result<(), DomainPrefixError> {
        if properties.retains_parameter() {
            tracing::info!(
                parameter = physical_resource_id,
                "RetainParameter is not \"false\": parameter kept"
            );
            return Ok(());
        }
        match self
            .ssm
            .delete_parameter()
            .name(physical_resource_id)
            .send()
            .await
        {
            Ok(_) => {
                tracing::info!(parameter = physical_resource_id, "parameter deleted");
                Ok(())
            }
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_parameter_not_found()) =>
            {
                tracing::info!(parameter = physical_resource_id, "parameter already gone");
                Ok(())
            }
            Err(error) => Err(DomainPrefixError::Delete {
                parameter: physical_resource_id.to_owned(),
                detail: aws_detail(&error),
            }),
        }
    }

    /// Only the parameter these properties name is ours to delete.
    fn issued(&self, physical_resource_id: &str, properties: &DomainPrefixProperties) -> bool {
        physical_resource_id == properties.parameter_name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn parse(value: Value) -> Result<DomainPrefixProperties, String> {
        let properties: DomainPrefixProperties =
            serde_json::from_value(value).map_err(|e| e.to_string())?;
        properties.validate().map_err(|e| e.to_string())?;
        Ok(properties)
    }

    const PARAMETER: &str = "/sagemaker-workforce/s/domain-prefix";

    fn no_generation() -> Result<String, rules::GenerationFailed> {
        panic!("generate must not be called")
    }

    #[test]
    fn contract_properties_parse_and_data_keys_match() {
        let mut object = serde_json::Map::new();
        for property in CONTRACT.properties {
            let value = match *property {
                "ParameterName" => PARAMETER,
                "Prefix" => "my-prefix",
                "RetainParameter" => "false",
                other => panic!("no sample value for {other}"),
            };
            object.insert((*property).to_owned(), json!(value));
        }
        let properties = parse(Value::Object(object)).unwrap();
        assert_eq!(properties.wanted_prefix(), Some("my-prefix"));
        assert!(!properties.retains_parameter());
        for required in CONTRACT.required {
            assert!(CONTRACT.properties.contains(required));
        }
        let data = outcome(PARAMETER, "my-prefix").data;
        let keys: Vec<&str> = data.keys().map(String::as_str).collect();
        assert_eq!(keys, CONTRACT.data_keys);
    }

    #[test]
    fn only_parameter_name_is_required() {
        let properties = parse(json!({"ParameterName": PARAMETER})).unwrap();
        assert_eq!(properties.wanted_prefix(), None);
        assert!(properties.retains_parameter());
        let error = parse(json!({"Prefix": "x"})).unwrap_err();
        assert!(error.contains("ParameterName"), "{error}");
    }

    #[test]
    fn unknown_and_malformed_properties_are_named() {
        let error = parse(json!({"ParameterName": PARAMETER, "Prefx": "x"})).unwrap_err();
        assert!(error.contains("Prefx"), "{error}");
        let error =
            parse(json!({"ParameterName": PARAMETER, "RetainParameter": "no"})).unwrap_err();
        assert!(error.contains("\"true\" or \"false\""), "{error}");
    }

    #[test]
    fn invalid_values_are_refused_by_validate() {
        let error = parse(json!({"ParameterName": PARAMETER, "Prefix": "My-Aws"})).unwrap_err();
        assert!(error.starts_with("property `Prefix`"), "{error}");
        let error = parse(json!({"ParameterName": PARAMETER, "Prefix": "my-aws-x"})).unwrap_err();
        assert!(error.contains("\"aws\""), "{error}");
        let error = parse(json!({"ParameterName": "/aws/x"})).unwrap_err();
        assert!(error.starts_with("property `ParameterName`"), "{error}");
        let error = parse(json!({"ParameterName": "a b"})).unwrap_err();
        assert!(error.starts_with("property `ParameterName`"), "{error}");
    }

    #[test]
    fn the_stored_value_wins() {
        assert_eq!(
            decide(PARAMETER, Some("kept-1"), None, no_generation).unwrap(),
            Decision::UseStored("kept-1".into())
        );
        assert_eq!(
            decide(PARAMETER, Some("kept-1"), Some("kept-1"), no_generation).unwrap(),
            Decision::UseStored("kept-1".into())
        );
    }

    #[test]
    fn nothing_stored_stores_the_wanted_or_a_generated_prefix() {
        assert_eq!(
            decide(PARAMETER, None, Some("mine"), no_generation).unwrap(),
            Decision::Store("mine".into())
        );
        assert_eq!(
            decide(PARAMETER, None, None, || Ok("gen-12345678".into())).unwrap(),
            Decision::Store("gen-12345678".into())
        );
    }

    #[test]
    fn a_different_wanted_prefix_is_a_conflict_with_guidance() {
        let error = decide(PARAMETER, Some("kept-1"), Some("other"), no_generation).unwrap_err();
        assert!(matches!(error, DomainPrefixError::Conflict { .. }));
        let reason = error.to_string();
        for needle in [
            PARAMETER,
            "\"kept-1\"",
            "\"other\"",
            "cannot be renamed",
            "set Prefix to \"kept-1\"",
            "aws ssm delete-parameter --name /sagemaker-workforce/s/domain-prefix",
            "delete the stack",
            "then create the stack with Prefix \"other\"",
        ] {
            assert!(reason.contains(needle), "missing {needle:?} in {reason}");
        }
    }

    #[test]
    fn an_invalid_stored_value_fails_whatever_is_wanted() {
        for wanted in [None, Some("ok")] {
            let error = decide(PARAMETER, Some("Bad_Value"), wanted, no_generation).unwrap_err();
            let reason = error.to_string();
            assert!(
                matches!(error, DomainPrefixError::InvalidStored { .. })
                    && reason.contains("\"Bad_Value\"")
                    && reason.contains(PARAMETER),
                "{reason}"
            );
        }
    }

    #[test]
    fn generation_failure_is_reported() {
        let failure = rules::GenerationFailed {
            stack_name: "s".into(),
            last: "s-aws00000".into(),
            problem: "p".into(),
        };
        let error = decide(PARAMETER, None, None, || Err(failure.clone())).unwrap_err();
        assert_eq!(error.to_string(), failure.to_string());
    }
}

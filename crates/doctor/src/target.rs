//! What to check: the stack's outputs, or the names given one by one.

use serde_json::Value;

/// The deployed stack's parts the doctor reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub workforce_name: String,
    /// The work team (from the `WorkteamArn` output, or given).
    pub workteam_name: Option<String>,
    /// The portal URL the stack reports (its `PortalUrl` output), if known.
    pub reported_portal: Option<String>,
    /// The stack's task-notification topic (its `TaskTopicArn` output).
    pub task_topic: Option<String>,
    pub sign_in: SignInTarget,
}

/// How the workforce's workers sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInTarget {
    Cognito(CognitoTarget),
    /// The team's own OIDC identity provider, which the doctor cannot read:
    /// only what the stack reported to register there.
    Oidc {
        /// The `OidcRedirectUrl` output.
        reported_redirect: Option<String>,
    },
}

/// A Cognito workforce's pool, app client and workers' group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CognitoTarget {
    pub user_pool_id: String,
    pub client_id: String,
    /// The Cognito group whose members are the team.
    pub group: String,
}

/// The group the template makes (its `WorkerGroup`).
pub const DEFAULT_GROUP: &str = "workers";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("the outputs are not JSON: {0}")]
    NotJson(String),
    #[error(
        "the outputs have no {0}: give the stack's outputs (`sam list stack-outputs --output json`, or `aws cloudformation describe-stacks`), or --workforce-name with --user-pool-id and --client-id (or --oidc)"
    )]
    Missing(&'static str),
}

impl Target {
    /// Reads a stack's outputs in any of the shapes the tools print: a list
    /// of `{OutputKey, OutputValue}` (`sam list stack-outputs --output
    /// json`, a stack's `Outputs`), `describe-stacks`' whole answer, a plain
    /// `{key: value}` map, or a local stack's state (`.local/stack.json`).
    pub fn from_outputs(text: &str) -> Result<Self, TargetError> {
        let json: Value =
            serde_json::from_str(text).map_err(|error| TargetError::NotJson(error.to_string()))?;
        let outputs = output_map(&json);
        let get = |key: &'static str| -> Result<String, TargetError> {
            outputs
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.clone())
                .filter(|value| !value.is_empty())
                .ok_or(TargetError::Missing(key))
        };
        // An OIDC stack has no pool: its outputs say what the IdP needs.
        let sign_in = match (get("UserPoolId"), get("OidcRedirectUrl")) {
            (Err(missing), Err(_)) => return Err(missing),
            (Err(_), Ok(redirect)) => SignInTarget::Oidc {
                reported_redirect: Some(redirect),
            },
            (Ok(user_pool_id), _) => SignInTarget::Cognito(CognitoTarget {
                user_pool_id,
                client_id: get("UserPoolClientId")?,
                group: DEFAULT_GROUP.to_owned(),
            }),
        };
        Ok(Self {
            workforce_name: get("WorkforceName")?,
            workteam_name: get("WorkteamArn")
                .ok()
                .and_then(|arn| arn.rsplit('/').next().map(str::to_owned)),
            reported_portal: get("PortalUrl").ok(),
            task_topic: get("TaskTopicArn").ok(),
            sign_in,
        })
    }
}

/// (key, value) pairs of whichever outputs shape `json` is.
fn output_map(json: &Value) -> Vec<(String, String)> {
    let listed = |list: &Value| -> Vec<(String, String)> {
        list.as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| {
                Some((
                    item["OutputKey"].as_str()?.to_owned(),
                    item["OutputValue"].as_str()?.to_owned(),
                ))
            })
            .collect()
    };
    let mapped = |map: &Value| -> Vec<(String, String)> {
        map.as_object()
            .into_iter()
            .flatten()
            .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
            .collect()
    };
    if json.is_array() {
        listed(json)
    } else if let Some(stacks) = json["Stacks"].as_array() {
        stacks
            .first()
            .map(|stack| listed(&stack["Outputs"]))
            .unwrap_or_default()
    } else if json["Outputs"].is_array() {
        listed(&json["Outputs"])
    } else if json["outputs"].is_object() {
        mapped(&json["outputs"])
    } else if json["stack"]["outputs"].is_object() {
        mapped(&json["stack"]["outputs"])
    } else {
        mapped(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POOL: &str = "us-east-1_AbC";

    fn expected() -> Target {
        Target {
            workforce_name: "labelers".into(),
            workteam_name: Some("labelers-team".into()),
            reported_portal: Some("https://x.labeling.us-east-1.sagemaker.aws".into()),
            task_topic: None,
            sign_in: SignInTarget::Cognito(CognitoTarget {
                user_pool_id: POOL.into(),
                client_id: "client1".into(),
                group: DEFAULT_GROUP.into(),
            }),
        }
    }

    #[test]
    fn every_outputs_shape_the_tools_print_is_read() {
        let pairs = r#"[
            {"OutputKey": "UserPoolId", "OutputValue": "us-east-1_AbC", "Description": "d"},
            {"OutputKey": "UserPoolClientId", "OutputValue": "client1"},
            {"OutputKey": "WorkforceName", "OutputValue": "labelers"},
            {"OutputKey": "WorkteamArn", "OutputValue": "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/labelers-team"},
            {"OutputKey": "PortalUrl", "OutputValue": "https://x.labeling.us-east-1.sagemaker.aws"}
        ]"#;
        assert_eq!(Target::from_outputs(pairs).unwrap(), expected());
        let described = format!(r#"{{"Stacks": [{{"StackName": "s", "Outputs": {pairs}}}]}}"#);
        assert_eq!(Target::from_outputs(&described).unwrap(), expected());
        let map = r#"{"outputs": {"UserPoolId": "us-east-1_AbC", "UserPoolClientId": "client1",
            "WorkforceName": "labelers", "PortalUrl": "https://x.labeling.us-east-1.sagemaker.aws",
            "WorkteamArn": "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/labelers-team"}}"#;
        assert_eq!(Target::from_outputs(map).unwrap(), expected());
        let local = format!(r#"{{"session": "s", "stack": {}}}"#, map);
        assert_eq!(Target::from_outputs(&local).unwrap(), expected());
    }

    #[test]
    fn an_oidc_stacks_outputs_have_no_pool_but_a_redirect_url() {
        let outputs = r#"{"WorkforceName": "labelers",
            "PortalUrl": "https://x.labeling.us-east-1.sagemaker.aws",
            "OidcRedirectUrl": "https://x.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse"}"#;
        let target = Target::from_outputs(outputs).unwrap();
        assert_eq!(
            target.sign_in,
            SignInTarget::Oidc {
                reported_redirect: Some(
                    "https://x.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse".into()
                )
            }
        );
        assert_eq!(
            Target::from_outputs(r#"{"WorkforceName": "labelers"}"#),
            Err(TargetError::Missing("UserPoolId"))
        );
    }

    #[test]
    fn missing_outputs_are_named() {
        assert_eq!(
            Target::from_outputs(r#"{"UserPoolId": "us-east-1_AbC"}"#),
            Err(TargetError::Missing("UserPoolClientId"))
        );
        assert!(matches!(
            Target::from_outputs("not json"),
            Err(TargetError::NotJson(_))
        ));
    }
}

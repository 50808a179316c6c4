//! SageMaker work teams, on the project's SageMaker emulator.

use super::{Created, Pending, Providers, Resource, ResourceProvider, Support, pick, text};
use crate::aws::SAGEMAKER;
use serde_json::{Value, json};

pub(super) const PROVIDERS: &[&dyn ResourceProvider] = &[&Workteam];

/// `AWS::SageMaker::Workteam`.
struct Workteam;

impl Workteam {
    const PROPERTIES: &'static [&'static str] = &[
        "WorkteamName",
        "WorkforceName",
        "Description",
        "MemberDefinitions",
        "NotificationConfiguration",
        "Tags",
    ];
}

impl ResourceProvider for Workteam {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::SageMaker::Workteam"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &["WorkteamName", "WorkforceName"]
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let out = providers
                .aws
                .json(SAGEMAKER, "CreateWorkteam", workteam_request(props))
                .await?;
            Ok(
                Created::new(out["WorkteamArn"].as_str().unwrap_or_default())
                    .with("WorkteamName", text(props, "WorkteamName")),
            )
        })
    }

    fn update<'a>(
        &'a self,
        _providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        _old: &'a Value,
        new: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            Ok(Created::new(physical_id)
                .with("WorkteamName", text(new, "WorkteamName"))
                .noted(
                    "NOT EMULATED: the SageMaker emulator has no UpdateWorkteam; the change is recorded only",
                ))
        })
    }

    fn delete<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        _physical_id: &'a str,
        props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        Box::pin(async move {
            providers
                .aws
                .json(
                    SAGEMAKER,
                    "DeleteWorkteam",
                    json!({"WorkteamName": props["WorkteamName"]}),
                )
                .await?;
            Ok(None)
        })
    }
}

/// CloudFormation's CognitoMemberDefinition says CognitoUserPool,
/// CognitoClientId, CognitoUserGroup; the API says UserPool, ClientId, UserGroup.
fn workteam_request(props: &Value) -> Value {
    let mut body = props.clone();
    if let Some(members) = body
        .get_mut("MemberDefinitions")
        .and_then(Value::as_array_mut)
    {
        for member in members {
            if let Some(cognito) = member.get_mut("CognitoMemberDefinition") {
                *cognito = pick(
                    cognito,
                    &[
                        ("CognitoUserPool", "UserPool"),
                        ("CognitoClientId", "ClientId"),
                        ("CognitoUserGroup", "UserGroup"),
                    ],
                );
            }
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_definitions_get_the_api_names() {
        let props = json!({"MemberDefinitions": [{"CognitoMemberDefinition": {"CognitoUserPool": "p", "CognitoClientId": "c", "CognitoUserGroup": "g"}}]});
        assert_eq!(
            workteam_request(&props)["MemberDefinitions"][0]["CognitoMemberDefinition"],
            json!({"UserPool": "p", "ClientId": "c", "UserGroup": "g"})
        );
    }
}

//! Cognito user pools and what hangs off them: app clients, domains,
//! groups, users (with the invitation email Cognito sends) and group
//! memberships, on moto.

use super::{
    Created, NotEmulated, Pending, ProviderError, Providers, Resource, ResourceProvider, Support,
    generated_name, pick, same, text,
};
use crate::aws::{AwsError, COGNITO};
use local_aws::runtime_api::{FunctionHost, Outcome};
use local_aws::triggers::{self, SentEmail};
use serde_json::{Map, Value, json};
use std::time::Duration;

use super::lambda::Function;

pub(super) const PROVIDERS: &[&dyn ResourceProvider] = &[
    &UserPool,
    &UserPoolClient,
    &UserPoolDomain,
    &UserPoolGroup,
    &UserPoolUser,
    &UserPoolUserToGroupAttachment,
    &NotEmulated {
        resource_type: "AWS::Cognito::LogDeliveryConfiguration",
        why: "moto has no Cognito log delivery (SetLogDeliveryConfiguration)",
    },
];

/// `AWS::Cognito::UserPool`.
struct UserPool;

impl UserPool {
    const PROPERTIES: &'static [&'static str] = &[
        "UserPoolName",
        "UserPoolTier",
        "DeletionProtection",
        "AdminCreateUserConfig",
        "UsernameConfiguration",
        "UsernameAttributes",
        "AliasAttributes",
        "Schema",
        "AutoVerifiedAttributes",
        "UserAttributeUpdateSettings",
        "AccountRecoverySetting",
        "MfaConfiguration",
        "EnabledMfas",
        "Policies",
        "EmailConfiguration",
        "SmsConfiguration",
        "UserPoolAddOns",
        "UserPoolTags",
        "LambdaConfig",
        "DeviceConfiguration",
        "VerificationMessageTemplate",
        "SmsAuthenticationMessage",
        "EmailVerificationMessage",
        "EmailVerificationSubject",
        "SmsVerificationMessage",
    ];
}

impl ResourceProvider for UserPool {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::Cognito::UserPool"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &[
            "UsernameAttributes",
            "AliasAttributes",
            "UsernameConfiguration",
        ]
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let mut body = props.clone();
            if let Some(map) = body.as_object_mut() {
                if let Some(name) = map.remove("UserPoolName") {
                    map.insert("PoolName".into(), name);
                }
                map.remove("EnabledMfas");
            }
            let out = providers.aws.json(COGNITO, "CreateUserPool", body).await?;
            let pool = &out["UserPool"];
            let id = pool["Id"].as_str().unwrap_or_default().to_owned();
            providers.set_mfa(&id, props).await?;
            let provider = format!("cognito-idp.{}.amazonaws.com/{id}", local_aws::REGION);
            Ok(Created::new(&id)
                .with("Arn", pool["Arn"].as_str().unwrap_or_default())
                .with("ProviderURL", format!("https://{provider}"))
                .with("ProviderName", provider)
                .with("UserPoolId", &id))
        })
    }

    fn update<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        _old: &'a Value,
        new: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let aws = &providers.aws;
            // UpdateUserPool takes what CreateUserPool took, minus what
            // cannot change; what it is not given is reset (as in AWS).
            let mut body = new.clone();
            if let Some(map) = body.as_object_mut() {
                if let Some(name) = map.remove("UserPoolName") {
                    map.insert("PoolName".into(), name);
                }
                for key in [
                    "EnabledMfas",
                    "Schema",
                    "UsernameConfiguration",
                    "UsernameAttributes",
                    "AliasAttributes",
                ] {
                    map.remove(key);
                }
                map.insert("UserPoolId".into(), Value::String(physical_id.to_owned()));
            }
            aws.json(COGNITO, "UpdateUserPool", body).await?;
            providers.set_mfa(physical_id, new).await?;
            let out = aws
                .json(
                    COGNITO,
                    "DescribeUserPool",
                    json!({"UserPoolId": physical_id}),
                )
                .await?;
            let provider = format!(
                "cognito-idp.{}.amazonaws.com/{physical_id}",
                local_aws::REGION
            );
            Ok(Created::new(physical_id)
                .with("Arn", out["UserPool"]["Arn"].as_str().unwrap_or_default())
                .with("ProviderURL", format!("https://{provider}"))
                .with("ProviderName", provider)
                .with("UserPoolId", physical_id))
        })
    }

    fn delete<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        _props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        Box::pin(async move {
            let aws = &providers.aws;
            let out = aws
                .json(
                    COGNITO,
                    "DescribeUserPool",
                    json!({"UserPoolId": physical_id}),
                )
                .await?;
            if out["UserPool"]["DeletionProtection"] == "ACTIVE" {
                // What Cognito answers; moto does not check it.
                return Err(ProviderError::Invalid(
                    "InvalidParameterException: The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first. (A stack in DELETE_FAILED cannot be updated: delete it with --retain-resources UserPool to keep the pool, or turn the protection off on the pool with UpdateUserPool and delete again.)".into(),
                ));
            }
            aws.json(
                COGNITO,
                "DeleteUserPool",
                json!({"UserPoolId": physical_id}),
            )
            .await?;
            Ok(None)
        })
    }
}

/// `AWS::Cognito::UserPoolClient`.
struct UserPoolClient;

impl UserPoolClient {
    const PROPERTIES: &'static [&'static str] = &[
        "UserPoolId",
        "ClientName",
        "GenerateSecret",
        "AllowedOAuthFlowsUserPoolClient",
        "AllowedOAuthFlows",
        "AllowedOAuthScopes",
        "SupportedIdentityProviders",
        "ExplicitAuthFlows",
        "PreventUserExistenceErrors",
        "EnableTokenRevocation",
        "CallbackURLs",
        "LogoutURLs",
        "DefaultRedirectURI",
        "AccessTokenValidity",
        "IdTokenValidity",
        "RefreshTokenValidity",
        "TokenValidityUnits",
        "ReadAttributes",
        "WriteAttributes",
        "AuthSessionValidity",
        "EnablePropagateAdditionalUserContextData",
    ];
}

impl ResourceProvider for UserPoolClient {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::Cognito::UserPoolClient"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &["UserPoolId", "GenerateSecret"]
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
                .json(COGNITO, "CreateUserPoolClient", props.clone())
                .await?;
            let client = &out["UserPoolClient"];
            let id = client["ClientId"].as_str().unwrap_or_default();
            Ok(Created::new(id)
                .with("ClientId", id)
                .with(
                    "ClientSecret",
                    client["ClientSecret"].as_str().unwrap_or_default(),
                )
                .with("Name", client["ClientName"].as_str().unwrap_or_default()))
        })
    }

    fn update<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        _old: &'a Value,
        new: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let mut body = new.clone();
            if let Some(map) = body.as_object_mut() {
                map.remove("GenerateSecret");
                map.insert("ClientId".into(), Value::String(physical_id.to_owned()));
            }
            let out = providers
                .aws
                .json(COGNITO, "UpdateUserPoolClient", body)
                .await?;
            let client = &out["UserPoolClient"];
            Ok(Created::new(physical_id)
                .with("ClientId", physical_id)
                .with(
                    "ClientSecret",
                    client["ClientSecret"].as_str().unwrap_or_default(),
                )
                .with("Name", client["ClientName"].as_str().unwrap_or_default()))
        })
    }

    fn delete<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        Box::pin(async move {
            providers
                .aws
                .json(
                    COGNITO,
                    "DeleteUserPoolClient",
                    json!({"UserPoolId": props["UserPoolId"], "ClientId": physical_id}),
                )
                .await?;
            Ok(None)
        })
    }
}

/// `AWS::Cognito::UserPoolDomain`.
struct UserPoolDomain;

impl UserPoolDomain {
    const PROPERTIES: &'static [&'static str] = &[
        "UserPoolId",
        "Domain",
        "ManagedLoginVersion",
        "CustomDomainConfig",
    ];
}

impl ResourceProvider for UserPoolDomain {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::Cognito::UserPoolDomain"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &["UserPoolId", "Domain"]
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
                .json(COGNITO, "CreateUserPoolDomain", props.clone())
                .await?;
            let domain = text(props, "Domain");
            Ok(Created::new(&domain)
                .with(
                    "CloudFrontDistribution",
                    out["CloudFrontDomain"].as_str().unwrap_or_default(),
                )
                .with("ManagedLoginVersion", text(props, "ManagedLoginVersion")))
        })
    }

    fn update<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        _old: &'a Value,
        new: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let out = providers
                .aws
                .json(COGNITO, "UpdateUserPoolDomain", new.clone())
                .await?;
            Ok(Created::new(physical_id)
                .with(
                    "CloudFrontDistribution",
                    out["CloudFrontDomain"].as_str().unwrap_or_default(),
                )
                .with("ManagedLoginVersion", text(new, "ManagedLoginVersion")))
        })
    }

    fn delete<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        Box::pin(async move {
            providers
                .aws
                .json(
                    COGNITO,
                    "DeleteUserPoolDomain",
                    json!({"UserPoolId": props["UserPoolId"], "Domain": physical_id}),
                )
                .await?;
            Ok(None)
        })
    }
}

/// `AWS::Cognito::UserPoolGroup`.
struct UserPoolGroup;

impl UserPoolGroup {
    const PROPERTIES: &'static [&'static str] = &[
        "UserPoolId",
        "GroupName",
        "Description",
        "Precedence",
        "RoleArn",
    ];
}

impl ResourceProvider for UserPoolGroup {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::Cognito::UserPoolGroup"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &["UserPoolId", "GroupName"]
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let mut body = props.clone();
            let name = match props["GroupName"].as_str() {
                Some(name) => name.to_owned(),
                None => generated_name(&providers.stack.name, resource.logical_id, 128),
            };
            body["GroupName"] = Value::String(name.clone());
            providers.aws.json(COGNITO, "CreateGroup", body).await?;
            Ok(Created::new(name))
        })
    }

    fn update<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        _old: &'a Value,
        new: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let mut body = pick(
                new,
                &same(&["UserPoolId", "Description", "Precedence", "RoleArn"]),
            );
            body["GroupName"] = Value::String(physical_id.to_owned());
            providers.aws.json(COGNITO, "UpdateGroup", body).await?;
            Ok(Created::new(physical_id))
        })
    }

    fn delete<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        Box::pin(async move {
            providers
                .aws
                .json(
                    COGNITO,
                    "DeleteGroup",
                    json!({"UserPoolId": props["UserPoolId"], "GroupName": physical_id}),
                )
                .await?;
            Ok(None)
        })
    }
}

/// `AWS::Cognito::UserPoolUser`: every property change replaces the user.
struct UserPoolUser;

impl UserPoolUser {
    const PROPERTIES: &'static [&'static str] = &[
        "UserPoolId",
        "Username",
        "UserAttributes",
        "DesiredDeliveryMediums",
        "MessageAction",
        "ForceAliasCreation",
        "ClientMetadata",
        "ValidationData",
    ];
}

impl ResourceProvider for UserPoolUser {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::Cognito::UserPoolUser"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        Self::PROPERTIES
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
                .json(COGNITO, "AdminCreateUser", props.clone())
                .await?;
            let sent = providers.send_invitation(props, &out["User"]).await?;
            let mut created = Created::new(
                out["User"]["Username"]
                    .as_str()
                    .unwrap_or(&text(props, "Username")),
            );
            if let Some(sent) = sent {
                created.attributes.insert(SENT_INVITATION.into(), sent);
            }
            Ok(created)
        })
    }

    fn delete<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        Box::pin(async move {
            providers
                .aws
                .json(
                    COGNITO,
                    "AdminDeleteUser",
                    json!({"UserPoolId": props["UserPoolId"], "Username": physical_id}),
                )
                .await?;
            Ok(None)
        })
    }
}

/// `AWS::Cognito::UserPoolUserToGroupAttachment`: every property change
/// replaces the membership.
struct UserPoolUserToGroupAttachment;

impl UserPoolUserToGroupAttachment {
    const PROPERTIES: &'static [&'static str] = &["UserPoolId", "GroupName", "Username"];
}

impl ResourceProvider for UserPoolUserToGroupAttachment {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::Cognito::UserPoolUserToGroupAttachment"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        Self::PROPERTIES
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            providers
                .aws
                .json(COGNITO, "AdminAddUserToGroup", props.clone())
                .await?;
            Ok(Created::new(generated_name(
                &providers.stack.name,
                resource.logical_id,
                128,
            )))
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
                .json(COGNITO, "AdminRemoveUserFromGroup", props.clone())
                .await?;
            Ok(None)
        })
    }
}

impl Providers {
    async fn set_mfa(&self, pool_id: &str, props: &Value) -> Result<(), ProviderError> {
        let Some(enabled) = props["EnabledMfas"].as_array() else {
            return Ok(());
        };
        let has = |name: &str| enabled.iter().any(|m| m == name);
        let mut body =
            json!({"UserPoolId": pool_id, "MfaConfiguration": props["MfaConfiguration"]});
        if has("SOFTWARE_TOKEN_MFA") {
            body["SoftwareTokenMfaConfiguration"] = json!({"Enabled": true});
        }
        if has("SMS_MFA") {
            body["SmsMfaConfiguration"] = json!({"SmsConfiguration": props["SmsConfiguration"]});
        }
        self.aws.json(COGNITO, "SetUserPoolMfaConfig", body).await?;
        Ok(())
    }

    /// What Cognito does after AdminCreateUser created `user` with `props`:
    /// the invitation email, through the pool's CustomMessage trigger when
    /// it has one (invoked with Cognito's event, within Cognito's 5 seconds).
    /// `None` when no email is sent. A trigger that fails makes
    /// AdminCreateUser fail: the user is removed again and the error is
    /// Cognito's.
    async fn send_invitation(
        &self,
        props: &Value,
        user: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let by_email = props["DesiredDeliveryMediums"]
            .as_array()
            .is_some_and(|media| media.iter().any(|m| m == "EMAIL"));
        if !by_email || props["MessageAction"] == "SUPPRESS" {
            return Ok(None);
        }
        let pool_id = text(props, "UserPoolId");
        let username = user["Username"].as_str().unwrap_or_default().to_owned();
        let described = self
            .aws
            .json(COGNITO, "DescribeUserPool", json!({"UserPoolId": pool_id}))
            .await?;
        let pool = &described["UserPool"];
        let template = &pool["AdminCreateUserConfig"]["InviteMessageTemplate"];
        let Some(trigger) = pool["LambdaConfig"]["CustomMessage"].as_str() else {
            let sent = SentEmail::from_answer(&Value::Null, template);
            return Ok(Some(sent_record(&sent, None)));
        };
        let refused = |code: &str, message: String| {
            ProviderError::Aws(AwsError {
                service: COGNITO.name,
                operation: "AdminCreateUser".into(),
                code: code.into(),
                message,
            })
        };
        let function = self
            .functions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(trigger)
            .cloned();
        let answer = match function {
            None => Err(refused(
                "NotEmulated",
                format!(
                    "the pool's CustomMessage trigger {trigger} is not a function of this stack; local-stack runs only those"
                ),
            )),
            Some(function) => {
                let mut attributes: Map<String, Value> = user["Attributes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| Some((a["Name"].as_str()?.to_owned(), a["Value"].clone())))
                    .collect();
                attributes.insert("cognito:user_status".into(), user["UserStatus"].clone());
                let metadata = props["ClientMetadata"]
                    .as_object()
                    .cloned()
                    .unwrap_or_default();
                let event = triggers::custom_message_event(
                    triggers::ADMIN_CREATE_USER,
                    &pool_id,
                    &username,
                    &attributes,
                    &metadata,
                );
                self.run_trigger(&function, event).await.map_err(|message| {
                    refused(
                        "UserLambdaValidationException",
                        format!("CustomMessage failed with error {message}."),
                    )
                })
            }
        };
        match answer {
            Ok(answer) => {
                let sent = SentEmail::from_answer(&answer, template);
                Ok(Some(sent_record(&sent, Some(trigger))))
            }
            Err(error) => {
                // Cognito creates no user when the trigger fails.
                self.aws
                    .json(
                        COGNITO,
                        "AdminDeleteUser",
                        json!({"UserPoolId": pool_id, "Username": username}),
                    )
                    .await?;
                Err(error)
            }
        }
    }

    /// Invokes a trigger the way Cognito does: synchronously, waiting at
    /// most 5 seconds; its answer, or why there is none.
    async fn run_trigger(&self, function: &Function, event: Value) -> Result<Value, String> {
        const COGNITO_WAITS: Duration = Duration::from_secs(5);
        let host = function
            .host
            .get_or_try_init(|| FunctionHost::start(function.spec.clone()))
            .await
            .map_err(|e| format!("could not start {}: {e}", function.spec.binary.display()))?;
        let invocation = host
            .invoke(event, function.timeout.min(COGNITO_WAITS))
            .await;
        self.save_logs(function, host);
        match invocation.outcome {
            Outcome::Response(answer) => Ok(answer),
            Outcome::Error(error) => Err(error["errorMessage"]
                .as_str()
                .map_or_else(|| error.to_string(), str::to_owned)),
            Outcome::TimedOut => Err(format!(
                "the function {} timed out",
                function.spec.function_name
            )),
            Outcome::Crashed { status } => Err(format!(
                "the function {} crashed (exit status {status:?})",
                function.spec.function_name
            )),
        }
    }
}

/// The attribute of an `AWS::Cognito::UserPoolUser` under which local-stack
/// records the invitation email Cognito sent (not a CloudFormation
/// attribute: the `local-stack:` prefix keeps it apart from those).
pub const SENT_INVITATION: &str = "local-stack:SentInvitation";

/// What [`SENT_INVITATION`] holds: the email, and the trigger that composed
/// it (null when the pool's template was sent as it is).
fn sent_record(sent: &SentEmail, trigger: Option<&str>) -> Value {
    json!({
        "Subject": sent.subject,
        "Message": sent.message,
        "ComposedBy": if sent.from_trigger { trigger.map(trigger_name) } else { None },
    })
}

/// A function's name from its ARN.
fn trigger_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

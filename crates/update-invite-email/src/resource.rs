//! The Cognito calls around the decision: DescribeUserPool, then
//! UpdateUserPool unless the invitation is already current.

use crate::decide::{self, WantedInvite};
use crate::{InviteEmailError, InviteEmailProperties, is_physical_id, physical_id};
use aws_rules::aws_detail;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::UserPoolType;
use custom_resource::{Context, CustomResource, Outcome};

/// The resource, holding the Cognito client built once in `main`.
pub struct InviteEmail {
    cognito: aws_sdk_cognitoidentityprovider::Client,
}

impl InviteEmail {
    pub fn new(cognito: aws_sdk_cognitoidentityprovider::Client) -> Self {
        Self { cognito }
    }

    async fn describe(&self, user_pool_id: &str) -> Result<UserPoolType, InviteEmailError> {
        let output = self
            .cognito
            .describe_user_pool()
            .user_pool_id(user_pool_id)
            .send()
            .await
            .map_err(|error| {
                let detail = aws_detail(&error);
                let user_pool_id = user_pool_id.to_owned();
                if error.code() == Some("ResourceNotFoundException") {
                    InviteEmailError::PoolNotFound {
                        user_pool_id,
                        detail,
                    }
                } else {
                    InviteEmailError::Describe {
                        user_pool_id,
                        detail,
                    }
                }
            })?;
        output
            .user_pool
            .ok_or_else(|| InviteEmailError::EmptyDescribe {
                user_pool_id: user_pool_id.to_owned(),
            })
    }

    /// Create and Update alike: read, decide, write (unless already set).
    async fn apply(&self, properties: &InviteEmailProperties) -> Result<Outcome, InviteEmailError> {
        let user_pool_id = properties.user_pool_id.as_str();
        let pool = self.describe(user_pool_id).await?;
        let invite = decide::invite_template(&pool, &WantedInvite::from(properties));
        if decide::is_current(&pool, &invite) {
            tracing::info!(
                user_pool_id,
                "the invitation is already set; nothing to update"
            );
        } else {
            decide::update_request(user_pool_id, &pool, invite)
                .send_with(&self.cognito)
                .await
                .map_err(|error| InviteEmailError::Update {
                    user_pool_id: user_pool_id.to_owned(),
                    detail: aws_detail(&error),
                })?;
            tracing::info!(user_pool_id, "invitation message updated");
        }
        Ok(Outcome::new(physical_id(user_pool_id))
            .with("EmailSubject", properties.email_subject.as_str()))
    }
}

impl CustomResource for InviteEmail {
    type Properties = InviteEmailProperties;
    type Error = InviteEmailError;

    async fn create(
        &self,
        _context: &Context,
        properties: InviteEmailProperties,
    ) -> Result<Outcome, InviteEmailError> {
        self.apply(&properties).await
    }

    async fn update(
        &self,
        _context: &Context,
        physical_resource_id: &str,
        properties: InviteEmailProperties,
        old_properties: Option<InviteEmailProperties>,
    ) -> Result<Outcome, InviteEmailError> {
        if let Some(old) = old_properties
            && old.user_pool_id != properties.user_pool_id
        {
            // A new pool is a new resource (new PhysicalResourceId); the old
            // pool keeps its invitation, as Delete changes nothing.
            tracing::info!(
                old_user_pool_id = old.user_pool_id,
                new_user_pool_id = properties.user_pool_id,
                physical_resource_id,
                "UserPoolId changed: replacing the resource"
            );
        }
        self.apply(&properties).await
    }

    /// Nothing to undo: the invitation text belongs to the pool, and a pool
    /// that is gone is fine. No AWS call.
    async fn delete(
        &self,
        _context: &Context,
        physical_resource_id: &str,
        _properties: InviteEmailProperties,
    ) -> Result<(), InviteEmailError> {
        tracing::info!(
            physical_resource_id,
            "nothing to delete: the invitation stays with the pool"
        );
        Ok(())
    }

    fn issued(&self, physical_resource_id: &str, _properties: &InviteEmailProperties) -> bool {
        is_physical_id(physical_resource_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cognitoidentityprovider::config::interceptors::{
        BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    };
    use aws_sdk_cognitoidentityprovider::config::{
        BehaviorVersion, ConfigBag, Credentials, Intercept, Region, RuntimeComponents,
    };
    use aws_sdk_cognitoidentityprovider::operation::update_user_pool::UpdateUserPoolInput;
    use aws_sdk_cognitoidentityprovider::types::{
        AdminCreateUserConfigType, MessageTemplateType, PasswordPolicyType, UserPoolPolicyType,
        UserPoolTierType,
    };
    use serde_json::Value;
    use std::sync::{Arc, Mutex};

    /// Content-Length as sent, and the body's real length.
    type Lengths = (Option<String>, usize);

    /// Captures the operation input and the serialized body, then stops the
    /// call before anything is sent.
    #[derive(Debug, Default, Clone)]
    struct Capture {
        input: Arc<Mutex<Option<UpdateUserPoolInput>>>,
        body: Arc<Mutex<Option<Value>>>,
        length: Arc<Mutex<Option<Lengths>>>,
    }

    impl Intercept for Capture {
        fn name(&self) -> &'static str {
            "Capture"
        }

        fn read_before_serialization(
            &self,
            context: &BeforeSerializationInterceptorContextRef<'_>,
            _: &RuntimeComponents,
            _: &mut ConfigBag,
        ) -> Result<(), aws_sdk_cognitoidentityprovider::error::BoxError> {
            *self.input.lock().unwrap() = context
                .input()
                .downcast_ref::<UpdateUserPoolInput>()
                .cloned();
            Ok(())
        }

        fn read_before_transmit(
            &self,
            context: &BeforeTransmitInterceptorContextRef<'_>,
            _: &RuntimeComponents,
            _: &mut ConfigBag,
        ) -> Result<(), aws_sdk_cognitoidentityprovider::error::BoxError> {
            let bytes = context.request().body().bytes().unwrap_or_default();
            *self.body.lock().unwrap() = serde_json::from_slice(bytes).ok();
            let header = context.request().headers().get("content-length");
            *self.length.lock().unwrap() = Some((header.map(str::to_owned), bytes.len()));
            Err("captured; not sending".into())
        }
    }

    fn pool() -> UserPoolType {
        UserPoolType::builder()
            .id("us-east-1_Abc")
            .name("workers")
            .policies(
                UserPoolPolicyType::builder()
                    .password_policy(
                        PasswordPolicyType::builder()
                            .minimum_length(12)
                            .temporary_password_validity_days(2)
                            .build(),
                    )
                    .build(),
            )
            .admin_create_user_config(
                AdminCreateUserConfigType::builder()
                    .allow_admin_create_user_only(true)
                    .unused_account_validity_days(7)
                    .build(),
            )
            .user_pool_tier(UserPoolTierType::Essentials)
            .user_pool_tags("team", "labeling")
            .build()
    }

    #[tokio::test]
    async fn the_request_goes_out_as_decided_with_the_wire_rule_applied() {
        let capture = Capture::default();
        // As main.rs builds the client: the wire rule first, then the capture.
        let config = aws_sdk_cognitoidentityprovider::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
            .interceptor(cognito_rules::wire::OmitUnsetValidity)
            .interceptor(capture.clone())
            .build();
        let client = aws_sdk_cognitoidentityprovider::Client::from_conf(config);
        let pool = pool();
        let invite = MessageTemplateType::builder()
            .email_subject("Welcome")
            .email_message("Hi {username} {####}")
            .build();
        let request = decide::update_request("us-east-1_Abc", &pool, invite);
        let error = request.clone().send_with(&client).await.unwrap_err();
        assert!(aws_detail(&error).contains("captured"), "{error:?}");
        assert_eq!(
            capture.input.lock().unwrap().as_ref(),
            Some(&request.build().unwrap())
        );

        // On the wire: the pool's TemporaryPasswordValidityDays, and not the
        // legacy UnusedAccountValidityDays beside it (Cognito refuses both).
        let body = capture.body.lock().unwrap().clone().unwrap();
        assert_eq!(body["UserPoolId"], "us-east-1_Abc");
        assert_eq!(body["PoolName"], "workers");
        assert_eq!(
            body["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"],
            true
        );
        assert_eq!(
            body.pointer("/AdminCreateUserConfig/UnusedAccountValidityDays"),
            None,
            "{body}"
        );
        assert_eq!(
            body["AdminCreateUserConfig"]["InviteMessageTemplate"]["EmailSubject"],
            "Welcome"
        );
        assert_eq!(
            body["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"],
            2
        );
        assert_eq!(body["UserPoolTags"]["team"], "labeling");
        // The rewritten body is what the length header announces.
        let (header, length) = capture.length.lock().unwrap().clone().unwrap();
        assert_eq!(header, Some(length.to_string()));
    }
}

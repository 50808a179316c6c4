//! The Cognito calls of `Custom::ClientCallbacks`: describe the client,
//! then write the URLs with every other setting carried over.

use crate::decide::{is_issued_id, new_urls, physical_id, update_request};
use crate::{ClientCallbacksError, ClientCallbacksProperties};
use aws_rules::aws_detail;
use cognito_rules::describe_app_client;
use custom_resource::{Context, CustomResource, Outcome};

/// The resource; holds the Cognito client built once in `main`.
pub struct ClientCallbacks {
    cognito: aws_sdk_cognitoidentityprovider::Client,
}

impl ClientCallbacks {
    pub fn new(cognito: aws_sdk_cognitoidentityprovider::Client) -> Self {
        Self { cognito }
    }

    async fn write_urls(
        &self,
        p: &ClientCallbacksProperties,
    ) -> Result<Outcome, ClientCallbacksError> {
        let described = describe_app_client(&self.cognito, &p.user_pool_id, &p.client_id).await?;
        let urls = new_urls(
            &described,
            &p.callback_urls,
            p.logout_urls.as_deref(),
            p.placeholder(),
        )
        .map_err(|source| ClientCallbacksError::Plan {
            client_id: p.client_id.clone(),
            source,
        })?;
        let request = update_request(&p.user_pool_id, &p.client_id, &described, &urls);
        request
            .send_with(&self.cognito)
            .await
            .map_err(|error| ClientCallbacksError::Update {
                user_pool_id: p.user_pool_id.clone(),
                client_id: p.client_id.clone(),
                detail: aws_detail(&error),
            })?;
        tracing::info!(
            client_id = %p.client_id,
            callbacks = urls.callback_urls.len(),
            logouts = urls.logout_urls.len(),
            logouts_given = p.logout_urls.is_some(),
            "wrote the app client's URLs, every other setting carried over"
        );
        Ok(Outcome::new(physical_id(&p.client_id))
            .with("CallbackUrls", urls.callback_urls.join(","))
            .with("LogoutUrls", urls.logout_urls.join(",")))
    }
}

impl CustomResource for ClientCallbacks {
    type Properties = ClientCallbacksProperties;
    type Error = ClientCallbacksError;

    async fn create(
        &self,
        _: &Context,
        p: ClientCallbacksProperties,
    ) -> Result<Outcome, ClientCallbacksError> {
        self.write_urls(&p).await
    }

    async fn update(
        &self,
        _: &Context,
        _: &str,
        p: ClientCallbacksProperties,
        _: Option<ClientCallbacksProperties>,
    ) -> Result<Outcome, ClientCallbacksError> {
        // A new ClientId gives a new id (a replacement); the old client keeps
        // its URLs, and the Delete of the old id does nothing.
        self.write_urls(&p).await
    }

    async fn delete(
        &self,
        _: &Context,
        _: &str,
        _: ClientCallbacksProperties,
    ) -> Result<(), ClientCallbacksError> {
        // The URLs go with the client; a client that is gone is fine too.
        Ok(())
    }

    fn issued(&self, physical_resource_id: &str, _: &ClientCallbacksProperties) -> bool {
        is_issued_id(physical_resource_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::properties::tests::full;
    use custom_resource::parse_properties;

    #[test]
    fn issued_ids_have_the_client_id_shape() {
        let resource = ClientCallbacks::new(aws_sdk_cognitoidentityprovider::Client::from_conf(
            aws_sdk_cognitoidentityprovider::Config::builder()
                .behavior_version(
                    aws_sdk_cognitoidentityprovider::config::BehaviorVersion::latest(),
                )
                .build(),
        ));
        let p: ClientCallbacksProperties = parse_properties(Some(&full())).unwrap();
        assert!(resource.issued(&physical_id("abc123"), &p));
        assert!(!resource.issued("abc123", &p));
        assert!(!resource.issued("abc-123-urls", &p));
        assert!(!resource.issued("-urls", &p));
        assert!(!resource.issued("abc123-callbacks", &p));
    }
}

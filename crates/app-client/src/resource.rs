//! The Cognito calls of `Custom::AppClient`: create the client, update its
//! name and placeholder with every other setting carried over, delete it.

use crate::{AppClientError, AppClientProperties, decide};
use aws_rules::aws_detail;
use aws_sdk_cognitoidentityprovider::operation::delete_user_pool_client::DeleteUserPoolClientError;
use cognito_rules::client_update::update_request;
use cognito_rules::describe_app_client;
use custom_resource::{Context, CustomResource, Outcome};

/// The resource; holds the Cognito client built once in `main`.
pub struct AppClient {
    cognito: aws_sdk_cognitoidentityprovider::Client,
}

impl AppClient {
    pub fn new(cognito: aws_sdk_cognitoidentityprovider::Client) -> Self {
        Self { cognito }
    }

    async fn create_client(&self, p: &AppClientProperties) -> Result<Outcome, AppClientError> {
        let failed = |detail: String| AppClientError::Create {
            user_pool_id: p.user_pool_id.clone(),
            client_name: p.client_name.clone(),
            detail,
        };
        if let Some(client_id) = self.unanswered_twin(p).await.map_err(failed)? {
            tracing::info!(%client_id, user_pool_id = %p.user_pool_id, "adopted the app client an earlier delivery of this event created");
            return Ok(Outcome::new(client_id));
        }
        let created = decide::create_request(p)
            .send_with(&self.cognito)
            .await
            .map_err(|error| failed(aws_detail(&error)))?;
        let client_id = created
            .user_pool_client
            .and_then(|client| client.client_id)
            .ok_or_else(|| failed("the answer held no client id".to_owned()))?;
        tracing::info!(%client_id, user_pool_id = %p.user_pool_id, "created the app client");
        Ok(Outcome::new(client_id))
    }

    /// The client an earlier delivery of this Create made before it crashed
    /// or lost its answer (Lambda then delivers the event again, and may
    /// deliver any event twice): same name, nothing on it but the
    /// placeholder. Adopting it leaves no second client behind.
    async fn unanswered_twin(&self, p: &AppClientProperties) -> Result<Option<String>, String> {
        let mut next_token = None;
        loop {
            let page = self
                .cognito
                .list_user_pool_clients()
                .user_pool_id(&p.user_pool_id)
                .max_results(60)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(|error| aws_detail(&error))?;
            for summary in page.user_pool_clients() {
                let (Some(client_id), true) = (
                    summary.client_id(),
                    summary.client_name() == Some(p.client_name.as_str()),
                ) else {
                    continue;
                };
                let described = describe_app_client(&self.cognito, &p.user_pool_id, client_id)
                    .await
                    .map_err(|error| error.to_string())?;
                if decide::is_unanswered_twin(&described, p) {
                    return Ok(Some(client_id.to_owned()));
                }
            }
            next_token = page.next_token;
            if next_token.is_none() {
                return Ok(None);
            }
        }
    }

    async fn update_client(
        &self,
        client_id: &str,
        p: &AppClientProperties,
        old: Option<&AppClientProperties>,
    ) -> Result<Outcome, AppClientError> {
        let described = describe_app_client(&self.cognito, &p.user_pool_id, client_id).await?;
        let old_placeholder = old.map(|old| old.placeholder_url.as_str());
        let urls = decide::urls_after_update(&described, old_placeholder, &p.placeholder_url);
        update_request(&p.user_pool_id, client_id, &described, &urls)
            .client_name(&p.client_name)
            .send_with(&self.cognito)
            .await
            .map_err(|error| AppClientError::Update {
                user_pool_id: p.user_pool_id.clone(),
                client_id: client_id.to_owned(),
                detail: aws_detail(&error),
            })?;
        tracing::info!(
            %client_id,
            callbacks = urls.callback_urls.len(),
            logouts = urls.logout_urls.len(),
            "updated the app client's name and placeholder, the portal's URLs kept"
        );
        Ok(Outcome::new(client_id))
    }
}

impl CustomResource for AppClient {
    type Properties = AppClientProperties;
    type Error = AppClientError;

    async fn create(&self, _: &Context, p: AppClientProperties) -> Result<Outcome, AppClientError> {
        self.create_client(&p).await
    }

    async fn update(
        &self,
        _: &Context,
        physical_resource_id: &str,
        p: AppClientProperties,
        old: Option<AppClientProperties>,
    ) -> Result<Outcome, AppClientError> {
        if decide::is_replacement(&p, old.as_ref()) {
            return self.create_client(&p).await;
        }
        self.update_client(physical_resource_id, &p, old.as_ref())
            .await
    }

    async fn delete(
        &self,
        _: &Context,
        physical_resource_id: &str,
        p: AppClientProperties,
    ) -> Result<(), AppClientError> {
        let deleted = self
            .cognito
            .delete_user_pool_client()
            .user_pool_id(&p.user_pool_id)
            .client_id(physical_resource_id)
            .send()
            .await;
        match deleted {
            Ok(_) => {
                tracing::info!(client_id = %physical_resource_id, "deleted the app client");
                Ok(())
            }
            // The client, or its pool, is gone already: what Delete wants.
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(DeleteUserPoolClientError::is_resource_not_found_exception) =>
            {
                tracing::info!(client_id = %physical_resource_id, "the app client was gone already");
                Ok(())
            }
            Err(error) => Err(AppClientError::Delete {
                user_pool_id: p.user_pool_id,
                client_id: physical_resource_id.to_owned(),
                detail: aws_detail(&error),
            }),
        }
    }

    fn issued(&self, physical_resource_id: &str, _: &AppClientProperties) -> bool {
        aws_rules::is_client_id(physical_resource_id)
    }
}

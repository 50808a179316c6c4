//! The Cognito read of `Custom::PlaceholderFilter`: describe the client,
//! filter its URLs, hand them out.

use crate::decide::{ClientUrls, Wanted, filter, is_issued_id, physical_id};
use crate::{FilterProperties, PlaceholderFilterError};
use cognito_rules::describe_app_client;
use custom_resource::{Context, CustomResource, Outcome};

/// The resource; holds the Cognito client built once in `main`.
pub struct PlaceholderFilter {
    cognito: aws_sdk_cognitoidentityprovider::Client,
}

impl PlaceholderFilter {
    pub fn new(cognito: aws_sdk_cognitoidentityprovider::Client) -> Self {
        Self { cognito }
    }

    async fn current_urls(
        &self,
        p: &FilterProperties,
    ) -> Result<ClientUrls, PlaceholderFilterError> {
        let client = describe_app_client(&self.cognito, &p.user_pool_id, &p.client_id).await?;
        Ok(ClientUrls {
            callback_urls: client.callback_urls.unwrap_or_default(),
            logout_urls: client.logout_urls.unwrap_or_default(),
        })
    }

    async fn read_and_filter(
        &self,
        p: &FilterProperties,
    ) -> Result<Outcome, PlaceholderFilterError> {
        let current = self.current_urls(p).await?;
        let wanted = Wanted {
            placeholder_url: &p.placeholder_url,
            required_callback_url: p.required_callback_url.as_deref(),
            required_logout_url: p.required_logout_url.as_deref(),
        };
        let result = filter(&current, wanted).map_err(|source| PlaceholderFilterError::Filter {
            client_id: p.client_id.clone(),
            source,
        })?;
        tracing::info!(
            client_id = %p.client_id,
            before = current.callback_urls.len() + current.logout_urls.len(),
            callbacks = result.callback_urls.len(),
            logouts = result.logout_urls.len(),
            "filtered the app client's URLs"
        );
        let (callbacks, logouts) = result.joined();
        Ok(Outcome::new(physical_id(&p.client_id))
            .with("CallbackUrls", callbacks)
            .with("LogoutUrls", logouts))
    }
}

impl CustomResource for PlaceholderFilter {
    type Properties = FilterProperties;
    type Error = PlaceholderFilterError;

    async fn create(
        &self,
        _: &Context,
        p: FilterProperties,
    ) -> Result<Outcome, PlaceholderFilterError> {
        self.read_and_filter(&p).await
    }

    async fn update(
        &self,
        _: &Context,
        _: &str,
        p: FilterProperties,
        _: Option<FilterProperties>,
    ) -> Result<Outcome, PlaceholderFilterError> {
        // A new ClientId gives a new id: CloudFormation treats it as a
        // replacement, and the Delete of the old id does nothing.
        self.read_and_filter(&p).await
    }

    async fn delete(
        &self,
        _: &Context,
        _: &str,
        _: FilterProperties,
    ) -> Result<(), PlaceholderFilterError> {
        // Nothing was created or changed.
        Ok(())
    }

    fn issued(&self, physical_resource_id: &str, _: &FilterProperties) -> bool {
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
        let resource = PlaceholderFilter::new(aws_sdk_cognitoidentityprovider::Client::from_conf(
            aws_sdk_cognitoidentityprovider::Config::builder()
                .behavior_version(
                    aws_sdk_cognitoidentityprovider::config::BehaviorVersion::latest(),
                )
                .build(),
        ));
        let p: FilterProperties = parse_properties(Some(&full())).unwrap();
        assert!(resource.issued(&physical_id("abc123"), &p));
        assert!(!resource.issued("abc123", &p));
        assert!(!resource.issued("abc-123-callbacks", &p));
        assert!(!resource.issued("-callbacks", &p));
        assert!(!resource.issued("abc123-urls", &p));
    }
}

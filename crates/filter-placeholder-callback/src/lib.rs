//! `Custom::PlaceholderFilter`: reads an app client's live callback and
//! logout URLs, drops the placeholder the client was created with, appends
//! the portal's URLs, and hands the result out as Data. It only reads
//! (DescribeUserPoolClient); `Custom::ClientCallbacks` does the writing.

pub mod filter;
pub mod properties;

pub use filter::{ClientUrls, FilterError, Wanted, filter};
pub use properties::FilterProperties;

use aws_rules::{DescribeClientError, describe_app_client};
use custom_resource::{Context, CustomResource, Outcome, ResourceContract};

/// What `Custom::PlaceholderFilter` offers the template.
pub const CONTRACT: ResourceContract = ResourceContract {
    resource_type: "Custom::PlaceholderFilter",
    properties: &[
        "UserPoolId",
        "ClientId",
        "PlaceholderUrl",
        "RequiredCallbackUrl",
        "RequiredLogoutUrl",
    ],
    required: &["UserPoolId", "ClientId", "PlaceholderUrl"],
    data_keys: &["CallbackUrls", "LogoutUrls"],
};

const PHYSICAL_ID_SUFFIX: &str = "-callbacks";

/// The PhysicalResourceId for an app client: `<ClientId>-callbacks`.
pub fn physical_id(client_id: &str) -> String {
    format!("{client_id}{PHYSICAL_ID_SUFFIX}")
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Describe(#[from] DescribeClientError),
    #[error("app client {client_id}: {source}")]
    Filter {
        client_id: String,
        #[source]
        source: FilterError,
    },
}

/// The resource; holds the Cognito client built once in `main`.
pub struct PlaceholderFilter {
    cognito: aws_sdk_cognitoidentityprovider::Client,
}

impl PlaceholderFilter {
    pub fn new(cognito: aws_sdk_cognitoidentityprovider::Client) -> Self {
        Self { cognito }
    }

    async fn current_urls(&self, p: &FilterProperties) -> Result<ClientUrls, Error> {
        let client = describe_app_client(&self.cognito, &p.user_pool_id, &p.client_id).await?;
        Ok(ClientUrls {
            callback_urls: client.callback_urls.unwrap_or_default(),
            logout_urls: client.logout_urls.unwrap_or_default(),
        })
    }

    async fn read_and_filter(&self, p: &FilterProperties) -> Result<Outcome, Error> {
        let current = self.current_urls(p).await?;
        let wanted = Wanted {
            placeholder_url: &p.placeholder_url,
            required_callback_url: p.required_callback_url.as_deref(),
            required_logout_url: p.required_logout_url.as_deref(),
        };
        let result = filter(&current, wanted).map_err(|source| Error::Filter {
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
    type Error = Error;

    async fn create(&self, _: &Context, p: FilterProperties) -> Result<Outcome, Error> {
        self.read_and_filter(&p).await
    }

    async fn update(
        &self,
        _: &Context,
        _: &str,
        p: FilterProperties,
        _: Option<FilterProperties>,
    ) -> Result<Outcome, Error> {
        // A new ClientId gives a new id: CloudFormation treats it as a
        // replacement, and the Delete of the old id does nothing.
        self.read_and_filter(&p).await
    }

    async fn delete(&self, _: &Context, _: &str, _: FilterProperties) -> Result<(), Error> {
        // Nothing was created or changed.
        Ok(())
    }

    fn issued(&self, physical_resource_id: &str, _: &FilterProperties) -> bool {
        physical_resource_id
            .strip_suffix(PHYSICAL_ID_SUFFIX)
            .is_some_and(aws_rules::is_client_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use custom_resource::Properties;
    use serde_json::{Map, Value, json};

    fn parse(value: Value) -> Result<FilterProperties, String> {
        let properties: FilterProperties =
            serde_json::from_value(value).map_err(|e| e.to_string())?;
        properties.validate().map_err(|e| e.to_string())?;
        Ok(properties)
    }

    fn full() -> Value {
        json!({
            "UserPoolId": "us-east-1_AbC123",
            "ClientId": "1example23456789abcdefghij",
            "PlaceholderUrl": "https://127.0.0.1",
            "RequiredCallbackUrl": "https://x1.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse",
            "RequiredLogoutUrl": "https://x1.labeling.us-east-1.sagemaker.aws/logout",
        })
    }

    #[test]
    fn every_contract_property_parses() {
        let value = full();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut listed = CONTRACT.properties.to_vec();
        let mut keys = keys.clone();
        listed.sort_unstable();
        keys.sort_unstable();
        assert_eq!(keys, listed);
        let p = parse(value).unwrap();
        assert_eq!(
            p.required_logout_url.as_deref(),
            Some("https://x1.labeling.us-east-1.sagemaker.aws/logout")
        );
        for required in CONTRACT.required {
            assert!(CONTRACT.properties.contains(required));
        }
    }

    #[test]
    fn only_the_required_properties_are_required() {
        let mut value = full();
        let object = value.as_object_mut().unwrap();
        object.retain(|key, _| CONTRACT.required.contains(&key.as_str()));
        let p = parse(value.clone()).unwrap();
        assert_eq!(p.required_callback_url, None);
        for required in CONTRACT.required {
            let mut without: Map<String, Value> = value.as_object().unwrap().clone();
            without.remove(*required);
            let error = parse(Value::Object(without)).unwrap_err();
            assert!(error.contains(required), "{error}");
        }
    }

    #[test]
    fn empty_optional_urls_are_absent() {
        let mut value = full();
        value["RequiredCallbackUrl"] = json!("");
        assert_eq!(parse(value).unwrap().required_callback_url, None);
    }

    #[test]
    fn each_rule_names_its_property() {
        for (property, bad) in [
            ("UserPoolId", "pool"),
            ("ClientId", "client-id"),
            ("PlaceholderUrl", "127.0.0.1"),
            ("RequiredCallbackUrl", "http://example.com/cb"),
            ("RequiredCallbackUrl", "https://example.com/a,b"),
            ("RequiredCallbackUrl", "https://127.0.0.1"),
            ("RequiredLogoutUrl", "https://example.com/#x"),
        ] {
            let mut value = full();
            value[property] = json!(bad);
            let error = parse(value).unwrap_err();
            assert!(
                error.contains(&format!("`{property}`")),
                "{property}: {error}"
            );
        }
        let mut value = full();
        value["Typo"] = json!("x");
        assert!(parse(value).unwrap_err().contains("Typo"));
    }

    #[test]
    fn issued_ids_have_the_client_id_shape() {
        let resource = PlaceholderFilter::new(aws_sdk_cognitoidentityprovider::Client::from_conf(
            aws_sdk_cognitoidentityprovider::Config::builder()
                .behavior_version(
                    aws_sdk_cognitoidentityprovider::config::BehaviorVersion::latest(),
                )
                .build(),
        ));
        let p = parse(full()).unwrap();
        assert!(resource.issued(&physical_id("abc123"), &p));
        assert!(!resource.issued("abc123", &p));
        assert!(!resource.issued("abc-123-callbacks", &p));
        assert!(!resource.issued("-callbacks", &p));
        assert!(!resource.issued("abc123-urls", &p));
    }
}

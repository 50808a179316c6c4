//! `Custom::ClientCallbacks`: writes the final callback and logout URLs to
//! a Cognito app client and changes nothing else. UpdateUserPoolClient
//! resets what it is not given, so the client is described first and every
//! setting carried over (`aws_rules::client_update`).

pub mod properties;

pub use aws_rules::client_update::{NewUrls, PlanError, new_urls, update_request};
pub use properties::ClientCallbacksProperties;

use aws_rules::{DescribeClientError, aws_detail, describe_app_client};
use custom_resource::{Context, CustomResource, Outcome, ResourceContract};

/// What `Custom::ClientCallbacks` offers the template.
pub const CONTRACT: ResourceContract = ResourceContract {
    resource_type: "Custom::ClientCallbacks",
    properties: &[
        "UserPoolId",
        "ClientId",
        "CallbackUrls",
        "LogoutUrls",
        "PlaceholderUrl",
    ],
    required: &["UserPoolId", "ClientId", "CallbackUrls"],
    data_keys: &["CallbackUrls", "LogoutUrls"],
};

const PHYSICAL_ID_SUFFIX: &str = "-urls";

/// The PhysicalResourceId for an app client: `<ClientId>-urls`.
pub fn physical_id(client_id: &str) -> String {
    format!("{client_id}{PHYSICAL_ID_SUFFIX}")
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Describe(#[from] DescribeClientError),
    #[error("app client {client_id}: {source}")]
    Plan {
        client_id: String,
        #[source]
        source: PlanError,
    },
    #[error(
        "internal error: the UpdateUserPoolClient request for {client_id} is incomplete: {detail}"
    )]
    Request { client_id: String, detail: String },
    #[error(
        "could not update app client {client_id} of user pool {user_pool_id} \
         (UpdateUserPoolClient): {detail}; the client was left as it was"
    )]
    Update {
        user_pool_id: String,
        client_id: String,
        detail: String,
    },
}

/// The resource; holds the Cognito client built once in `main`.
pub struct ClientCallbacks {
    cognito: aws_sdk_cognitoidentityprovider::Client,
}

impl ClientCallbacks {
    pub fn new(cognito: aws_sdk_cognitoidentityprovider::Client) -> Self {
        Self { cognito }
    }

    async fn write_urls(&self, p: &ClientCallbacksProperties) -> Result<Outcome, Error> {
        let described = describe_app_client(&self.cognito, &p.user_pool_id, &p.client_id).await?;
        let urls = new_urls(
            &described,
            &p.callback_urls,
            p.logout_urls.as_deref(),
            p.placeholder(),
        )
        .map_err(|source| Error::Plan {
            client_id: p.client_id.clone(),
            source,
        })?;
        let request = update_request(&p.user_pool_id, &p.client_id, &described, &urls);
        request
            .send_with(&self.cognito)
            .await
            .map_err(|error| Error::Update {
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
    type Error = Error;

    async fn create(&self, _: &Context, p: ClientCallbacksProperties) -> Result<Outcome, Error> {
        self.write_urls(&p).await
    }

    async fn update(
        &self,
        _: &Context,
        _: &str,
        p: ClientCallbacksProperties,
        _: Option<ClientCallbacksProperties>,
    ) -> Result<Outcome, Error> {
        // A new ClientId gives a new id (a replacement); the old client keeps
        // its URLs, and the Delete of the old id does nothing.
        self.write_urls(&p).await
    }

    async fn delete(
        &self,
        _: &Context,
        _: &str,
        _: ClientCallbacksProperties,
    ) -> Result<(), Error> {
        // The URLs go with the client; a client that is gone is fine too.
        Ok(())
    }

    fn issued(&self, physical_resource_id: &str, _: &ClientCallbacksProperties) -> bool {
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

    fn parse(value: Value) -> Result<ClientCallbacksProperties, String> {
        let properties: ClientCallbacksProperties =
            serde_json::from_value(value).map_err(|e| e.to_string())?;
        properties.validate().map_err(|e| e.to_string())?;
        Ok(properties)
    }

    fn full() -> Value {
        json!({
            "UserPoolId": "us-east-1_AbC123",
            "ClientId": "1example23456789abcdefghij",
            "CallbackUrls": ["https://x1.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse", "http://localhost:3000/cb"],
            "LogoutUrls": ["https://x1.labeling.us-east-1.sagemaker.aws/logout"],
            "PlaceholderUrl": "https://placeholder.invalid/callback",
        })
    }

    #[test]
    fn every_contract_property_parses() {
        let value = full();
        let mut keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut listed = CONTRACT.properties.to_vec();
        keys.sort_unstable();
        listed.sort_unstable();
        assert_eq!(keys, listed);
        let p = parse(value.clone()).unwrap();
        assert_eq!(p.callback_urls.len(), 2);
        assert_eq!(p.logout_urls.as_ref().map(Vec::len), Some(1));
        for required in CONTRACT.required {
            let mut without: Map<String, Value> = value.as_object().unwrap().clone();
            without.remove(*required);
            let error = parse(Value::Object(without)).unwrap_err();
            assert!(error.contains(required), "{error}");
        }
    }

    #[test]
    fn logout_urls_absent_empty_or_split_from_nothing() {
        let mut value = full();
        value.as_object_mut().unwrap().remove("LogoutUrls");
        assert_eq!(parse(value.clone()).unwrap().logout_urls, None);
        value["LogoutUrls"] = json!([]);
        assert_eq!(parse(value.clone()).unwrap().logout_urls, Some(vec![]));
        // `!Split [",", ""]` gives [""]: no URLs.
        value["LogoutUrls"] = json!([""]);
        assert_eq!(parse(value).unwrap().logout_urls, Some(vec![]));
    }

    #[test]
    fn each_rule_names_its_property() {
        let many: Vec<String> = (0..101).map(|i| format!("https://e.com/{i}")).collect();
        for (property, bad) in [
            ("UserPoolId", json!("pool")),
            ("ClientId", json!("not-a-client")),
            ("CallbackUrls", json!([])),
            ("CallbackUrls", json!([""])),
            ("CallbackUrls", json!(many)),
            (
                "CallbackUrls",
                json!(["https://ok.example.com", "http://example.com"]),
            ),
            ("CallbackUrls", json!(["https://example.com/a,b"])),
            ("CallbackUrls", json!(["https://example.com/#f"])),
            ("CallbackUrls", json!(["example.com"])),
            (
                "CallbackUrls",
                json!([format!("https://e.com/{}", "a".repeat(1024))]),
            ),
            ("LogoutUrls", json!(["http://example.com/out"])),
            ("LogoutUrls", json!(many)),
            ("PlaceholderUrl", json!("http://placeholder.invalid/cb")),
            (
                "CallbackUrls",
                json!(["https://placeholder.invalid/callback"]),
            ),
        ] {
            let mut value = full();
            value[property] = bad.clone();
            let error = parse(value).unwrap_err();
            assert!(
                error.contains(&format!("`{property}`")),
                "{property} {bad}: {error}"
            );
        }
        let mut value = full();
        value["Typo"] = json!("x");
        assert!(parse(value).unwrap_err().contains("Typo"));
    }

    #[test]
    fn issued_ids_have_the_client_id_shape() {
        let resource = ClientCallbacks::new(aws_sdk_cognitoidentityprovider::Client::from_conf(
            aws_sdk_cognitoidentityprovider::Config::builder()
                .behavior_version(
                    aws_sdk_cognitoidentityprovider::config::BehaviorVersion::latest(),
                )
                .build(),
        ));
        let p = parse(full()).unwrap();
        assert!(resource.issued(&physical_id("abc123"), &p));
        assert!(!resource.issued("abc123", &p));
        assert!(!resource.issued("abc-123-urls", &p));
        assert!(!resource.issued("-urls", &p));
        assert!(!resource.issued("abc123-callbacks", &p));
    }
}

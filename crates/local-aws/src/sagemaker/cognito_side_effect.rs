//! What SageMaker does to a Cognito app client (emulated, not product code).

use aws_sdk_cognitoidentityprovider as cognito_idp;
use cognito_idp::error::DisplayErrorContext;
use cognito_idp::operation::update_user_pool_client::builders::UpdateUserPoolClientInputBuilder;
use cognito_idp::types::UserPoolClientType;
use cognito_rules::client_update::{NewUrls, update_request};

use super::errors::ApiError;
use super::workforce::CognitoConfig;

/// CreateWorkforce with a CognitoConfig: read the app client, then write it
/// back with the labeling portal's callback and logout URLs added. A client
/// that cannot be read fails the create, naming the pool and the client.
pub(super) async fn register_portal_urls(
    client: &cognito_idp::Client,
    cognito: &CognitoConfig,
    sub_domain: &str,
) -> Result<(), ApiError> {
    let (pool, client_id) = (&cognito.user_pool, &cognito.client_id);
    let described = client
        .describe_user_pool_client()
        .user_pool_id(pool)
        .client_id(client_id)
        .send()
        .await
        .map_err(|e| {
            ApiError::validation(format!(
                "Cannot read the Cognito app client {client_id} of user pool {pool} \
                 (CognitoConfig.ClientId, CognitoConfig.UserPool): {}",
                DisplayErrorContext(&e)
            ))
        })?;
    let Some(app_client) = described.user_pool_client else {
        return Err(ApiError::validation(format!(
            "Cognito app client {client_id} of user pool {pool} was described as empty"
        )));
    };
    portal_client_update(pool, client_id, &app_client, sub_domain)
        .send_with(client)
        .await
        .map_err(|e| {
            ApiError::validation(format!(
                "Cannot update the Cognito app client {client_id} of user pool {pool}: {}",
                DisplayErrorContext(&e)
            ))
        })?;
    Ok(())
}

/// The UpdateUserPoolClient request SageMaker's CreateWorkforce amounts to:
/// every updatable setting of the described client carried over (an update
/// resets whatever it leaves out, docs/AWS-NOTES.md §2.1, §2.3) by the carry
/// the functions use too, [`update_request`], so the emulator cannot drift
/// from it; `https://<SubDomain>/oauth2/idpresponse` added to CallbackURLs
/// and `https://<SubDomain>/logout` to LogoutURLs when missing (existing URLs
/// kept, in order).
fn portal_client_update(
    user_pool_id: &str,
    client_id: &str,
    described: &UserPoolClientType,
    sub_domain: &str,
) -> UpdateUserPoolClientInputBuilder {
    let urls = NewUrls {
        callback_urls: with_url(
            described.callback_urls.as_deref(),
            &format!("https://{sub_domain}/oauth2/idpresponse"),
        ),
        logout_urls: with_url(
            described.logout_urls.as_deref(),
            &format!("https://{sub_domain}/logout"),
        ),
    };
    update_request(user_pool_id, client_id, described, &urls)
}

/// `urls` with `url` appended unless already present.
fn with_url(urls: Option<&[String]>, url: &str) -> Vec<String> {
    let mut out = urls.unwrap_or_default().to_vec();
    if !out.iter().any(|u| u == url) {
        out.push(url.to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognito_idp::types::{OAuthFlowType, TimeUnitsType, TokenValidityUnitsType};

    #[test]
    fn the_portal_urls_are_added_once_and_everything_else_is_carried() {
        let client = UserPoolClientType::builder()
            .user_pool_id("us-east-1_abc")
            .client_id("client")
            .client_name("name")
            .refresh_token_validity(5)
            .access_token_validity(60)
            .token_validity_units(
                TokenValidityUnitsType::builder()
                    .access_token(TimeUnitsType::Minutes)
                    .build(),
            )
            .callback_urls("https://placeholder.example.com")
            .callback_urls("https://x.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse")
            .logout_urls("https://placeholder.example.com/logout")
            .default_redirect_uri("https://placeholder.example.com")
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("openid")
            .allowed_o_auth_flows_user_pool_client(true)
            .enable_token_revocation(false)
            .auth_session_validity(7)
            .build();
        let input = portal_client_update(
            "us-east-1_abc",
            "client",
            &client,
            "x.labeling.us-east-1.sagemaker.aws",
        )
        .build()
        .unwrap();
        assert_eq!(
            input.callback_urls(),
            [
                "https://placeholder.example.com",
                "https://x.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse"
            ]
        );
        assert_eq!(
            input.logout_urls(),
            [
                "https://placeholder.example.com/logout",
                "https://x.labeling.us-east-1.sagemaker.aws/logout"
            ]
        );
        assert_eq!(input.user_pool_id(), Some("us-east-1_abc"));
        assert_eq!(input.client_id(), Some("client"));
        assert_eq!(input.client_name(), Some("name"));
        assert_eq!(input.refresh_token_validity(), Some(5));
        assert_eq!(input.access_token_validity(), Some(60));
        assert_eq!(input.token_validity_units(), client.token_validity_units());
        assert_eq!(
            input.default_redirect_uri(),
            Some("https://placeholder.example.com")
        );
        assert_eq!(input.allowed_o_auth_flows(), [OAuthFlowType::Code]);
        assert_eq!(input.allowed_o_auth_scopes(), ["openid"]);
        assert_eq!(input.allowed_o_auth_flows_user_pool_client(), Some(true));
        assert_eq!(input.enable_token_revocation(), Some(false));
        assert_eq!(input.auth_session_validity(), Some(7));
    }

    #[test]
    fn a_client_without_urls_gets_the_portal_ones() {
        let client = UserPoolClientType::builder().client_name("bare").build();
        let input = portal_client_update("us-east-1_abc", "client", &client, "y.example")
            .build()
            .unwrap();
        assert_eq!(
            input.callback_urls(),
            ["https://y.example/oauth2/idpresponse"]
        );
        assert_eq!(input.logout_urls(), ["https://y.example/logout"]);
        assert_eq!(input.client_name(), Some("bare"));
    }
}

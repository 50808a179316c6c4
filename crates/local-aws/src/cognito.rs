//! Cognito on a [`MotoServer`] for the function tests: a client for it, a
//! function binary pointed at it, and the user pools and app clients to
//! arrange and compare. Failures are returned (the tests unwrap them) and
//! name the operation that failed.

use crate::harness::{self, FunctionUnderTest};
use crate::moto::{MotoError, MotoServer};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::DisplayErrorContext;
use aws_sdk_cognitoidentityprovider::operation::create_user_pool::builders::CreateUserPoolFluentBuilder;
use aws_sdk_cognitoidentityprovider::operation::create_user_pool_client::builders::CreateUserPoolClientFluentBuilder;
use aws_sdk_cognitoidentityprovider::types::{
    AnalyticsConfigurationType, ExplicitAuthFlowsType, FeatureType, OAuthFlowType,
    PreventUserExistenceErrorTypes, RefreshTokenRotationType, TimeUnitsType,
    TokenValidityUnitsType, UserPoolClientType, UserPoolType,
};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CognitoError {
    #[error(transparent)]
    Moto(#[from] MotoError),
    #[error("could not start the function under test: {0}")]
    Function(#[from] std::io::Error),
    #[error("{operation} failed: {detail}")]
    Call {
        operation: &'static str,
        detail: String,
    },
    #[error("{operation} answered without {missing}")]
    Incomplete {
        operation: &'static str,
        missing: &'static str,
    },
}

fn failed<E>(operation: &'static str) -> impl FnOnce(E) -> CognitoError
where
    E: std::error::Error,
{
    move |error| CognitoError::Call {
        operation,
        detail: DisplayErrorContext(&error).to_string(),
    }
}

fn incomplete(operation: &'static str, missing: &'static str) -> CognitoError {
    CognitoError::Incomplete { operation, missing }
}

/// A Cognito client on `moto` (test credentials, [`crate::REGION`]).
pub async fn client(moto: &MotoServer) -> Client {
    Client::new(&moto.sdk_config().await)
}

/// A function binary under test with moto behind it, and a Cognito client
/// on the same moto to arrange and check what the function sees.
pub struct CognitoFunction {
    pub moto: MotoServer,
    pub cognito: Client,
    pub function: FunctionUnderTest,
}

impl CognitoFunction {
    /// Starts moto, then the function with its endpoints pointed at it.
    pub async fn start(binary: impl Into<PathBuf>) -> Result<Self, CognitoError> {
        let moto = MotoServer::start().await?;
        let cognito = client(&moto).await;
        let function =
            FunctionUnderTest::start(binary, harness::aws_env(Some(&moto), None)).await?;
        Ok(Self {
            moto,
            cognito,
            function,
        })
    }
}

/// Creates the pool `request` describes; returns its id.
pub async fn create_pool_from(
    request: CreateUserPoolFluentBuilder,
) -> Result<String, CognitoError> {
    const OPERATION: &str = "CreateUserPool";
    request
        .send()
        .await
        .map_err(failed(OPERATION))?
        .user_pool
        .and_then(|pool| pool.id)
        .ok_or_else(|| incomplete(OPERATION, "a user pool id"))
}

/// Creates a user pool with every setting at its default; returns its id.
pub async fn create_pool(cognito: &Client, name: &str) -> Result<String, CognitoError> {
    create_pool_from(cognito.create_user_pool().pool_name(name)).await
}

/// The pool as DescribeUserPool shows it.
pub async fn describe_pool(cognito: &Client, pool: &str) -> Result<UserPoolType, CognitoError> {
    const OPERATION: &str = "DescribeUserPool";
    cognito
        .describe_user_pool()
        .user_pool_id(pool)
        .send()
        .await
        .map_err(failed(OPERATION))?
        .user_pool
        .ok_or_else(|| incomplete(OPERATION, "a user pool"))
}

/// A request for an app client `workforce` of `pool` as a labeling
/// workforce uses one: a secret, the code flow with `openid`, the Cognito
/// directory, and these callback and logout URLs (in this order).
pub fn code_flow_client(
    cognito: &Client,
    pool: &str,
    callbacks: &[&str],
    logouts: &[&str],
) -> CreateUserPoolClientFluentBuilder {
    let mut request = cognito
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name("workforce")
        .generate_secret(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_flows_user_pool_client(true)
        .supported_identity_providers("COGNITO");
    // One by one, so that no URLs leaves the list out rather than empty.
    for url in callbacks {
        request = request.callback_urls(*url);
    }
    for url in logouts {
        request = request.logout_urls(*url);
    }
    request
}

/// `request` with every other setting CreateUserPoolClient lets one move
/// away from its default moved: an update that forgets one shows as drift.
pub fn fully_configured(
    request: CreateUserPoolClientFluentBuilder,
) -> Result<CreateUserPoolClientFluentBuilder, CognitoError> {
    let rotation = RefreshTokenRotationType::builder()
        .feature(FeatureType::Enabled)
        .retry_grace_period_seconds(10)
        .build()
        .map_err(failed("RefreshTokenRotationType::build"))?;
    Ok(request
        .refresh_token_validity(10)
        .access_token_validity(30)
        .id_token_validity(2)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Minutes)
                .id_token(TimeUnitsType::Hours)
                .refresh_token(TimeUnitsType::Days)
                .build(),
        )
        .read_attributes("email")
        .read_attributes("name")
        .write_attributes("email")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .allowed_o_auth_scopes("email")
        .allowed_o_auth_scopes("profile")
        .analytics_configuration(
            AnalyticsConfigurationType::builder()
                .application_id("app")
                .role_arn(format!("arn:aws:iam::{}:role/analytics", crate::ACCOUNT_ID))
                .external_id("ext")
                .user_data_shared(true)
                .build(),
        )
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .enable_token_revocation(false)
        .enable_propagate_additional_user_context_data(true)
        .auth_session_validity(7)
        .refresh_token_rotation(rotation))
}

/// Creates the app client `request` describes; returns its id.
pub async fn create_client(
    request: CreateUserPoolClientFluentBuilder,
) -> Result<String, CognitoError> {
    const OPERATION: &str = "CreateUserPoolClient";
    request
        .send()
        .await
        .map_err(failed(OPERATION))?
        .user_pool_client
        .and_then(|client| client.client_id)
        .ok_or_else(|| incomplete(OPERATION, "an app client id"))
}

/// The app client as DescribeUserPoolClient shows it.
pub async fn describe_client(
    cognito: &Client,
    pool: &str,
    client: &str,
) -> Result<UserPoolClientType, CognitoError> {
    const OPERATION: &str = "DescribeUserPoolClient";
    cognito
        .describe_user_pool_client()
        .user_pool_id(pool)
        .client_id(client)
        .send()
        .await
        .map_err(failed(OPERATION))?
        .user_pool_client
        .ok_or_else(|| incomplete(OPERATION, "an app client"))
}

/// `items` as DescribeUserPoolClient shows a URL list.
pub fn url_list(items: &[&str]) -> Option<Vec<String>> {
    Some(items.iter().map(|item| item.to_string()).collect())
}

/// `before` with the URLs (callback, logout, default redirect) and
/// LastModifiedDate of `after`: what `after` must equal when a function
/// wrote the URLs and nothing else drifted.
pub fn only_urls_changed(
    before: &UserPoolClientType,
    after: &UserPoolClientType,
) -> UserPoolClientType {
    let mut expected = before.clone();
    expected.callback_urls = after.callback_urls.clone();
    expected.logout_urls = after.logout_urls.clone();
    expected.default_redirect_uri = after.default_redirect_uri.clone();
    expected.last_modified_date = after.last_modified_date;
    expected
}

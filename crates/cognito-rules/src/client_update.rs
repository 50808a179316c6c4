//! The decision: the UpdateUserPoolClient request that gives an app client
//! new callback and logout URLs and changes nothing else.
//!
//! UpdateUserPoolClient resets every setting it is not given to its default
//! (docs/AWS-NOTES.md §2.3), so the request carries each member of the described
//! client over: [`MEMBERS`] decides each member (the shared mechanism of
//! `aws_rules::carry`), and a unit test holds it to the SDK's schemas, so a new
//! member in either shape fails the tests until it is decided here.

use aws_sdk_cognitoidentityprovider::operation::update_user_pool_client::UpdateUserPoolClientInput;
use aws_sdk_cognitoidentityprovider::operation::update_user_pool_client::builders::UpdateUserPoolClientInputBuilder;
use aws_sdk_cognitoidentityprovider::types::UserPoolClientType;

use aws_rules::carry::Decision::{Carried, Replaced, Target};
use aws_rules::carry::Member;

/// Every member of UserPoolClientType and UpdateUserPoolClientInput, and
/// what [`update_request`] does with it.
pub const MEMBERS: &[Member] = &[
    Member::both("UserPoolId", Target, "the pool, from the properties"),
    Member::both("ClientId", Target, "the client, from the properties"),
    Member::both(
        "ClientName",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "AccessTokenValidity",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "IdTokenValidity",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "TokenValidityUnits",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "ReadAttributes",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "WriteAttributes",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "ExplicitAuthFlows",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "SupportedIdentityProviders",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "AllowedOAuthFlows",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "AllowedOAuthScopes",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "AllowedOAuthFlowsUserPoolClient",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "AnalyticsConfiguration",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "PreventUserExistenceErrors",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "EnableTokenRevocation",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "EnablePropagateAdditionalUserContextData",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "AuthSessionValidity",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "RefreshTokenRotation",
        Carried,
        "a setting: an update without it resets it",
    ),
    Member::both(
        "RefreshTokenValidity",
        Carried,
        "carried; the SDK reads an absent value as 0, which is left out (Cognito keeps its \
         default) rather than sent as 0",
    ),
    Member::both("CallbackURLs", Replaced, "the new callback URLs"),
    Member::both(
        "LogoutURLs",
        Replaced,
        "the new logout URLs (the described ones when none are given); an empty list is \
         sent as none",
    ),
    Member::both(
        "DefaultRedirectURI",
        Replaced,
        "kept while among the new callback URLs (Cognito requires that), else the first of \
         them; none stays none",
    ),
    Member::describe_only(
        "ClientSecret",
        "GenerateSecret is create-only; the secret survives updates",
    ),
    Member::describe_only("CreationDate", "set by Cognito"),
    Member::describe_only("LastModifiedDate", "set by Cognito"),
];

/// The URLs the client is to have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUrls {
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "the app client's current LogoutURLs include {url}, which contains a comma: the \
         comma-joined Data value cannot carry it; pass LogoutUrls to replace them"
    )]
    CommaInKeptLogoutUrl { url: String },
}

/// The URLs to write: the given callbacks, and the given logout URLs or,
/// without them, the client's current ones; never the `placeholder` (the
/// URL the template rewrites the client with), wherever it comes from.
pub fn new_urls(
    described: &UserPoolClientType,
    callback_urls: &[String],
    logout_urls: Option<&[String]>,
    placeholder: Option<&str>,
) -> Result<NewUrls, PlanError> {
    let logout_urls = match logout_urls {
        Some(given) => given.to_vec(),
        None => {
            let kept = described.logout_urls().to_vec();
            // Given URLs were validated with the properties; kept ones only
            // need to survive the comma-joined Data.
            if let Some(url) = kept.iter().find(|url| url.contains(',')) {
                return Err(PlanError::CommaInKeptLogoutUrl {
                    url: aws_rules::shown(url),
                });
            }
            kept
        }
    };
    let not_placeholder = |url: &String| Some(url.as_str()) != placeholder;
    Ok(NewUrls {
        callback_urls: callback_urls
            .iter()
            .filter(|url| not_placeholder(url))
            .cloned()
            .collect(),
        logout_urls: logout_urls.into_iter().filter(not_placeholder).collect(),
    })
}

/// Cognito requires the default redirect to be one of the callback URLs.
pub fn default_redirect(current: Option<&str>, callback_urls: &[String]) -> Option<String> {
    let current = current?;
    if callback_urls.iter().any(|url| url == current) {
        Some(current.to_owned())
    } else {
        callback_urls.first().cloned()
    }
}

/// The UpdateUserPoolClient request: every setting of `described` carried
/// over (see the module table), the URLs replaced by `urls`.
pub fn update_request(
    user_pool_id: &str,
    client_id: &str,
    described: &UserPoolClientType,
    urls: &NewUrls,
) -> UpdateUserPoolClientInputBuilder {
    let d = described.clone();
    let refresh_token_validity = Some(d.refresh_token_validity).filter(|days| *days != 0);
    let logout_urls = Some(urls.logout_urls.clone()).filter(|urls| !urls.is_empty());
    UpdateUserPoolClientInput::builder()
        .user_pool_id(user_pool_id)
        .client_id(client_id)
        .set_client_name(d.client_name)
        .set_refresh_token_validity(refresh_token_validity)
        .set_access_token_validity(d.access_token_validity)
        .set_id_token_validity(d.id_token_validity)
        .set_token_validity_units(d.token_validity_units)
        .set_read_attributes(d.read_attributes)
        .set_write_attributes(d.write_attributes)
        .set_explicit_auth_flows(d.explicit_auth_flows)
        .set_supported_identity_providers(d.supported_identity_providers)
        .set_callback_urls(Some(urls.callback_urls.clone()))
        .set_logout_urls(logout_urls)
        .set_default_redirect_uri(default_redirect(
            d.default_redirect_uri.as_deref(),
            &urls.callback_urls,
        ))
        .set_allowed_o_auth_flows(d.allowed_o_auth_flows)
        .set_allowed_o_auth_scopes(d.allowed_o_auth_scopes)
        .set_allowed_o_auth_flows_user_pool_client(d.allowed_o_auth_flows_user_pool_client)
        .set_analytics_configuration(d.analytics_configuration)
        .set_prevent_user_existence_errors(d.prevent_user_existence_errors)
        .set_enable_token_revocation(d.enable_token_revocation)
        .set_enable_propagate_additional_user_context_data(
            d.enable_propagate_additional_user_context_data,
        )
        .set_auth_session_validity(d.auth_session_validity)
        .set_refresh_token_rotation(d.refresh_token_rotation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cognitoidentityprovider::primitives::DateTime;
    use aws_sdk_cognitoidentityprovider::types::{
        AnalyticsConfigurationType, ExplicitAuthFlowsType, FeatureType, OAuthFlowType,
        PreventUserExistenceErrorTypes, RefreshTokenRotationType, TimeUnitsType,
        TokenValidityUnitsType,
    };
    use std::collections::BTreeSet;

    const POOL: &str = "us-east-1_AbC123";
    const CLIENT: &str = "1example23456789abcdefghij";

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// A described client with every member set to a non-default value.
    fn full_client() -> UserPoolClientType {
        UserPoolClientType::builder()
            .user_pool_id(POOL)
            .client_name("workforce")
            .client_id(CLIENT)
            .client_secret("secret")
            .last_modified_date(DateTime::from_secs(1_700_000_100))
            .creation_date(DateTime::from_secs(1_700_000_000))
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
            .write_attributes("email")
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .supported_identity_providers("COGNITO")
            .callback_urls("https://127.0.0.1")
            .callback_urls("https://old.example.com/cb")
            .logout_urls("https://old.example.com/logout")
            .default_redirect_uri("https://old.example.com/cb")
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("openid")
            .allowed_o_auth_scopes("email")
            .allowed_o_auth_flows_user_pool_client(true)
            .analytics_configuration(
                AnalyticsConfigurationType::builder()
                    .application_id("app")
                    .application_arn("arn:aws:mobiletargeting:us-east-1:123456789012:apps/app")
                    .role_arn("arn:aws:iam::123456789012:role/r")
                    .external_id("ext")
                    .user_data_shared(true)
                    .build(),
            )
            .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
            .enable_token_revocation(false)
            .enable_propagate_additional_user_context_data(true)
            .auth_session_validity(7)
            .refresh_token_rotation(
                RefreshTokenRotationType::builder()
                    .feature(FeatureType::Enabled)
                    .retry_grace_period_seconds(10)
                    .build()
                    .unwrap(),
            )
            .build()
    }

    fn new(callbacks: &[&str], logouts: &[&str]) -> NewUrls {
        NewUrls {
            callback_urls: strings(callbacks),
            logout_urls: strings(logouts),
        }
    }

    fn build(described: &UserPoolClientType, urls: &NewUrls) -> UpdateUserPoolClientInput {
        update_request(POOL, CLIENT, described, urls)
            .build()
            .unwrap()
    }

    // A macro, so the test needs no direct dependency on aws-smithy-schema.
    macro_rules! names {
        ($schema:expr) => {
            $schema
                .members()
                .iter()
                .filter_map(|member| member.member_name())
                .map(str::to_owned)
                .collect::<BTreeSet<String>>()
        };
    }

    #[test]
    fn every_member_is_decided_once() {
        // Fails when the SDK gains a member in either shape: decide it in
        // MEMBERS and update_request.
        let problems = aws_rules::carry::table_problems(
            MEMBERS,
            &names!(UserPoolClientType::SCHEMA),
            &names!(UpdateUserPoolClientInput::SCHEMA),
        );
        assert_eq!(problems, Vec::<String>::new());
    }

    #[test]
    fn a_full_client_leaves_no_member_unset() {
        // Debug lists every field of the input, so a member the SDK adds and
        // update_request does not set shows up here as `None`.
        let input = build(
            &full_client(),
            &new(
                &["https://new.example.com/cb"],
                &["https://new.example.com/out"],
            ),
        );
        let debug = format!("{input:#?}");
        // Top-level fields are the lines `    name: value` (4-space indent).
        let fields: Vec<(&str, &str)> = debug
            .lines()
            .filter_map(|line| line.strip_prefix("    "))
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once(": "))
            .collect();
        let unset: Vec<&str> = fields
            .iter()
            .filter(|(_, value)| *value == "None,")
            .map(|(name, _)| *name)
            .collect();
        assert_eq!(unset, Vec::<&str>::new(), "{debug}");
        let sent = MEMBERS.iter().filter(|m| m.is_sent()).count();
        assert_eq!(fields.len(), sent, "{debug}");
        assert_eq!(input.client_id(), Some(CLIENT));
    }

    #[test]
    fn carries_every_setting_and_replaces_only_the_urls() {
        let d = full_client();
        let input = build(
            &d,
            &new(
                &["https://new.example.com/cb", "https://old.example.com/cb"],
                &["https://new.example.com/out"],
            ),
        );
        let expected = UpdateUserPoolClientInput::builder()
            .user_pool_id(POOL)
            .client_id(CLIENT)
            .client_name("workforce")
            .refresh_token_validity(10)
            .access_token_validity(30)
            .id_token_validity(2)
            .set_token_validity_units(d.token_validity_units.clone())
            .read_attributes("email")
            .write_attributes("email")
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .supported_identity_providers("COGNITO")
            .callback_urls("https://new.example.com/cb")
            .callback_urls("https://old.example.com/cb")
            .logout_urls("https://new.example.com/out")
            .default_redirect_uri("https://old.example.com/cb")
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("openid")
            .allowed_o_auth_scopes("email")
            .allowed_o_auth_flows_user_pool_client(true)
            .set_analytics_configuration(d.analytics_configuration.clone())
            .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
            .enable_token_revocation(false)
            .enable_propagate_additional_user_context_data(true)
            .auth_session_validity(7)
            .set_refresh_token_rotation(d.refresh_token_rotation.clone())
            .build()
            .unwrap();
        assert_eq!(input, expected);
    }

    #[test]
    fn a_minimal_client_stays_minimal() {
        let d = UserPoolClientType::builder()
            .user_pool_id(POOL)
            .client_id(CLIENT)
            .client_name("bare")
            .build();
        let input = build(&d, &new(&["https://a.example.com"], &[]));
        let expected = UpdateUserPoolClientInput::builder()
            .user_pool_id(POOL)
            .client_id(CLIENT)
            .client_name("bare")
            .callback_urls("https://a.example.com")
            .build()
            .unwrap();
        // RefreshTokenValidity 0 means "not described": left out, not sent as 0;
        // no logout URLs are sent as none, not as an empty list.
        assert_eq!(input, expected);
    }

    #[test]
    fn default_redirect_follows_the_callbacks() {
        let urls = strings(&["https://a", "https://b"]);
        assert_eq!(
            default_redirect(Some("https://b"), &urls).as_deref(),
            Some("https://b")
        );
        assert_eq!(
            default_redirect(Some("https://gone"), &urls).as_deref(),
            Some("https://a")
        );
        assert_eq!(default_redirect(None, &urls), None);

        let input = build(&full_client(), &new(&["https://new.example.com/cb"], &[]));
        assert_eq!(
            input.default_redirect_uri(),
            Some("https://new.example.com/cb")
        );
    }

    #[test]
    fn logout_urls_are_kept_unless_given() {
        let d = full_client();
        let given = strings(&["https://n/out"]);
        let callbacks = strings(&["https://n/cb"]);
        assert_eq!(
            new_urls(&d, &callbacks, Some(&given), None)
                .unwrap()
                .logout_urls,
            given
        );
        assert_eq!(
            new_urls(&d, &callbacks, None, None).unwrap().logout_urls,
            strings(&["https://old.example.com/logout"])
        );
        assert_eq!(
            new_urls(&d, &callbacks, Some(&[]), None)
                .unwrap()
                .logout_urls,
            Vec::<String>::new()
        );
        let input = build(&d, &new_urls(&d, &callbacks, Some(&[]), None).unwrap());
        assert_eq!(input.logout_urls, None);
    }

    #[test]
    fn a_kept_logout_url_with_a_comma_is_refused() {
        let d = UserPoolClientType::builder()
            .logout_urls("https://a.example.com/x,y")
            .build();
        let error = new_urls(&d, &strings(&["https://a"]), None, None).unwrap_err();
        assert!(error.to_string().contains("LogoutUrls"), "{error}");
        assert!(new_urls(&d, &strings(&["https://a"]), Some(&[]), None).is_ok());
    }

    #[test]
    fn the_placeholder_is_never_written() {
        // The client as CloudFormation leaves it after a new
        // PlaceholderCallbackUrl: only the placeholder, as callback and logout.
        let placeholder = "https://placeholder.invalid/new";
        let d = UserPoolClientType::builder()
            .callback_urls(placeholder)
            .logout_urls(placeholder)
            .logout_urls("https://app.example.com/out")
            .build();
        let callbacks = strings(&["https://portal/cb", placeholder]);
        let kept = new_urls(&d, &callbacks, None, Some(placeholder)).unwrap();
        assert_eq!(
            kept,
            new(&["https://portal/cb"], &["https://app.example.com/out"])
        );
        let given = strings(&[placeholder, "https://portal/out"]);
        let replaced = new_urls(&d, &callbacks, Some(&given), Some(placeholder)).unwrap();
        assert_eq!(
            replaced,
            new(&["https://portal/cb"], &["https://portal/out"])
        );
        // Without a placeholder nothing is filtered.
        let all = new_urls(&d, &callbacks, None, None).unwrap();
        assert_eq!(all.callback_urls, callbacks);
        assert_eq!(all.logout_urls.len(), 2);
    }
}

//! The decisions, as data: the CreateUserPoolClient request of a labeling
//! portal's client, and the URLs an update leaves on it.

use aws_sdk_cognitoidentityprovider::operation::create_user_pool_client::CreateUserPoolClientInput;
use aws_sdk_cognitoidentityprovider::operation::create_user_pool_client::builders::CreateUserPoolClientInputBuilder;
use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType, OAuthFlowType, PreventUserExistenceErrorTypes, UserPoolClientType,
};
use cognito_rules::client_update::NewUrls;

use crate::AppClientProperties;

/// OAuth scopes the labeling portal asks for.
pub const SCOPES: &[&str] = &["openid", "email", "profile"];

/// The client a Ground Truth private workforce signs in through: the
/// authorization-code flow from the pool's own users, with a secret
/// (docs/AWS-NOTES.md §1.4), and the placeholder as its only callback and
/// logout URL until the portal's replace it.
pub fn create_request(p: &AppClientProperties) -> CreateUserPoolClientInputBuilder {
    let request = CreateUserPoolClientInput::builder()
        .user_pool_id(&p.user_pool_id)
        .client_name(&p.client_name)
        .generate_secret(true)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .supported_identity_providers("COGNITO")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .enable_token_revocation(true)
        .callback_urls(&p.placeholder_url)
        .logout_urls(&p.placeholder_url);
    SCOPES.iter().fold(request, |request, scope| {
        request.allowed_o_auth_scopes(*scope)
    })
}

/// Whether `described` is the client [`create_request`] makes for `p`,
/// untouched since: same name, the code flow from Cognito's own users, and
/// nothing but the placeholder as its URLs (SageMaker adds the portal's as
/// soon as a workforce uses the client).
pub fn is_unanswered_twin(described: &UserPoolClientType, p: &AppClientProperties) -> bool {
    let only_placeholder = |urls: &[String]| urls == [p.placeholder_url.as_str()];
    described.client_name() == Some(p.client_name.as_str())
        && only_placeholder(described.callback_urls())
        && only_placeholder(described.logout_urls())
        && described.allowed_o_auth_flows() == [OAuthFlowType::Code]
        && described.supported_identity_providers() == ["COGNITO"]
}

/// The URLs an update (or a rollback, which is an update with the old
/// properties) leaves on the client: the described ones without either
/// placeholder, so the portal's URLs that Custom::ClientCallbacks wrote
/// survive; while no real callback URL is there yet, the new placeholder
/// stands in, as at create.
pub fn urls_after_update(
    described: &UserPoolClientType,
    old_placeholder: Option<&str>,
    new_placeholder: &str,
) -> NewUrls {
    let is_placeholder =
        |url: &&String| url.as_str() == new_placeholder || Some(url.as_str()) == old_placeholder;
    let without_placeholders = |urls: &[String]| -> Vec<String> {
        urls.iter()
            .filter(|url| !is_placeholder(url))
            .cloned()
            .collect()
    };
    let mut callback_urls = without_placeholders(described.callback_urls());
    let mut logout_urls = without_placeholders(described.logout_urls());
    if callback_urls.is_empty() {
        callback_urls.push(new_placeholder.to_owned());
        if logout_urls.is_empty() {
            logout_urls.push(new_placeholder.to_owned());
        }
    }
    NewUrls {
        callback_urls,
        logout_urls,
    }
}

/// A new user pool is a new client: CloudFormation deletes the old one in
/// its cleanup phase (or, on a rollback, the new one).
pub fn is_replacement(new: &AppClientProperties, old: Option<&AppClientProperties>) -> bool {
    old.is_some_and(|old| old.user_pool_id != new.user_pool_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLACEHOLDER: &str = "https://placeholder.invalid/callback";
    const NEXT: &str = "https://placeholder.invalid/next";
    const PORTAL_CB: &str = "https://x1.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse";
    const PORTAL_OUT: &str = "https://x1.labeling.us-east-1.sagemaker.aws/logout";

    fn properties(placeholder: &str) -> AppClientProperties {
        AppClientProperties {
            user_pool_id: "us-east-1_AbC123".into(),
            client_name: "sagemaker-labeling-portal".into(),
            placeholder_url: placeholder.into(),
        }
    }

    fn client(callbacks: &[&str], logouts: &[&str]) -> UserPoolClientType {
        let strings = |urls: &[&str]| urls.iter().map(|u| u.to_string()).collect::<Vec<_>>();
        UserPoolClientType::builder()
            .set_callback_urls(Some(strings(callbacks)))
            .set_logout_urls(Some(strings(logouts)))
            .build()
    }

    fn urls(callbacks: &[&str], logouts: &[&str]) -> NewUrls {
        let strings = |urls: &[&str]| urls.iter().map(|u| u.to_string()).collect();
        NewUrls {
            callback_urls: strings(callbacks),
            logout_urls: strings(logouts),
        }
    }

    #[test]
    fn only_the_untouched_client_of_the_same_create_is_a_twin() {
        let p = properties(PLACEHOLDER);
        let made = |name: &str, callbacks: &[&str], logouts: &[&str]| {
            let strings = |urls: &[&str]| urls.iter().map(|u| u.to_string()).collect::<Vec<_>>();
            UserPoolClientType::builder()
                .client_name(name)
                .set_callback_urls(Some(strings(callbacks)))
                .set_logout_urls(Some(strings(logouts)))
                .allowed_o_auth_flows(OAuthFlowType::Code)
                .supported_identity_providers("COGNITO")
                .build()
        };
        let name = p.client_name.as_str();
        assert!(is_unanswered_twin(
            &made(name, &[PLACEHOLDER], &[PLACEHOLDER]),
            &p
        ));
        assert!(!is_unanswered_twin(
            &made("other", &[PLACEHOLDER], &[PLACEHOLDER]),
            &p
        ));
        // SageMaker added a portal: the client is in use.
        let in_use = made(name, &[PLACEHOLDER, PORTAL_CB], &[PLACEHOLDER, PORTAL_OUT]);
        assert!(!is_unanswered_twin(&in_use, &p));
        assert!(!is_unanswered_twin(&made(name, &[NEXT], &[NEXT]), &p));
        assert!(!is_unanswered_twin(
            &client(&[PLACEHOLDER], &[PLACEHOLDER]),
            &p
        ));
    }

    #[test]
    fn the_portal_urls_survive_any_placeholder_change_and_its_rollback() {
        let live = client(&[PORTAL_CB], &[PORTAL_OUT]);
        // Forward (PLACEHOLDER -> NEXT) and the rollback (NEXT -> PLACEHOLDER).
        assert_eq!(
            urls_after_update(&live, Some(PLACEHOLDER), NEXT),
            urls(&[PORTAL_CB], &[PORTAL_OUT])
        );
        assert_eq!(
            urls_after_update(&live, Some(NEXT), PLACEHOLDER),
            urls(&[PORTAL_CB], &[PORTAL_OUT])
        );
        // Old properties unreadable: the same.
        assert_eq!(
            urls_after_update(&live, None, PLACEHOLDER),
            urls(&[PORTAL_CB], &[PORTAL_OUT])
        );
    }

    #[test]
    fn either_placeholder_is_dropped_wherever_it_is() {
        let live = client(&[PLACEHOLDER, PORTAL_CB, NEXT], &[NEXT, PORTAL_OUT]);
        assert_eq!(
            urls_after_update(&live, Some(PLACEHOLDER), NEXT),
            urls(&[PORTAL_CB], &[PORTAL_OUT])
        );
    }

    #[test]
    fn before_the_portal_the_new_placeholder_stands_in() {
        let live = client(&[PLACEHOLDER], &[PLACEHOLDER]);
        assert_eq!(
            urls_after_update(&live, Some(PLACEHOLDER), NEXT),
            urls(&[NEXT], &[NEXT])
        );
        // A logout URL of someone else's is kept, and no placeholder added.
        let live = client(&[PLACEHOLDER], &["https://app.example.com/out"]);
        assert_eq!(
            urls_after_update(&live, Some(PLACEHOLDER), NEXT),
            urls(&[NEXT], &["https://app.example.com/out"])
        );
        // No logout URLs beside real callbacks: none added.
        let live = client(&[PORTAL_CB], &[]);
        assert_eq!(
            urls_after_update(&live, Some(PLACEHOLDER), NEXT),
            urls(&[PORTAL_CB], &[])
        );
    }

    #[test]
    fn the_create_request_is_a_code_flow_client_with_a_secret_on_the_placeholder() {
        let input = create_request(&properties(PLACEHOLDER)).build().unwrap();
        assert_eq!(input.user_pool_id(), Some("us-east-1_AbC123"));
        assert_eq!(input.client_name(), Some("sagemaker-labeling-portal"));
        assert_eq!(input.generate_secret(), Some(true));
        assert_eq!(input.allowed_o_auth_flows_user_pool_client(), Some(true));
        assert_eq!(input.allowed_o_auth_flows(), [OAuthFlowType::Code]);
        assert_eq!(input.allowed_o_auth_scopes(), SCOPES);
        assert_eq!(input.supported_identity_providers(), ["COGNITO"]);
        assert_eq!(
            input.explicit_auth_flows(),
            [ExplicitAuthFlowsType::AllowRefreshTokenAuth]
        );
        assert_eq!(input.callback_urls(), [PLACEHOLDER]);
        assert_eq!(input.logout_urls(), [PLACEHOLDER]);
        assert_eq!(input.enable_token_revocation(), Some(true));
        assert_eq!(
            input.prevent_user_existence_errors(),
            Some(&PreventUserExistenceErrorTypes::Enabled)
        );
    }

    #[test]
    fn only_a_new_pool_replaces_the_client() {
        let new = properties(NEXT);
        assert!(!is_replacement(&new, None));
        assert!(!is_replacement(&new, Some(&properties(PLACEHOLDER))));
        let mut other_pool = properties(NEXT);
        other_pool.user_pool_id = "us-east-1_Other1".into();
        assert!(is_replacement(&new, Some(&other_pool)));
    }
}

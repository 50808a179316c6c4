//! The OIDC properties of an OIDC workforce: their rules (SageMaker's
//! OidcConfig and OidcMemberDefinition models), checked before any AWS
//! call, and the settings they ask for. The client secret itself is never a
//! property: the function reads it from Secrets Manager when it must send it.

use crate::properties::WorkforceProperties;
use aws_rules::sagemaker::OidcSettings;
use aws_rules::shown;
use custom_resource::InvalidProperty;
use std::collections::{BTreeMap, BTreeSet};

/// OidcConfig: ClientId and ClientSecret are 1-1024 characters of `[ -~]`.
pub const MAX_CLIENT_TEXT_LEN: usize = 1024;
/// OidcConfig's endpoints: `https://\S+`, at most 500 characters.
pub const MAX_ENDPOINT_LEN: usize = 500;
/// OidcConfig.Scope: at most 1024 characters.
pub const MAX_SCOPE_LEN: usize = 1024;
/// AuthenticationRequestExtraParams: at most 10 entries, keys and values at
/// most 512 characters.
pub const MAX_EXTRA_PARAMS: usize = 10;
pub const MAX_EXTRA_PARAM_LEN: usize = 512;
/// OidcMemberDefinition.Groups: 1-10 groups of 1-63 characters.
pub const MAX_GROUPS: usize = 10;
pub const MAX_GROUP_LEN: usize = 63;
/// Longest text of OidcClientSecretVersion (it is only compared).
pub const MAX_SECRET_VERSION_LEN: usize = 256;

/// The properties that give an OIDC workforce, by name, with their values.
fn given(p: &WorkforceProperties) -> [(&'static str, bool); 12] {
    [
        ("OidcClientId", p.oidc_client_id.is_some()),
        ("OidcClientSecretArn", p.oidc_client_secret_arn.is_some()),
        (
            "OidcClientSecretVersion",
            p.oidc_client_secret_version.is_some(),
        ),
        ("OidcIssuer", p.oidc_issuer.is_some()),
        (
            "OidcAuthorizationEndpoint",
            p.oidc_authorization_endpoint.is_some(),
        ),
        ("OidcTokenEndpoint", p.oidc_token_endpoint.is_some()),
        ("OidcUserInfoEndpoint", p.oidc_user_info_endpoint.is_some()),
        ("OidcLogoutEndpoint", p.oidc_logout_endpoint.is_some()),
        ("OidcJwksUri", p.oidc_jwks_uri.is_some()),
        ("OidcScope", p.oidc_scope.is_some()),
        (
            "OidcAuthenticationRequestExtraParams",
            !p.oidc_authentication_request_extra_params.is_empty(),
        ),
        ("OidcGroups", !p.oidc_groups.is_empty()),
    ]
}

/// Whether any OIDC property is given: then the workforce is an OIDC one.
pub fn is_oidc(p: &WorkforceProperties) -> bool {
    given(p).iter().any(|(_, present)| *present)
}

/// Checks an OIDC workforce's properties (the caller knows `is_oidc`).
pub fn validate(p: &WorkforceProperties) -> Result<(), InvalidProperty> {
    let first_given = given(p)
        .into_iter()
        .find_map(|(property, present)| present.then_some(property))
        .unwrap_or("OidcClientId");
    for (property, value) in [
        ("UserPoolId", &p.user_pool_id),
        ("ClientId", &p.client_id),
        ("WorkerGroupName", &p.worker_group_name),
    ] {
        if value.is_some() {
            return Err(InvalidProperty::new(
                property,
                format!(
                    "must be absent or empty when `{first_given}` is given: a workforce signs in through Cognito (UserPoolId, ClientId, WorkerGroupName) or through OIDC (the Oidc* properties), not both"
                ),
            ));
        }
    }
    let client_id = required("OidcClientId", &p.oidc_client_id)?;
    if let Some(problem) = client_text_problem(client_id) {
        return Err(InvalidProperty::new("OidcClientId", problem));
    }
    let arn = required("OidcClientSecretArn", &p.oidc_client_secret_arn)?;
    if !is_secret_arn(arn) {
        return Err(InvalidProperty::new(
            "OidcClientSecretArn",
            format!(
                "must be the ARN of a Secrets Manager secret, like \"arn:aws:secretsmanager:us-east-1:123456789012:secret:workforce-oidc-AbCdEf\" (the secret's SecretString is the client secret), got {}",
                shown(arn)
            ),
        ));
    }
    if let Some(version) = &p.oidc_client_secret_version {
        let length = version.chars().count();
        if length > MAX_SECRET_VERSION_LEN {
            return Err(InvalidProperty::new(
                "OidcClientSecretVersion",
                format!("must be at most {MAX_SECRET_VERSION_LEN} characters (got {length})"),
            ));
        }
    }
    for (property, value) in endpoints(p) {
        let url = required(property, value)?;
        if let Some(problem) = endpoint_problem(url) {
            return Err(InvalidProperty::new(property, problem));
        }
    }
    if let Some(scope) = &p.oidc_scope
        && let Some(problem) = scope_problem(scope)
    {
        return Err(InvalidProperty::new("OidcScope", problem));
    }
    validate_extra_params(&p.oidc_authentication_request_extra_params)?;
    validate_groups(&p.oidc_groups)
}

fn endpoints(p: &WorkforceProperties) -> [(&'static str, &Option<String>); 6] {
    [
        ("OidcIssuer", &p.oidc_issuer),
        ("OidcAuthorizationEndpoint", &p.oidc_authorization_endpoint),
        ("OidcTokenEndpoint", &p.oidc_token_endpoint),
        ("OidcUserInfoEndpoint", &p.oidc_user_info_endpoint),
        ("OidcLogoutEndpoint", &p.oidc_logout_endpoint),
        ("OidcJwksUri", &p.oidc_jwks_uri),
    ]
}

fn required<'a>(property: &str, value: &'a Option<String>) -> Result<&'a str, InvalidProperty> {
    value.as_deref().ok_or_else(|| {
        InvalidProperty::new(
            property,
            "is required for an OIDC workforce (other Oidc* properties are given)",
        )
    })
}

/// The settings an OIDC workforce's properties ask for, or `None` for a
/// Cognito one (meaningful once the properties are valid).
pub fn settings(p: &WorkforceProperties) -> Option<OidcSettings> {
    if !is_oidc(p) {
        return None;
    }
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    Some(OidcSettings {
        client_id: text(&p.oidc_client_id),
        issuer: text(&p.oidc_issuer),
        authorization_endpoint: text(&p.oidc_authorization_endpoint),
        token_endpoint: text(&p.oidc_token_endpoint),
        user_info_endpoint: text(&p.oidc_user_info_endpoint),
        logout_endpoint: text(&p.oidc_logout_endpoint),
        jwks_uri: text(&p.oidc_jwks_uri),
        scope: p.oidc_scope.clone(),
        extra_params: extra_params(&p.oidc_authentication_request_extra_params),
    })
}

/// `key=value` items by key (split at the first `=`).
fn extra_params(items: &[String]) -> BTreeMap<String, String> {
    items
        .iter()
        .filter_map(|item| item.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

/// Why `text` cannot be an OIDC client id or secret (1-1024 printable ASCII
/// characters), or `None`. Never quotes the text: it may be the secret.
pub fn client_text_problem(text: &str) -> Option<String> {
    let length = text.chars().count();
    let ok = (1..=MAX_CLIENT_TEXT_LEN).contains(&length)
        && text.chars().all(|c| (' '..='~').contains(&c));
    (!ok).then(|| {
        format!(
            "must be 1-{MAX_CLIENT_TEXT_LEN} printable ASCII characters (got {length} characters{})",
            if text.chars().all(|c| (' '..='~').contains(&c)) {
                ""
            } else {
                ", some of them not printable ASCII"
            }
        )
    })
}

/// Whether `arn` is a Secrets Manager secret ARN
/// (`arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`).
pub fn is_secret_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    let [prefix, partition, service, region, account, kind, name] = parts.as_slice() else {
        return false;
    };
    *prefix == "arn"
        && partition.starts_with("aws")
        && *service == "secretsmanager"
        && !region.is_empty()
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && *kind == "secret"
        && !name.is_empty()
        && !name.chars().any(char::is_whitespace)
}

/// Why `url` cannot be an OidcConfig endpoint (`https://\S+`, at most 500
/// characters), or `None`.
pub fn endpoint_problem(url: &str) -> Option<String> {
    let length = url.chars().count();
    let ok = length <= MAX_ENDPOINT_LEN
        && url
            .strip_prefix("https://")
            .is_some_and(|rest| !rest.is_empty() && !rest.chars().any(char::is_whitespace));
    (!ok).then(|| {
        format!(
            "must be an https:// URL without spaces, at most {MAX_ENDPOINT_LEN} characters (got {}, {length} characters)",
            shown(url)
        )
    })
}

/// Why `scope` cannot be an OidcConfig.Scope (space-separated tokens of
/// printable ASCII other than `"` and `\`, at most 1024 characters), or `None`.
pub fn scope_problem(scope: &str) -> Option<String> {
    let token_ok = |token: &str| {
        !token.is_empty()
            && token
                .chars()
                .all(|c| ('!'..='~').contains(&c) && c != '"' && c != '\\')
    };
    let ok = scope.chars().count() <= MAX_SCOPE_LEN && scope.split(' ').all(token_ok);
    (!ok).then(|| {
        format!(
            "must be scopes separated by single spaces, such as \"openid email profile\": printable ASCII without '\"' or '\\', at most {MAX_SCOPE_LEN} characters (got {})",
            shown(scope)
        )
    })
}

fn validate_extra_params(items: &[String]) -> Result<(), InvalidProperty> {
    let property = "OidcAuthenticationRequestExtraParams";
    if items.len() > MAX_EXTRA_PARAMS {
        return Err(InvalidProperty::new(
            property,
            format!(
                "may hold at most {MAX_EXTRA_PARAMS} key=value items, got {}",
                items.len()
            ),
        ));
    }
    let mut keys = BTreeSet::new();
    for (index, item) in items.iter().enumerate() {
        let Some((key, value)) = item.split_once('=') else {
            return Err(InvalidProperty::new(
                property,
                format!(
                    "item {index} must be key=value (got {}, no '=')",
                    shown(item)
                ),
            ));
        };
        if key.is_empty()
            || key.chars().count() > MAX_EXTRA_PARAM_LEN
            || value.chars().count() > MAX_EXTRA_PARAM_LEN
        {
            return Err(InvalidProperty::new(
                property,
                format!(
                    "item {index} must be key=value with a key of 1-{MAX_EXTRA_PARAM_LEN} and a value of at most {MAX_EXTRA_PARAM_LEN} characters (got {})",
                    shown(item)
                ),
            ));
        }
        if !keys.insert(key) {
            return Err(InvalidProperty::new(
                property,
                format!("item {index} repeats the key {}", shown(key)),
            ));
        }
    }
    Ok(())
}

fn validate_groups(groups: &[String]) -> Result<(), InvalidProperty> {
    if groups.is_empty() || groups.len() > MAX_GROUPS {
        return Err(InvalidProperty::new(
            "OidcGroups",
            format!(
                "must hold 1-{MAX_GROUPS} IdP group names (the sagemaker:groups claim values of the team's workers), got {}",
                groups.len()
            ),
        ));
    }
    for (index, group) in groups.iter().enumerate() {
        let length = group.chars().count();
        if length == 0
            || length > MAX_GROUP_LEN
            || group.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(InvalidProperty::new(
                "OidcGroups",
                format!(
                    "item {index} must be a group name of 1-{MAX_GROUP_LEN} characters without spaces (got {})",
                    shown(group)
                ),
            ));
        }
    }
    Ok(())
}

/// Whether the secret SageMaker holds may be older than the one the new
/// properties point at: another secret, a new OidcClientSecretVersion, or
/// no readable old properties to compare with.
pub fn secret_changed(new: &WorkforceProperties, old: Option<&WorkforceProperties>) -> bool {
    old.is_none_or(|old| {
        old.oidc_client_secret_arn != new.oidc_client_secret_arn
            || old.oidc_client_secret_version != new.oidc_client_secret_version
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const ARN: &str =
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:labeling/oidc-client-secret-AbCdEf";

    /// The events/ fixture's properties.
    fn oidc() -> Value {
        let event: Value = serde_json::from_str(include_str!(
            "../../../events/create-workforce-oidc-create.json"
        ))
        .unwrap();
        let mut properties = event["ResourceProperties"].clone();
        // The protocol takes ServiceToken off before parsing.
        properties.as_object_mut().unwrap().remove("ServiceToken");
        properties
    }

    fn parse(value: Value) -> WorkforceProperties {
        serde_json::from_value(value).unwrap()
    }

    fn refused(key: &str, value: Value) -> InvalidProperty {
        let mut properties = oidc();
        properties[key] = value;
        let error = custom_resource::Properties::validate(&parse(properties)).unwrap_err();
        assert_eq!(error.property, key, "{error}");
        error
    }

    #[test]
    fn an_oidc_workforce_parses_into_settings() {
        let p = parse(oidc());
        custom_resource::Properties::validate(&p).unwrap();
        assert!(is_oidc(&p));
        let asked = settings(&p).unwrap();
        assert_eq!(asked.client_id, "0oa-labeling-portal");
        assert_eq!(asked.jwks_uri, "https://idp.example.com/oauth2/keys");
        assert_eq!(asked.scope.as_deref(), Some("openid email profile"));
        let mut extra = oidc();
        extra["OidcAuthenticationRequestExtraParams"] = json!(["prompt=login", "acr=a=b"]);
        let asked = settings(&parse(extra)).unwrap();
        assert_eq!(asked.extra_params["acr"], "a=b");
    }

    #[test]
    fn every_required_oidc_property_is_named_when_missing() {
        for key in crate::OIDC_REQUIRED {
            let empty = if key == "OidcGroups" {
                json!([])
            } else {
                json!("")
            };
            refused(key, empty);
        }
    }

    #[test]
    fn cognito_properties_are_refused_beside_oidc_ones() {
        for key in crate::COGNITO_REQUIRED {
            let error = refused(key, json!("x"));
            assert!(error.rule.contains("not both"), "{error}");
        }
    }

    #[test]
    fn endpoints_are_https_without_spaces_and_at_most_500_characters() {
        assert_eq!(endpoint_problem("https://idp.example.com/x"), None);
        for bad in [
            "http://idp.example.com",
            "https://",
            "https://idp example",
            &format!("https://{}", "a".repeat(MAX_ENDPOINT_LEN)),
        ] {
            assert!(endpoint_problem(bad).is_some(), "{bad}");
        }
        refused("OidcJwksUri", json!("ftp://idp.example.com/keys"));
    }

    #[test]
    fn secret_arns_are_secrets_manager_secrets() {
        assert!(is_secret_arn(ARN));
        assert!(is_secret_arn(
            "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:a"
        ));
        for bad in [
            "workforce-oidc",
            "arn:aws:ssm:us-east-1:123456789012:parameter/x",
            "arn:aws:secretsmanager:us-east-1:1234:secret:x",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:",
            "{{resolve:secretsmanager:workforce-oidc}}",
        ] {
            assert!(!is_secret_arn(bad), "{bad}");
        }
        let error = refused("OidcClientSecretArn", json!("my-secret"));
        assert!(
            error.rule.contains("ARN of a Secrets Manager secret"),
            "{error}"
        );
    }

    #[test]
    fn client_text_is_printable_ascii_and_never_quoted() {
        assert_eq!(client_text_problem("abc DEF-123_~"), None);
        let problem = client_text_problem("sécret").unwrap();
        assert!(!problem.contains("sécret"), "{problem}");
        assert!(problem.contains("not printable ASCII"), "{problem}");
        assert!(client_text_problem("").is_some());
        assert!(client_text_problem(&"a".repeat(MAX_CLIENT_TEXT_LEN + 1)).is_some());
    }

    #[test]
    fn scopes_are_single_space_separated_tokens() {
        assert_eq!(scope_problem("openid"), None);
        assert_eq!(scope_problem("openid email profile"), None);
        for bad in ["", "openid  email", " openid", "open\"id", "a\\b", "é"] {
            assert!(scope_problem(bad).is_some(), "{bad:?}");
        }
        refused("OidcScope", json!("openid  email"));
    }

    #[test]
    fn extra_params_and_groups_follow_the_model() {
        refused("OidcAuthenticationRequestExtraParams", json!(["no-equals"]));
        refused(
            "OidcAuthenticationRequestExtraParams",
            json!(["a=1", "a=2"]),
        );
        let eleven: Vec<String> = (0..11).map(|i| format!("k{i}=v")).collect();
        refused("OidcAuthenticationRequestExtraParams", json!(eleven));
        let groups: Vec<String> = (0..11).map(|i| format!("g{i}")).collect();
        refused("OidcGroups", json!(groups));
        refused("OidcGroups", json!(["has space"]));
        refused("OidcGroups", json!(["g".repeat(MAX_GROUP_LEN + 1)]));
    }

    #[test]
    fn the_secret_is_resent_only_for_another_secret_or_version() {
        let old = parse(oidc());
        assert!(!secret_changed(&old, Some(&old)));
        assert!(secret_changed(&old, None));
        let mut new = old.clone();
        new.oidc_client_secret_version = Some("2".into());
        assert!(secret_changed(&new, Some(&old)));
        let mut new = old.clone();
        new.oidc_client_secret_arn = Some(ARN.replace("AbCdEf", "XyZ"));
        assert!(secret_changed(&new, Some(&old)));
        let mut new = old.clone();
        new.oidc_groups = vec!["others".into()];
        assert!(!secret_changed(&new, Some(&old)));
    }
}

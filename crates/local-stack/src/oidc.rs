//! The OIDC variant of the local run (`--oidc`, `--rotate-oidc-secret`):
//! demo IdP settings, and a demo client secret in the local Secrets
//! Manager (moto) whose ARN the stack is given. The secret's value is
//! random, sent to moto only, and never printed or stored: the parameters
//! (and so `.local/stack.json`) hold its ARN and version id.

use crate::aws::{AwsError, Client, SecretVersion};
use std::collections::BTreeMap;

/// The IdP settings of the demo (an IdP that does not exist: the local
/// SageMaker emulator never calls it).
pub const DEMO_SETTINGS: &[(&str, &str)] = &[
    ("IdentityProvider", "OIDC"),
    ("OidcClientId", "local-demo-client"),
    ("OidcIssuer", "https://idp.example.com"),
    (
        "OidcAuthorizationEndpoint",
        "https://idp.example.com/oauth2/authorize",
    ),
    ("OidcTokenEndpoint", "https://idp.example.com/oauth2/token"),
    (
        "OidcUserInfoEndpoint",
        "https://idp.example.com/oauth2/userinfo",
    ),
    ("OidcLogoutEndpoint", "https://idp.example.com/logout"),
    (
        "OidcJwksUri",
        "https://idp.example.com/.well-known/jwks.json",
    ),
    ("OidcGroups", "labelers"),
];

/// The demo secret's name: one per stack.
pub fn demo_secret_name(stack: &str) -> String {
    format!("local-stack/{stack}/oidc-client-secret")
}

/// A random client secret (48 letters and digits).
pub fn random_secret() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..48)
        .map(|_| ALPHABET[usize::from(rand::random::<u8>()) % ALPHABET.len()] as char)
        .collect()
}

/// Writes a new random value into the stack's demo secret (creating it if
/// needed): its ARN and the new version's id.
pub async fn rotate_demo_secret(aws: &Client, stack: &str) -> Result<SecretVersion, AwsError> {
    aws.put_secret(&demo_secret_name(stack), &random_secret())
        .await
}

/// The parameter overrides of `--oidc` and `--rotate-oidc-secret`.
///
/// `settings`: the demo IdP settings, and the demo secret's ARN (the
/// secret is created with a random value if it does not exist yet; one
/// that exists is left as it is). `rotate`: a new random value, and
/// `OidcClientSecretVersion` set to its version id, so the workforce is
/// sent the new secret. A newly created secret also sets the version.
pub async fn overrides(
    aws: &Client,
    stack: &str,
    settings: bool,
    rotate: bool,
) -> Result<BTreeMap<String, String>, AwsError> {
    let mut overrides = BTreeMap::new();
    if !settings && !rotate {
        return Ok(overrides);
    }
    let name = demo_secret_name(stack);
    let existing = if rotate {
        None
    } else {
        aws.secret_arn(&name).await?
    };
    let arn = match existing {
        Some(arn) => arn,
        None => {
            let written = rotate_demo_secret(aws, stack).await?;
            overrides.insert("OidcClientSecretVersion".to_owned(), written.version_id);
            written.arn
        }
    };
    overrides.insert("OidcClientSecretArn".to_owned(), arn);
    if settings {
        for (key, value) in DEMO_SETTINGS {
            overrides.insert((*key).to_owned(), (*value).to_owned());
        }
    }
    Ok(overrides)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_secrets_are_random_and_valid_client_secrets() {
        let a = random_secret();
        assert_eq!(a.len(), 48);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, random_secret());
        assert_eq!(
            demo_secret_name("dev"),
            "local-stack/dev/oidc-client-secret"
        );
    }
}

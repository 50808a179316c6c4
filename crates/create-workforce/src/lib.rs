//! `Custom::PrivateWorkforce`: a SageMaker Ground Truth private workforce
//! on a Cognito user pool and app client (or on the team's own OIDC
//! identity provider), and its one work team, created,
//! updated and deleted with CloudFormation, waiting for it to settle. The
//! resource owns the team so that a rename (delete team and workforce,
//! create both anew) and its rollback are one resource's Update.
//!
//! - [`properties`]: the typed, validated properties ([`oidc`]: those of an
//!   OIDC workforce);
//! - [`decide`]: the decisions, without I/O (adopt / conflict / create,
//!   in place / replace, is it ours, what to update, the work team and the
//!   teams in the way, the app client's portal URLs, when a wait is over);
//! - [`resource`]: the SageMaker (and Cognito, Secrets Manager) calls around
//!   them.

pub mod decide;
pub mod error;
pub mod oidc;
pub mod properties;
pub mod resource;

pub use error::WorkforceError;
pub use properties::WorkforceProperties;
pub use resource::PrivateWorkforce;

/// What this resource offers the template (docs/CONTRACT.md, Custom::PrivateWorkforce).
pub const CONTRACT: custom_resource::ResourceContract = custom_resource::ResourceContract {
    resource_type: "Custom::PrivateWorkforce",
    properties: &[
        "WorkforceName",
        "UserPoolId",
        "ClientId",
        "SourceIpCidrs",
        "IpAddressType",
        "VpcId",
        "SubnetIds",
        "SecurityGroupIds",
        "WorkteamName",
        "WorkteamDescription",
        "WorkerGroupName",
        "NotificationTopicArn",
        "Tags",
        "OidcClientId",
        "OidcClientSecretArn",
        "OidcClientSecretVersion",
        "OidcIssuer",
        "OidcAuthorizationEndpoint",
        "OidcTokenEndpoint",
        "OidcUserInfoEndpoint",
        "OidcLogoutEndpoint",
        "OidcJwksUri",
        "OidcScope",
        "OidcAuthenticationRequestExtraParams",
        "OidcGroups",
    ],
    // COGNITO_REQUIRED or OIDC_REQUIRED besides: which set is required
    // depends on the kind, so `validate` checks them.
    required: &["WorkforceName", "WorkteamName"],
    data_keys: &[
        "WorkforceArn",
        "WorkforceName",
        "SubDomain",
        "PortalUrl",
        "CallbackUrl",
        "LogoutUrl",
        "WorkteamArn",
    ],
};

/// Required for a Cognito workforce, and absent for an OIDC one
/// (docs/CONTRACT.md, the "Cognito" rows).
pub const COGNITO_REQUIRED: [&str; 3] = ["UserPoolId", "ClientId", "WorkerGroupName"];

/// Required for an OIDC workforce (docs/CONTRACT.md, the "OIDC" rows); any
/// `Oidc*` property given makes the workforce an OIDC one.
pub const OIDC_REQUIRED: [&str; 9] = [
    "OidcClientId",
    "OidcClientSecretArn",
    "OidcIssuer",
    "OidcAuthorizationEndpoint",
    "OidcTokenEndpoint",
    "OidcUserInfoEndpoint",
    "OidcLogoutEndpoint",
    "OidcJwksUri",
    "OidcGroups",
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value, json};

    /// A valid value for every property the contract lists.
    fn sample(property: &str) -> Value {
        match property {
            "WorkforceName" => json!("labelers"),
            "UserPoolId" => json!("us-east-1_AbC123"),
            "ClientId" => json!("3n4b5urk1ft4fl3mg5e62d9ado"),
            "SourceIpCidrs" => json!(["203.0.113.0/24", "2001:db8::/32"]),
            "IpAddressType" => json!("dualstack"),
            "VpcId" => json!("vpc-0abc123"),
            "SubnetIds" => json!(["subnet-0abc", "subnet-0def"]),
            "SecurityGroupIds" => json!(["sg-0abc"]),
            "WorkteamName" => json!("labelers-team"),
            "WorkteamDescription" => json!("Private labeling team of stack s"),
            "WorkerGroupName" => json!("workers"),
            "Tags" => json!(["team=labeling", "cost-center=42"]),
            "NotificationTopicArn" => json!("arn:aws:sns:us-east-1:123456789012:tasks"),
            "OidcClientId" => json!("0oa1b2c3d4"),
            "OidcClientSecretArn" => {
                json!("arn:aws:secretsmanager:us-east-1:123456789012:secret:workforce-oidc-AbCdEf")
            }
            "OidcClientSecretVersion" => json!("2026-12-01"),
            "OidcScope" => json!("openid email profile"),
            "OidcAuthenticationRequestExtraParams" => json!(["prompt=login"]),
            "OidcGroups" => json!(["labelers", "reviewers"]),
            oidc if oidc.starts_with("Oidc") => json!("https://idp.example.com/oauth2/v1"),
            other => panic!("no sample for {other}"),
        }
    }

    /// Every contract property, for a Cognito and for an OIDC workforce
    /// (the other kind's own properties empty, which means absent); and
    /// each kind's own required properties, left out, refused by name.
    #[test]
    fn every_contract_property_parses() {
        for oidc in [false, true] {
            let all: Map<String, Value> = CONTRACT
                .properties
                .iter()
                .map(|property| {
                    let other_kinds = if oidc {
                        COGNITO_REQUIRED.contains(property)
                    } else {
                        property.starts_with("Oidc")
                    };
                    let value = match sample(property) {
                        Value::Array(_) if other_kinds => json!([]),
                        _ if other_kinds => json!(""),
                        value => value,
                    };
                    (property.to_string(), value)
                })
                .collect();
            let parse = |sample: &Map<String, Value>| {
                let properties: WorkforceProperties =
                    serde_json::from_value(Value::Object(sample.clone())).unwrap();
                custom_resource::Properties::validate(&properties).map(|()| properties)
            };
            let properties = parse(&all).unwrap();
            assert_eq!(properties.source_ip_cidrs.len(), 2);
            assert!(properties.vpc().is_some());
            assert_eq!(oidc::settings(&properties).is_some(), oidc);
            let own_required: &[&str] = if oidc {
                &OIDC_REQUIRED
            } else {
                &COGNITO_REQUIRED
            };
            for required in own_required {
                let mut without = all.clone();
                without.remove(*required);
                let refused = parse(&without).unwrap_err();
                assert_eq!(refused.property, *required, "{refused}");
            }
        }
    }
}

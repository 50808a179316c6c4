//! The request shapes, with the member names of the SageMaker model.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use super::workforce::VpcConfig;

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CognitoConfigRequest {
    pub(super) user_pool: Option<String>,
    pub(super) client_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct OidcConfigRequest {
    pub(super) client_id: Option<String>,
    pub(super) client_secret: Option<String>,
    pub(super) issuer: Option<String>,
    pub(super) authorization_endpoint: Option<String>,
    pub(super) token_endpoint: Option<String>,
    pub(super) user_info_endpoint: Option<String>,
    pub(super) logout_endpoint: Option<String>,
    pub(super) jwks_uri: Option<String>,
    pub(super) scope: Option<String>,
    pub(super) authentication_request_extra_params: Option<BTreeMap<String, String>>,
}

impl OidcConfigRequest {
    /// `OidcConfigForResponse`: everything but the secret.
    pub(super) fn for_response(&self) -> Value {
        let mut out = json!({
            "ClientId": self.client_id,
            "Issuer": self.issuer,
            "AuthorizationEndpoint": self.authorization_endpoint,
            "TokenEndpoint": self.token_endpoint,
            "UserInfoEndpoint": self.user_info_endpoint,
            "LogoutEndpoint": self.logout_endpoint,
            "JwksUri": self.jwks_uri,
        });
        if let Some(scope) = &self.scope {
            out["Scope"] = json!(scope);
        }
        if let Some(params) = &self.authentication_request_extra_params {
            out["AuthenticationRequestExtraParams"] = json!(params);
        }
        out
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct SourceIpConfigRequest {
    pub(super) cidrs: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct VpcConfigRequest {
    pub(super) vpc_id: Option<String>,
    pub(super) security_group_ids: Option<Vec<String>>,
    pub(super) subnets: Option<Vec<String>>,
}

impl VpcConfigRequest {
    pub(super) fn is_empty(&self) -> bool {
        self.vpc_id.is_none() && self.security_group_ids.is_none() && self.subnets.is_none()
    }

    /// The config to store, `None` for `{}`; call after [`check_vpc`] passed.
    pub(super) fn into_config(self) -> Option<VpcConfig> {
        Some(VpcConfig {
            vpc_id: self.vpc_id?,
            security_group_ids: self.security_group_ids?,
            subnets: self.subnets?,
            endpoint_id: format!("vpce-{}", &crate::sink::random_hex(9)[..17]),
        })
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct TagRequest {
    pub(super) key: Option<String>,
    pub(super) value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CreateWorkforceRequest {
    pub(super) workforce_name: Option<String>,
    pub(super) cognito_config: Option<CognitoConfigRequest>,
    pub(super) oidc_config: Option<OidcConfigRequest>,
    pub(super) source_ip_config: Option<SourceIpConfigRequest>,
    pub(super) workforce_vpc_config: Option<VpcConfigRequest>,
    pub(super) tags: Option<Vec<TagRequest>>,
    pub(super) ip_address_type: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct UpdateWorkforceRequest {
    pub(super) workforce_name: Option<String>,
    pub(super) source_ip_config: Option<SourceIpConfigRequest>,
    pub(super) oidc_config: Option<OidcConfigRequest>,
    pub(super) workforce_vpc_config: Option<VpcConfigRequest>,
    pub(super) ip_address_type: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct WorkforceNameRequest {
    pub(super) workforce_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ListRequest {
    pub(super) name_contains: Option<String>,
    pub(super) max_results: Option<i64>,
    pub(super) next_token: Option<String>,
    pub(super) sort_by: Option<String>,
    pub(super) sort_order: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CreateWorkteamRequest {
    pub(super) workteam_name: Option<String>,
    pub(super) workforce_name: Option<String>,
    pub(super) member_definitions: Option<Vec<MemberDefinitionRequest>>,
    pub(super) description: Option<String>,
    pub(super) notification_configuration: Option<Value>,
    pub(super) tags: Option<Vec<TagRequest>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct UpdateWorkteamRequest {
    pub(super) workteam_name: Option<String>,
    pub(super) member_definitions: Option<Vec<MemberDefinitionRequest>>,
    pub(super) description: Option<String>,
    pub(super) notification_configuration: Option<Value>,
    pub(super) worker_access_configuration: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct MemberDefinitionRequest {
    pub(super) cognito_member_definition: Option<CognitoMemberRequest>,
    pub(super) oidc_member_definition: Option<OidcMemberRequest>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CognitoMemberRequest {
    pub(super) user_pool: Option<String>,
    pub(super) user_group: Option<String>,
    pub(super) client_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct OidcMemberRequest {
    pub(super) groups: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct WorkteamNameRequest {
    pub(super) workteam_name: Option<String>,
}

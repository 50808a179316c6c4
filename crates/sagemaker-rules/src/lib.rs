//! A described workforce and work team, read from the SageMaker SDK's
//! shapes into `aws_rules::sagemaker`'s plain ones, which the decisions and
//! their tests use without the SDK. Apart from `aws-rules` so that a
//! function that never calls SageMaker does not link its SDK (README
//! "Release profile").

use aws_rules::sagemaker::{
    CognitoMember, IpAddressType, Observed, ObservedTeam, OidcSettings, Status, VpcConfig,
    canonical,
};
use aws_sdk_sagemaker::types::{Workforce, WorkforceStatus, Workteam};

/// A workforce as DescribeWorkforce / ListWorkforces report it.
pub fn observed(workforce: &Workforce) -> Observed {
    let cognito = workforce.cognito_config();
    let vpc = workforce.workforce_vpc_config().and_then(|vpc| {
        vpc.vpc_id()
            .filter(|id| !id.is_empty())
            .map(|id| VpcConfig::new(id, vpc.subnets(), vpc.security_group_ids()))
    });
    Observed {
        name: workforce.workforce_name().unwrap_or_default().to_owned(),
        arn: workforce.workforce_arn().unwrap_or_default().to_owned(),
        sub_domain: workforce.sub_domain().unwrap_or_default().to_owned(),
        status: status(workforce.status()),
        failure_reason: workforce.failure_reason().map(str::to_owned),
        user_pool_id: cognito.and_then(|c| c.user_pool()).map(str::to_owned),
        client_id: cognito.and_then(|c| c.client_id()).map(str::to_owned),
        source_ip_cidrs: workforce
            .source_ip_config()
            .map(|config| canonical(config.cidrs()))
            .unwrap_or_default(),
        ip_address_type: workforce
            .ip_address_type()
            .and_then(|t| IpAddressType::parse(t.as_str()))
            .unwrap_or_default(),
        vpc,
        oidc: workforce.oidc_config().map(|oidc| {
            let text = |value: Option<&str>| value.unwrap_or_default().to_owned();
            OidcSettings {
                client_id: text(oidc.client_id()),
                issuer: text(oidc.issuer()),
                authorization_endpoint: text(oidc.authorization_endpoint()),
                token_endpoint: text(oidc.token_endpoint()),
                user_info_endpoint: text(oidc.user_info_endpoint()),
                logout_endpoint: text(oidc.logout_endpoint()),
                jwks_uri: text(oidc.jwks_uri()),
                scope: oidc
                    .scope()
                    .filter(|scope| !scope.is_empty())
                    .map(str::to_owned),
                extra_params: oidc
                    .authentication_request_extra_params()
                    .map(|params| {
                        params
                            .iter()
                            .map(|(key, value)| (key.clone(), value.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        }),
    }
}

/// A workforce's status; none, or one this code does not know, is
/// treated as still settling.
pub fn status(status: Option<&WorkforceStatus>) -> Status {
    match status {
        Some(WorkforceStatus::Initializing) => Status::Initializing,
        Some(WorkforceStatus::Updating) => Status::Updating,
        Some(WorkforceStatus::Deleting) => Status::Deleting,
        Some(WorkforceStatus::Failed) => Status::Failed,
        Some(WorkforceStatus::Active) => Status::Active,
        Some(other) => Status::Other(other.as_str().to_owned()),
        None => Status::Other("(no status)".to_owned()),
    }
}

/// A work team as DescribeWorkteam / ListWorkteams report it.
pub fn observed_team(team: &Workteam) -> ObservedTeam {
    let text = |value: Option<&str>| value.unwrap_or_default().to_owned();
    ObservedTeam {
        name: text(team.workteam_name()),
        arn: text(team.workteam_arn()),
        workforce_arn: team.workforce_arn().map(str::to_owned),
        description: text(team.description()),
        cognito: team
            .member_definitions()
            .iter()
            .filter_map(|member| member.cognito_member_definition())
            .map(|cognito| CognitoMember {
                user_pool_id: text(cognito.user_pool()),
                client_id: text(cognito.client_id()),
                group: text(cognito.user_group()),
            })
            .collect(),
        oidc_groups: canonical(
            &team
                .member_definitions()
                .iter()
                .filter_map(|member| member.oidc_member_definition())
                .flat_map(|oidc| oidc.groups().iter().cloned())
                .collect::<Vec<_>>(),
        ),
        notification_topic: team
            .notification_configuration()
            .and_then(|config| config.notification_topic_arn())
            .filter(|topic| !topic.is_empty())
            .map(str::to_owned),
    }
}

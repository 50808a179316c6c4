//! The reads, one small fn per call, reduced to plain data for the checks.
//! Nothing here changes anything.

use crate::target::{SignInTarget, Target};
use aws_rules::aws_detail;
use aws_rules::sagemaker::{Observed, ObservedTeam};
use aws_sdk_cognitoidentityprovider as cognito;
use aws_sdk_sagemaker as sagemaker;
use aws_sdk_wafv2 as wafv2;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Pages of a list call read at most (bounds a misbehaving paginator).
const MAX_PAGES: usize = 50;

/// What the doctor saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub workforce: Option<Observed>,
    /// The named work team, if it exists.
    pub team: Option<ObservedTeam>,
    pub pool: Pool,
    pub client: AppClient,
    /// The pool's domain as DescribeUserPoolDomain shows it.
    pub domain: Option<Domain>,
    /// The ARN of the web ACL on the pool.
    pub web_acl: Option<String>,
    pub users: Vec<User>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pool {
    pub domain: Option<String>,
    pub custom_message_trigger: Option<String>,
    pub invite_email_message: Option<String>,
    pub temporary_password_days: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppClient {
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
    pub flows: Vec<String>,
    pub scopes: Vec<String>,
    pub identity_providers: Vec<String>,
    pub oauth_enabled: bool,
    /// Whether the client has a secret (its value is never kept).
    pub has_secret: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Domain {
    pub name: String,
    pub status: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct User {
    pub username: String,
    pub email: Option<String>,
    pub status: String,
    pub enabled: bool,
    /// Seconds since the epoch.
    pub created: i64,
    pub in_group: bool,
}

/// A read that failed for another reason than "not there".
#[derive(Debug, thiserror::Error)]
#[error("{operation} ({what}): {detail}")]
pub struct ReadError {
    pub operation: &'static str,
    pub what: String,
    pub detail: String,
}

fn read_error<E, R>(
    operation: &'static str,
    what: impl Into<String>,
    error: &aws_smithy_runtime_api::client::result::SdkError<E, R>,
) -> ReadError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    ReadError {
        operation,
        what: what.into(),
        detail: aws_detail(error),
    }
}

/// The clients the doctor reads through, built once.
pub struct Clients {
    pub sagemaker: sagemaker::Client,
    pub cognito: cognito::Client,
    pub wafv2: wafv2::Client,
}

impl Clients {
    pub fn new(config: &aws_config::SdkConfig) -> Self {
        Self {
            sagemaker: sagemaker::Client::new(config),
            cognito: cognito::Client::new(config),
            wafv2: wafv2::Client::new(config),
        }
    }

    /// Everything the checks look at. The pool and the client must exist;
    /// the rest may be missing, which the checks then report.
    /// For an OIDC workforce only the workforce and the team.
    pub async fn snapshot(&self, target: &Target) -> Result<Snapshot, ReadError> {
        let seen = Snapshot {
            workforce: self.workforce(&target.workforce_name).await?,
            team: match &target.workteam_name {
                Some(name) => self.team(name).await?,
                None => None,
            },
            ..Snapshot::default()
        };
        let SignInTarget::Cognito(cognito) = &target.sign_in else {
            return Ok(seen);
        };
        let (pool, pool_arn) = self.pool(&cognito.user_pool_id).await?;
        let domain = match &pool.domain {
            Some(domain) => self.domain(domain).await?,
            None => None,
        };
        Ok(Snapshot {
            client: self
                .app_client(&cognito.user_pool_id, &cognito.client_id)
                .await?,
            domain,
            web_acl: self.web_acl(&pool_arn).await?,
            users: self.users(&cognito.user_pool_id, &cognito.group).await?,
            pool,
            ..seen
        })
    }

    async fn workforce(&self, name: &str) -> Result<Option<Observed>, ReadError> {
        match self
            .sagemaker
            .describe_workforce()
            .workforce_name(name)
            .send()
            .await
        {
            Ok(output) => Ok(output.workforce().map(sagemaker_rules::observed)),
            Err(error)
                if aws_rules::sagemaker::is_workforce_not_found(error.code(), error.message()) =>
            {
                Ok(None)
            }
            Err(error) => Err(read_error("DescribeWorkforce", name, &error)),
        }
    }

    async fn team(&self, name: &str) -> Result<Option<ObservedTeam>, ReadError> {
        match self
            .sagemaker
            .describe_workteam()
            .workteam_name(name)
            .send()
            .await
        {
            Ok(output) => Ok(output.workteam().map(sagemaker_rules::observed_team)),
            Err(error)
                if aws_rules::sagemaker::is_team_not_found(error.code(), error.message()) =>
            {
                Ok(None)
            }
            Err(error) => Err(read_error("DescribeWorkteam", name, &error)),
        }
    }

    /// The pool's settings the checks need, and its ARN (for WAF).
    async fn pool(&self, pool_id: &str) -> Result<(Pool, String), ReadError> {
        let described = self
            .cognito
            .describe_user_pool()
            .user_pool_id(pool_id)
            .send()
            .await
            .map_err(|error| read_error("DescribeUserPool", pool_id, &error))?;
        let pool = described.user_pool();
        let text = |value: Option<&str>| value.filter(|v| !v.is_empty()).map(str::to_owned);
        Ok((
            Pool {
                domain: pool.and_then(|p| text(p.custom_domain()).or(text(p.domain()))),
                custom_message_trigger: text(
                    pool.and_then(|p| p.lambda_config())
                        .and_then(|config| config.custom_message()),
                ),
                invite_email_message: text(
                    pool.and_then(|p| p.admin_create_user_config())
                        .and_then(|config| config.invite_message_template())
                        .and_then(|template| template.email_message()),
                ),
                temporary_password_days: pool
                    .and_then(|p| p.policies())
                    .and_then(|policies| policies.password_policy())
                    .map(|policy| policy.temporary_password_validity_days())
                    .filter(|days| *days > 0),
            },
            pool.and_then(|p| p.arn()).unwrap_or_default().to_owned(),
        ))
    }

    async fn app_client(&self, pool_id: &str, client_id: &str) -> Result<AppClient, ReadError> {
        let described = self
            .cognito
            .describe_user_pool_client()
            .user_pool_id(pool_id)
            .client_id(client_id)
            .send()
            .await
            .map_err(|error| read_error("DescribeUserPoolClient", client_id, &error))?;
        let Some(client) = described.user_pool_client() else {
            return Ok(AppClient::default());
        };
        Ok(AppClient {
            callback_urls: client.callback_urls().to_vec(),
            logout_urls: client.logout_urls().to_vec(),
            flows: client
                .allowed_o_auth_flows()
                .iter()
                .map(|flow| flow.as_str().to_owned())
                .collect(),
            scopes: client.allowed_o_auth_scopes().to_vec(),
            identity_providers: client.supported_identity_providers().to_vec(),
            oauth_enabled: client
                .allowed_o_auth_flows_user_pool_client()
                .unwrap_or(false),
            has_secret: client
                .client_secret()
                .is_some_and(|secret| !secret.is_empty()),
        })
    }

    async fn domain(&self, domain: &str) -> Result<Option<Domain>, ReadError> {
        let described = self
            .cognito
            .describe_user_pool_domain()
            .domain(domain)
            .send()
            .await
            .map_err(|error| read_error("DescribeUserPoolDomain", domain, &error))?;
        // An unknown domain is an empty description, not an error.
        Ok(described
            .domain_description()
            .and_then(|description| description.domain())
            .filter(|name| !name.is_empty())
            .map(|name| Domain {
                name: name.to_owned(),
                status: described
                    .domain_description()
                    .and_then(|description| description.status())
                    .map(|status| status.as_str().to_owned())
                    .unwrap_or_default(),
            }))
    }

    async fn web_acl(&self, pool_arn: &str) -> Result<Option<String>, ReadError> {
        if pool_arn.is_empty() {
            return Ok(None);
        }
        let found = self
            .wafv2
            .get_web_acl_for_resource()
            .resource_arn(pool_arn)
            .send()
            .await
            .map_err(|error| read_error("GetWebACLForResource", pool_arn, &error))?;
        Ok(found.web_acl().map(|acl| acl.arn().to_owned()))
    }

    /// Every user of the pool, each marked with whether it is in `group`.
    async fn users(&self, pool_id: &str, group: &str) -> Result<Vec<User>, ReadError> {
        let members = self.group_members(pool_id, group).await?;
        let mut users = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self
                .cognito
                .list_users()
                .user_pool_id(pool_id)
                .set_pagination_token(token.take())
                .send()
                .await
                .map_err(|error| read_error("ListUsers", pool_id, &error))?;
            users.extend(page.users().iter().map(|user| {
                let username = user.username().unwrap_or_default().to_owned();
                User {
                    in_group: members.contains(&username),
                    email: user
                        .attributes()
                        .iter()
                        .find(|attribute| attribute.name() == "email")
                        .and_then(|attribute| attribute.value())
                        .map(str::to_owned),
                    status: user
                        .user_status()
                        .map(|status| status.as_str().to_owned())
                        .unwrap_or_default(),
                    enabled: user.enabled(),
                    created: user.user_create_date().map_or(0, |date| date.secs()),
                    username,
                }
            }));
            match page.pagination_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => break,
            }
        }
        Ok(users)
    }

    async fn group_members(&self, pool_id: &str, group: &str) -> Result<Vec<String>, ReadError> {
        let mut members = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = match self
                .cognito
                .list_users_in_group()
                .user_pool_id(pool_id)
                .group_name(group)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(page) => page,
                // No such group: no members (the team check says so).
                Err(error) if error.code() == Some("ResourceNotFoundException") => {
                    return Ok(members);
                }
                Err(error) => return Err(read_error("ListUsersInGroup", group, &error)),
            };
            members.extend(
                page.users()
                    .iter()
                    .filter_map(|user| user.username().map(str::to_owned)),
            );
            match page.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => break,
            }
        }
        Ok(members)
    }
}

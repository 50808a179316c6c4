//! The workforce: its status life cycle and its operations (one per
//! account and region).

use std::time::{Duration, Instant, SystemTime};

use rand::RngExt;
use serde_json::{Value, json};

use super::cognito_side_effect::register_portal_urls;
use super::errors::ApiError;
use super::listing::{list_page, with_next_token};
use super::requests::{
    CreateWorkforceRequest, ListRequest, OidcConfigRequest, UpdateWorkforceRequest,
    VpcConfigRequest, WorkforceNameRequest,
};
use super::state::{EmulatorState, Shared, epoch_seconds};
use super::tagging::{self, Tags};
use super::validation::{
    Violations, check_cognito, check_ip_address_type, check_oidc, check_source_ip, check_tags,
    check_vpc, check_workforce_name,
};

#[derive(Debug, Clone)]
pub(super) enum Phase {
    Settling {
        status: &'static str,
        since: Instant,
        since_wall: SystemTime,
        failure: Option<String>,
    },
    Active,
    Failed(String),
    Deleting {
        since: Instant,
    },
}

pub(super) struct CognitoConfig {
    pub(super) user_pool: String,
    pub(super) client_id: String,
}

pub(super) struct VpcConfig {
    pub(super) vpc_id: String,
    pub(super) security_group_ids: Vec<String>,
    pub(super) subnets: Vec<String>,
    pub(super) endpoint_id: String,
}

pub(super) struct Workforce {
    pub(super) name: String,
    pub(super) arn: String,
    pub(super) sub_domain: String,
    pub(super) cognito: Option<CognitoConfig>,
    /// What DescribeWorkforce shows of an OidcConfig (all but the secret).
    pub(super) oidc: Option<Value>,
    /// The OIDC client secret last sent, which no response shows (for
    /// tests: [`super::SageMakerEmulator::oidc_client_secret`]).
    pub(super) oidc_client_secret: Option<String>,
    pub(super) cidrs: Vec<String>,
    pub(super) vpc: Option<VpcConfig>,
    pub(super) ip_address_type: String,
    pub(super) tags: Tags,
    pub(super) create_date: SystemTime,
    pub(super) last_updated: SystemTime,
    pub(super) phase: Phase,
}

impl Workforce {
    pub(super) fn status(&self) -> &'static str {
        match &self.phase {
            Phase::Settling { status, .. } => status,
            Phase::Active => "Active",
            Phase::Failed(_) => "Failed",
            Phase::Deleting { .. } => "Deleting",
        }
    }

    pub(super) fn settle(&mut self, settle_after: Duration, never_settle: bool, now: Instant) {
        let Phase::Settling {
            since,
            since_wall,
            failure,
            ..
        } = &mut self.phase
        else {
            return;
        };
        if never_settle || now.duration_since(*since) < settle_after {
            return;
        }
        self.last_updated = *since_wall + settle_after;
        self.phase = match failure.take() {
            Some(reason) => Phase::Failed(reason),
            None => Phase::Active,
        };
    }

    pub(super) fn start_settling(&mut self, status: &'static str, failure: Option<String>) {
        let now = SystemTime::now();
        self.last_updated = now;
        self.phase = Phase::Settling {
            status,
            since: Instant::now(),
            since_wall: now,
            failure,
        };
    }

    pub(super) fn describe(&self) -> Value {
        let mut out = json!({
            "WorkforceName": self.name,
            "WorkforceArn": self.arn,
            "LastUpdatedDate": epoch_seconds(self.last_updated),
            "SourceIpConfig": { "Cidrs": self.cidrs },
            "SubDomain": self.sub_domain,
            "CreateDate": epoch_seconds(self.create_date),
            "Status": self.status(),
            "IpAddressType": self.ip_address_type,
        });
        if let Some(cognito) = &self.cognito {
            out["CognitoConfig"] = json!({
                "UserPool": cognito.user_pool,
                "ClientId": cognito.client_id,
            });
        }
        if let Some(oidc) = &self.oidc {
            out["OidcConfig"] = oidc.clone();
        }
        if let Some(vpc) = &self.vpc {
            out["WorkforceVpcConfig"] = json!({
                "VpcId": vpc.vpc_id,
                "SecurityGroupIds": vpc.security_group_ids,
                "Subnets": vpc.subnets,
                "VpcEndpointId": vpc.endpoint_id,
            });
        }
        if let Phase::Failed(reason) = &self.phase {
            out["FailureReason"] = json!(reason);
        }
        out
    }
}

pub(super) fn workforce_arn(region: &str, name: &str) -> String {
    format!(
        "arn:aws:sagemaker:{region}:{}:workforce/{name}",
        crate::ACCOUNT_ID
    )
}

pub(super) fn random_alnum(n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// `<10 random [a-z0-9]>.labeling.<region>.sagemaker.aws`, as observed.
pub(super) fn new_sub_domain(region: &str) -> String {
    format!("{}.labeling.{region}.sagemaker.aws", random_alnum(10))
}

pub(super) fn ensure_no_workforce(state: &mut EmulatorState, region: &str) -> Result<(), ApiError> {
    match state.region(region).workforces.keys().next() {
        Some(existing) => Err(ApiError::new(
            "ResourceLimitExceeded",
            format!(
                "A workforce already exists in account {} in region {region}: '{existing}'. \
                 An account can have only one private workforce per region; \
                 delete it with DeleteWorkforce first.",
                crate::ACCOUNT_ID
            ),
        )),
        None => Ok(()),
    }
}

pub(super) async fn create_workforce(
    shared: &Shared,
    region: &str,
    request: CreateWorkforceRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    check_workforce_name(&mut v, request.workforce_name.as_deref(), "workforceName");
    if let Some(cognito) = &request.cognito_config {
        check_cognito(&mut v, cognito, "cognitoConfig");
    }
    if let Some(oidc) = &request.oidc_config {
        check_oidc(&mut v, oidc);
    }
    if let Some(source_ip) = &request.source_ip_config {
        check_source_ip(&mut v, source_ip);
    }
    if let Some(vpc) = &request.workforce_vpc_config {
        check_vpc(&mut v, vpc);
    }
    check_tags(&mut v, request.tags.as_deref());
    check_ip_address_type(&mut v, request.ip_address_type.as_deref());
    v.finish()?;
    let name = request.workforce_name.unwrap_or_default();
    let cognito = match (request.cognito_config, &request.oidc_config) {
        (Some(_), Some(_)) => {
            return Err(ApiError::validation(
                "CognitoConfig and OidcConfig are mutually exclusive; give exactly one",
            ));
        }
        (None, None) => {
            return Err(ApiError::validation(
                "A private workforce needs either CognitoConfig or OidcConfig",
            ));
        }
        (Some(c), None) => Some(CognitoConfig {
            user_pool: c.user_pool.unwrap_or_default(),
            client_id: c.client_id.unwrap_or_default(),
        }),
        (None, Some(_)) => None,
    };
    {
        let mut state = shared.lock();
        state.advance(&shared.options, Instant::now());
        ensure_no_workforce(&mut state, region)?;
    }
    let sub_domain = new_sub_domain(region);
    if let (Some(endpoint), Some(cognito)) = (&shared.options.cognito_endpoint, &cognito) {
        let client = shared.cognito_client(endpoint, region).await;
        register_portal_urls(&client, cognito, &sub_domain).await?;
    }
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    // Checked again: another create may have won while Cognito was called.
    ensure_no_workforce(&mut state, region)?;
    let failure = state.fail_next.take();
    let now = SystemTime::now();
    let mut workforce = Workforce {
        arn: workforce_arn(region, &name),
        name: name.clone(),
        sub_domain,
        cognito,
        oidc: request
            .oidc_config
            .as_ref()
            .map(OidcConfigRequest::for_response),
        oidc_client_secret: request
            .oidc_config
            .as_ref()
            .and_then(|oidc| oidc.client_secret.clone()),
        cidrs: request
            .source_ip_config
            .and_then(|s| s.cidrs)
            .unwrap_or_default(),
        vpc: request
            .workforce_vpc_config
            .and_then(VpcConfigRequest::into_config),
        ip_address_type: request.ip_address_type.unwrap_or_else(|| "ipv4".into()),
        tags: tagging::from_request(request.tags),
        create_date: now,
        last_updated: now,
        phase: Phase::Active,
    };
    workforce.start_settling("Initializing", failure);
    let arn = workforce.arn.clone();
    state.region(region).workforces.insert(name, workforce);
    Ok(json!({ "WorkforceArn": arn }))
}

pub(super) fn describe_workforce(
    shared: &Shared,
    region: &str,
    request: WorkforceNameRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    check_workforce_name(&mut v, request.workforce_name.as_deref(), "workforceName");
    v.finish()?;
    let name = request.workforce_name.unwrap_or_default();
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let workforce = state
        .region(region)
        .workforces
        .get(&name)
        .ok_or_else(|| ApiError::no_workforce(&name))?;
    Ok(json!({ "Workforce": workforce.describe() }))
}

pub(super) fn update_workforce(
    shared: &Shared,
    region: &str,
    request: UpdateWorkforceRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    check_workforce_name(&mut v, request.workforce_name.as_deref(), "workforceName");
    if let Some(source_ip) = &request.source_ip_config {
        check_source_ip(&mut v, source_ip);
    }
    if let Some(oidc) = &request.oidc_config {
        check_oidc(&mut v, oidc);
    }
    if let Some(vpc) = &request.workforce_vpc_config {
        check_vpc(&mut v, vpc);
    }
    check_ip_address_type(&mut v, request.ip_address_type.as_deref());
    v.finish()?;
    let name = request.workforce_name.unwrap_or_default();
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let region_state = state.region(region);
    let has_teams = region_state
        .workteams
        .values()
        .any(|team| team.workforce_name == name);
    let workforce = region_state
        .workforces
        .get_mut(&name)
        .ok_or_else(|| ApiError::no_workforce(&name))?;
    if !matches!(workforce.phase, Phase::Active) {
        return Err(ApiError::new(
            "ConflictException",
            format!(
                "Workforce {name} is {}; it can be updated only when its status is Active",
                workforce.status()
            ),
        ));
    }
    if let Some(oidc) = &request.oidc_config {
        if workforce.oidc.is_none() {
            return Err(ApiError::validation(format!(
                "Workforce {name} uses Amazon Cognito; OidcConfig can be updated only on a workforce created with OidcConfig"
            )));
        }
        if has_teams {
            return Err(ApiError::new(
                "ConflictException",
                format!(
                    "Workforce {name} has work teams; OidcConfig can be updated only when no work teams exist"
                ),
            ));
        }
        workforce.oidc = Some(oidc.for_response());
        workforce.oidc_client_secret = oidc.client_secret.clone();
    }
    if let Some(cidrs) = request.source_ip_config.and_then(|s| s.cidrs) {
        workforce.cidrs = cidrs;
    }
    if let Some(vpc) = request.workforce_vpc_config {
        workforce.vpc = vpc.into_config();
    }
    if let Some(ip_address_type) = request.ip_address_type {
        workforce.ip_address_type = ip_address_type;
    }
    workforce.start_settling("Updating", None);
    Ok(json!({ "Workforce": workforce.describe() }))
}

pub(super) fn delete_workforce(
    shared: &Shared,
    region: &str,
    request: WorkforceNameRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    check_workforce_name(&mut v, request.workforce_name.as_deref(), "workforceName");
    v.finish()?;
    let name = request.workforce_name.unwrap_or_default();
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let region_state = state.region(region);
    let teams: Vec<&str> = region_state
        .workteams
        .values()
        .filter(|team| team.workforce_name == name)
        .map(|team| team.name.as_str())
        .collect();
    let Some(workforce) = region_state.workforces.get(&name) else {
        return Err(ApiError::no_workforce(&name));
    };
    if !teams.is_empty() {
        return Err(ApiError::new(
            "ResourceInUse",
            format!(
                "Workforce {name} has work teams ({}); delete them with DeleteWorkteam first",
                teams.join(", ")
            ),
        ));
    }
    if !matches!(workforce.phase, Phase::Active | Phase::Failed(_)) {
        return Err(ApiError::new(
            "ConflictException",
            format!(
                "Workforce {name} is {}; a workforce can be deleted only when its status is Active or Failed",
                workforce.status()
            ),
        ));
    }
    if let Some(workforce) = region_state.workforces.get_mut(&name) {
        workforce.phase = Phase::Deleting {
            since: Instant::now(),
        };
        workforce.last_updated = SystemTime::now();
    }
    Ok(json!({}))
}

pub(super) fn list_workforces(
    shared: &Shared,
    region: &str,
    request: ListRequest,
) -> Result<Value, ApiError> {
    let items = {
        let mut state = shared.lock();
        state.advance(&shared.options, Instant::now());
        state
            .region(region)
            .workforces
            .values()
            .map(|w| (w.name.clone(), epoch_seconds(w.create_date), w.describe()))
            .collect()
    };
    let (page, next) = list_page(items, &request)?;
    Ok(with_next_token(json!({ "Workforces": page }), next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_domains_look_like_the_observed_ones() {
        let sub = new_sub_domain("eu-west-1");
        let (host, rest) = sub.split_once('.').unwrap();
        assert_eq!(rest, "labeling.eu-west-1.sagemaker.aws");
        assert_eq!(host.len(), 10);
        assert!(
            host.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
    }

    #[test]
    fn workforces_settle_lazily() {
        let now = Instant::now();
        let mut workforce = Workforce {
            name: "w".into(),
            arn: workforce_arn("us-east-1", "w"),
            sub_domain: new_sub_domain("us-east-1"),
            cognito: None,
            oidc: None,
            oidc_client_secret: None,
            cidrs: vec![],
            vpc: None,
            ip_address_type: "ipv4".into(),
            tags: Tags::new(),
            create_date: SystemTime::now(),
            last_updated: SystemTime::now(),
            phase: Phase::Active,
        };
        workforce.start_settling("Initializing", Some("no capacity".into()));
        let settle = Duration::from_secs(60);
        workforce.settle(settle, false, now);
        assert_eq!(workforce.status(), "Initializing");
        workforce.settle(settle, true, now + settle * 2);
        assert_eq!(workforce.status(), "Initializing");
        workforce.settle(settle, false, now + settle * 2);
        assert_eq!(workforce.status(), "Failed");
        assert_eq!(workforce.describe()["FailureReason"], "no capacity");
    }
}

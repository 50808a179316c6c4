//! Work teams: private teams in the region's workforce.

use std::time::{Instant, SystemTime};

use serde_json::{Value, json};

use super::errors::ApiError;
use super::listing::{list_page, with_next_token};
use super::requests::{
    CreateWorkteamRequest, ListRequest, MemberDefinitionRequest, UpdateWorkteamRequest,
    WorkteamNameRequest,
};
use super::state::{Shared, epoch_seconds};
use super::tagging::{self, Tags};
use super::validation::{Violations, check_tags, check_workforce_name, check_workteam_name};
use super::workforce::{Phase, Workforce};

/// The name CreateWorkteam uses when it is given no WorkforceName.
const DEFAULT_WORKFORCE: &str = "default";

pub(super) struct Workteam {
    pub(super) name: String,
    pub(super) arn: String,
    pub(super) workforce_name: String,
    pub(super) members: Vec<Value>,
    pub(super) description: String,
    /// The SNS topic of NotificationConfiguration.
    pub(super) notification: Option<String>,
    pub(super) worker_access: Option<Value>,
    pub(super) tags: Tags,
    pub(super) create_date: SystemTime,
    pub(super) last_updated: SystemTime,
}

impl Workteam {
    pub(super) fn describe(&self, workforce: Option<&Workforce>) -> Value {
        let mut out = json!({
            "WorkteamName": self.name,
            "MemberDefinitions": self.members,
            "WorkteamArn": self.arn,
            "Description": self.description,
            "CreateDate": epoch_seconds(self.create_date),
            "LastUpdatedDate": epoch_seconds(self.last_updated),
        });
        if let Some(access) = &self.worker_access {
            out["WorkerAccessConfiguration"] = access.clone();
        }
        if let Some(workforce) = workforce {
            out["WorkforceArn"] = json!(workforce.arn);
            out["SubDomain"] = json!(workforce.sub_domain);
        }
        if let Some(topic) = &self.notification {
            out["NotificationConfiguration"] = json!({ "NotificationTopicArn": topic });
        }
        out
    }
}

pub(super) fn workteam_arn(region: &str, name: &str) -> String {
    format!(
        "arn:aws:sagemaker:{region}:{}:workteam/private-crowd/{name}",
        crate::ACCOUNT_ID
    )
}

pub(super) fn create_workteam(
    shared: &Shared,
    region: &str,
    request: CreateWorkteamRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    check_workteam_name(&mut v, request.workteam_name.as_deref(), "workteamName");
    if request.workforce_name.is_some() {
        check_workforce_name(&mut v, request.workforce_name.as_deref(), "workforceName");
    }
    if let Some(description) = v.required(request.description.as_deref(), "description") {
        v.length(description, "description", 1, 200);
    }
    check_members(&mut v, request.member_definitions.as_deref(), true);
    check_notification(&mut v, request.notification_configuration.as_ref());
    check_tags(&mut v, request.tags.as_deref());
    v.finish()?;
    let name = request.workteam_name.unwrap_or_default();
    let workforce_name = request
        .workforce_name
        .unwrap_or_else(|| DEFAULT_WORKFORCE.to_owned());
    let members = request.member_definitions.unwrap_or_default();

    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let region_state = state.region(region);
    let workforce = region_state
        .workforces
        .get(&workforce_name)
        .ok_or_else(|| ApiError::no_workforce(&workforce_name))?;
    if !matches!(workforce.phase, Phase::Active) {
        return Err(ApiError::new(
            "ConflictException",
            format!(
                "Workforce {workforce_name} is {}; work teams can be created only in an Active workforce",
                workforce.status()
            ),
        ));
    }
    let members = member_definitions(workforce, &members)?;
    if region_state.workteams.contains_key(&name) {
        return Err(ApiError::new(
            "ResourceInUse",
            format!("The work team {name} already exists"),
        ));
    }
    let arn = workteam_arn(region, &name);
    region_state.workteams.insert(
        name.clone(),
        Workteam {
            name,
            arn: arn.clone(),
            workforce_name,
            members,
            description: request.description.unwrap_or_default(),
            notification: notification_topic(request.notification_configuration),
            worker_access: None,
            tags: tagging::from_request(request.tags),
            create_date: SystemTime::now(),
            last_updated: SystemTime::now(),
        },
    );
    Ok(json!({ "WorkteamArn": arn }))
}

const TOPIC_ARN_PATTERN: &str = "arn:aws[a-z\\-]*:sns:[a-z0-9\\-]*:[0-9]{12}:[a-zA-Z0-9_.-]*";

/// The topic of a NotificationConfiguration; none when it names none.
fn notification_topic(configuration: Option<Value>) -> Option<String> {
    configuration?["NotificationTopicArn"]
        .as_str()
        .filter(|topic| !topic.is_empty())
        .map(str::to_owned)
}

/// Whether `arn` matches the model's SNS topic ARN pattern.
fn is_topic_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_prefix, partition, service, region, account, name] = parts.as_slice() else {
        return false;
    };
    *arn_prefix == "arn"
        && partition
            .strip_prefix("aws")
            .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        && *service == "sns"
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

fn check_notification(v: &mut Violations, configuration: Option<&Value>) {
    let topic = configuration.and_then(|c| c["NotificationTopicArn"].as_str());
    if let Some(topic) = topic.filter(|topic| !topic.is_empty()) {
        v.pattern(
            topic,
            "notificationConfiguration.notificationTopicArn",
            is_topic_arn(topic),
            TOPIC_ARN_PATTERN,
        );
    }
}

/// 1-10 member definitions, when given.
pub(super) fn check_members(
    v: &mut Violations,
    members: Option<&[MemberDefinitionRequest]>,
    required: bool,
) {
    match members {
        None if required => v.fail(None, "memberDefinitions", "Member must not be null"),
        None => {}
        Some(members) if members.is_empty() || members.len() > 10 => v.fail(
            Some(&format!("{} member definitions", members.len())),
            "memberDefinitions",
            "Member must have length between 1 and 10",
        ),
        Some(_) => {}
    }
}

/// UpdateWorkteam: replaces what it is given (members, description,
/// notification, worker access) and answers `{Workteam}`. New member
/// definitions must name the workforce's own user pool and app client, as
/// on create.
pub(super) fn update_workteam(
    shared: &Shared,
    region: &str,
    request: UpdateWorkteamRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    check_workteam_name(&mut v, request.workteam_name.as_deref(), "workteamName");
    if let Some(description) = request.description.as_deref() {
        v.length(description, "description", 1, 200);
    }
    check_members(&mut v, request.member_definitions.as_deref(), false);
    check_notification(&mut v, request.notification_configuration.as_ref());
    v.finish()?;
    let name = request.workteam_name.unwrap_or_default();
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let region_state = state.region(region);
    let workforce_name = region_state
        .workteams
        .get(&name)
        .ok_or_else(|| ApiError::no_workteam(&name))?
        .workforce_name
        .clone();
    let members = match (
        &request.member_definitions,
        region_state.workforces.get(&workforce_name),
    ) {
        (Some(members), Some(workforce)) => Some(member_definitions(workforce, members)?),
        (Some(_), None) => return Err(ApiError::no_workforce(&workforce_name)),
        (None, _) => None,
    };
    let Some(team) = region_state.workteams.get_mut(&name) else {
        return Err(ApiError::no_workteam(&name));
    };
    if let Some(members) = members {
        team.members = members;
    }
    if let Some(description) = request.description {
        team.description = description;
    }
    if let Some(notification) = request.notification_configuration {
        // A configuration without a topic turns notifications off.
        team.notification = notification_topic(Some(notification));
    }
    if let Some(access) = request.worker_access_configuration {
        team.worker_access = Some(access);
    }
    team.last_updated = SystemTime::now();
    let workforce = region_state.workforces.get(&workforce_name);
    let Some(team) = region_state.workteams.get(&name) else {
        return Err(ApiError::no_workteam(&name));
    };
    Ok(json!({ "Workteam": team.describe(workforce) }))
}

/// The stored MemberDefinitions; they must be of the workforce's kind and,
/// for Cognito, name the workforce's own user pool and app client.
pub(super) fn member_definitions(
    workforce: &Workforce,
    members: &[MemberDefinitionRequest],
) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::with_capacity(members.len());
    for member in members {
        match (
            &member.cognito_member_definition,
            &member.oidc_member_definition,
        ) {
            (Some(c), None) => {
                let Some(cognito) = &workforce.cognito else {
                    return Err(ApiError::validation(format!(
                        "Workforce {} uses OIDC; use OidcMemberDefinition",
                        workforce.name
                    )));
                };
                let (Some(pool), Some(group), Some(client)) =
                    (&c.user_pool, &c.user_group, &c.client_id)
                else {
                    return Err(ApiError::validation(
                        "CognitoMemberDefinition needs UserPool, UserGroup and ClientId",
                    ));
                };
                if *pool != cognito.user_pool || *client != cognito.client_id {
                    return Err(ApiError::validation(format!(
                        "CognitoMemberDefinition must use the workforce's user pool {} and app client {}",
                        cognito.user_pool, cognito.client_id
                    )));
                }
                out.push(json!({ "CognitoMemberDefinition": {
                    "UserPool": pool, "UserGroup": group, "ClientId": client,
                }}));
            }
            (None, Some(o)) => {
                if workforce.oidc.is_none() {
                    return Err(ApiError::validation(format!(
                        "Workforce {} uses Amazon Cognito; use CognitoMemberDefinition",
                        workforce.name
                    )));
                }
                let groups = o.groups.clone().unwrap_or_default();
                // The model: Groups is 1-10 names of 1-63 characters.
                if groups.is_empty() || groups.len() > 10 {
                    return Err(ApiError::validation(format!(
                        "1 validation error detected: Value '{}' at 'memberDefinitions.member.oidcMemberDefinition.groups' failed to satisfy constraint: Member must have length between 1 and 10",
                        groups.len()
                    )));
                }
                if let Some(bad) = groups.iter().find(|group| {
                    group.is_empty()
                        || group.chars().count() > 63
                        || group.chars().any(|c| c.is_whitespace() || c.is_control())
                }) {
                    return Err(ApiError::validation(format!(
                        "1 validation error detected: Value '{bad}' at 'memberDefinitions.member.oidcMemberDefinition.groups.member' failed to satisfy constraint: Member must have length between 1 and 63 and match [\\p{{L}}\\p{{M}}\\p{{S}}\\p{{N}}\\p{{P}}]+"
                    )));
                }
                out.push(json!({ "OidcMemberDefinition": { "Groups": groups }}));
            }
            _ => {
                return Err(ApiError::validation(
                    "Each MemberDefinition needs exactly one of CognitoMemberDefinition and OidcMemberDefinition",
                ));
            }
        }
    }
    Ok(out)
}

pub(super) fn check_workteam_name_request(
    request: &WorkteamNameRequest,
) -> Result<String, ApiError> {
    let mut v = Violations::default();
    if let Some(name) = v.required(request.workteam_name.as_deref(), "workteamName") {
        v.length(name, "workteamName", 1, 63);
    }
    v.finish()?;
    Ok(request.workteam_name.clone().unwrap_or_default())
}

pub(super) fn describe_workteam(
    shared: &Shared,
    region: &str,
    request: WorkteamNameRequest,
) -> Result<Value, ApiError> {
    let name = check_workteam_name_request(&request)?;
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let region_state = state.region(region);
    let team = region_state
        .workteams
        .get(&name)
        .ok_or_else(|| ApiError::no_workteam(&name))?;
    let workforce = region_state.workforces.get(&team.workforce_name);
    Ok(json!({ "Workteam": team.describe(workforce) }))
}

pub(super) fn delete_workteam(
    shared: &Shared,
    region: &str,
    request: WorkteamNameRequest,
) -> Result<Value, ApiError> {
    let name = check_workteam_name_request(&request)?;
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    state
        .region(region)
        .workteams
        .remove(&name)
        .ok_or_else(|| ApiError::no_workteam(&name))?;
    Ok(json!({ "Success": true }))
}

pub(super) fn list_workteams(
    shared: &Shared,
    region: &str,
    request: ListRequest,
) -> Result<Value, ApiError> {
    let items = {
        let mut state = shared.lock();
        state.advance(&shared.options, Instant::now());
        let region_state = state.region(region);
        region_state
            .workteams
            .values()
            .map(|team| {
                let workforce = region_state.workforces.get(&team.workforce_name);
                (
                    team.name.clone(),
                    epoch_seconds(team.create_date),
                    team.describe(workforce),
                )
            })
            .collect()
    };
    let (page, next) = list_page(items, &request)?;
    Ok(with_next_token(json!({ "Workteams": page }), next))
}

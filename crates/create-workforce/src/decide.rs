//! The decisions, without I/O: what a region's workforces mean for a Create,
//! whether a workforce is provably ours, whether an Update is in place or a
//! replacement, what UpdateWorkforce must send, what to do with the work
//! team, which other teams stand in the way, which portal URLs the app
//! client must hold, and when a wait is over.

use crate::error::WorkforceError;
use crate::oidc;
use crate::properties::{Tags, WorkforceProperties};
use aws_rules::sagemaker::with_live_portal;
pub use aws_rules::sagemaker::{
    CognitoMember, Identity, IpAddressType, Observed, ObservedTeam, OidcSettings, PortalUrls,
    SignIn, Status, VpcConfig, canonical,
};
use cognito_rules::client_update::NewUrls;
use std::time::Duration;

/// What a Create finds in the region.
#[derive(Debug, PartialEq, Eq)]
pub enum Existing<'a> {
    /// Our own workforce (a retried or duplicated Create): adopt it.
    Ours(&'a Observed),
    /// Some other workforce occupies the region's only slot.
    Other(&'a Observed),
    Nothing,
}

/// Classifies the region's workforces for a Create of `wanted`.
pub fn classify<'a>(region: &'a [Observed], wanted: &Identity<'_>) -> Existing<'a> {
    if let Some(ours) = region.iter().find(|workforce| workforce.is(wanted)) {
        return Existing::Ours(ours);
    }
    match region.first() {
        Some(other) => Existing::Other(other),
        None => Existing::Nothing,
    }
}

/// Whether the workforce a Delete (or a replacement) would delete is
/// provably this resource's.
#[derive(Debug, PartialEq, Eq)]
pub enum Ownership {
    Ours,
    /// No workforce by that name: nothing to delete.
    Missing,
    /// A workforce exists but is not provably ours; the text says why.
    NotOurs(String),
}

/// A workforce is ours only if its name is the one the properties give and
/// it signs in the way they say: their user pool and app client, or their
/// OIDC client and issuer. The name is checked too because it is unverified
/// whether DescribeWorkforce insists on the name matching the region's
/// workforce. (The PhysicalResourceId is the name the workforce was first
/// created with; after a rename the properties name the live one.)
pub fn ownership(observed: Option<&Observed>, owner: &Identity<'_>) -> Ownership {
    let Some(workforce) = observed else {
        return Ownership::Missing;
    };
    if workforce.name != owner.name {
        return Ownership::NotOurs(format!(
            "the region's workforce is {:?}, not {:?}",
            workforce.name, owner.name
        ));
    }
    if !workforce.signs_in_with(&owner.sign_in) {
        return Ownership::NotOurs(format!(
            "workforce {:?} signs in through {}, but the properties say {}",
            owner.name,
            workforce.sign_in_text(),
            owner.sign_in.text()
        ));
    }
    Ownership::Ours
}

/// What an Update does with the workforces.
#[derive(Debug, PartialEq, Eq)]
pub enum UpdatePlan {
    /// Same name and user pool and client, or same name and OIDC on both
    /// sides (or a retried replacement that already made the wanted
    /// workforce): UpdateWorkforce, then the team.
    InPlace,
    /// A different workforce is wanted: deal with the old one, then create.
    Replace(OldWorkforce),
}

#[derive(Debug, PartialEq, Eq)]
pub enum OldWorkforce {
    /// Provably ours: delete its team and it (the region holds one
    /// workforce) and wait.
    Delete(Box<Observed>),
    /// Already gone (deleted out of band, or by an earlier attempt).
    Gone,
    /// Not provably ours: left alone; the text says why.
    Keep(String),
}

/// Plans an Update. `old` are the OldResourceProperties (None when they no
/// longer parse); `observed_old` is what DescribeWorkforce says about the
/// workforce they name (or about the PhysicalResourceId without them);
/// `observed_new` about the workforce the new properties name.
///
/// A rollback is an Update with the properties swapped, so the same plan
/// deletes the workforce the failed update made and recreates the old one.
pub fn plan_update(
    new: &WorkforceProperties,
    old: Option<&WorkforceProperties>,
    observed_old: Option<&Observed>,
    observed_new: Option<&Observed>,
) -> UpdatePlan {
    let wanted = new.identity();
    if old.is_some_and(|old| old.identity().same_workforce(&wanted))
        || observed_new.is_some_and(|workforce| workforce.is(&wanted))
    {
        return UpdatePlan::InPlace;
    }
    let old_workforce = match old {
        None => match observed_old {
            None => OldWorkforce::Gone,
            Some(_) => OldWorkforce::Keep(
                "OldResourceProperties are missing or unreadable, so it cannot be proved to be this resource's".to_owned(),
            ),
        },
        Some(old) => match ownership(observed_old, &old.identity()) {
            Ownership::Ours => match observed_old {
                Some(workforce) => OldWorkforce::Delete(Box::new(workforce.clone())),
                None => OldWorkforce::Gone,
            },
            Ownership::Missing => OldWorkforce::Gone,
            Ownership::NotOurs(why) => OldWorkforce::Keep(why),
        },
    };
    UpdatePlan::Replace(old_workforce)
}

/// What UpdateWorkforce must send to turn `observed` into what `desired` asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The complete new CIDR list; empty clears the restriction (sent as
    /// `SourceIpConfig{Cidrs: []}`, the way an unrestricted workforce
    /// describes itself).
    pub source_ip_cidrs: Option<Vec<String>>,
    pub ip_address_type: Option<IpAddressType>,
    pub vpc: Option<VpcChange>,
    /// A new OidcConfig: these settings and the secret, read when sent.
    pub oidc: Option<OidcSettings>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VpcChange {
    Set(VpcConfig),
    /// Sent as an empty `WorkforceVpcConfig{}`, as the SageMaker guide does.
    Remove,
}

/// Only what differs is sent, so an Update that changes nothing the service
/// holds makes no UpdateWorkforce call, and a clear is sent only when a
/// restriction really is in place. The client secret cannot be described,
/// so the OidcConfig is sent also when `old` (the OldResourceProperties)
/// pointed at another secret or secret version.
pub fn changes(
    desired: &WorkforceProperties,
    observed: &Observed,
    old: Option<&WorkforceProperties>,
) -> Option<Changes> {
    let cidrs = canonical(&desired.source_ip_cidrs);
    let source_ip_cidrs = (cidrs != observed.source_ip_cidrs).then_some(cidrs);
    let vpc = match (desired.vpc(), &observed.vpc) {
        (Some(wanted), Some(live)) if &wanted == live => None,
        (Some(wanted), _) => Some(VpcChange::Set(wanted)),
        (None, Some(_)) => Some(VpcChange::Remove),
        (None, None) => None,
    };
    let wanted = desired.ip_address_type();
    let ip_address_type = (wanted != observed.ip_address_type).then_some(wanted);
    let oidc = oidc::settings(desired).filter(|settings| {
        observed.oidc.as_ref() != Some(settings) || oidc::secret_changed(desired, old)
    });
    let changes = Changes {
        source_ip_cidrs,
        ip_address_type,
        vpc,
        oidc,
    };
    (changes.source_ip_cidrs.is_some()
        || changes.ip_address_type.is_some()
        || changes.vpc.is_some()
        || changes.oidc.is_some())
    .then_some(changes)
}

/// What AddTags and DeleteTags must send so that a workforce or team holds
/// the wanted tags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagChanges {
    /// Keys missing or with another value.
    pub add: Tags,
    /// Keys this resource set before (the OldResourceProperties' tags) that
    /// are no longer wanted.
    pub remove: Vec<String>,
}

/// Only keys the old properties set are removed: a tag someone else put on
/// the workforce (another tool, a cost-allocation process) is not the
/// stack's to take away, the same rule as for every other setting.
pub fn tag_changes(wanted: &Tags, set_before: &Tags, live: &Tags) -> Option<TagChanges> {
    let add: Tags = wanted
        .iter()
        .filter(|(key, value)| live.get(*key) != Some(*value))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let remove: Vec<String> = set_before
        .keys()
        .filter(|key| !wanted.contains_key(*key) && live.contains_key(*key))
        .cloned()
        .collect();
    (!add.is_empty() || !remove.is_empty()).then_some(TagChanges { add, remove })
}

/// Who makes up the team: one Cognito group, or the IdP's groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Members {
    Cognito(CognitoMember),
    /// In canonical order.
    Oidc(Vec<String>),
}

impl Members {
    /// Whether `team` is made of exactly these members.
    fn are_on(&self, team: &ObservedTeam) -> bool {
        match self {
            Self::Cognito(member) => {
                team.cognito == std::slice::from_ref(member) && team.oidc_groups.is_empty()
            }
            Self::Oidc(groups) => team.cognito.is_empty() && &team.oidc_groups == groups,
        }
    }

    /// The group names, for a message.
    fn text(&self) -> String {
        match self {
            Self::Cognito(member) => member.group.clone(),
            Self::Oidc(groups) => groups.join(", "),
        }
    }
}

/// The members this resource gives its team.
pub fn wanted_members(p: &WorkforceProperties) -> Members {
    if oidc::is_oidc(p) {
        return Members::Oidc(canonical(&p.oidc_groups));
    }
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    Members::Cognito(CognitoMember {
        user_pool_id: text(&p.user_pool_id),
        client_id: text(&p.client_id),
        group: text(&p.worker_group_name),
    })
}

/// What to do about the work team the properties name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamPlan {
    /// It is there as wanted: adopt it.
    Keep(ObservedTeam),
    Create,
    /// It is ours but differs: UpdateWorkteam with what differs.
    Update {
        arn: String,
        members: Option<Members>,
        description: Option<String>,
        notification: Option<Notification>,
    },
}

/// A change to the team's task notifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    /// Publish to this SNS topic.
    To(String),
    /// Sent as a NotificationConfiguration without a topic.
    Off,
}

/// What the team's notifications must become: the wanted topic; or off
/// when the old properties set one that is no longer wanted (a topic set
/// by hand on a stack that never managed notifications stays).
fn notification_change(
    wanted: Option<&str>,
    set_before: Option<&str>,
    live: Option<&str>,
) -> Option<Notification> {
    match wanted {
        Some(topic) if live != Some(topic) => Some(Notification::To(topic.to_owned())),
        Some(_) => None,
        None if set_before.is_some() && live.is_some() => Some(Notification::Off),
        None => None,
    }
}

/// Decides about the team `p` names on the (Active) workforce `workforce_arn`,
/// given the region's teams. `claimed`: the OldResourceProperties named a
/// team of the same name, so a team by that name on our workforce is this
/// resource's even when its group differs (a changed WorkerGroupName).
/// `topic_before`: the notification topic the old properties set.
pub fn plan_team(
    p: &WorkforceProperties,
    workforce_arn: &str,
    teams: &[ObservedTeam],
    claimed: bool,
    topic_before: Option<&str>,
) -> Result<TeamPlan, WorkforceError> {
    let Some(team) = teams.iter().find(|team| team.name == p.workteam_name) else {
        return Ok(TeamPlan::Create);
    };
    if !team.is_on(workforce_arn) {
        return Err(WorkforceError::TeamElsewhere {
            team: team.name.clone(),
            workforce: team
                .workforce_arn
                .clone()
                .unwrap_or_else(|| "an unknown workforce".to_owned()),
        });
    }
    let members = wanted_members(p);
    let members_match = members.are_on(team);
    let description_matches = team.description == p.description();
    let notification = notification_change(
        p.notification_topic_arn.as_deref(),
        topic_before,
        team.notification_topic.as_deref(),
    );
    if members_match && description_matches && notification.is_none() {
        return Ok(TeamPlan::Keep(team.clone()));
    }
    if !members_match && !claimed {
        return Err(WorkforceError::TeamTaken {
            team: team.name.clone(),
            groups: team
                .cognito
                .iter()
                .map(|member| member.group.clone())
                .chain(team.oidc_groups.iter().cloned())
                .collect(),
            wanted: members.text(),
        });
    }
    Ok(TeamPlan::Update {
        arn: team.arn.clone(),
        members: (!members_match).then_some(members),
        description: (!description_matches).then(|| p.description().to_owned()),
        notification,
    })
}

/// The names of the teams on `workforce_arn` other than `ours` (the team
/// the properties of this resource name): SageMaker will not delete a
/// workforce that has any, and this resource deletes only its own team.
pub fn other_teams(teams: &[ObservedTeam], workforce_arn: &str, ours: &str) -> Vec<String> {
    teams
        .iter()
        .filter(|team| team.is_on(workforce_arn) && team.name != ours)
        .map(|team| team.name.clone())
        .collect()
}

/// The teams on `workforce_arn` that are not this resource's (`own`: the
/// teams the new and old properties name). SageMaker takes a new OidcConfig
/// only while no team is on the workforce, and this resource deletes and
/// recreates only its own.
pub fn teams_in_the_way_of_oidc(
    teams: &[ObservedTeam],
    workforce_arn: &str,
    own: &[&str],
) -> Vec<String> {
    teams
        .iter()
        .filter(|team| team.is_on(workforce_arn) && !own.contains(&team.name.as_str()))
        .map(|team| team.name.clone())
        .collect()
}

/// This resource's own team `name`, if it is on `workforce_arn`.
pub fn own_team<'a>(
    teams: &'a [ObservedTeam],
    workforce_arn: &str,
    name: &str,
) -> Option<&'a ObservedTeam> {
    teams
        .iter()
        .find(|team| team.name == name && team.is_on(workforce_arn))
}

/// One look at a workforce while waiting for it.
#[derive(Debug, PartialEq, Eq)]
pub enum Poll<T> {
    Ready(T),
    /// Still settling; carries the status for the out-of-time message.
    Pending(String),
}

/// Waiting for `name` to be Active: Failed is final, and so is vanishing or
/// being deleted under our hands.
pub fn until_active(
    name: &str,
    observed: Option<&Observed>,
) -> Poll<Result<Observed, WorkforceError>> {
    let Some(workforce) = observed else {
        return Poll::Ready(Err(WorkforceError::Vanished {
            name: name.to_owned(),
        }));
    };
    match workforce.status {
        Status::Active => Poll::Ready(Ok(workforce.clone())),
        Status::Failed => Poll::Ready(Err(WorkforceError::Failed {
            name: name.to_owned(),
            reason: workforce
                .failure_reason
                .clone()
                .unwrap_or_else(|| "SageMaker gave no FailureReason".to_owned()),
        })),
        Status::Deleting => Poll::Ready(Err(WorkforceError::BeingDeleted {
            name: name.to_owned(),
        })),
        Status::Initializing | Status::Updating | Status::Other(_) => {
            Poll::Pending(workforce.status.as_str().to_owned())
        }
    }
}

/// Where a workforce stands before DeleteWorkforce, which SageMaker allows
/// only for an Active or Failed workforce.
#[derive(Debug, PartialEq, Eq)]
pub enum BeforeDelete {
    Deletable,
    AlreadyDeleting,
    Gone,
}

pub fn until_deletable(observed: Option<&Observed>) -> Poll<BeforeDelete> {
    match observed.map(|workforce| &workforce.status) {
        None => Poll::Ready(BeforeDelete::Gone),
        Some(Status::Active | Status::Failed) => Poll::Ready(BeforeDelete::Deletable),
        Some(Status::Deleting) => Poll::Ready(BeforeDelete::AlreadyDeleting),
        Some(settling) => Poll::Pending(settling.as_str().to_owned()),
    }
}

/// Before UpdateWorkforce: wait for any create or update in flight (an
/// update during one is refused), but accept Failed: an update may be the fix.
pub fn until_settled(
    name: &str,
    observed: Option<&Observed>,
) -> Poll<Result<Observed, WorkforceError>> {
    match observed {
        Some(workforce) if workforce.status == Status::Failed => Poll::Ready(Ok(workforce.clone())),
        _ => until_active(name, observed),
    }
}

pub fn until_gone(observed: Option<&Observed>) -> Poll<()> {
    match observed {
        None => Poll::Ready(()),
        Some(workforce) => Poll::Pending(workforce.status.as_str().to_owned()),
    }
}

/// The URLs the app client of a Cognito workforce must hold once the
/// workforce is Active: its own, with the live portal's callback and logout
/// URLs in place of any earlier portal's; `None` when it holds them already.
///
/// SageMaker adds the portal's URLs to the client when it creates a
/// workforce, but an earlier workforce's stay. After a rename or a switch of
/// kind, `Custom::PlaceholderFilter` and `Custom::ClientCallbacks` replace
/// them; when such an update fails and its rollback recreates the old
/// workforce (under a new portal: SageMaker picks the sub-domain), those
/// resources get no event, so this resource, whose recreation moved the
/// portal, puts the client right itself.
pub fn client_urls_for_portal(
    callback_urls: &[String],
    logout_urls: &[String],
    portal: &PortalUrls,
) -> Option<NewUrls> {
    let wanted = NewUrls {
        callback_urls: with_live_portal(
            callback_urls.iter().map(String::as_str),
            &portal.callback_url,
        ),
        logout_urls: with_live_portal(logout_urls.iter().map(String::as_str), &portal.logout_url),
    };
    let unchanged = wanted.callback_urls == callback_urls && wanted.logout_urls == logout_urls;
    (!unchanged).then_some(wanted)
}

/// Polling intervals: short at first (a local emulator settles in
/// moments), doubling to a cap that keeps DescribeWorkforce calls modest
/// while a real workforce takes minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            first: Duration::from_millis(250),
            max: Duration::from_secs(2),
        }
    }
}

impl Backoff {
    pub fn next(&self, previous: Duration) -> Duration {
        (previous * 2).clamp(self.first, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sagemaker::types::{Workforce, WorkforceStatus};
    use serde_json::json;

    fn workforce(name: &str, pool: &str, client: &str, status: Status) -> Observed {
        Observed {
            name: name.into(),
            arn: format!("arn:aws:sagemaker:us-east-1:123456789012:workforce/{name}"),
            sub_domain: "abc.labeling.us-east-1.sagemaker.aws".into(),
            status,
            failure_reason: None,
            user_pool_id: Some(pool.into()),
            client_id: Some(client.into()),
            source_ip_cidrs: Vec::new(),
            ip_address_type: IpAddressType::Ipv4,
            vpc: None,
            oidc: None,
        }
    }

    fn properties(name: &str, pool: &str, client: &str) -> WorkforceProperties {
        serde_json::from_value(
            json!({"WorkforceName": name, "UserPoolId": pool, "ClientId": client,
            "WorkteamName": format!("{name}-team"), "WorkerGroupName": "workers"}),
        )
        .unwrap()
    }

    /// Errors as text, so polls compare with `assert_eq!`.
    fn plain(poll: Poll<Result<Observed, WorkforceError>>) -> Poll<Result<Observed, String>> {
        match poll {
            Poll::Ready(result) => Poll::Ready(result.map_err(|error| error.to_string())),
            Poll::Pending(status) => Poll::Pending(status),
        }
    }

    const POOL: &str = "us-east-1_Pool1";
    const CLIENT: &str = "client1";

    #[test]
    fn create_adopts_its_own_workforce() {
        let region = vec![workforce("wf", POOL, CLIENT, Status::Initializing)];
        let wanted = properties("wf", POOL, CLIENT);
        assert_eq!(
            classify(&region, &wanted.identity()),
            Existing::Ours(&region[0])
        );
    }

    #[test]
    fn create_refuses_any_other_workforce() {
        let region = vec![workforce("default", POOL, CLIENT, Status::Active)];
        assert_eq!(
            classify(&region, &properties("wf", POOL, CLIENT).identity()),
            Existing::Other(&region[0])
        );
        // Same name, another pool: not ours either.
        let region = vec![workforce("wf", "us-east-1_Other", CLIENT, Status::Active)];
        assert_eq!(
            classify(&region, &properties("wf", POOL, CLIENT).identity()),
            Existing::Other(&region[0])
        );
        let region = vec![workforce("wf", POOL, "client2", Status::Active)];
        assert_eq!(
            classify(&region, &properties("wf", POOL, CLIENT).identity()),
            Existing::Other(&region[0])
        );
    }

    #[test]
    fn create_on_an_empty_region_creates() {
        assert_eq!(
            classify(&[], &properties("wf", POOL, CLIENT).identity()),
            Existing::Nothing
        );
    }

    #[test]
    fn ownership_needs_name_pool_and_client() {
        let owner = properties("wf", POOL, CLIENT);
        let ours = workforce("wf", POOL, CLIENT, Status::Active);
        assert_eq!(ownership(Some(&ours), &owner.identity()), Ownership::Ours);
        assert_eq!(ownership(None, &owner.identity()), Ownership::Missing);

        let other_pool = workforce("wf", "us-east-1_Other", CLIENT, Status::Active);
        assert!(
            matches!(ownership(Some(&other_pool), &owner.identity()), Ownership::NotOurs(why) if why.contains("us-east-1_Other"))
        );
        let other_client = workforce("wf", POOL, "client2", Status::Active);
        assert!(matches!(
            ownership(Some(&other_client), &owner.identity()),
            Ownership::NotOurs(_)
        ));
        // Describe answered with a differently named workforce.
        let renamed = workforce("default", POOL, CLIENT, Status::Active);
        assert!(
            matches!(ownership(Some(&renamed), &owner.identity()), Ownership::NotOurs(why) if why.contains("default"))
        );
        // Properties that name another workforce than the one described.
        let other_props = properties("wf2", POOL, CLIENT);
        assert!(matches!(
            ownership(Some(&ours), &other_props.identity()),
            Ownership::NotOurs(_)
        ));
        // An OIDC workforce has no Cognito config at all.
        let oidc = Observed {
            user_pool_id: None,
            client_id: None,
            oidc: Some(OidcSettings {
                client_id: CLIENT.into(),
                issuer: "https://idp.example.com".into(),
                ..OidcSettings::default()
            }),
            ..ours
        };
        assert!(
            matches!(ownership(Some(&oidc), &owner.identity()), Ownership::NotOurs(why) if why.contains("OIDC"))
        );
    }

    #[test]
    fn same_identity_updates_in_place() {
        let props = properties("wf", POOL, CLIENT);
        let live = workforce("wf", POOL, CLIENT, Status::Active);
        assert_eq!(
            plan_update(&props, Some(&props), Some(&live), Some(&live)),
            UpdatePlan::InPlace
        );
        assert_eq!(
            plan_update(&props, None, Some(&live), Some(&live)),
            UpdatePlan::InPlace
        );
        // Same identity, workforce gone out of band: in place too (the
        // wait then says it vanished).
        assert_eq!(
            plan_update(&props, Some(&props), None, None),
            UpdatePlan::InPlace
        );
    }

    #[test]
    fn new_name_pool_or_client_replaces_and_deletes_only_ours() {
        let old = properties("wf", POOL, CLIENT);
        let live = workforce("wf", POOL, CLIENT, Status::Active);
        for new in [
            properties("wf2", POOL, CLIENT),
            properties("wf", "us-east-1_Pool2", CLIENT),
            properties("wf", POOL, "client2"),
        ] {
            let observed_new = (new.workforce_name == "wf").then_some(&live);
            assert_eq!(
                plan_update(&new, Some(&old), Some(&live), observed_new),
                UpdatePlan::Replace(OldWorkforce::Delete(Box::new(live.clone()))),
                "{new:?}"
            );
        }
        let new = properties("wf2", POOL, CLIENT);
        assert_eq!(
            plan_update(&new, Some(&old), None, None),
            UpdatePlan::Replace(OldWorkforce::Gone)
        );
        // The live workforce has another client than the old properties say.
        let foreign = workforce("wf", POOL, "client9", Status::Active);
        assert!(matches!(
            plan_update(&new, Some(&old), Some(&foreign), None),
            UpdatePlan::Replace(OldWorkforce::Keep(_))
        ));
        // Without old properties nothing can be proved.
        assert!(matches!(
            plan_update(&new, None, Some(&live), None),
            UpdatePlan::Replace(OldWorkforce::Keep(_))
        ));
    }

    #[test]
    fn a_rollback_deletes_the_workforce_the_failed_rename_made() {
        // Forward: wf -> wf2, and wf2 ended Failed. CloudFormation's
        // rollback sends wf as the new properties and wf2 as the old ones.
        let original = properties("wf", POOL, CLIENT);
        let failed_rename = properties("wf2", POOL, CLIENT);
        let mut failed = workforce("wf2", POOL, CLIENT, Status::Failed);
        failed.failure_reason = Some("planted".into());
        assert_eq!(
            plan_update(&original, Some(&failed_rename), Some(&failed), None),
            UpdatePlan::Replace(OldWorkforce::Delete(Box::new(failed)))
        );
    }

    #[test]
    fn retried_replacement_adopts_the_new_workforce() {
        // Same name, new pool; an earlier attempt already replaced it.
        let old = properties("wf", POOL, CLIENT);
        let new = properties("wf", "us-east-1_Pool2", CLIENT);
        let replaced = workforce("wf", "us-east-1_Pool2", CLIENT, Status::Initializing);
        assert_eq!(
            plan_update(&new, Some(&old), Some(&replaced), Some(&replaced)),
            UpdatePlan::InPlace
        );
        // A new name whose workforce an earlier attempt already made.
        let renamed = properties("wf2", POOL, CLIENT);
        let made = workforce("wf2", POOL, CLIENT, Status::Active);
        assert_eq!(
            plan_update(&renamed, Some(&old), None, Some(&made)),
            UpdatePlan::InPlace
        );
    }

    fn team(name: &str, workforce: &str, group: &str) -> ObservedTeam {
        ObservedTeam {
            name: name.into(),
            arn: format!("arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/{name}"),
            workforce_arn: Some(format!(
                "arn:aws:sagemaker:us-east-1:123456789012:workforce/{workforce}"
            )),
            description: crate::properties::DEFAULT_DESCRIPTION.into(),
            cognito: vec![CognitoMember {
                user_pool_id: POOL.into(),
                client_id: CLIENT.into(),
                group: group.into(),
            }],
            oidc_groups: vec![],
            notification_topic: None,
        }
    }

    const WF_ARN: &str = "arn:aws:sagemaker:us-east-1:123456789012:workforce/wf";

    #[test]
    fn the_team_is_created_adopted_updated_or_refused() {
        let p = properties("wf", POOL, CLIENT);
        assert_eq!(
            plan_team(&p, WF_ARN, &[], false, None).unwrap(),
            TeamPlan::Create
        );
        // Another team of another name does not matter.
        let other = team("other", "wf", "workers");
        assert_eq!(
            plan_team(&p, WF_ARN, &[other], false, None).unwrap(),
            TeamPlan::Create
        );
        let ours = team("wf-team", "wf", "workers");
        assert_eq!(
            plan_team(&p, WF_ARN, std::slice::from_ref(&ours), false, None).unwrap(),
            TeamPlan::Keep(ours.clone())
        );
        // Another description: update only that.
        let mut described = p.clone();
        described.workteam_description = Some("new words".into());
        assert_eq!(
            plan_team(&described, WF_ARN, std::slice::from_ref(&ours), false, None).unwrap(),
            TeamPlan::Update {
                arn: ours.arn.clone(),
                members: None,
                description: Some("new words".into()),
                notification: None,
            }
        );
        // Another group: ours (named in the old properties) is updated...
        let mut regrouped = p.clone();
        regrouped.worker_group_name = Some("labelers".into());
        assert_eq!(
            plan_team(&regrouped, WF_ARN, std::slice::from_ref(&ours), true, None).unwrap(),
            TeamPlan::Update {
                arn: ours.arn.clone(),
                members: Some(wanted_members(&regrouped)),
                description: None,
                notification: None,
            }
        );
        // ...a stranger's is refused, naming it.
        let error =
            plan_team(&regrouped, WF_ARN, std::slice::from_ref(&ours), false, None).unwrap_err();
        assert!(matches!(error, WorkforceError::TeamTaken { .. }), "{error}");
        assert!(error.to_string().contains("\"wf-team\""), "{error}");
        // The name taken on another workforce: refused.
        let elsewhere = team("wf-team", "default", "workers");
        let error = plan_team(&p, WF_ARN, &[elsewhere], true, None).unwrap_err();
        assert!(
            matches!(error, WorkforceError::TeamElsewhere { .. }),
            "{error}"
        );
    }

    #[test]
    fn other_teams_on_the_workforce_stand_in_the_way() {
        let teams = vec![
            team("wf-team", "wf", "workers"),
            team("extra", "wf", "workers"),
            team("elsewhere", "other", "workers"),
        ];
        assert_eq!(other_teams(&teams, WF_ARN, "wf-team"), ["extra"]);
        assert_eq!(
            other_teams(&teams[..1], WF_ARN, "wf-team"),
            Vec::<String>::new()
        );
        assert_eq!(other_teams(&teams, WF_ARN, ""), ["wf-team", "extra"]);
        assert!(own_team(&teams, WF_ARN, "wf-team").is_some());
        assert!(own_team(&teams, WF_ARN, "elsewhere").is_none());
    }

    #[test]
    fn observed_team_reads_the_sdk_shape() {
        use aws_sdk_sagemaker::types::{
            CognitoMemberDefinition, MemberDefinition, NotificationConfiguration, Workteam,
        };
        let sdk = Workteam::builder()
            .workteam_name("wf-team")
            .workteam_arn("arn:t")
            .workforce_arn(WF_ARN)
            .description("d")
            .member_definitions(
                MemberDefinition::builder()
                    .cognito_member_definition(
                        CognitoMemberDefinition::builder()
                            .user_pool(POOL)
                            .client_id(CLIENT)
                            .user_group("workers")
                            .build(),
                    )
                    .build(),
            )
            .notification_configuration(
                NotificationConfiguration::builder()
                    .notification_topic_arn("arn:aws:sns:us-east-1:123456789012:tasks")
                    .build(),
            )
            .build();
        let observed = sagemaker_rules::observed_team(&sdk);
        assert_eq!(observed.workforce_arn.as_deref(), Some(WF_ARN));
        assert_eq!(
            observed.notification_topic.as_deref(),
            Some("arn:aws:sns:us-east-1:123456789012:tasks")
        );
        assert_eq!(
            Members::Cognito(observed.cognito[0].clone()),
            wanted_members(&properties("wf", POOL, CLIENT))
        );
    }

    #[test]
    fn changes_send_only_what_differs() {
        let mut desired = properties("wf", POOL, CLIENT);
        let mut live = workforce("wf", POOL, CLIENT, Status::Active);
        assert_eq!(changes(&desired, &live, None), None);

        desired.source_ip_cidrs = vec!["10.0.0.0/8".into(), "192.0.2.0/24".into()];
        assert_eq!(
            changes(&desired, &live, None),
            Some(Changes {
                source_ip_cidrs: Some(vec!["10.0.0.0/8".into(), "192.0.2.0/24".into()]),
                ip_address_type: None,
                vpc: None,
                oidc: None
            })
        );
        // Order does not matter.
        live.source_ip_cidrs = vec!["10.0.0.0/8".into(), "192.0.2.0/24".into()];
        desired.source_ip_cidrs.reverse();
        assert_eq!(changes(&desired, &live, None), None);
        // Clearing sends an empty list.
        desired.source_ip_cidrs.clear();
        assert_eq!(
            changes(&desired, &live, None),
            Some(Changes {
                source_ip_cidrs: Some(Vec::new()),
                ip_address_type: None,
                vpc: None,
                oidc: None
            })
        );
    }

    #[test]
    fn the_ip_address_type_is_sent_when_it_differs_absent_meaning_ipv4() {
        let mut desired = properties("wf", POOL, CLIENT);
        let mut live = workforce("wf", POOL, CLIENT, Status::Active);
        desired.ip_address_type = Some("dualstack".into());
        desired.source_ip_cidrs = vec!["2001:db8::/32".into()];
        let both = changes(&desired, &live, None).unwrap();
        assert_eq!(both.ip_address_type, Some(IpAddressType::Dualstack));
        assert_eq!(both.source_ip_cidrs, Some(vec!["2001:db8::/32".into()]));
        live.ip_address_type = IpAddressType::Dualstack;
        live.source_ip_cidrs = vec!["2001:db8::/32".into()];
        assert_eq!(changes(&desired, &live, None), None);
        // Without the property the workforce goes back to SageMaker's default.
        desired.ip_address_type = None;
        desired.source_ip_cidrs.clear();
        let back = changes(&desired, &live, None).unwrap();
        assert_eq!(back.ip_address_type, Some(IpAddressType::Ipv4));
    }

    #[test]
    fn vpc_changes_set_or_remove() {
        let mut desired = properties("wf", POOL, CLIENT);
        let mut live = workforce("wf", POOL, CLIENT, Status::Active);
        desired.vpc_id = Some("vpc-1".into());
        desired.subnet_ids = vec!["subnet-2".into(), "subnet-1".into()];
        desired.security_group_ids = vec!["sg-1".into()];
        let wanted = desired.vpc().unwrap();
        assert_eq!(
            changes(&desired, &live, None),
            Some(Changes {
                source_ip_cidrs: None,
                ip_address_type: None,
                vpc: Some(VpcChange::Set(wanted.clone())),
                oidc: None
            })
        );
        live.vpc = Some(wanted);
        assert_eq!(changes(&desired, &live, None), None);
        desired.vpc_id = None;
        desired.subnet_ids.clear();
        desired.security_group_ids.clear();
        assert_eq!(
            changes(&desired, &live, None),
            Some(Changes {
                source_ip_cidrs: None,
                ip_address_type: None,
                vpc: Some(VpcChange::Remove),
                oidc: None
            })
        );
    }

    #[test]
    fn waiting_for_active() {
        let mut live = workforce("wf", POOL, CLIENT, Status::Initializing);
        assert_eq!(
            plain(until_active("wf", Some(&live))),
            Poll::Pending("Initializing".into())
        );
        live.status = Status::Updating;
        assert_eq!(
            plain(until_active("wf", Some(&live))),
            Poll::Pending("Updating".into())
        );
        live.status = Status::Active;
        assert_eq!(
            plain(until_active("wf", Some(&live))),
            Poll::Ready(Ok(live.clone()))
        );
        live.status = Status::Failed;
        live.failure_reason = Some("subnet-1 is not in vpc-1".into());
        let Poll::Ready(Err(error)) = until_active("wf", Some(&live)) else {
            panic!("Failed must end the wait")
        };
        assert!(
            error.to_string().contains("subnet-1 is not in vpc-1"),
            "{error}"
        );
        assert!(matches!(
            until_active("wf", None),
            Poll::Ready(Err(WorkforceError::Vanished { .. }))
        ));
        live.status = Status::Deleting;
        assert!(matches!(
            until_active("wf", Some(&live)),
            Poll::Ready(Err(WorkforceError::BeingDeleted { .. }))
        ));
    }

    #[test]
    fn update_waits_for_settling_but_accepts_failed() {
        let mut live = workforce("wf", POOL, CLIENT, Status::Updating);
        assert_eq!(
            plain(until_settled("wf", Some(&live))),
            Poll::Pending("Updating".into())
        );
        live.status = Status::Failed;
        assert_eq!(
            plain(until_settled("wf", Some(&live))),
            Poll::Ready(Ok(live.clone()))
        );
    }

    #[test]
    fn delete_waits_for_active_or_failed() {
        let mut live = workforce("wf", POOL, CLIENT, Status::Initializing);
        assert_eq!(
            until_deletable(Some(&live)),
            Poll::Pending("Initializing".into())
        );
        live.status = Status::Updating;
        assert_eq!(
            until_deletable(Some(&live)),
            Poll::Pending("Updating".into())
        );
        for status in [Status::Active, Status::Failed] {
            live.status = status;
            assert_eq!(
                until_deletable(Some(&live)),
                Poll::Ready(BeforeDelete::Deletable)
            );
        }
        live.status = Status::Deleting;
        assert_eq!(
            until_deletable(Some(&live)),
            Poll::Ready(BeforeDelete::AlreadyDeleting)
        );
        assert_eq!(until_deletable(None), Poll::Ready(BeforeDelete::Gone));
        assert_eq!(until_gone(Some(&live)), Poll::Pending("Deleting".into()));
        assert_eq!(until_gone(None), Poll::Ready(()));
    }

    #[test]
    fn backoff_doubles_to_its_cap() {
        let backoff = Backoff {
            first: Duration::from_millis(250),
            max: Duration::from_secs(2),
        };
        assert_eq!(backoff.next(Duration::ZERO), Duration::from_millis(250));
        assert_eq!(
            backoff.next(Duration::from_millis(250)),
            Duration::from_millis(500)
        );
        assert_eq!(
            backoff.next(Duration::from_millis(1500)),
            Duration::from_secs(2)
        );
        assert_eq!(backoff.next(Duration::from_secs(2)), Duration::from_secs(2));
    }

    #[test]
    fn observed_reads_the_sdk_shape() {
        use aws_sdk_sagemaker::types::{CognitoConfig, SourceIpConfig, WorkforceVpcConfigResponse};
        let sdk = Workforce::builder()
            .workforce_name("wf")
            .workforce_arn("arn:aws:sagemaker:us-east-1:123456789012:workforce/wf")
            .sub_domain("abc.labeling.us-east-1.sagemaker.aws")
            .status(WorkforceStatus::Failed)
            .failure_reason("boom")
            .cognito_config(
                CognitoConfig::builder()
                    .user_pool(POOL)
                    .client_id(CLIENT)
                    .build(),
            )
            .source_ip_config(
                SourceIpConfig::builder()
                    .cidrs("10.0.0.0/8")
                    .cidrs("1.2.3.0/24")
                    .build(),
            )
            .workforce_vpc_config(
                WorkforceVpcConfigResponse::builder()
                    .vpc_id("vpc-1")
                    .subnets("subnet-1")
                    .security_group_ids("sg-1")
                    .build(),
            )
            .build();
        let observed = sagemaker_rules::observed(&sdk);
        assert_eq!(observed.status, Status::Failed);
        assert_eq!(observed.failure_reason.as_deref(), Some("boom"));
        assert_eq!(observed.source_ip_cidrs, vec!["1.2.3.0/24", "10.0.0.0/8"]);
        assert_eq!(
            observed.vpc,
            Some(VpcConfig::new(
                "vpc-1",
                &["subnet-1".into()],
                &["sg-1".into()]
            ))
        );
        assert!(observed.is(&properties("wf", POOL, CLIENT).identity()));
        // An empty VPC config response means no VPC.
        let empty = Workforce::builder()
            .workforce_vpc_config(WorkforceVpcConfigResponse::builder().build())
            .build();
        assert_eq!(sagemaker_rules::observed(&empty).vpc, None);
    }

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn tags_are_added_changed_and_removed_only_where_this_resource_set_them() {
        let wanted = tags(&[("team", "vision"), ("owner", "ml")]);
        let before = tags(&[("team", "labeling"), ("cost-center", "42"), ("gone", "x")]);
        let live = tags(&[
            ("team", "labeling"),
            ("owner", "ml"),
            ("cost-center", "42"),
            ("billing", "set-by-someone-else"),
        ]);
        let changes = tag_changes(&wanted, &before, &live).unwrap();
        assert_eq!(changes.add, tags(&[("team", "vision")]));
        // "gone" is no longer live: nothing to delete; "billing" is not ours.
        assert_eq!(changes.remove, ["cost-center"]);
        assert_eq!(tag_changes(&wanted, &before, &wanted), None);
        assert_eq!(
            tag_changes(&Tags::new(), &Tags::new(), &live),
            None,
            "a stack without tags leaves others' tags alone"
        );
    }

    #[test]
    fn notifications_are_set_changed_and_turned_off_only_when_the_stack_set_them() {
        const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:tasks";
        const OTHER: &str = "arn:aws:sns:us-east-1:123456789012:other";
        assert_eq!(
            notification_change(Some(TOPIC), None, None),
            Some(Notification::To(TOPIC.into()))
        );
        assert_eq!(
            notification_change(Some(TOPIC), Some(OTHER), Some(OTHER)),
            Some(Notification::To(TOPIC.into()))
        );
        assert_eq!(notification_change(Some(TOPIC), None, Some(TOPIC)), None);
        assert_eq!(
            notification_change(None, Some(TOPIC), Some(TOPIC)),
            Some(Notification::Off)
        );
        assert_eq!(notification_change(None, Some(TOPIC), None), None);
        assert_eq!(
            notification_change(None, None, Some(OTHER)),
            None,
            "a topic set by hand on a stack without notifications stays"
        );
        let mut p = properties("wf", POOL, CLIENT);
        p.notification_topic_arn = Some(TOPIC.into());
        let ours = team("wf-team", "wf", "workers");
        assert_eq!(
            plan_team(&p, WF_ARN, std::slice::from_ref(&ours), true, None).unwrap(),
            TeamPlan::Update {
                arn: ours.arn.clone(),
                members: None,
                description: None,
                notification: Some(Notification::To(TOPIC.into())),
            }
        );
    }

    fn oidc_properties(client: &str, issuer: &str) -> WorkforceProperties {
        let idp = "https://idp.example.com/oauth2";
        serde_json::from_value(json!({"WorkforceName": "wf", "WorkteamName": "wf-team",
            "OidcClientId": client, "OidcIssuer": issuer,
            "OidcClientSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbC",
            "OidcAuthorizationEndpoint": format!("{idp}/authorize"),
            "OidcTokenEndpoint": format!("{idp}/token"),
            "OidcUserInfoEndpoint": format!("{idp}/userinfo"),
            "OidcLogoutEndpoint": format!("{idp}/logout"),
            "OidcJwksUri": format!("{idp}/keys"),
            "OidcGroups": ["labelers", "a-team"]}))
        .unwrap()
    }

    fn oidc_workforce(p: &WorkforceProperties) -> Observed {
        Observed {
            user_pool_id: None,
            client_id: None,
            oidc: oidc::settings(p),
            ..workforce("wf", POOL, CLIENT, Status::Active)
        }
    }

    #[test]
    fn an_oidc_change_is_in_place_and_a_change_of_kind_replaces() {
        let old = oidc_properties("c1", "https://idp.example.com");
        let live = oidc_workforce(&old);
        let new = oidc_properties("c2", "https://idp2.example.com");
        assert_eq!(
            plan_update(&new, Some(&old), Some(&live), Some(&live)),
            UpdatePlan::InPlace
        );
        let cognito = properties("wf", POOL, CLIENT);
        let cognito_live = workforce("wf", POOL, CLIENT, Status::Active);
        assert_eq!(
            plan_update(
                &new,
                Some(&cognito),
                Some(&cognito_live),
                Some(&cognito_live)
            ),
            UpdatePlan::Replace(OldWorkforce::Delete(Box::new(cognito_live.clone())))
        );
        // And back: the OIDC workforce is ours by its client and issuer.
        assert_eq!(
            plan_update(&cognito, Some(&old), Some(&live), Some(&live)),
            UpdatePlan::Replace(OldWorkforce::Delete(Box::new(live.clone())))
        );
        // An OIDC workforce of another client is not ours to delete.
        assert!(matches!(
            ownership(Some(&live), &new.identity()),
            Ownership::NotOurs(why) if why.contains("OIDC client c1")
        ));
    }

    #[test]
    fn the_oidc_config_is_sent_when_a_setting_or_the_secret_changed() {
        let p = oidc_properties("c1", "https://idp.example.com");
        let live = oidc_workforce(&p);
        assert_eq!(changes(&p, &live, Some(&p)), None);
        // The secret cannot be described: without old properties, send it.
        assert_eq!(
            changes(&p, &live, None).and_then(|c| c.oidc),
            oidc::settings(&p)
        );
        let mut rotated = p.clone();
        rotated.oidc_client_secret_version = Some("2".into());
        assert_eq!(
            changes(&rotated, &live, Some(&p)).and_then(|c| c.oidc),
            oidc::settings(&rotated)
        );
        let mut scoped = p.clone();
        scoped.oidc_scope = Some("openid email".into());
        assert_eq!(
            changes(&scoped, &live, Some(&p)).and_then(|c| c.oidc),
            oidc::settings(&scoped)
        );
        // Groups are the team's, not the workforce's.
        let mut regrouped = p.clone();
        regrouped.oidc_groups = vec!["others".into()];
        assert_eq!(changes(&regrouped, &live, Some(&p)), None);
        // A Cognito workforce never gets one.
        let cognito = properties("wf", POOL, CLIENT);
        let cognito_live = workforce("wf", POOL, CLIENT, Status::Active);
        assert_eq!(changes(&cognito, &cognito_live, None), None);
    }

    #[test]
    fn an_oidc_team_is_made_of_the_groups_in_any_order() {
        let p = oidc_properties("c1", "https://idp.example.com");
        let mut ours = team("wf-team", "wf", "ignored");
        ours.cognito.clear();
        ours.oidc_groups = vec!["a-team".into(), "labelers".into()];
        assert_eq!(
            plan_team(&p, WF_ARN, std::slice::from_ref(&ours), true, None).unwrap(),
            TeamPlan::Keep(ours.clone())
        );
        let mut fewer = p.clone();
        fewer.oidc_groups = vec!["labelers".into()];
        assert_eq!(
            plan_team(&fewer, WF_ARN, std::slice::from_ref(&ours), true, None).unwrap(),
            TeamPlan::Update {
                arn: ours.arn.clone(),
                members: Some(Members::Oidc(vec!["labelers".into()])),
                description: None,
                notification: None,
            }
        );
        let taken = plan_team(&fewer, WF_ARN, std::slice::from_ref(&ours), false, None)
            .unwrap_err()
            .to_string();
        assert!(
            taken.contains("a-team, labelers") && taken.contains("\"labelers\""),
            "{taken}"
        );
    }

    #[test]
    fn only_other_peoples_teams_stand_in_the_way_of_an_oidc_change() {
        let teams = [
            team("wf-team", "wf", "g"),
            team("old-team", "wf", "g"),
            team("by-hand", "wf", "g"),
            team("elsewhere", "other", "g"),
        ];
        assert_eq!(
            teams_in_the_way_of_oidc(&teams, WF_ARN, &["wf-team", "old-team"]),
            ["by-hand"]
        );
        assert!(teams_in_the_way_of_oidc(&teams[..2], WF_ARN, &["wf-team", "old-team"]).is_empty());
    }

    #[test]
    fn the_client_gets_the_live_portal_in_place_of_an_earlier_one() {
        let portal = PortalUrls::new("new1.labeling.us-east-1.sagemaker.aws");
        let earlier = PortalUrls::new("old1.labeling.us-east-1.sagemaker.aws");
        let strings = |items: &[&str]| items.iter().map(|u| u.to_string()).collect::<Vec<_>>();
        // After a rollback recreated the workforce: SageMaker added the live
        // portal's URLs beside the earlier portal's.
        let wanted = client_urls_for_portal(
            &strings(&[&earlier.callback_url, "myapp://done", &portal.callback_url]),
            &strings(&[&earlier.logout_url, &portal.logout_url]),
            &portal,
        )
        .unwrap();
        assert_eq!(
            wanted.callback_urls,
            strings(&["myapp://done", &portal.callback_url])
        );
        assert_eq!(wanted.logout_urls, strings(&[&portal.logout_url]));
        // A first create: the placeholder stays for the filter to drop.
        let wanted =
            client_urls_for_portal(&strings(&["https://127.0.0.1"]), &[], &portal).unwrap();
        assert_eq!(
            wanted.callback_urls,
            strings(&["https://127.0.0.1", &portal.callback_url])
        );
        assert_eq!(wanted.logout_urls, strings(&[&portal.logout_url]));
        // Already right: nothing to write.
        assert_eq!(
            client_urls_for_portal(
                &strings(&[&portal.callback_url, "https://app.example.com/cb"]),
                &strings(&[&portal.logout_url]),
                &portal
            ),
            None
        );
    }
}

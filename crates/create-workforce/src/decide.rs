//! The decisions, without I/O: what a region's workforces mean for a Create,
//! whether a workforce is provably ours, whether an Update is in place or a
//! replacement, what UpdateWorkforce must send, and when a wait is over.

use crate::error::WorkforceError;
use crate::properties::{Identity, VpcConfig, WorkforceProperties, canonical};
use aws_sdk_sagemaker::types::{Workforce, WorkforceStatus};
use std::time::Duration;

/// A workforce as DescribeWorkforce / ListWorkforces report it, reduced to
/// what the decisions look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub name: String,
    pub arn: String,
    pub sub_domain: String,
    pub status: Status,
    pub failure_reason: Option<String>,
    pub user_pool_id: Option<String>,
    pub client_id: Option<String>,
    /// Canonical order.
    pub source_ip_cidrs: Vec<String>,
    pub vpc: Option<VpcConfig>,
}

/// A workforce's `Status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Initializing,
    Updating,
    Deleting,
    Failed,
    Active,
    /// A status this code does not know (or none): treated as still settling.
    Other(String),
}

impl Status {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Initializing => "Initializing",
            Self::Updating => "Updating",
            Self::Deleting => "Deleting",
            Self::Failed => "Failed",
            Self::Active => "Active",
            Self::Other(other) => other,
        }
    }
}

impl From<Option<&WorkforceStatus>> for Status {
    fn from(status: Option<&WorkforceStatus>) -> Self {
        match status {
            Some(WorkforceStatus::Initializing) => Self::Initializing,
            Some(WorkforceStatus::Updating) => Self::Updating,
            Some(WorkforceStatus::Deleting) => Self::Deleting,
            Some(WorkforceStatus::Failed) => Self::Failed,
            Some(WorkforceStatus::Active) => Self::Active,
            Some(other) => Self::Other(other.as_str().to_owned()),
            None => Self::Other("(no status)".to_owned()),
        }
    }
}

impl From<&Workforce> for Observed {
    fn from(workforce: &Workforce) -> Self {
        let cognito = workforce.cognito_config();
        let vpc = workforce.workforce_vpc_config().and_then(|vpc| {
            vpc.vpc_id()
                .filter(|id| !id.is_empty())
                .map(|id| VpcConfig::new(id, vpc.subnets(), vpc.security_group_ids()))
        });
        Self {
            name: workforce.workforce_name().unwrap_or_default().to_owned(),
            arn: workforce.workforce_arn().unwrap_or_default().to_owned(),
            sub_domain: workforce.sub_domain().unwrap_or_default().to_owned(),
            status: Status::from(workforce.status()),
            failure_reason: workforce.failure_reason().map(str::to_owned),
            user_pool_id: cognito.and_then(|c| c.user_pool()).map(str::to_owned),
            client_id: cognito.and_then(|c| c.client_id()).map(str::to_owned),
            source_ip_cidrs: workforce
                .source_ip_config()
                .map(|config| canonical(config.cidrs()))
                .unwrap_or_default(),
            vpc,
        }
    }
}

impl Observed {
    /// Whether this is the workforce `identity` describes: same name, same
    /// user pool, same app client.
    pub fn is(&self, identity: &Identity<'_>) -> bool {
        self.name == identity.name && self.has_cognito(identity)
    }

    fn has_cognito(&self, identity: &Identity<'_>) -> bool {
        self.user_pool_id.as_deref() == Some(identity.user_pool_id)
            && self.client_id.as_deref() == Some(identity.client_id)
    }

    /// "user pool X, app client Y" (or "no Cognito config", for OIDC).
    pub fn cognito_text(&self) -> String {
        match (&self.user_pool_id, &self.client_id) {
            (Some(pool), Some(client)) => format!("user pool {pool}, app client {client}"),
            (Some(pool), None) => format!("user pool {pool}"),
            _ => "no Cognito config (an OIDC workforce)".to_owned(),
        }
    }
}

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

/// A workforce is ours only if its name is the PhysicalResourceId and its
/// CognitoConfig is the pool and client of the properties. The name is
/// checked too because it is unverified whether DescribeWorkforce insists on
/// the name matching the region's workforce.
pub fn ownership(
    observed: Option<&Observed>,
    physical_id: &str,
    owner: &Identity<'_>,
) -> Ownership {
    let Some(workforce) = observed else {
        return Ownership::Missing;
    };
    if workforce.name != physical_id {
        return Ownership::NotOurs(format!(
            "the region's workforce is {:?}, not {physical_id:?}",
            workforce.name
        ));
    }
    if physical_id != owner.name {
        return Ownership::NotOurs(format!(
            "the properties name workforce {:?}, not {physical_id:?}",
            owner.name
        ));
    }
    if !workforce.has_cognito(owner) {
        return Ownership::NotOurs(format!(
            "workforce {physical_id:?} has {}, but the properties say user pool {}, app client {}",
            workforce.cognito_text(),
            owner.user_pool_id,
            owner.client_id
        ));
    }
    Ownership::Ours
}

/// What to do with the workforce an Update finds under its PhysicalResourceId.
#[derive(Debug, PartialEq, Eq)]
pub enum UpdatePlan {
    /// Same name, pool and client: UpdateWorkforce.
    InPlace,
    /// A different workforce is wanted: deal with the old one, then create.
    Replace(OldWorkforce),
}

#[derive(Debug, PartialEq, Eq)]
pub enum OldWorkforce {
    /// Provably ours: delete it (the region holds one workforce) and wait.
    Delete,
    /// Already gone (deleted out of band, or by an earlier attempt).
    Gone,
    /// Not provably ours: left alone; the text says why.
    Keep(String),
}

/// Plans an Update of the resource whose PhysicalResourceId is `physical_id`.
/// `observed` is what DescribeWorkforce says about `physical_id`; `old` the
/// OldResourceProperties (None when they no longer parse).
pub fn plan_update(
    physical_id: &str,
    new: &WorkforceProperties,
    old: Option<&WorkforceProperties>,
    observed: Option<&Observed>,
) -> UpdatePlan {
    let wanted = new.identity();
    // The live workforce is already the wanted one (in place, or a retried
    // replacement that already created it).
    if wanted.name == physical_id && observed.is_some_and(|workforce| workforce.is(&wanted)) {
        return UpdatePlan::InPlace;
    }
    let old_workforce = match old {
        None => match observed {
            None => OldWorkforce::Gone,
            Some(_) => OldWorkforce::Keep(
                "OldResourceProperties are missing or unreadable, so it cannot be proved to be this resource's".to_owned(),
            ),
        },
        Some(old) => match ownership(observed, physical_id, &old.identity()) {
            Ownership::Ours => OldWorkforce::Delete,
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
    pub vpc: Option<VpcChange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VpcChange {
    Set(VpcConfig),
    /// Sent as an empty `WorkforceVpcConfig{}`, as the SageMaker guide does.
    Remove,
}

/// Only what differs is sent, so an Update that changes nothing the service
/// holds makes no UpdateWorkforce call, and a clear is sent only when a
/// restriction really is in place.
pub fn changes(desired: &WorkforceProperties, observed: &Observed) -> Option<Changes> {
    let cidrs = canonical(&desired.source_ip_cidrs);
    let source_ip_cidrs = (cidrs != observed.source_ip_cidrs).then_some(cidrs);
    let vpc = match (desired.vpc(), &observed.vpc) {
        (Some(wanted), Some(live)) if &wanted == live => None,
        (Some(wanted), _) => Some(VpcChange::Set(wanted)),
        (None, Some(_)) => Some(VpcChange::Remove),
        (None, None) => None,
    };
    if source_ip_cidrs.is_none() && vpc.is_none() {
        None
    } else {
        Some(Changes {
            source_ip_cidrs,
            vpc,
        })
    }
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
            vpc: None,
        }
    }

    fn properties(name: &str, pool: &str, client: &str) -> WorkforceProperties {
        serde_json::from_value(
            json!({"WorkforceName": name, "UserPoolId": pool, "ClientId": client}),
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
        assert_eq!(
            ownership(Some(&ours), "wf", &owner.identity()),
            Ownership::Ours
        );
        assert_eq!(ownership(None, "wf", &owner.identity()), Ownership::Missing);

        let other_pool = workforce("wf", "us-east-1_Other", CLIENT, Status::Active);
        assert!(
            matches!(ownership(Some(&other_pool), "wf", &owner.identity()), Ownership::NotOurs(why) if why.contains("us-east-1_Other"))
        );
        let other_client = workforce("wf", POOL, "client2", Status::Active);
        assert!(matches!(
            ownership(Some(&other_client), "wf", &owner.identity()),
            Ownership::NotOurs(_)
        ));
        // Describe answered with a differently named workforce.
        let renamed = workforce("default", POOL, CLIENT, Status::Active);
        assert!(
            matches!(ownership(Some(&renamed), "wf", &owner.identity()), Ownership::NotOurs(why) if why.contains("default"))
        );
        // Properties that name another workforce than the physical id.
        let other_props = properties("wf2", POOL, CLIENT);
        assert!(matches!(
            ownership(Some(&ours), "wf", &other_props.identity()),
            Ownership::NotOurs(_)
        ));
        // An OIDC workforce has no Cognito config at all.
        let oidc = Observed {
            user_pool_id: None,
            client_id: None,
            ..ours
        };
        assert!(
            matches!(ownership(Some(&oidc), "wf", &owner.identity()), Ownership::NotOurs(why) if why.contains("OIDC"))
        );
    }

    #[test]
    fn same_identity_updates_in_place() {
        let props = properties("wf", POOL, CLIENT);
        let live = workforce("wf", POOL, CLIENT, Status::Active);
        assert_eq!(
            plan_update("wf", &props, Some(&props), Some(&live)),
            UpdatePlan::InPlace
        );
        assert_eq!(
            plan_update("wf", &props, None, Some(&live)),
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
            assert_eq!(
                plan_update("wf", &new, Some(&old), Some(&live)),
                UpdatePlan::Replace(OldWorkforce::Delete),
                "{new:?}"
            );
        }
        let new = properties("wf2", POOL, CLIENT);
        assert_eq!(
            plan_update("wf", &new, Some(&old), None),
            UpdatePlan::Replace(OldWorkforce::Gone)
        );
        // The live workforce has another client than the old properties say.
        let foreign = workforce("wf", POOL, "client9", Status::Active);
        assert!(matches!(
            plan_update("wf", &new, Some(&old), Some(&foreign)),
            UpdatePlan::Replace(OldWorkforce::Keep(_))
        ));
        // Without old properties nothing can be proved.
        assert!(matches!(
            plan_update("wf", &new, None, Some(&live)),
            UpdatePlan::Replace(OldWorkforce::Keep(_))
        ));
    }

    #[test]
    fn retried_replacement_adopts_the_new_workforce() {
        // Same name, new pool; an earlier attempt already replaced it.
        let old = properties("wf", POOL, CLIENT);
        let new = properties("wf", "us-east-1_Pool2", CLIENT);
        let replaced = workforce("wf", "us-east-1_Pool2", CLIENT, Status::Initializing);
        assert_eq!(
            plan_update("wf", &new, Some(&old), Some(&replaced)),
            UpdatePlan::InPlace
        );
    }

    #[test]
    fn changes_send_only_what_differs() {
        let mut desired = properties("wf", POOL, CLIENT);
        let mut live = workforce("wf", POOL, CLIENT, Status::Active);
        assert_eq!(changes(&desired, &live), None);

        desired.source_ip_cidrs = vec!["10.0.0.0/8".into(), "192.0.2.0/24".into()];
        assert_eq!(
            changes(&desired, &live),
            Some(Changes {
                source_ip_cidrs: Some(vec!["10.0.0.0/8".into(), "192.0.2.0/24".into()]),
                vpc: None
            })
        );
        // Order does not matter.
        live.source_ip_cidrs = vec!["10.0.0.0/8".into(), "192.0.2.0/24".into()];
        desired.source_ip_cidrs.reverse();
        assert_eq!(changes(&desired, &live), None);
        // Clearing sends an empty list.
        desired.source_ip_cidrs.clear();
        assert_eq!(
            changes(&desired, &live),
            Some(Changes {
                source_ip_cidrs: Some(Vec::new()),
                vpc: None
            })
        );
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
            changes(&desired, &live),
            Some(Changes {
                source_ip_cidrs: None,
                vpc: Some(VpcChange::Set(wanted.clone()))
            })
        );
        live.vpc = Some(wanted);
        assert_eq!(changes(&desired, &live), None);
        desired.vpc_id = None;
        desired.subnet_ids.clear();
        desired.security_group_ids.clear();
        assert_eq!(
            changes(&desired, &live),
            Some(Changes {
                source_ip_cidrs: None,
                vpc: Some(VpcChange::Remove)
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
        let observed = Observed::from(&sdk);
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
        assert_eq!(Observed::from(&empty).vpc, None);
    }
}

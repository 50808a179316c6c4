//! SageMaker's rules for private workforces, each in one place: the
//! workforce name, what "not found" looks like (SageMaker models almost no
//! errors, so they are told apart by code and message, docs/AWS-NOTES.md
//! §1.3), the labeling portal's URLs, and a described workforce reduced to
//! what the functions look at.

use crate::shown;

/// Longest workforce name SageMaker accepts (Model: 1-63 characters).
pub const MAX_WORKFORCE_NAME_CHARS: usize = 63;

/// SageMaker's workforce name rule, as a Reason says it.
pub const WORKFORCE_NAME_RULE: &str =
    "must be 1-63 characters of a-z, A-Z, 0-9 and '-', starting with a letter or digit";

/// Why `name` cannot be a workforce name (Model pattern
/// `[a-zA-Z0-9]([a-zA-Z0-9\-]){0,62}`), or `None` if it can.
pub fn workforce_name_problem(name: &str) -> Option<String> {
    let length = name.chars().count();
    let first_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if length == 0 || length > MAX_WORKFORCE_NAME_CHARS || !first_ok || !rest_ok {
        return Some(format!(
            "{WORKFORCE_NAME_RULE} (got {}, {length} characters)",
            shown(name)
        ));
    }
    None
}

/// Whether `name` can be a workforce name.
pub fn is_workforce_name(name: &str) -> bool {
    workforce_name_problem(name).is_none()
}

/// A not-found error code, should SageMaker ever send one.
fn is_not_found_code(code: Option<&str>) -> bool {
    matches!(code, Some("ResourceNotFound" | "ResourceNotFoundException"))
}

/// SageMaker's "no such workforce", for DescribeWorkforce and
/// DeleteWorkforce alike: a `ValidationException` whose message says
/// "No workforce" (what Terraform matches, docs/AWS-NOTES.md §1.3), or a
/// not-found code.
pub fn is_workforce_not_found(code: Option<&str>, message: Option<&str>) -> bool {
    is_not_found_code(code)
        || (code == Some("ValidationException")
            && message.is_some_and(|message| message.contains("No workforce")))
}

/// SageMaker's "no such work team" (the exact real text is unverified, so a
/// `ValidationException` saying "does not exist", or a not-found code).
pub fn is_team_not_found(code: Option<&str>, message: Option<&str>) -> bool {
    is_not_found_code(code)
        || (code == Some("ValidationException")
            && message.is_some_and(|message| message.contains("does not exist")))
}

/// The labeling portal's addresses, all from the workforce's sub-domain
/// (docs/AWS-NOTES.md §1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalUrls {
    pub sub_domain: String,
    pub portal_url: String,
    pub callback_url: String,
    pub logout_url: String,
}

impl PortalUrls {
    pub fn new(sub_domain: &str) -> Self {
        Self {
            sub_domain: sub_domain.to_owned(),
            portal_url: format!("https://{sub_domain}"),
            callback_url: format!("https://{sub_domain}/oauth2/idpresponse"),
            logout_url: format!("https://{sub_domain}/logout"),
        }
    }
}

/// Whether a sub-domain can be used as `https://<it>/...`: a plain host.
pub fn is_bare_host(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// Whether `url`'s host is a SageMaker labeling portal's:
/// `<sub-domain>.labeling.<region>.sagemaker.aws` (the workforce's
/// SubDomain; case-insensitive, any port).
pub fn is_portal_url(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // No user info in a portal URL; a host after '@' is judged as is.
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = host_port
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    matches!(
        labels.as_slice(),
        [sub, "labeling", region, "sagemaker", "aws"] if !sub.is_empty() && !region.is_empty()
    )
}

/// `urls` with `live` in place of every other labeling portal's URL: the
/// pool of a private workforce serves that one workforce (one per region),
/// so a portal URL that is not the live one is an earlier workforce's, whose
/// portal is gone. Other URLs keep their order, `live` is appended when
/// missing, and duplicates go.
pub fn with_live_portal<'a>(urls: impl IntoIterator<Item = &'a str>, live: &'a str) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for url in urls.into_iter().chain([live]) {
        let earlier_portal = url != live && is_portal_url(url);
        if !earlier_portal && !kept.iter().any(|k| k == url) {
            kept.push(url.to_owned());
        }
    }
    kept
}

/// A workforce's `Status` (Model enum).
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

/// `items` sorted and without duplicates: the order of ids and CIDRs carries
/// no meaning to SageMaker.
pub fn canonical(items: &[String]) -> Vec<String> {
    let mut items = items.to_vec();
    items.sort();
    items.dedup();
    items
}

/// A WorkforceVpcConfig, with its lists in a canonical order so that two
/// configs compare equal when SageMaker would treat them the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcConfig {
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
}

impl VpcConfig {
    pub fn new(
        vpc_id: impl Into<String>,
        subnet_ids: &[String],
        security_group_ids: &[String],
    ) -> Self {
        Self {
            vpc_id: vpc_id.into(),
            subnet_ids: canonical(subnet_ids),
            security_group_ids: canonical(security_group_ids),
        }
    }
}

/// How a workforce's workers sign in: through a Cognito user pool and app
/// client, or through the team's own OIDC identity provider (its client id
/// and issuer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignIn<'a> {
    Cognito {
        user_pool_id: &'a str,
        client_id: &'a str,
    },
    Oidc {
        client_id: &'a str,
        issuer: &'a str,
    },
}

impl SignIn<'_> {
    /// "user pool X, app client Y" or "OIDC client Y of issuer Z".
    pub fn text(&self) -> String {
        match self {
            Self::Cognito {
                user_pool_id,
                client_id,
            } => format!("user pool {user_pool_id}, app client {client_id}"),
            Self::Oidc { client_id, issuer } => {
                format!("OIDC client {client_id} of issuer {issuer}")
            }
        }
    }
}

/// What makes a workforce a given one: its name and how it signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    pub name: &'a str,
    pub sign_in: SignIn<'a>,
}

impl Identity<'_> {
    /// Whether going from `self` to `other` keeps the workforce (an
    /// UpdateWorkforce) rather than replacing it: the same name, and the
    /// same user pool and client (SageMaker cannot change a CognitoConfig),
    /// or OIDC on both sides (UpdateWorkforce takes a new OidcConfig). A
    /// change between Cognito and OIDC is a new workforce.
    pub fn same_workforce(&self, other: &Identity<'_>) -> bool {
        self.name == other.name
            && match (self.sign_in, other.sign_in) {
                (SignIn::Oidc { .. }, SignIn::Oidc { .. }) => true,
                (mine, theirs) => mine == theirs,
            }
    }
}

/// An OidcConfig without its secret: what DescribeWorkforce shows of it
/// (OidcConfigForResponse), and what the properties ask for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OidcSettings {
    pub client_id: String,
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub user_info_endpoint: String,
    pub logout_endpoint: String,
    pub jwks_uri: String,
    /// Absent and empty are the same.
    pub scope: Option<String>,
    pub extra_params: std::collections::BTreeMap<String, String>,
}

/// Which addresses reach the portal: IPv4 only (what SageMaker gives a
/// workforce created without one) or IPv4 and IPv6 (`dualstack`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IpAddressType {
    #[default]
    Ipv4,
    Dualstack,
}

impl IpAddressType {
    /// The API's values (WorkforceIpAddressType).
    pub const VALUES: [&'static str; 2] = ["ipv4", "dualstack"];

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ipv4" => Some(Self::Ipv4),
            "dualstack" => Some(Self::Dualstack),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ipv4 => "ipv4",
            Self::Dualstack => "dualstack",
        }
    }
}

/// A workforce as DescribeWorkforce / ListWorkforces report it, reduced to
/// what the functions look at.
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
    pub ip_address_type: IpAddressType,
    pub vpc: Option<VpcConfig>,
    /// The OidcConfig of an OIDC workforce.
    pub oidc: Option<OidcSettings>,
}

impl Observed {
    /// Whether this is the workforce `identity` describes: same name, same
    /// sign-in.
    pub fn is(&self, identity: &Identity<'_>) -> bool {
        self.name == identity.name && self.signs_in_with(&identity.sign_in)
    }

    /// Whether this workforce signs in through `sign_in` (whatever its
    /// name): the same user pool and app client, or the same OIDC client
    /// and issuer.
    pub fn signs_in_with(&self, sign_in: &SignIn<'_>) -> bool {
        match sign_in {
            SignIn::Cognito {
                user_pool_id,
                client_id,
            } => {
                self.user_pool_id.as_deref() == Some(*user_pool_id)
                    && self.client_id.as_deref() == Some(*client_id)
            }
            SignIn::Oidc { client_id, issuer } => self
                .oidc
                .as_ref()
                .is_some_and(|oidc| oidc.client_id == *client_id && oidc.issuer == *issuer),
        }
    }

    /// How it signs in, in words: "user pool X, app client Y", "OIDC
    /// client Y of issuer Z".
    pub fn sign_in_text(&self) -> String {
        if let Some(oidc) = &self.oidc {
            return SignIn::Oidc {
                client_id: &oidc.client_id,
                issuer: &oidc.issuer,
            }
            .text();
        }
        match (&self.user_pool_id, &self.client_id) {
            (Some(pool), Some(client)) => format!("user pool {pool}, app client {client}"),
            (Some(pool), None) => format!("user pool {pool}"),
            _ => "no sign-in configuration".to_owned(),
        }
    }
}

/// A work team as DescribeWorkteam / ListWorkteams report it, reduced to
/// what the functions and the doctor look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedTeam {
    pub name: String,
    pub arn: String,
    pub workforce_arn: Option<String>,
    pub description: String,
    /// The Cognito member definitions.
    pub cognito: Vec<CognitoMember>,
    /// The groups of its OIDC member definitions, in canonical order.
    pub oidc_groups: Vec<String>,
    /// The SNS topic of its NotificationConfiguration.
    pub notification_topic: Option<String>,
}

/// One Cognito member definition: the pool, the client and the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CognitoMember {
    pub user_pool_id: String,
    pub client_id: String,
    pub group: String,
}

impl ObservedTeam {
    /// Whether the team is on the workforce `workforce_arn`.
    pub fn is_on(&self, workforce_arn: &str) -> bool {
        self.workforce_arn.as_deref() == Some(workforce_arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workforce_names_follow_the_model_pattern_with_one_message() {
        for good in ["a", "A-1", "wf", &"a".repeat(MAX_WORKFORCE_NAME_CHARS)] {
            assert_eq!(workforce_name_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "-a",
            "a_b",
            "a b",
            "é",
            &"a".repeat(MAX_WORKFORCE_NAME_CHARS + 1),
        ] {
            let problem = workforce_name_problem(bad).unwrap();
            assert!(problem.starts_with(WORKFORCE_NAME_RULE), "{problem}");
            assert!(problem.contains(&shown(bad)), "{problem}");
        }
    }

    #[test]
    fn not_found_is_one_rule_for_workforces_and_one_for_teams() {
        let no_workforce = Some("No workforce found with name wf");
        assert!(is_workforce_not_found(
            Some("ValidationException"),
            no_workforce
        ));
        assert!(is_workforce_not_found(Some("ResourceNotFound"), None));
        assert!(!is_workforce_not_found(
            Some("ValidationException"),
            Some("1 validation error detected")
        ));
        assert!(!is_workforce_not_found(
            Some("ThrottlingException"),
            no_workforce
        ));
        assert!(!is_workforce_not_found(None, None));

        assert!(is_team_not_found(
            Some("ValidationException"),
            Some("The work team t does not exist.")
        ));
        assert!(is_team_not_found(Some("ResourceNotFoundException"), None));
        assert!(!is_team_not_found(
            Some("ValidationException"),
            Some("1 validation error")
        ));
    }

    #[test]
    fn portal_urls_follow_from_the_sub_domain() {
        let urls = PortalUrls::new("x1.labeling.us-east-1.sagemaker.aws");
        assert_eq!(
            urls.portal_url,
            "https://x1.labeling.us-east-1.sagemaker.aws"
        );
        assert_eq!(
            urls.callback_url,
            "https://x1.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse"
        );
        assert_eq!(
            urls.logout_url,
            "https://x1.labeling.us-east-1.sagemaker.aws/logout"
        );
        for url in [&urls.portal_url, &urls.callback_url, &urls.logout_url] {
            assert!(is_portal_url(url), "{url}");
        }
        assert!(is_bare_host("x1.labeling.us-east-1.sagemaker.aws"));
        for bad in ["", "https://x", "x/y", "x y"] {
            assert!(!is_bare_host(bad), "{bad}");
        }
    }

    #[test]
    fn the_live_portal_replaces_earlier_ones_and_nothing_else_moves() {
        const LIVE: &str = "https://new1.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse";
        const EARLIER: &str = "https://old1.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse";
        let urls = |items: &[&str]| items.iter().map(|u| u.to_string()).collect::<Vec<_>>();
        assert_eq!(
            with_live_portal(["https://127.0.0.1", EARLIER, "myapp://cb", EARLIER], LIVE),
            urls(&["https://127.0.0.1", "myapp://cb", LIVE])
        );
        // Already right: unchanged, in order, the live one not repeated.
        assert_eq!(
            with_live_portal([LIVE, "https://app.example.com/cb", LIVE], LIVE),
            urls(&[LIVE, "https://app.example.com/cb"])
        );
        assert_eq!(with_live_portal([], LIVE), urls(&[LIVE]));
        // Another path of the live portal is an earlier portal's too.
        let live_logout = "https://new1.labeling.us-east-1.sagemaker.aws/logout";
        assert_eq!(with_live_portal([live_logout], LIVE), urls(&[LIVE]));
    }

    #[test]
    fn portal_hosts_only() {
        for url in [
            "https://X1.Labeling.us-west-2.SageMaker.aws:443/oauth2/idpresponse",
            "https://user@x1.labeling.eu-west-1.sagemaker.aws/logout",
        ] {
            assert!(is_portal_url(url), "{url}");
        }
        for url in [
            "https://labeling.us-east-1.sagemaker.aws/",
            "https://x1.labeling.us-east-1.sagemaker.aws.example.com/",
            "https://app.example.com/cb",
            "x1.labeling.us-east-1.sagemaker.aws",
        ] {
            assert!(!is_portal_url(url), "{url}");
        }
    }

    #[test]
    fn ip_address_types_read_back_as_written() {
        for text in IpAddressType::VALUES {
            assert_eq!(
                IpAddressType::parse(text).map(IpAddressType::as_str),
                Some(text)
            );
        }
        assert_eq!(IpAddressType::parse("IPv4"), None);
        assert_eq!(IpAddressType::default(), IpAddressType::Ipv4);
    }

    #[test]
    fn identity_needs_name_pool_and_client() {
        let observed = Observed {
            name: "wf".into(),
            arn: String::new(),
            sub_domain: String::new(),
            status: Status::Active,
            failure_reason: None,
            user_pool_id: Some("us-east-1_A".into()),
            client_id: Some("c".into()),
            source_ip_cidrs: vec![],
            ip_address_type: IpAddressType::Ipv4,
            vpc: None,
            oidc: None,
        };
        let cognito = |client_id| SignIn::Cognito {
            user_pool_id: "us-east-1_A",
            client_id,
        };
        let identity = Identity {
            name: "wf",
            sign_in: cognito("c"),
        };
        assert!(observed.is(&identity));
        assert!(!observed.is(&Identity {
            sign_in: cognito("d"),
            ..identity
        }));
        assert!(!observed.is(&Identity {
            name: "other",
            ..identity
        }));
        assert_eq!(
            observed.sign_in_text(),
            "user pool us-east-1_A, app client c"
        );
        let idp = SignIn::Oidc {
            client_id: "c",
            issuer: "https://idp.example.com",
        };
        assert!(!observed.is(&Identity {
            sign_in: idp,
            ..identity
        }));
        let oidc = Observed {
            user_pool_id: None,
            client_id: None,
            oidc: Some(OidcSettings {
                client_id: "c".into(),
                issuer: "https://idp.example.com".into(),
                ..OidcSettings::default()
            }),
            ..observed
        };
        assert!(oidc.is(&Identity {
            sign_in: idp,
            ..identity
        }));
        assert!(!oidc.is(&identity));
        assert_eq!(
            oidc.sign_in_text(),
            "OIDC client c of issuer https://idp.example.com"
        );
    }

    #[test]
    fn only_a_change_of_pool_client_name_or_kind_is_a_new_workforce() {
        let id = |name, sign_in| Identity { name, sign_in };
        let pool = |client_id| SignIn::Cognito {
            user_pool_id: "us-east-1_A",
            client_id,
        };
        let idp = |client_id| SignIn::Oidc {
            client_id,
            issuer: "https://idp.example.com",
        };
        assert!(id("wf", pool("c")).same_workforce(&id("wf", pool("c"))));
        assert!(!id("wf", pool("c")).same_workforce(&id("wf", pool("d"))));
        assert!(id("wf", idp("c")).same_workforce(&id("wf", idp("d"))));
        assert!(!id("wf", idp("c")).same_workforce(&id("other", idp("c"))));
        assert!(!id("wf", pool("c")).same_workforce(&id("wf", idp("c"))));
    }
}

//! The checks, without I/O: what a snapshot says about the workforce, in
//! words an operator can act on.

use crate::observe::{Snapshot, User};
use crate::target::{CognitoTarget, SignInTarget, Target};
use aws_rules::sagemaker::{
    CognitoMember, ObservedTeam, PortalUrls, SignIn, Status, is_portal_url,
};

/// The OAuth scopes and identity provider the labeling portal signs in with
/// (the ones the stack's app client is made with, docs/AWS-NOTES.md §1.4).
pub const SCOPES: &[&str] = &["openid", "email", "profile"];
const IDENTITY_PROVIDER: &str = "COGNITO";
const CODE_FLOW: &str = "code";
/// Cognito's default when the pool sets none.
const DEFAULT_TEMPORARY_PASSWORD_DAYS: i64 = 7;
const DAY: i64 = 24 * 60 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Worth knowing, nothing to fix.
    Note,
    Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub verdict: Verdict,
    /// What was checked: "workforce", "app client", ...
    pub subject: &'static str,
    pub text: String,
    /// What to do about a problem.
    pub fix: Option<String>,
}

impl Finding {
    fn ok(subject: &'static str, text: impl Into<String>) -> Self {
        Self {
            verdict: Verdict::Ok,
            subject,
            text: text.into(),
            fix: None,
        }
    }

    fn note(subject: &'static str, text: impl Into<String>) -> Self {
        Self {
            verdict: Verdict::Note,
            ..Self::ok(subject, text)
        }
    }

    fn problem(subject: &'static str, text: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            verdict: Verdict::Problem,
            subject,
            text: text.into(),
            fix: Some(fix.into()),
        }
    }
}

/// Every check, in the order a worker meets the parts: the workforce and
/// its portal, the sign-in client, the domain and WAF in front of it, the
/// team, the invitation, the users. `now`: seconds since the epoch.
/// An OIDC workforce: the workforce and its portal, what the IdP must
/// have registered, the team.
pub fn diagnose(target: &Target, seen: &Snapshot, now: i64) -> Vec<Finding> {
    let mut findings = Vec::new();
    let portal = workforce(target, seen, &mut findings);
    match &target.sign_in {
        SignInTarget::Cognito(cognito) => {
            app_client(seen, portal.as_ref(), &mut findings);
            domain_and_waf(seen, &mut findings);
            team(target, seen, &mut findings);
            invitation(seen, portal.as_ref(), &mut findings);
            users(cognito, seen, now, &mut findings);
        }
        SignInTarget::Oidc { reported_redirect } => {
            identity_provider(portal.as_ref(), reported_redirect.as_deref(), &mut findings);
            team(target, seen, &mut findings);
        }
    }
    findings
}

/// Whether nothing needs fixing.
pub fn healthy(findings: &[Finding]) -> bool {
    findings.iter().all(|f| f.verdict != Verdict::Problem)
}

/// The workforce check; answers the live portal's URLs when there is one.
fn workforce(target: &Target, seen: &Snapshot, out: &mut Vec<Finding>) -> Option<PortalUrls> {
    let name = &target.workforce_name;
    let Some(workforce) = &seen.workforce else {
        out.push(Finding::problem(
            "workforce",
            format!("there is no workforce named {name:?} in this Region"),
            "check the Region (AWS_REGION or --region) and the outputs; a workforce deleted by hand comes back only with a stack update that changes the Workforce resource, or a new deployment (CloudFormation sends an unchanged resource no event)",
        ));
        return None;
    };
    let (signs_in_as_expected, expected) = match &target.sign_in {
        SignInTarget::Cognito(cognito) => (
            workforce.signs_in_with(&SignIn::Cognito {
                user_pool_id: &cognito.user_pool_id,
                client_id: &cognito.client_id,
            }),
            format!(
                "user pool {} and app client {}",
                cognito.user_pool_id, cognito.client_id
            ),
        ),
        SignInTarget::Oidc { .. } => (workforce.oidc.is_some(), "an OIDC IdP".to_owned()),
    };
    if !signs_in_as_expected {
        out.push(Finding::problem(
            "workforce",
            format!(
                "workforce {name:?} signs in through {}, not {expected}",
                workforce.sign_in_text(),
            ),
            "its workers cannot reach this portal the way the stack says: check that the outputs are this stack's",
        ));
    }
    if workforce.status != Status::Active {
        let reason = workforce
            .failure_reason
            .as_deref()
            .map(|reason| format!(" (FailureReason: {reason})"))
            .unwrap_or_default();
        let fix = match workforce.status {
            Status::Failed => {
                "fix what the FailureReason says, then update the stack with a change to the workforce (or delete and deploy it again)"
            }
            _ => "wait a few minutes and run the doctor again: SageMaker is still settling it",
        };
        out.push(Finding::problem(
            "workforce",
            format!(
                "workforce {name:?} is {}, not Active{reason}",
                workforce.status.as_str()
            ),
            fix,
        ));
    }
    if workforce.sub_domain.is_empty() {
        out.push(Finding::problem(
            "portal",
            format!("workforce {name:?} has no portal sub-domain yet"),
            "wait until the workforce is Active and run the doctor again",
        ));
        return None;
    }
    let portal = PortalUrls::new(&workforce.sub_domain);
    if workforce.status == Status::Active && signs_in_as_expected {
        out.push(Finding::ok(
            "workforce",
            format!(
                "{name:?} is Active on {}; the portal is {}",
                workforce.sign_in_text(),
                portal.portal_url
            ),
        ));
    }
    match &target.reported_portal {
        Some(reported) if reported != &portal.portal_url => out.push(Finding::problem(
            "portal",
            format!(
                "the stack's PortalUrl output is {reported}, but the workforce's portal is {}",
                portal.portal_url
            ),
            "give workers the live portal URL above; the output is stale (README, \"Update\": a rename that rolled back)",
        )),
        _ => {}
    }
    Some(portal)
}

/// What the IdP administrator must have registered; the IdP itself cannot
/// be read from here.
fn identity_provider(
    portal: Option<&PortalUrls>,
    reported_redirect: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let Some(portal) = portal else { return };
    match reported_redirect {
        Some(reported) if reported != portal.callback_url => out.push(Finding::problem(
            "identity provider",
            format!(
                "the stack's OidcRedirectUrl output is {reported}, but the portal's redirect URL is {}",
                portal.callback_url
            ),
            format!(
                "register {} (and {} for sign-out) with the IdP's client; the output is stale",
                portal.callback_url, portal.logout_url
            ),
        )),
        _ => out.push(Finding::note(
            "identity provider",
            format!(
                "not readable from here: the IdP's client must allow {} as redirect URL and {} for sign-out, and send each worker's groups in the sagemaker:groups claim",
                portal.callback_url, portal.logout_url
            ),
        )),
    }
}

fn app_client(seen: &Snapshot, portal: Option<&PortalUrls>, out: &mut Vec<Finding>) {
    let client = &seen.client;
    let mut problems = 0;
    let mut problem = |finding: Finding| {
        problems += 1;
        out.push(finding);
    };
    if let Some(portal) = portal {
        for (kind, urls, wanted) in [
            ("callback", &client.callback_urls, &portal.callback_url),
            ("sign-out", &client.logout_urls, &portal.logout_url),
        ] {
            if !urls.contains(wanted) {
                problem(Finding::problem(
                    "app client",
                    format!(
                        "the {kind} URLs lack the portal's {wanted}, so sign-in to the portal fails"
                    ),
                    format!(
                        "add {wanted} to the app client's {kind} URLs in the Cognito console (the client's login pages), which keeps its other settings"
                    ),
                ));
            }
            for url in urls.iter().filter(|url| *url != wanted) {
                let (what, fix) = if is_portal_url(url) {
                    (
                        "another labeling portal's URL (a workforce that no longer exists)",
                        "remove it in the Cognito console (the app client's login pages)",
                    )
                } else {
                    (
                        "not the portal's (a placeholder, or a URL someone added)",
                        "remove it in the Cognito console (the app client's login pages), unless you added it on purpose",
                    )
                };
                problem(Finding::problem(
                    "app client",
                    format!("the {kind} URLs hold {url}: {what}"),
                    fix,
                ));
            }
        }
    }
    let fix_oauth = "turn it back on in the Cognito console (the app client's login pages)";
    if !client.oauth_enabled || !client.flows.iter().any(|flow| flow == CODE_FLOW) {
        problem(Finding::problem(
            "app client",
            "the authorization-code grant (OAuth 2.0) is off, which the portal signs in with",
            fix_oauth,
        ));
    }
    let missing: Vec<&str> = SCOPES
        .iter()
        .copied()
        .filter(|scope| !client.scopes.iter().any(|s| s == scope))
        .collect();
    if !missing.is_empty() {
        problem(Finding::problem(
            "app client",
            format!("the OAuth scopes lack {}", missing.join(", ")),
            fix_oauth,
        ));
    }
    if !client
        .identity_providers
        .iter()
        .any(|p| p == IDENTITY_PROVIDER)
    {
        problem(Finding::problem(
            "app client",
            "the Cognito user pool is not among its identity providers, so the pool's workers cannot sign in",
            fix_oauth,
        ));
    }
    if !client.has_secret {
        problem(Finding::problem(
            "app client",
            "it has no client secret, which SageMaker's sign-in expects",
            "a secret cannot be added to a client: deploy a stack whose app client is made with one (this template's is)",
        ));
    }
    if problems == 0 {
        out.push(Finding::ok(
            "app client",
            "the portal's callback and sign-out URLs and nothing else; code grant, scopes openid, email, profile; a secret",
        ));
    }
}

fn domain_and_waf(seen: &Snapshot, out: &mut Vec<Finding>) {
    match &seen.domain {
        None => out.push(Finding::problem(
            "domain",
            "the user pool has no domain, so its sign-in pages do not exist",
            "create it again with the stack's DomainPrefix output: aws cognito-idp create-user-pool-domain --user-pool-id <pool> --domain <DomainPrefix> --managed-login-version 1",
        )),
        Some(domain) if domain.status != "ACTIVE" => out.push(Finding::problem(
            "domain",
            format!("the pool's domain {:?} is {}", domain.name, domain.status),
            "a new domain takes a few minutes; run the doctor again, or recreate it if it FAILED",
        )),
        Some(domain) => out.push(Finding::ok(
            "domain",
            format!("the pool's domain {:?} is ACTIVE", domain.name),
        )),
    }
    match &seen.web_acl {
        Some(acl) => out.push(Finding::ok(
            "web ACL",
            format!("the sign-in pages are behind {acl}"),
        )),
        None => out.push(Finding::problem(
            "web ACL",
            "no AWS WAF web ACL is associated with the user pool",
            "associate the stack's web ACL (or the WebAclArn you gave) again: aws wafv2 associate-web-acl --web-acl-arn <ARN> --resource-arn <the user pool's ARN>",
        )),
    }
}

fn team(target: &Target, seen: &Snapshot, out: &mut Vec<Finding>) {
    let Some(name) = &target.workteam_name else {
        out.push(Finding::note(
            "work team",
            "not checked: no work team given (the WorkteamArn output, or --workteam-name)",
        ));
        return;
    };
    let Some(team) = &seen.team else {
        out.push(Finding::problem(
            "work team",
            format!("there is no work team named {name:?}, so labeling jobs have no team to send tasks to"),
            "update the stack with a change that reaches the Workforce resource (its team is recreated then), or delete and deploy it again",
        ));
        return;
    };
    let on_workforce = seen
        .workforce
        .as_ref()
        .is_some_and(|workforce| team.is_on(&workforce.arn));
    if !on_workforce {
        out.push(Finding::problem(
            "work team",
            format!(
                "work team {name:?} is on {}, not on workforce {:?}",
                team.workforce_arn.as_deref().unwrap_or("no workforce"),
                target.workforce_name
            ),
            "check that the outputs are this stack's",
        ));
    } else {
        out.push(members(name, team, &target.sign_in));
    }
    match (&target.task_topic, &team.notification_topic) {
        (Some(wanted), live) if live.as_ref() != Some(wanted) => out.push(Finding::problem(
            "work team",
            format!(
                "task notifications go to {}, not to the stack's topic {wanted}",
                live.as_deref().unwrap_or("no topic")
            ),
            format!(
                "point the team at the topic: aws sagemaker update-workteam --workteam-name {name} --notification-configuration NotificationTopicArn={wanted}"
            ),
        )),
        (_, Some(live)) => out.push(Finding::note(
            "work team",
            format!("task notifications go to {live}"),
        )),
        _ => {}
    }
}

/// Whether the team is made of the stack's Cognito group, or of IdP groups.
fn members(name: &str, team: &ObservedTeam, sign_in: &SignInTarget) -> Finding {
    match sign_in {
        SignInTarget::Cognito(cognito) => {
            let wanted = CognitoMember {
                user_pool_id: cognito.user_pool_id.clone(),
                client_id: cognito.client_id.clone(),
                group: cognito.group.clone(),
            };
            if team.cognito == [wanted] {
                return Finding::ok(
                    "work team",
                    format!(
                        "{name:?} is on the workforce, made of the {:?} group",
                        cognito.group
                    ),
                );
            }
            let groups: Vec<&str> = team.cognito.iter().map(|m| m.group.as_str()).collect();
            Finding::problem(
                "work team",
                format!(
                    "work team {name:?} is made of group(s) {groups:?}, not {:?} of this pool and client",
                    cognito.group
                ),
                format!(
                    "put the team back on the group: aws sagemaker update-workteam --workteam-name {name} --member-definitions 'CognitoMemberDefinition={{UserPool={},UserGroup={},ClientId={}}}'",
                    cognito.user_pool_id, cognito.group, cognito.client_id
                ),
            )
        }
        SignInTarget::Oidc { .. } if team.oidc_groups.is_empty() => Finding::problem(
            "work team",
            format!("work team {name:?} has no IdP groups, so no worker of the IdP is in it"),
            "update the stack with the OidcGroups parameter (the sagemaker:groups claim values of the team's workers)",
        ),
        SignInTarget::Oidc { .. } => Finding::ok(
            "work team",
            format!(
                "{name:?} is on the workforce, made of the IdP group(s) {}",
                team.oidc_groups.join(", ")
            ),
        ),
    }
}

fn invitation(seen: &Snapshot, portal: Option<&PortalUrls>, out: &mut Vec<Finding>) {
    if let Some(trigger) = &seen.pool.custom_message_trigger {
        out.push(Finding::ok(
            "invitation",
            format!("the pool's CustomMessage trigger ({trigger}) adds the live portal's URL to every invitation as it is sent"),
        ));
        return;
    }
    let message = seen.pool.invite_email_message.as_deref().unwrap_or("");
    match portal {
        Some(portal) if message.contains(&portal.portal_url) => out.push(Finding::ok(
            "invitation",
            "the invitation email carries the portal URL",
        )),
        _ => out.push(Finding::problem(
            "invitation",
            "invitations do not carry the labeling portal's URL (no CustomMessage trigger, and the invitation text does not hold it)",
            "put the stack's InvitationMessageFunction back as the pool's CustomMessage Lambda trigger (Cognito console, the pool's extensions)",
        )),
    }
}

fn users(target: &CognitoTarget, seen: &Snapshot, now: i64, out: &mut Vec<Finding>) {
    let days = seen
        .pool
        .temporary_password_days
        .map_or(DEFAULT_TEMPORARY_PASSWORD_DAYS, i64::from);
    if seen.users.is_empty() {
        out.push(Finding::note("users", "the pool has no users yet"));
    }
    for user in &seen.users {
        out.push(user_finding(target, user, days, now));
    }
}

fn user_finding(target: &CognitoTarget, user: &User, days: i64, now: i64) -> Finding {
    let who = match &user.email {
        Some(email) if email != &user.username => format!("{} ({email})", user.username),
        _ => user.username.clone(),
    };
    if !user.enabled {
        return Finding::problem(
            "user",
            format!("{who} is disabled and cannot sign in"),
            format!(
                "enable the user if that was a mistake (aws cognito-idp admin-enable-user --user-pool-id {} --username {})",
                target.user_pool_id, user.username
            ),
        );
    }
    if !user.in_group {
        return Finding::note(
            "user",
            format!(
                "{who} is not in the {:?} group, so is not in the work team",
                target.group
            ),
        );
    }
    match user.status.as_str() {
        "CONFIRMED" => Finding::ok("user", format!("{who} has signed in and set a password")),
        "FORCE_CHANGE_PASSWORD" => {
            let expires = user.created + days * DAY;
            if expires <= now {
                Finding::problem(
                    "user",
                    format!(
                        "{who} was invited on {} and never signed in; the temporary password expired on {}",
                        date(user.created),
                        date(expires)
                    ),
                    format!(
                        "send a new invitation: aws cognito-idp admin-create-user --user-pool-id {} --username {} --message-action RESEND",
                        target.user_pool_id, user.username
                    ),
                )
            } else {
                Finding::note(
                    "user",
                    format!(
                        "{who} was invited on {} and has not signed in yet; the temporary password expires on {}",
                        date(user.created),
                        date(expires)
                    ),
                )
            }
        }
        "RESET_REQUIRED" => Finding::problem(
            "user",
            format!("{who} must reset the password before signing in"),
            "the worker uses \"Forgot your password?\" on the portal's sign-in page",
        ),
        other => Finding::note("user", format!("{who} is {other}")),
    }
}

/// `2026-12-02` for seconds since the epoch (UTC).
fn date(epoch_seconds: i64) -> String {
    aws_smithy_types::DateTime::from_secs(epoch_seconds)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .map(|text| text.chars().take(10).collect())
        .unwrap_or_else(|_| epoch_seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::{AppClient, Domain, Pool};
    use aws_rules::sagemaker::{Observed, OidcSettings};

    const POOL: &str = "us-east-1_AbC";
    const CLIENT: &str = "client1";
    const SUB: &str = "abc123.labeling.us-east-1.sagemaker.aws";
    const NOW: i64 = 1_790_000_000;

    fn target() -> Target {
        Target {
            workforce_name: "labelers".into(),
            workteam_name: Some("labelers-team".into()),
            reported_portal: Some(format!("https://{SUB}")),
            task_topic: None,
            sign_in: SignInTarget::Cognito(CognitoTarget {
                user_pool_id: POOL.into(),
                client_id: CLIENT.into(),
                group: "workers".into(),
            }),
        }
    }

    fn user(name: &str, status: &str, created: i64) -> User {
        User {
            username: name.into(),
            email: Some(name.into()),
            status: status.into(),
            enabled: true,
            created,
            in_group: true,
        }
    }

    fn healthy_snapshot() -> Snapshot {
        let portal = PortalUrls::new(SUB);
        Snapshot {
            workforce: Some(Observed {
                name: "labelers".into(),
                arn: "arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers".into(),
                sub_domain: SUB.into(),
                status: Status::Active,
                user_pool_id: Some(POOL.into()),
                client_id: Some(CLIENT.into()),
                failure_reason: None,
                source_ip_cidrs: vec![],
                ip_address_type: Default::default(),
                vpc: None,
                oidc: None,
            }),
            team: Some(ObservedTeam {
                name: "labelers-team".into(),
                arn:
                    "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/labelers-team"
                        .into(),
                workforce_arn: Some(
                    "arn:aws:sagemaker:us-east-1:123456789012:workforce/labelers".into(),
                ),
                description: "d".into(),
                cognito: vec![CognitoMember {
                    user_pool_id: POOL.into(),
                    client_id: CLIENT.into(),
                    group: "workers".into(),
                }],
                oidc_groups: vec![],
                notification_topic: None,
            }),
            pool: Pool {
                domain: Some("labelers-x1".into()),
                custom_message_trigger: Some("arn:aws:lambda:us-east-1:1:function:f".into()),
                invite_email_message: None,
                temporary_password_days: Some(7),
            },
            client: AppClient {
                callback_urls: vec![portal.callback_url],
                logout_urls: vec![portal.logout_url],
                flows: vec!["code".into()],
                scopes: vec!["openid".into(), "email".into(), "profile".into()],
                identity_providers: vec!["COGNITO".into()],
                oauth_enabled: true,
                has_secret: true,
            },
            domain: Some(Domain {
                name: "labelers-x1".into(),
                status: "ACTIVE".into(),
            }),
            web_acl: Some("arn:aws:wafv2:us-east-1:1:regional/webacl/w/id".into()),
            users: vec![
                user("ana@example.com", "CONFIRMED", NOW - 30 * DAY),
                user("bo@example.com", "FORCE_CHANGE_PASSWORD", NOW - DAY),
            ],
        }
    }

    fn problems(seen: &Snapshot) -> Vec<String> {
        diagnose(&target(), seen, NOW)
            .into_iter()
            .filter(|f| f.verdict == Verdict::Problem)
            .map(|f| format!("{}: {}", f.subject, f.text))
            .collect()
    }

    /// Exactly one problem, containing `words`.
    fn one_problem(seen: &Snapshot, words: &str) {
        let found = problems(seen);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains(words), "{found:#?}");
    }

    #[test]
    fn a_healthy_workforce_has_nothing_to_fix() {
        let findings = diagnose(&target(), &healthy_snapshot(), NOW);
        assert!(healthy(&findings), "{findings:#?}");
        let notes: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.verdict == Verdict::Note)
            .collect();
        assert_eq!(notes.len(), 1);
        assert!(notes[0].text.contains("has not signed in yet"));
        assert!(notes[0].text.contains(&date(NOW + 6 * DAY)));
    }

    #[test]
    fn each_broken_part_is_named_with_a_fix() {
        let mut seen = healthy_snapshot();
        seen.workforce.as_mut().unwrap().status = Status::Failed;
        seen.workforce.as_mut().unwrap().failure_reason = Some("no capacity".into());
        one_problem(&seen, "is Failed, not Active (FailureReason: no capacity)");

        let mut seen = healthy_snapshot();
        seen.workforce = None;
        let found = problems(&seen);
        assert!(found[0].contains("no workforce named"), "{found:?}");

        let mut seen = healthy_snapshot();
        seen.client
            .callback_urls
            .push("https://placeholder.invalid/callback".into());
        one_problem(
            &seen,
            "callback URLs hold https://placeholder.invalid/callback",
        );

        let mut seen = healthy_snapshot();
        seen.client
            .logout_urls
            .push("https://old9.labeling.us-east-1.sagemaker.aws/logout".into());
        one_problem(&seen, "another labeling portal's URL");

        let mut seen = healthy_snapshot();
        seen.client.callback_urls.clear();
        one_problem(&seen, "callback URLs lack the portal's");

        let mut seen = healthy_snapshot();
        seen.client.scopes.retain(|s| s != "openid");
        one_problem(&seen, "scopes lack openid");

        let mut seen = healthy_snapshot();
        seen.client.oauth_enabled = false;
        one_problem(&seen, "authorization-code grant");

        let mut seen = healthy_snapshot();
        seen.client.has_secret = false;
        one_problem(&seen, "no client secret");

        let mut seen = healthy_snapshot();
        seen.domain = None;
        one_problem(&seen, "no domain");

        let mut seen = healthy_snapshot();
        seen.web_acl = None;
        one_problem(&seen, "no AWS WAF web ACL");

        let mut seen = healthy_snapshot();
        seen.team.as_mut().unwrap().cognito[0].group = "others".into();
        one_problem(&seen, "group(s) [\"others\"]");

        let mut seen = healthy_snapshot();
        seen.team = None;
        one_problem(&seen, "no work team named");

        let mut seen = healthy_snapshot();
        seen.pool.custom_message_trigger = None;
        one_problem(&seen, "invitations do not carry");
        seen.pool.invite_email_message = Some(format!("Go to https://{SUB} now"));
        assert!(problems(&seen).is_empty());

        let mut seen = healthy_snapshot();
        seen.users[1].created = NOW - 8 * DAY;
        one_problem(&seen, "the temporary password expired on");

        let mut seen = healthy_snapshot();
        seen.users[0].enabled = false;
        one_problem(&seen, "is disabled");
    }

    #[test]
    fn the_team_publishes_to_the_stacks_task_topic() {
        const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:tasks";
        let mut t = target();
        t.task_topic = Some(TOPIC.into());
        let found = diagnose(&t, &healthy_snapshot(), NOW);
        assert!(
            found.iter().any(|f| f.verdict == Verdict::Problem
                && f.text.contains("task notifications go to no topic")),
            "{found:#?}"
        );
        let mut seen = healthy_snapshot();
        seen.team.as_mut().unwrap().notification_topic = Some(TOPIC.into());
        let found = diagnose(&t, &seen, NOW);
        assert!(healthy(&found), "{found:#?}");
        assert!(
            found
                .iter()
                .any(|f| f.text == format!("task notifications go to {TOPIC}"))
        );
    }

    #[test]
    fn a_stale_portal_output_is_a_problem() {
        let mut t = target();
        t.reported_portal = Some("https://old9.labeling.us-east-1.sagemaker.aws".into());
        let found: Vec<Finding> = diagnose(&t, &healthy_snapshot(), NOW)
            .into_iter()
            .filter(|f| f.verdict == Verdict::Problem)
            .collect();
        assert_eq!(found.len(), 1);
        assert!(found[0].text.contains("PortalUrl output is https://old9"));
    }

    #[test]
    fn dates_are_days() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_796_169_600), "2026-12-02");
    }

    /// The same stack on an OIDC workforce: no pool to read.
    fn oidc_target() -> Target {
        Target {
            sign_in: SignInTarget::Oidc {
                reported_redirect: Some(format!("https://{SUB}/oauth2/idpresponse")),
            },
            ..target()
        }
    }

    fn oidc_snapshot() -> Snapshot {
        let healthy = healthy_snapshot();
        let mut workforce = healthy.workforce.unwrap();
        workforce.user_pool_id = None;
        workforce.client_id = None;
        workforce.oidc = Some(OidcSettings {
            client_id: "0oa1".into(),
            issuer: "https://idp.example.com".into(),
            ..OidcSettings::default()
        });
        let mut team = healthy.team.unwrap();
        team.cognito.clear();
        team.oidc_groups = vec!["labelers".into()];
        Snapshot {
            workforce: Some(workforce),
            team: Some(team),
            ..Snapshot::default()
        }
    }

    #[test]
    fn an_oidc_workforce_is_checked_without_a_pool() {
        let findings = diagnose(&oidc_target(), &oidc_snapshot(), NOW);
        assert!(healthy(&findings), "{findings:#?}");
        let subjects: Vec<&str> = findings.iter().map(|f| f.subject).collect();
        assert_eq!(subjects, ["workforce", "identity provider", "work team"]);
        assert!(
            findings[0].text.contains("OIDC client 0oa1"),
            "{findings:#?}"
        );
        assert!(
            findings[1]
                .text
                .contains(&format!("https://{SUB}/oauth2/idpresponse")),
            "{findings:#?}"
        );

        let problems = |t: &Target, seen: &Snapshot| -> Vec<String> {
            diagnose(t, seen, NOW)
                .into_iter()
                .filter(|f| f.verdict == Verdict::Problem)
                .map(|f| f.text)
                .collect()
        };
        let mut stale = oidc_target();
        stale.sign_in = SignInTarget::Oidc {
            reported_redirect: Some(
                "https://old9.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse".into(),
            ),
        };
        let found = problems(&stale, &oidc_snapshot());
        assert!(
            found.len() == 1 && found[0].contains("OidcRedirectUrl output"),
            "{found:?}"
        );

        let mut seen = oidc_snapshot();
        seen.team.as_mut().unwrap().oidc_groups.clear();
        let found = problems(&oidc_target(), &seen);
        assert!(
            found.len() == 1 && found[0].contains("no IdP groups"),
            "{found:?}"
        );

        // A Cognito workforce where the outputs say OIDC.
        let found = problems(&oidc_target(), &healthy_snapshot());
        assert!(
            found.iter().any(|f| f.contains("not an OIDC IdP")),
            "{found:?}"
        );
    }
}

//! What a lifecycle does, drawn from its seed (pure): the parameters it is
//! created with and the parameter changes of each update. Every value is one
//! the template accepts; one CIDR is one SageMaker refuses, so that some
//! updates fail and roll back.

use crate::rng::Rng;
use std::collections::BTreeMap;

pub type Parameters = BTreeMap<String, String>;

const NAMES: &[&str] = &["soak-workforce", "soak-renamed"];
const EMAILS: &[&str] = &["ana@example.com", "bo@example.com", "cy@example.com"];
const CIDRS: &[&str] = &[
    "10.0.0.0/16",
    "192.168.10.0/24",
    "203.0.113.0/24",
    "2001:db8::/48",
];
/// Matches the template's AllowedPattern; SageMaker refuses it (prefix > 32).
pub const REFUSED_CIDR: &str = "10.1.0.0/33";
const SUBJECTS: &[&str] = &["Labeling invitation", "You are invited", "Welcome aboard"];
const MESSAGES: &[&str] = &[
    "Hi {username}, your temporary password is {####}.",
    "Hello,<br>Username: {username}<br>Password: {####}<br>",
];
/// Tags with distinct keys, and values of one more key to change.
const TAGS: &[&str] = &["cost-center=42", "owner=ml@example.com"];
const TEAM_TAGS: &[&str] = &["team=labeling", "team=vision"];
const PLANS: &[&str] = &["LITE", "ESSENTIALS", "PLUS"];
const PLACEHOLDERS: &[&str] = &[
    "https://placeholder.invalid/callback",
    "https://placeholder.invalid/other",
];

/// IdP groups an OIDC stack's team is drawn from.
const OIDC_GROUPS: &[&str] = &["labelers", "reviewers", "vision"];

/// The parameters that an update may change, and how to draw a value.
const CHANGEABLE: &[&str] = &[
    "IdentityProvider",
    "OidcGroups",
    "OidcClientSecretVersion",
    "WorkforceName",
    "InvitedUserEmails",
    "SourceIpCidrs",
    "IpAddressType",
    "InviteEmailSubject",
    "InviteEmailMessage",
    "FeaturePlan",
    "UserActivityLogs",
    "PlaceholderCallbackUrl",
    "Tags",
    "TaskNotifications",
];

fn draw(rng: &mut Rng, name: &str) -> String {
    match name {
        "WorkforceName" => rng.pick(NAMES).to_string(),
        "InvitedUserEmails" => rng.subset(EMAILS).join(","),
        "SourceIpCidrs" => {
            let mut cidrs = rng.subset(CIDRS);
            if rng.percent(15) {
                cidrs.push(REFUSED_CIDR);
            }
            cidrs.join(",")
        }
        "IpAddressType" => rng.pick(&["ipv4", "dualstack"]).to_string(),
        "InviteEmailSubject" => rng.pick(SUBJECTS).to_string(),
        "InviteEmailMessage" => rng.pick(MESSAGES).to_string(),
        "FeaturePlan" => rng.pick(PLANS).to_string(),
        "UserActivityLogs" => rng.pick(&["true", "false"]).to_string(),
        "PlaceholderCallbackUrl" => rng.pick(PLACEHOLDERS).to_string(),
        "TaskNotifications" => rng.pick(&["off", "topic", "email"]).to_string(),
        // Mostly Cognito: its stack has the most parts to get wrong.
        "IdentityProvider" => if rng.percent(30) { "OIDC" } else { "Cognito" }.to_string(),
        "OidcGroups" => {
            let mut groups = rng.subset(OIDC_GROUPS);
            if groups.is_empty() {
                groups.push(*rng.pick(OIDC_GROUPS));
            }
            groups.join(",")
        }
        // A new version re-sends the secret (the OidcConfig update that
        // deletes and recreates the team around it).
        "OidcClientSecretVersion" => rng.pick(&["1", "2", "3"]).to_string(),
        "Tags" => {
            let mut tags = rng.subset(TAGS);
            if rng.percent(50) {
                tags.push(*rng.pick(TEAM_TAGS));
            }
            tags.join(",")
        }
        _ => String::new(),
    }
}

/// The parameters of the first deployment. Deletion protection is off so
/// that the lifecycle can end with a delete.
pub fn initial(rng: &mut Rng) -> Parameters {
    let mut parameters: Parameters = CHANGEABLE
        .iter()
        .map(|name| (name.to_string(), draw(rng, name)))
        .collect();
    parameters.insert("DeletionProtection".into(), "INACTIVE".into());
    parameters
}

/// One update: one to three parameters get a new value (possibly the same
/// one, which is a deployment with no change for that parameter).
pub fn update(rng: &mut Rng, current: &Parameters) -> Parameters {
    let mut next = current.clone();
    let changes = 1 + rng.below(3);
    for _ in 0..changes {
        let name = *rng.pick(CHANGEABLE);
        next.insert(name.to_owned(), draw(rng, name));
    }
    next
}

/// `K=V` pairs that differ between two parameter sets, for the report.
pub fn changes(before: &Parameters, after: &Parameters) -> Vec<String> {
    after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_reproducible_and_complete() {
        let a = initial(&mut Rng::new(3));
        assert_eq!(a, initial(&mut Rng::new(3)));
        for name in CHANGEABLE {
            assert!(a.contains_key(*name), "{name}");
        }
        assert_eq!(a["DeletionProtection"], "INACTIVE");
        let b = update(&mut Rng::new(4), &a);
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    }

    /// Lifecycles start on either kind and updates switch between them, so
    /// the soak runs OIDC stacks, their secret re-sends and kind switches.
    #[test]
    fn both_identity_providers_are_drawn_and_switched() {
        let starts: Vec<Parameters> = (0..40).map(|seed| initial(&mut Rng::new(seed))).collect();
        assert!(starts.iter().any(|p| p["IdentityProvider"] == "OIDC"));
        assert!(starts.iter().any(|p| p["IdentityProvider"] == "Cognito"));
        let switched = starts.iter().enumerate().any(|(seed, start)| {
            let mut rng = Rng::new(seed as u64 + 1000);
            let mut current = start.clone();
            (0..4).any(|_| {
                let next = update(&mut rng, &current);
                let switch = next["IdentityProvider"] != current["IdentityProvider"];
                current = next;
                switch
            })
        });
        assert!(switched);
        assert!(starts.iter().all(|p| !p["OidcGroups"].is_empty()));
    }

    #[test]
    fn messages_hold_what_the_template_requires() {
        for message in MESSAGES {
            assert!(message.contains("{username}") && message.contains("{####}"));
        }
    }

    #[test]
    fn changes_lists_only_what_differs() {
        let a = Parameters::from([("A".into(), "1".into()), ("B".into(), "2".into())]);
        let mut b = a.clone();
        b.insert("B".into(), "3".into());
        assert_eq!(changes(&a, &b), ["B=3"]);
        assert!(changes(&a, &a).is_empty());
    }
}

//! The invariants read off the emulators after every step: the stack's
//! status is one CloudFormation would leave it in; what exists is what the
//! stack's state says (nothing orphaned, nothing missing); whenever the stack
//! is COMPLETE the portal is in the invitation and exactly the portal's URLs
//! are on the app client (for an OIDC stack: the workforce holds the
//! secret's current value and the team the parameters' groups); and no pool
//! or client setting that the stack's parameters do not drive changed since
//! the stack was created.

use local_aws::sagemaker::SageMakerEmulator;
use local_stack::aws::{COGNITO, Client, SAGEMAKER, SECRETS_MANAGER, SNS, SSM};
use local_stack::engine::StackState;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// What a step may end in. `*_FAILED` only when a response was refused for
/// good (CloudFormation leaves the stack there too).
const SETTLED: &[&str] = &[
    "CREATE_COMPLETE",
    "ROLLBACK_COMPLETE",
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
    "DELETE_COMPLETE",
];
const WORKING: &[&str] = &[
    "CREATE_COMPLETE",
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
];

/// Pool members that the parameters drive or that change by themselves.
const POOL_VOLATILE: &[&str] = &[
    "LastModifiedDate",
    "CreationDate",
    "EstimatedNumberOfUsers",
    "UserPoolTier",
    "UserPoolAddOns",
];
/// Client members that the stack manages.
const CLIENT_MANAGED: &[&str] = &[
    "CallbackURLs",
    "LogoutURLs",
    "LastModifiedDate",
    "CreationDate",
];

/// What the checks remember between the steps of a lifecycle.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    /// The pool and client settings when the stack was created.
    pub baseline: Option<Baseline>,
    /// The invitations already checked (each against the portal that was
    /// live when it was sent).
    sent_checked: BTreeSet<String>,
}

/// The settings of the stack's pool and client when it was created.
#[derive(Debug, Clone)]
pub struct Baseline {
    pool_id: String,
    pool: Value,
    client: Value,
}

pub struct World<'a> {
    pub aws: &'a Client,
    pub sagemaker: &'a SageMakerEmulator,
}

fn physical<'s>(state: &'s StackState, resource_type: &str) -> Vec<&'s str> {
    state
        .resources
        .values()
        .filter(|d| d.resource_type == resource_type)
        .map(|d| d.physical_id.as_str())
        .collect()
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The `key` member of each item of `answer[list]`.
fn listed(answer: &Value, list: &str, key: &str) -> BTreeSet<String> {
    answer[list]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item[key].as_str().map(str::to_owned))
        .collect()
}

/// An attribute of the stack's workforce resource (none without one).
fn workforce_attribute(state: &StackState, key: &str) -> BTreeSet<String> {
    state
        .resources
        .values()
        .filter(|d| d.resource_type == "Custom::PrivateWorkforce")
        .filter_map(|d| d.attributes.get(key).and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

fn set<'a>(items: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    items.into_iter().map(str::to_owned).collect()
}

impl World<'_> {
    async fn call(
        &self,
        service: local_stack::aws::Service,
        op: &str,
        body: Value,
    ) -> Result<Value, String> {
        self.aws
            .json(service, op, body)
            .await
            .map_err(|e| e.to_string())
    }

    /// The text of every `<tag>` element of an SNS (query protocol) list.
    async fn sns_list(&self, action: &str, tag: &str) -> Result<BTreeSet<String>, String> {
        let xml = self
            .aws
            .query(SNS, action, &[])
            .await
            .map_err(|e| e.to_string())?;
        Ok(local_stack::aws::xml_texts(&xml, tag).into_iter().collect())
    }

    /// Every invariant after a step; each problem as one sentence.
    pub async fn check(
        &self,
        state: &StackState,
        refused_in_step: bool,
        prefix_parameter: Option<&str>,
        memory: &mut Memory,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        if !SETTLED.contains(&state.status.as_str()) && !refused_in_step {
            problems.push(format!(
                "the stack is {}, where no fault of this step should leave it",
                state.status
            ));
        }
        // A delete whose answer was refused: CloudFormation keeps the
        // resource (DELETE_FAILED) that the function may have deleted.
        let answer_lost_in_delete = refused_in_step && state.status == "DELETE_FAILED";
        if let Err(e) = self
            .agrees(
                state,
                prefix_parameter,
                answer_lost_in_delete,
                &mut problems,
            )
            .await
        {
            problems.push(format!("could not read the emulators: {e}"));
        }
        if WORKING.contains(&state.status.as_str())
            && let Err(e) = self
                .works(state, &mut memory.sent_checked, &mut problems)
                .await
        {
            problems.push(format!("could not read the emulators: {e}"));
        }
        if SETTLED.contains(&state.status.as_str())
            && state.status != "DELETE_COMPLETE"
            && let Err(e) = self
                .no_drift(state, &mut memory.baseline, &mut problems)
                .await
        {
            problems.push(format!("could not read the emulators: {e}"));
        }
        problems
    }

    /// What exists in the emulators is what the state holds. After a
    /// delete whose answer was refused (`answer_lost_in_delete`), the state
    /// may still hold what is gone, as CloudFormation's would, but nothing
    /// may exist that it does not hold; the next delete must then agree.
    async fn agrees(
        &self,
        state: &StackState,
        prefix_parameter: Option<&str>,
        answer_lost_in_delete: bool,
        problems: &mut Vec<String>,
    ) -> Result<(), String> {
        let mut compare = |what: &str, found: BTreeSet<String>, expected: BTreeSet<String>| {
            let agrees = if answer_lost_in_delete {
                found.is_subset(&expected)
            } else {
                found == expected
            };
            if !agrees {
                problems.push(format!(
                    "{what}: the emulators hold {found:?}, the stack {expected:?}"
                ));
            }
        };
        let pools = self
            .call(COGNITO, "ListUserPools", json!({"MaxResults": 60}))
            .await?;
        let found_pools = listed(&pools, "UserPools", "Id");
        compare(
            "user pools",
            found_pools.clone(),
            set(physical(state, "AWS::Cognito::UserPool")),
        );
        let workforces = json!({"Workforces": self.sagemaker.workforces()});
        compare(
            "workforces",
            listed(&workforces, "Workforces", "WorkforceName"),
            workforce_attribute(state, "WorkforceName"),
        );
        let teams = self
            .call(SAGEMAKER, "ListWorkteams", json!({"MaxResults": 100}))
            .await?;
        compare(
            "work teams",
            listed(&teams, "Workteams", "WorkteamArn"),
            workforce_attribute(state, "WorkteamArn"),
        );
        compare(
            "SNS topics",
            self.sns_list("ListTopics", "TopicArn").await?,
            set(physical(state, "AWS::SNS::Topic")),
        );
        compare(
            "SNS subscriptions",
            self.sns_list("ListSubscriptions", "SubscriptionArn")
                .await?,
            set(physical(state, "AWS::SNS::Subscription")),
        );
        for pool in &found_pools {
            let in_pool = json!({"UserPoolId": pool, "MaxResults": 60});
            let clients = self.call(COGNITO, "ListUserPoolClients", in_pool).await?;
            let expected = state
                .resources
                .values()
                .filter(|d| d.resource_type == "Custom::AppClient")
                .filter(|d| d.properties["UserPoolId"] == pool.as_str())
                .map(|d| d.physical_id.as_str());
            compare(
                &format!("app clients of {pool}"),
                listed(&clients, "UserPoolClients", "ClientId"),
                set(expected),
            );
            let in_pool = json!({"UserPoolId": pool, "Limit": 60});
            let users = self.call(COGNITO, "ListUsers", in_pool).await?;
            let expected = state.pool_users().into_iter().map(|u| u.username);
            compare(
                &format!("users of {pool}"),
                listed(&users, "Users", "Username"),
                expected.collect(),
            );
        }
        if state.status == "DELETE_COMPLETE"
            && let Some(name) = prefix_parameter
        {
            let kept = self.call(SSM, "GetParameter", json!({"Name": name})).await;
            if kept.is_err() {
                problems.push(format!(
                    "the domain prefix parameter {name} is gone after the delete (it is meant to stay)"
                ));
            }
        }
        Ok(())
    }

    /// A working stack: the portal is live, on the client and in the
    /// invitation, as the stack's parameters say.
    async fn works(
        &self,
        state: &StackState,
        sent_checked: &mut BTreeSet<String>,
        problems: &mut Vec<String>,
    ) -> Result<(), String> {
        let output = |name: &str| {
            state
                .outputs
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        let portal = output("PortalUrl");
        let name = output("WorkforceName");
        let workforce = self
            .call(
                SAGEMAKER,
                "DescribeWorkforce",
                json!({"WorkforceName": name}),
            )
            .await?;
        let workforce = &workforce["Workforce"];
        let live = format!("https://{}", workforce["SubDomain"].as_str().unwrap_or(""));
        if portal != live {
            problems.push(format!(
                "PortalUrl is {portal}, the workforce's portal {live}"
            ));
        }
        let parameter = |key: &str| state.parameters.get(key).cloned().unwrap_or(Value::Null);
        let cidrs = strings(&workforce["SourceIpConfig"]["Cidrs"]);
        if cidrs != strings(&parameter("SourceIpCidrs")) {
            problems.push(format!(
                "the workforce allows {cidrs:?}, the parameters {}",
                parameter("SourceIpCidrs")
            ));
        }
        if workforce["IpAddressType"] != parameter("IpAddressType") {
            problems.push(format!(
                "the workforce is {}, the parameters say {}",
                workforce["IpAddressType"],
                parameter("IpAddressType")
            ));
        }
        let team_name = output("WorkteamArn").rsplit('/').next().unwrap_or("");
        let team = self
            .call(
                SAGEMAKER,
                "DescribeWorkteam",
                json!({"WorkteamName": team_name}),
            )
            .await?;
        let topic = team["Workteam"]["NotificationConfiguration"]["NotificationTopicArn"]
            .as_str()
            .unwrap_or("");
        if topic != output("TaskTopicArn") {
            problems.push(format!(
                "the team publishes to {topic:?}, the stack's TaskTopicArn is {:?}",
                output("TaskTopicArn")
            ));
        }
        let tags = strings(&parameter("Tags"));
        for arn in [
            workforce["WorkforceArn"].as_str(),
            Some(output("WorkteamArn")),
        ]
        .into_iter()
        .flatten()
        {
            let listed = self
                .call(SAGEMAKER, "ListTags", json!({"ResourceArn": arn}))
                .await?;
            let live: BTreeSet<String> = listed["Tags"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|tag| {
                    format!(
                        "{}={}",
                        tag["Key"].as_str().unwrap_or(""),
                        tag["Value"].as_str().unwrap_or("")
                    )
                })
                .collect();
            if live != tags {
                problems.push(format!(
                    "{arn} is tagged {live:?}, the parameters say {tags:?}"
                ));
            }
        }
        if parameter("IdentityProvider") == "OIDC" {
            return self
                .works_with_oidc(state, workforce, &team, &live, problems)
                .await;
        }
        let pool = output("UserPoolId");
        let client_id = output("UserPoolClientId");
        if workforce["CognitoConfig"] != json!({"UserPool": pool, "ClientId": client_id}) {
            problems.push(format!(
                "the workforce is on {}, the stack's pool and client are {pool} {client_id}",
                workforce["CognitoConfig"]
            ));
        }
        let client = self
            .call(
                COGNITO,
                "DescribeUserPoolClient",
                json!({"UserPoolId": pool, "ClientId": client_id}),
            )
            .await?;
        let client = &client["UserPoolClient"];
        // The live portal's: a stale PortalUrl is reported above.
        let callbacks = json!([format!("{live}/oauth2/idpresponse")]);
        let logouts = json!([format!("{live}/logout")]);
        if client["CallbackURLs"] != callbacks || client["LogoutURLs"] != logouts {
            problems.push(format!(
                "the app client's URLs are {} and {}, the portal's {callbacks} and {logouts}",
                client["CallbackURLs"], client["LogoutURLs"]
            ));
        }
        let described = self
            .call(COGNITO, "DescribeUserPool", json!({"UserPoolId": pool}))
            .await?;
        let pool_settings = &described["UserPool"];
        let invite = &pool_settings["AdminCreateUserConfig"]["InviteMessageTemplate"];
        let message = invite["EmailMessage"].as_str().unwrap_or("");
        let wanted = parameter("InviteEmailMessage");
        if !message.contains(wanted.as_str().unwrap_or("?")) {
            problems.push(format!(
                "the invitation lacks the parameter's text {wanted}: {message:?}"
            ));
        }
        // The template may lack the portal, or link a former one (a rolled
        // back pool rewrite puts the template's text back; a failed rename
        // leaves a new portal); the CustomMessage trigger composes each
        // email with the live portal, so the emails sent are what counts.
        if pool_settings["LambdaConfig"]["CustomMessage"]
            .as_str()
            .is_none()
        {
            problems.push("the pool has no CustomMessage trigger to add the portal".into());
        }
        for user in state.resources.values() {
            let Some(sent) = user.attributes.get(local_stack::providers::SENT_INVITATION) else {
                continue;
            };
            let key = format!("{}\n{sent}", user.physical_id);
            if !sent_checked.insert(key) {
                continue;
            }
            let body = sent["Message"].as_str().unwrap_or("");
            if !body.contains(&live) {
                problems.push(format!(
                    "the invitation sent to {} does not carry the live portal {live}: {body:?}",
                    user.physical_id
                ));
            }
        }
        if invite["EmailSubject"] != parameter("InviteEmailSubject") {
            problems.push(format!(
                "the invitation's subject is {}, the parameter's {}",
                invite["EmailSubject"],
                parameter("InviteEmailSubject")
            ));
        }
        Ok(())
    }

    /// An OIDC stack: the workforce on the parameters' IdP client, holding
    /// the secret's current value; the team made of the parameters' groups;
    /// the redirect URL output the live portal's; no Cognito output.
    async fn works_with_oidc(
        &self,
        state: &StackState,
        workforce: &Value,
        team: &Value,
        live: &str,
        problems: &mut Vec<String>,
    ) -> Result<(), String> {
        let parameter = |key: &str| state.parameters.get(key).cloned().unwrap_or(Value::Null);
        let output = |key: &str| state.outputs.get(key).and_then(Value::as_str);
        if workforce["OidcConfig"]["ClientId"] != parameter("OidcClientId")
            || workforce.get("CognitoConfig").is_some()
        {
            problems.push(format!(
                "the workforce signs in through {} {}, the parameters say OIDC client {}",
                workforce["CognitoConfig"],
                workforce["OidcConfig"],
                parameter("OidcClientId")
            ));
        }
        let name = workforce["WorkforceName"].as_str().unwrap_or("");
        let sent = self.sagemaker.oidc_client_secret(name);
        let arn = parameter("OidcClientSecretArn");
        let current = self
            .call(SECRETS_MANAGER, "GetSecretValue", json!({"SecretId": arn}))
            .await?["SecretString"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if sent.as_deref() != Some(current.as_str()) {
            problems.push(format!(
                "workforce {name:?} does not hold the current value of secret {arn}"
            ));
        }
        let groups: BTreeSet<String> = team["Workteam"]["MemberDefinitions"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|member| strings(&member["OidcMemberDefinition"]["Groups"]))
            .collect();
        if groups != strings(&parameter("OidcGroups")) {
            problems.push(format!(
                "the team is made of {groups:?}, the parameters say {}",
                parameter("OidcGroups")
            ));
        }
        let redirect = format!("{live}/oauth2/idpresponse");
        if output("OidcRedirectUrl") != Some(redirect.as_str()) {
            problems.push(format!(
                "OidcRedirectUrl is {:?}, the live portal's redirect URL {redirect}",
                output("OidcRedirectUrl")
            ));
        }
        if let Some(pool) = output("UserPoolId") {
            problems.push(format!("an OIDC stack outputs a user pool, {pool}"));
        }
        Ok(())
    }

    /// Pool and client settings outside what the parameters drive are as
    /// the stack created them.
    async fn no_drift(
        &self,
        state: &StackState,
        baseline: &mut Option<Baseline>,
        problems: &mut Vec<String>,
    ) -> Result<(), String> {
        let (Some(pool_id), Some(client_id)) = (
            physical(state, "AWS::Cognito::UserPool").first().copied(),
            physical(state, "Custom::AppClient").first().copied(),
        ) else {
            return Ok(());
        };
        let mut pool = self
            .call(COGNITO, "DescribeUserPool", json!({"UserPoolId": pool_id}))
            .await?["UserPool"]
            .take();
        if let Some(pool) = pool.as_object_mut() {
            for key in POOL_VOLATILE {
                pool.remove(*key);
            }
        }
        if let Some(config) = pool["AdminCreateUserConfig"].as_object_mut() {
            config.remove("InviteMessageTemplate");
        }
        let mut client = self
            .call(
                COGNITO,
                "DescribeUserPoolClient",
                json!({"UserPoolId": pool_id, "ClientId": client_id}),
            )
            .await?["UserPoolClient"]
            .take();
        if let Some(client) = client.as_object_mut() {
            for key in CLIENT_MANAGED {
                client.remove(*key);
            }
        }
        match baseline {
            Some(before) if before.pool_id == pool_id => {
                for (what, was, now) in [
                    ("pool", &before.pool, &pool),
                    ("app client", &before.client, &client),
                ] {
                    let changed = changed_members(was, now);
                    if !changed.is_empty() {
                        problems.push(format!(
                            "the {what}'s settings outside the stack's parameters changed: {changed:?}"
                        ));
                    }
                }
            }
            // The first look, or a new pool (a replacement): the new baseline.
            _ => {
                *baseline = Some(Baseline {
                    pool_id: pool_id.to_owned(),
                    pool,
                    client,
                })
            }
        }
        Ok(())
    }
}

/// The top-level members that differ, with both values.
fn changed_members(was: &Value, now: &Value) -> Vec<String> {
    let keys: BTreeSet<&String> = was
        .as_object()
        .into_iter()
        .chain(now.as_object())
        .flat_map(|m| m.keys())
        .collect();
    keys.into_iter()
        .filter(|k| was.get(k.as_str()) != now.get(k.as_str()))
        .map(|k| {
            format!(
                "{k}: {} -> {}",
                was.get(k.as_str()).unwrap_or(&Value::Null),
                now.get(k.as_str()).unwrap_or(&Value::Null)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_members_names_what_differs_both_ways() {
        let was = json!({"A": 1, "B": 2});
        let now = json!({"A": 1, "B": 3, "C": 4});
        assert_eq!(changed_members(&was, &now), ["B: 2 -> 3", "C: null -> 4"]);
        assert!(changed_members(&was, &was).is_empty());
    }
}

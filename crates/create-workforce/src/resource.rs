//! `Custom::PrivateWorkforce`: the SageMaker calls around the decisions.

use crate::decide::{
    self, BeforeDelete, Changes, Existing, IpAddressType, Members, Notification, Observed,
    ObservedTeam, OidcSettings, OldWorkforce, Ownership, Poll, PortalUrls, SignIn, TagChanges,
    TeamPlan, UpdatePlan, VpcChange,
};
use crate::error::WorkforceError;
use crate::oidc;
use crate::properties::{self, Tags, VpcConfig, WorkforceProperties};
use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::types::{
    CognitoConfig, CognitoMemberDefinition, MemberDefinition, NotificationConfiguration,
    OidcConfig, OidcMemberDefinition, SourceIpConfig, Tag, WorkforceIpAddressType,
    WorkforceVpcConfigRequest,
};
use custom_resource::{Context, CustomResource, Outcome};
use std::time::Duration;
use tokio::time::Instant;

/// Stop waiting this long before the protocol's work deadline, so that our
/// own "still <Status>" error, not the generic timeout, reaches the event.
const WAIT_MARGIN: Duration = Duration::from_millis(500);

/// ListWorkforces / ListWorkteams pages read at most (a region holds one
/// private workforce and few teams; this only bounds a misbehaving
/// paginator).
const MAX_LIST_PAGES: usize = 20;
/// ListWorkteams and ListTags page size (the models' maximum).
const TEAMS_PER_PAGE: i32 = 100;
const TAGS_PER_PAGE: i32 = 100;

/// What to say when a wait runs out of time.
struct Goal {
    text: &'static str,
    next: &'static str,
}

const CREATED: Goal = Goal {
    text: "become Active",
    next: "It was created, so this resource's PhysicalResourceId is its name and the stack's rollback deletes it; \
           raise the function's Timeout (and the resource's ServiceTimeout) if workforces take longer to settle",
};
const UPDATED: Goal = Goal {
    text: "become Active",
    next: "Raise the function's Timeout (and the resource's ServiceTimeout) if workforce updates take longer, then retry",
};
const SETTLED: Goal = Goal {
    text: "settle (Active or Failed) before deleting it",
    next: "SageMaker deletes a workforce only when it is Active or Failed; retry once it has settled",
};
const GONE: Goal = Goal {
    text: "be deleted",
    next: "DeleteWorkforce was accepted; check the workforce in the SageMaker console before deploying again",
};

/// The resource: a SageMaker client, a Secrets Manager client for an OIDC
/// workforce's client secret, and a Cognito client for a Cognito
/// workforce's app client, built once in `main`.
pub struct PrivateWorkforce {
    client: Client,
    secrets: aws_sdk_secretsmanager::Client,
    cognito: aws_sdk_cognitoidentityprovider::Client,
    backoff: decide::Backoff,
}

impl PrivateWorkforce {
    pub fn new(
        client: Client,
        secrets: aws_sdk_secretsmanager::Client,
        cognito: aws_sdk_cognitoidentityprovider::Client,
    ) -> Self {
        Self {
            client,
            secrets,
            cognito,
            backoff: decide::Backoff::default(),
        }
    }

    /// A Cognito workforce's app client gets the live portal's URLs in
    /// place of an earlier portal's ([`decide::client_urls_for_portal`]);
    /// one DescribeUserPoolClient, and an update (every other setting
    /// carried over) only when they differ. Nothing for an OIDC workforce.
    async fn point_client_at_portal(
        &self,
        p: &WorkforceProperties,
        workforce: &Observed,
    ) -> Result<(), WorkforceError> {
        let SignIn::Cognito {
            user_pool_id,
            client_id,
        } = p.sign_in()
        else {
            return Ok(());
        };
        let portal = PortalUrls::new(&workforce.sub_domain);
        let described = cognito_rules::describe_app_client(&self.cognito, user_pool_id, client_id)
            .await
            .map_err(|source| WorkforceError::ClientUnreadable {
                workforce: workforce.name.clone(),
                source,
            })?;
        let Some(urls) = decide::client_urls_for_portal(
            described.callback_urls(),
            described.logout_urls(),
            &portal,
        ) else {
            return Ok(());
        };
        cognito_rules::client_update::update_request(user_pool_id, client_id, &described, &urls)
            .send_with(&self.cognito)
            .await
            .map_err(|error| WorkforceError::ClientUpdate {
                workforce: workforce.name.clone(),
                user_pool_id: user_pool_id.to_owned(),
                client_id: client_id.to_owned(),
                detail: aws_rules::aws_detail(&error),
            })?;
        tracing::info!(
            workforce = %workforce.name,
            client_id,
            "gave the app client the live portal's URLs in place of an earlier portal's"
        );
        Ok(())
    }

    /// The OidcConfig to send: `settings` and the client secret, read now
    /// from the secret `p` names. The secret is only ever in this value.
    async fn oidc_config(
        &self,
        p: &WorkforceProperties,
        settings: &OidcSettings,
    ) -> Result<OidcConfig, WorkforceError> {
        let arn = p.oidc_client_secret_arn.as_deref().unwrap_or_default();
        let read = self
            .secrets
            .get_secret_value()
            .secret_id(arn)
            .send()
            .await
            .map_err(|error| WorkforceError::SecretUnreadable {
                arn: arn.to_owned(),
                detail: aws_rules::aws_detail(&error),
            })?;
        let unusable = |problem: String| WorkforceError::SecretUnusable {
            arn: arn.to_owned(),
            problem,
        };
        let secret = read
            .secret_string()
            .ok_or_else(|| unusable("has no SecretString (a binary secret)".to_owned()))?;
        if let Some(problem) = oidc::client_text_problem(secret) {
            return Err(unusable(problem));
        }
        Ok(OidcConfig::builder()
            .client_id(&settings.client_id)
            .client_secret(secret)
            .issuer(&settings.issuer)
            .authorization_endpoint(&settings.authorization_endpoint)
            .token_endpoint(&settings.token_endpoint)
            .user_info_endpoint(&settings.user_info_endpoint)
            .logout_endpoint(&settings.logout_endpoint)
            .jwks_uri(&settings.jwks_uri)
            .set_scope(settings.scope.clone())
            .set_authentication_request_extra_params(
                (!settings.extra_params.is_empty())
                    .then(|| settings.extra_params.clone().into_iter().collect()),
            )
            .build())
    }

    /// Every workforce in the region.
    async fn list(&self) -> Result<Vec<Observed>, WorkforceError> {
        let mut workforces = Vec::new();
        let mut next_token: Option<String> = None;
        for _ in 0..MAX_LIST_PAGES {
            let page = self
                .client
                .list_workforces()
                .set_next_token(next_token.take())
                .send()
                .await
                .map_err(|error| WorkforceError::aws("ListWorkforces", "the region", error))?;
            workforces.extend(page.workforces().iter().map(sagemaker_rules::observed));
            match page.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_owned()),
                _ => break,
            }
        }
        Ok(workforces)
    }

    /// The workforce called `name`, or `None` when SageMaker says there is none.
    async fn describe(&self, name: &str) -> Result<Option<Observed>, WorkforceError> {
        match self
            .client
            .describe_workforce()
            .workforce_name(name)
            .send()
            .await
        {
            Ok(output) => Ok(output.workforce().map(sagemaker_rules::observed)),
            Err(error) => {
                let error =
                    WorkforceError::aws("DescribeWorkforce", format!("workforce {name:?}"), error);
                if error.is_not_found() {
                    Ok(None)
                } else {
                    Err(error)
                }
            }
        }
    }

    /// Polls DescribeWorkforce until `decide` is ready, bounded by the
    /// work deadline.
    async fn wait<T>(
        &self,
        ctx: &Context,
        name: &str,
        goal: &Goal,
        decide: impl Fn(Option<&Observed>) -> Poll<T>,
    ) -> Result<T, WorkforceError> {
        let deadline = ctx
            .work_deadline()
            .checked_sub(WAIT_MARGIN)
            .unwrap_or_else(Instant::now);
        let out_of_time = |status: String| WorkforceError::OutOfTime {
            name: name.to_owned(),
            goal: goal.text,
            status,
            next: goal.next,
        };
        let mut status = "in an unknown state (no answer from DescribeWorkforce yet)".to_owned();
        let mut delay = Duration::ZERO;
        loop {
            let observed = tokio::time::timeout_at(deadline, self.describe(name))
                .await
                .map_err(|_elapsed| out_of_time(status.clone()))??;
            match decide(observed.as_ref()) {
                Poll::Ready(value) => return Ok(value),
                Poll::Pending(now) => status = now,
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(out_of_time(status));
            }
            delay = self.backoff.next(delay);
            tracing::debug!(workforce = name, %status, delay_ms = delay.as_millis() as u64, "waiting");
            tokio::time::sleep(delay.min(remaining)).await;
        }
    }

    /// Create (also the second half of a replacement): adopt our own
    /// workforce, refuse another, or create one; wait for Active; then the
    /// work team. `claim`: a Create claims the workforce's name as its
    /// PhysicalResourceId as soon as the workforce exists, so a failure's
    /// rollback Delete cleans it up (an Update keeps its id).
    async fn create_or_adopt(
        &self,
        ctx: &Context,
        p: &WorkforceProperties,
        claim: bool,
    ) -> Result<Observed, WorkforceError> {
        let name = p.workforce_name.as_str();
        let region = self.list().await?;
        match decide::classify(&region, &p.identity()) {
            Existing::Ours(workforce) => {
                tracing::info!(
                    workforce = name,
                    status = workforce.status.as_str(),
                    "adopting our own workforce (a repeated Create)"
                );
            }
            Existing::Other(other) => return Err(conflict(other)),
            Existing::Nothing => {
                if let Err(error) = self.send_create(p).await {
                    // Another delivery of this event, or someone else, may
                    // have created one since the list: say which.
                    let region = self.list().await?;
                    match decide::classify(&region, &p.identity()) {
                        Existing::Ours(_) => {
                            tracing::info!(workforce = name, %error, "CreateWorkforce refused, but our workforce exists now: adopting it")
                        }
                        Existing::Other(other) => return Err(conflict(other)),
                        Existing::Nothing => return Err(error),
                    }
                } else {
                    tracing::info!(workforce = name, "CreateWorkforce accepted");
                }
            }
        }
        if claim {
            // Ours from here on: a failure answers with its name, so the
            // rollback's Delete cleans it up.
            ctx.claim_physical_id(name);
        }
        let workforce = self
            .wait(ctx, name, &CREATED, |observed| {
                decide::until_active(name, observed)
            })
            .await??;
        Ok(workforce)
    }

    async fn send_create(&self, p: &WorkforceProperties) -> Result<(), WorkforceError> {
        let mut request = self
            .client
            .create_workforce()
            .workforce_name(&p.workforce_name);
        request = match oidc::settings(p) {
            Some(settings) => request.oidc_config(self.oidc_config(p, &settings).await?),
            None => request.cognito_config(
                CognitoConfig::builder()
                    .set_user_pool(p.user_pool_id.clone())
                    .set_client_id(p.client_id.clone())
                    .build(),
            ),
        };
        // No CIDRs means no restriction: leave SourceIpConfig out.
        if !p.source_ip_cidrs.is_empty() {
            request = request.source_ip_config(source_ip_config(&p.source_ip_cidrs));
        }
        if let Some(vpc) = p.vpc() {
            request = request.workforce_vpc_config(vpc_request(Some(&vpc)));
        }
        // Only dual-stack is sent: ipv4 is what a workforce without one gets.
        if p.ip_address_type() == IpAddressType::Dualstack {
            request = request.ip_address_type(ip_address_type(IpAddressType::Dualstack));
        }
        request = request.set_tags(sdk_tags(&p.tags()));
        request.send().await.map_err(|error| {
            WorkforceError::aws(
                "CreateWorkforce",
                format!("workforce {:?}", p.workforce_name),
                error,
            )
        })?;
        Ok(())
    }

    async fn update_in_place(
        &self,
        ctx: &Context,
        p: &WorkforceProperties,
        old: Option<&WorkforceProperties>,
    ) -> Result<Observed, WorkforceError> {
        let name = p.workforce_name.as_str();
        let live = self
            .wait(ctx, name, &UPDATED, |observed| {
                decide::until_settled(name, observed)
            })
            .await??;
        match decide::changes(p, &live, old) {
            None => tracing::info!(
                workforce = name,
                "the workforce already has these settings: no UpdateWorkforce"
            ),
            Some(changes) => {
                let oidc_config = match &changes.oidc {
                    Some(settings) => {
                        // Read first: a missing secret changes nothing.
                        let config = self.oidc_config(p, settings).await?;
                        self.clear_teams_for_oidc(&live, p, old).await?;
                        Some(config)
                    }
                    None => None,
                };
                self.send_update(name, &changes, oidc_config).await?;
                // Never the OidcConfig itself: it holds the secret.
                tracing::info!(
                    workforce = name,
                    source_ip_cidrs = ?changes.source_ip_cidrs,
                    ip_address_type = ?changes.ip_address_type,
                    vpc = ?changes.vpc,
                    oidc_settings = ?changes.oidc,
                    "UpdateWorkforce accepted"
                );
            }
        }
        let workforce = self
            .wait(ctx, name, &UPDATED, |observed| {
                decide::until_active(name, observed)
            })
            .await??;
        Ok(workforce)
    }

    /// SageMaker takes a new OidcConfig only while no team is on the
    /// workforce: refuses, before changing anything, when a team that is not
    /// this resource's is there; otherwise deletes its own team, which
    /// `ensure_team` then creates again under the same name (and ARN).
    async fn clear_teams_for_oidc(
        &self,
        workforce: &Observed,
        p: &WorkforceProperties,
        old: Option<&WorkforceProperties>,
    ) -> Result<(), WorkforceError> {
        let teams = self.list_teams().await?;
        let mut own = vec![p.workteam_name.as_str()];
        own.extend(old.map(|old| old.workteam_name.as_str()));
        own.dedup();
        let others = decide::teams_in_the_way_of_oidc(&teams, &workforce.arn, &own);
        if !others.is_empty() {
            return Err(WorkforceError::OidcTeams {
                workforce: workforce.name.clone(),
                teams: others,
            });
        }
        for team in own {
            if decide::own_team(&teams, &workforce.arn, team).is_some() {
                tracing::info!(
                    team,
                    "deleting the work team for the new OidcConfig; it is created again under the same name"
                );
                self.send_delete_team(team).await?;
            }
        }
        Ok(())
    }

    async fn send_update(
        &self,
        name: &str,
        changes: &Changes,
        oidc_config: Option<OidcConfig>,
    ) -> Result<(), WorkforceError> {
        let mut request = self
            .client
            .update_workforce()
            .workforce_name(name)
            .set_oidc_config(oidc_config);
        if let Some(cidrs) = &changes.source_ip_cidrs {
            request = request.source_ip_config(source_ip_config(cidrs));
        }
        if let Some(wanted) = changes.ip_address_type {
            request = request.ip_address_type(ip_address_type(wanted));
        }
        match &changes.vpc {
            Some(VpcChange::Set(vpc)) => {
                request = request.workforce_vpc_config(vpc_request(Some(vpc)))
            }
            Some(VpcChange::Remove) => request = request.workforce_vpc_config(vpc_request(None)),
            None => {}
        }
        request.send().await.map_err(|error| {
            WorkforceError::aws("UpdateWorkforce", format!("workforce {name:?}"), error)
        })?;
        Ok(())
    }

    /// Every work team in the region.
    async fn list_teams(&self) -> Result<Vec<ObservedTeam>, WorkforceError> {
        let mut teams = Vec::new();
        let mut next_token: Option<String> = None;
        for _ in 0..MAX_LIST_PAGES {
            let page = self
                .client
                .list_workteams()
                .max_results(TEAMS_PER_PAGE)
                .set_next_token(next_token.take())
                .send()
                .await
                .map_err(|error| WorkforceError::aws("ListWorkteams", "the region", error))?;
            teams.extend(page.workteams().iter().map(sagemaker_rules::observed_team));
            match page.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_owned()),
                _ => break,
            }
        }
        Ok(teams)
    }

    async fn send_create_team(&self, p: &WorkforceProperties) -> Result<String, WorkforceError> {
        let created = self
            .client
            .create_workteam()
            .workteam_name(&p.workteam_name)
            .workforce_name(&p.workforce_name)
            .member_definitions(member_definition(&decide::wanted_members(p)))
            .description(p.description())
            .set_notification_configuration(
                p.notification_topic_arn
                    .as_ref()
                    .map(|topic| notification_configuration(Some(topic))),
            )
            .set_tags(sdk_tags(&p.tags()))
            .send()
            .await
            .map_err(|error| {
                WorkforceError::aws(
                    "CreateWorkteam",
                    format!("work team {:?}", p.workteam_name),
                    error,
                )
            })?;
        Ok(created.workteam_arn().unwrap_or_default().to_owned())
    }

    async fn send_update_team(
        &self,
        name: &str,
        members: Option<&Members>,
        description: Option<&str>,
        notification: Option<&Notification>,
    ) -> Result<(), WorkforceError> {
        let mut request = self.client.update_workteam().workteam_name(name);
        match notification {
            Some(Notification::To(topic)) => {
                request =
                    request.notification_configuration(notification_configuration(Some(topic)))
            }
            Some(Notification::Off) => {
                request = request.notification_configuration(notification_configuration(None))
            }
            None => {}
        }
        if let Some(members) = members {
            request = request.member_definitions(member_definition(members));
        }
        if let Some(description) = description {
            request = request.description(description);
        }
        request.send().await.map_err(|error| {
            WorkforceError::aws("UpdateWorkteam", format!("work team {name:?}"), error)
        })?;
        Ok(())
    }

    /// DeleteWorkteam; a team already gone is fine.
    async fn send_delete_team(&self, name: &str) -> Result<(), WorkforceError> {
        match self
            .client
            .delete_workteam()
            .workteam_name(name)
            .send()
            .await
        {
            Ok(_) => {
                tracing::info!(team = name, "DeleteWorkteam accepted");
                Ok(())
            }
            Err(error) => {
                let error =
                    WorkforceError::aws("DeleteWorkteam", format!("work team {name:?}"), error);
                if error.is_team_not_found() {
                    tracing::info!(team = name, "work team already gone");
                    Ok(())
                } else {
                    Err(error)
                }
            }
        }
    }

    /// Makes the team `p` names exist on `workforce` as `p` describes it;
    /// answers its ARN. `claimed`: the old properties named this team.
    async fn ensure_team(
        &self,
        p: &WorkforceProperties,
        workforce: &Observed,
        claimed: bool,
        topic_before: Option<&str>,
    ) -> Result<String, WorkforceError> {
        let teams = self.list_teams().await?;
        let team = p.workteam_name.as_str();
        match decide::plan_team(p, &workforce.arn, &teams, claimed, topic_before)? {
            TeamPlan::Keep(existing) => {
                tracing::info!(team, "the work team is already as wanted");
                Ok(existing.arn)
            }
            TeamPlan::Update {
                arn,
                members,
                description,
                notification,
            } => {
                self.send_update_team(
                    team,
                    members.as_ref(),
                    description.as_deref(),
                    notification.as_ref(),
                )
                .await?;
                tracing::info!(
                    team,
                    ?members,
                    ?description,
                    ?notification,
                    "UpdateWorkteam accepted"
                );
                Ok(arn)
            }
            TeamPlan::Create => match self.send_create_team(p).await {
                Ok(arn) => {
                    tracing::info!(team, "CreateWorkteam accepted");
                    Ok(arn)
                }
                Err(error) => {
                    // A repeated delivery may have created it meanwhile.
                    let teams = self.list_teams().await?;
                    match decide::plan_team(p, &workforce.arn, &teams, false, None) {
                        Ok(TeamPlan::Keep(existing)) => {
                            tracing::info!(team, %error, "CreateWorkteam refused, but our team exists now: adopting it");
                            Ok(existing.arn)
                        }
                        Ok(_) => Err(error),
                        Err(conflict) => Err(conflict),
                    }
                }
            },
        }
    }

    /// The tags on the workforce or team `arn`.
    async fn list_tags(&self, arn: &str) -> Result<Tags, WorkforceError> {
        let mut tags = Tags::new();
        let mut next_token: Option<String> = None;
        for _ in 0..MAX_LIST_PAGES {
            let page = self
                .client
                .list_tags()
                .resource_arn(arn)
                .max_results(TAGS_PER_PAGE)
                .set_next_token(next_token.take())
                .send()
                .await
                .map_err(|error| WorkforceError::aws("ListTags", arn.to_owned(), error))?;
            tags.extend(page.tags().iter().map(|tag| {
                let text = |part: Option<&str>| part.unwrap_or_default().to_owned();
                (text(tag.key()), text(tag.value()))
            }));
            match page.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_owned()),
                _ => break,
            }
        }
        Ok(tags)
    }

    /// Gives the workforce or team `arn` the wanted tags, removing only
    /// those `set_before` (the old properties') that are no longer wanted.
    async fn apply_tags(
        &self,
        arn: &str,
        wanted: &Tags,
        set_before: &Tags,
    ) -> Result<(), WorkforceError> {
        // Nothing wanted and nothing set before: nothing to add or remove,
        // whatever the resource holds (no ListTags for a stack without tags).
        if wanted.is_empty() && set_before.is_empty() {
            return Ok(());
        }
        let live = self.list_tags(arn).await?;
        let Some(TagChanges { add, remove }) = decide::tag_changes(wanted, set_before, &live)
        else {
            return Ok(());
        };
        if !remove.is_empty() {
            self.client
                .delete_tags()
                .resource_arn(arn)
                .set_tag_keys(Some(remove.clone()))
                .send()
                .await
                .map_err(|error| WorkforceError::aws("DeleteTags", arn.to_owned(), error))?;
        }
        if !add.is_empty() {
            self.client
                .add_tags()
                .resource_arn(arn)
                .set_tags(sdk_tags(&add))
                .send()
                .await
                .map_err(|error| WorkforceError::aws("AddTags", arn.to_owned(), error))?;
        }
        tracing::info!(resource = arn, added = ?add.keys().collect::<Vec<_>>(), ?remove, "tags applied");
        Ok(())
    }

    /// The workforce's and the team's tags, after both exist.
    async fn apply_all_tags(
        &self,
        workforce: &Observed,
        team_arn: &str,
        p: &WorkforceProperties,
        old: Option<&WorkforceProperties>,
    ) -> Result<(), WorkforceError> {
        let wanted = p.tags();
        let set_before = old.map(WorkforceProperties::tags).unwrap_or_default();
        self.apply_tags(&workforce.arn, &wanted, &set_before)
            .await?;
        self.apply_tags(team_arn, &wanted, &set_before).await
    }

    /// Deletes this resource's team `team` and then the workforce (proved
    /// ours by the caller), after checking that no other team is on it:
    /// SageMaker refuses to delete a workforce with teams, and this
    /// resource deletes only its own. Nothing is changed when it refuses.
    async fn delete_team_and_workforce(
        &self,
        ctx: &Context,
        workforce: &Observed,
        team: &str,
        action: &'static str,
    ) -> Result<(), WorkforceError> {
        let teams = self.list_teams().await?;
        let others = decide::other_teams(&teams, &workforce.arn, team);
        if !others.is_empty() {
            return Err(WorkforceError::OtherTeams {
                workforce: workforce.name.clone(),
                teams: others,
                action,
            });
        }
        match decide::own_team(&teams, &workforce.arn, team) {
            Some(_) => self.send_delete_team(team).await?,
            None => tracing::info!(
                team,
                "no such work team on the workforce: nothing to delete"
            ),
        }
        self.delete_and_wait(ctx, &workforce.name).await
    }

    /// Deletes a workforce already proved ours and waits until it is gone.
    async fn delete_and_wait(&self, ctx: &Context, name: &str) -> Result<(), WorkforceError> {
        match self
            .wait(ctx, name, &SETTLED, decide::until_deletable)
            .await?
        {
            BeforeDelete::Gone => {
                tracing::info!(
                    workforce = name,
                    "workforce gone before DeleteWorkforce: nothing to delete"
                );
                return Ok(());
            }
            BeforeDelete::AlreadyDeleting => {
                tracing::info!(
                    workforce = name,
                    "workforce already Deleting: waiting for it to go"
                );
            }
            BeforeDelete::Deletable => {
                let sent = self
                    .client
                    .delete_workforce()
                    .workforce_name(name)
                    .send()
                    .await;
                if let Err(error) = sent {
                    let error = WorkforceError::aws(
                        "DeleteWorkforce",
                        format!("workforce {name:?}"),
                        error,
                    );
                    if !error.is_not_found() {
                        return Err(error);
                    }
                }
                tracing::info!(workforce = name, "DeleteWorkforce accepted");
            }
        }
        self.wait(ctx, name, &GONE, decide::until_gone).await?;
        tracing::info!(workforce = name, "workforce deleted");
        Ok(())
    }
}

fn conflict(other: &Observed) -> WorkforceError {
    WorkforceError::OtherWorkforce {
        name: other.name.clone(),
        sign_in: other.sign_in_text(),
    }
}

/// The Data: the portal's URLs too, so that the stack's outputs follow the
/// workforce even when a rollback recreates it under a new portal (the
/// portal resources get no event then).
fn outcome(physical_id: &str, workforce: &Observed, workteam_arn: String) -> Outcome {
    let portal = PortalUrls::new(&workforce.sub_domain);
    Outcome::new(physical_id.to_owned())
        .with("WorkforceArn", workforce.arn.clone())
        .with("WorkforceName", workforce.name.clone())
        .with("SubDomain", workforce.sub_domain.clone())
        .with("PortalUrl", portal.portal_url)
        .with("CallbackUrl", portal.callback_url)
        .with("LogoutUrl", portal.logout_url)
        .with("WorkteamArn", workteam_arn)
}

fn member_definition(members: &Members) -> MemberDefinition {
    match members {
        Members::Cognito(member) => MemberDefinition::builder()
            .cognito_member_definition(
                CognitoMemberDefinition::builder()
                    .user_pool(&member.user_pool_id)
                    .client_id(&member.client_id)
                    .user_group(&member.group)
                    .build(),
            )
            .build(),
        Members::Oidc(groups) => MemberDefinition::builder()
            .oidc_member_definition(
                OidcMemberDefinition::builder()
                    .set_groups(Some(groups.clone()))
                    .build(),
            )
            .build(),
    }
}

/// `None` gives a configuration without a topic, which turns notifications
/// off (docs/AWS-NOTES.md §8.1).
fn notification_configuration(topic: Option<&String>) -> NotificationConfiguration {
    NotificationConfiguration::builder()
        .set_notification_topic_arn(topic.cloned())
        .build()
}

/// `None` for no tags: CreateWorkforce and CreateWorkteam then send none.
fn sdk_tags(tags: &Tags) -> Option<Vec<Tag>> {
    (!tags.is_empty()).then(|| {
        tags.iter()
            .map(|(key, value)| Tag::builder().key(key).value(value).build())
            .collect()
    })
}

fn ip_address_type(wanted: IpAddressType) -> WorkforceIpAddressType {
    WorkforceIpAddressType::from(wanted.as_str())
}

fn source_ip_config(cidrs: &[String]) -> SourceIpConfig {
    // `set_cidrs(Some(vec![]))` serializes as `"Cidrs": []`: the clear.
    SourceIpConfig::builder()
        .set_cidrs(Some(cidrs.to_vec()))
        .build()
}

/// `None` gives the empty `WorkforceVpcConfig{}` that removes a VPC config.
fn vpc_request(vpc: Option<&VpcConfig>) -> WorkforceVpcConfigRequest {
    match vpc {
        Some(vpc) => WorkforceVpcConfigRequest::builder()
            .vpc_id(&vpc.vpc_id)
            .set_subnets(Some(vpc.subnet_ids.clone()))
            .set_security_group_ids(Some(vpc.security_group_ids.clone()))
            .build(),
        None => WorkforceVpcConfigRequest::builder().build(),
    }
}

impl CustomResource for PrivateWorkforce {
    type Properties = WorkforceProperties;
    type Error = WorkforceError;

    async fn create(
        &self,
        ctx: &Context,
        p: WorkforceProperties,
    ) -> Result<Outcome, WorkforceError> {
        let workforce = self.create_or_adopt(ctx, &p, true).await?;
        self.point_client_at_portal(&p, &workforce).await?;
        let team = self.ensure_team(&p, &workforce, false, None).await?;
        self.apply_all_tags(&workforce, &team, &p, None).await?;
        Ok(outcome(&p.workforce_name, &workforce, team))
    }

    /// The PhysicalResourceId never changes on Update: a rename is, for
    /// CloudFormation, an update of this one resource, so a rollback comes
    /// back as an Update with the properties swapped (which recreates the
    /// old workforce and team), never as a Delete of the new one.
    async fn update(
        &self,
        ctx: &Context,
        physical_id: &str,
        p: WorkforceProperties,
        old: Option<WorkforceProperties>,
    ) -> Result<Outcome, WorkforceError> {
        let old_name = old
            .as_ref()
            .map_or(physical_id, |old| old.workforce_name.as_str());
        let observed_old = self.describe(old_name).await?;
        let observed_new = if old_name == p.workforce_name {
            observed_old.clone()
        } else {
            self.describe(&p.workforce_name).await?
        };
        let plan = decide::plan_update(
            &p,
            old.as_ref(),
            observed_old.as_ref(),
            observed_new.as_ref(),
        );
        let workforce = match plan {
            UpdatePlan::InPlace => {
                let workforce = self.update_in_place(ctx, &p, old.as_ref()).await?;
                // A new WorkteamName alone: our old team goes first.
                if let Some(old) = old
                    .as_ref()
                    .filter(|old| old.workteam_name != p.workteam_name)
                {
                    let teams = self.list_teams().await?;
                    if decide::own_team(&teams, &workforce.arn, &old.workteam_name).is_some() {
                        self.send_delete_team(&old.workteam_name).await?;
                    }
                }
                workforce
            }
            UpdatePlan::Replace(old_workforce) => {
                match old_workforce {
                    OldWorkforce::Delete(workforce) => {
                        let team = old.as_ref().map_or("", |old| old.workteam_name.as_str());
                        tracing::info!(old = %workforce.name, new = %p.workforce_name, "replacement: deleting the old work team and workforce first (one workforce per region)");
                        self.delete_team_and_workforce(ctx, &workforce, team, "the rename")
                            .await?;
                    }
                    OldWorkforce::Gone => {
                        tracing::info!(old = old_name, new = %p.workforce_name, "replacement: the old workforce is already gone");
                    }
                    OldWorkforce::Keep(why) => {
                        tracing::warn!(old = old_name, new = %p.workforce_name, %why, "replacement: old workforce left alone, it is not provably ours");
                    }
                }
                self.create_or_adopt(ctx, &p, false).await?
            }
        };
        self.point_client_at_portal(&p, &workforce).await?;
        let claimed = old
            .as_ref()
            .is_some_and(|old| old.workteam_name == p.workteam_name);
        let topic_before = old
            .as_ref()
            .and_then(|old| old.notification_topic_arn.as_deref());
        let team = self
            .ensure_team(&p, &workforce, claimed, topic_before)
            .await?;
        self.apply_all_tags(&workforce, &team, &p, old.as_ref())
            .await?;
        Ok(outcome(physical_id, &workforce, team))
    }

    async fn delete(
        &self,
        ctx: &Context,
        physical_id: &str,
        p: WorkforceProperties,
    ) -> Result<(), WorkforceError> {
        let name = p.workforce_name.as_str();
        let live = self.describe(name).await?;
        match decide::ownership(live.as_ref(), &p.identity()) {
            Ownership::Missing => {
                tracing::info!(
                    workforce = name,
                    physical_id,
                    "no workforce by that name: nothing to delete"
                );
                Ok(())
            }
            Ownership::NotOurs(why) => {
                tracing::info!(workforce = name, physical_id, %why, "workforce not provably this resource's: nothing deleted");
                Ok(())
            }
            Ownership::Ours => match live {
                Some(workforce) => {
                    self.delete_team_and_workforce(ctx, &workforce, &p.workteam_name, "the delete")
                        .await
                }
                None => Ok(()),
            },
        }
    }

    /// Every id this function issues is a workforce name.
    fn issued(&self, physical_id: &str, _: &WorkforceProperties) -> bool {
        properties::is_workforce_name(physical_id)
    }
}

//! `Custom::PrivateWorkforce`: the SageMaker calls around the decisions.

use crate::decide::{
    self, BeforeDelete, Changes, Existing, Observed, OldWorkforce, Ownership, Poll, UpdatePlan,
    VpcChange,
};
use crate::error::WorkforceError;
use crate::properties::{self, VpcConfig, WorkforceProperties};
use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::types::{CognitoConfig, SourceIpConfig, WorkforceVpcConfigRequest};
use custom_resource::{Context, CustomResource, Outcome};
use std::time::Duration;
use tokio::time::Instant;

/// Stop waiting this long before the protocol's work deadline, so that our
/// own "still <Status>" error, not the generic timeout, reaches the event.
const WAIT_MARGIN: Duration = Duration::from_millis(500);

/// ListWorkforces pages read at most (a region holds one private workforce;
/// this only bounds a misbehaving paginator).
const MAX_LIST_PAGES: usize = 20;

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

/// The resource: one SageMaker client, built once in `main`.
pub struct PrivateWorkforce {
    client: Client,
    backoff: decide::Backoff,
}

impl PrivateWorkforce {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            backoff: decide::Backoff::default(),
        }
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
            workforces.extend(page.workforces().iter().map(Observed::from));
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
            Ok(output) => Ok(output.workforce().map(Observed::from)),
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
    /// workforce, refuse another, or create one; then wait for Active.
    async fn create_or_adopt(
        &self,
        ctx: &Context,
        p: &WorkforceProperties,
    ) -> Result<Outcome, WorkforceError> {
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
        // Ours from here on: a failure answers with its name, so the
        // rollback's Delete cleans it up.
        ctx.claim_physical_id(name);
        let workforce = self
            .wait(ctx, name, &CREATED, |observed| {
                decide::until_active(name, observed)
            })
            .await??;
        Ok(outcome(&workforce))
    }

    async fn send_create(&self, p: &WorkforceProperties) -> Result<(), WorkforceError> {
        let cognito = CognitoConfig::builder()
            .user_pool(&p.user_pool_id)
            .client_id(&p.client_id)
            .build();
        let mut request = self
            .client
            .create_workforce()
            .workforce_name(&p.workforce_name)
            .cognito_config(cognito);
        // No CIDRs means no restriction: leave SourceIpConfig out.
        if !p.source_ip_cidrs.is_empty() {
            request = request.source_ip_config(source_ip_config(&p.source_ip_cidrs));
        }
        if let Some(vpc) = p.vpc() {
            request = request.workforce_vpc_config(vpc_request(Some(&vpc)));
        }
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
    ) -> Result<Outcome, WorkforceError> {
        let name = p.workforce_name.as_str();
        let live = self
            .wait(ctx, name, &UPDATED, |observed| {
                decide::until_settled(name, observed)
            })
            .await??;
        match decide::changes(p, &live) {
            None => tracing::info!(
                workforce = name,
                "the workforce already has these settings: no UpdateWorkforce"
            ),
            Some(changes) => {
                self.send_update(name, &changes).await?;
                tracing::info!(workforce = name, ?changes, "UpdateWorkforce accepted");
            }
        }
        let workforce = self
            .wait(ctx, name, &UPDATED, |observed| {
                decide::until_active(name, observed)
            })
            .await??;
        Ok(outcome(&workforce))
    }

    async fn send_update(&self, name: &str, changes: &Changes) -> Result<(), WorkforceError> {
        let mut request = self.client.update_workforce().workforce_name(name);
        if let Some(cidrs) = &changes.source_ip_cidrs {
            request = request.source_ip_config(source_ip_config(cidrs));
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
        cognito: other.cognito_text(),
    }
}

fn outcome(workforce: &Observed) -> Outcome {
    Outcome::new(workforce.name.clone())
        .with("WorkforceArn", workforce.arn.clone())
        .with("WorkforceName", workforce.name.clone())
        .with("SubDomain", workforce.sub_domain.clone())
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
        self.create_or_adopt(ctx, &p).await
    }

    async fn update(
        &self,
        ctx: &Context,
        physical_id: &str,
        p: WorkforceProperties,
        old: Option<WorkforceProperties>,
    ) -> Result<Outcome, WorkforceError> {
        let live = self.describe(physical_id).await?;
        match decide::plan_update(physical_id, &p, old.as_ref(), live.as_ref()) {
            UpdatePlan::InPlace => self.update_in_place(ctx, &p).await,
            UpdatePlan::Replace(old_workforce) => {
                match old_workforce {
                    OldWorkforce::Delete => {
                        tracing::info!(old = physical_id, new = %p.workforce_name, "replacement: deleting the old workforce first (one workforce per region)");
                        self.delete_and_wait(ctx, physical_id).await?;
                    }
                    OldWorkforce::Gone => {
                        tracing::info!(old = physical_id, new = %p.workforce_name, "replacement: the old workforce is already gone");
                    }
                    OldWorkforce::Keep(why) => {
                        tracing::warn!(old = physical_id, new = %p.workforce_name, %why, "replacement: old workforce left alone, it is not provably ours");
                    }
                }
                self.create_or_adopt(ctx, &p).await
            }
        }
    }

    async fn delete(
        &self,
        ctx: &Context,
        physical_id: &str,
        p: WorkforceProperties,
    ) -> Result<(), WorkforceError> {
        let live = self.describe(physical_id).await?;
        match decide::ownership(live.as_ref(), physical_id, &p.identity()) {
            Ownership::Missing => {
                tracing::info!(
                    workforce = physical_id,
                    "no workforce by that name: nothing to delete"
                );
                Ok(())
            }
            Ownership::NotOurs(why) => {
                tracing::info!(workforce = physical_id, %why, "workforce not provably this resource's: nothing deleted");
                Ok(())
            }
            Ownership::Ours => self.delete_and_wait(ctx, physical_id).await,
        }
    }

    /// Every id this function issues is a workforce name.
    fn issued(&self, physical_id: &str, _: &WorkforceProperties) -> bool {
        properties::is_workforce_name(physical_id)
    }
}

//! Create, update, delete and rollback, in the order and with the events
//! CloudFormation uses, over the resource providers.

use crate::graph::{self, Graph};
use crate::plan::{Plan, PoolUser};
use crate::progress::Progress;
use crate::providers::{Created, ProviderError, Providers, Support, support};
use crate::resolve::{self, Offered};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// A resource as the stack holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployed {
    pub resource_type: String,
    pub physical_id: String,
    /// The resolved properties it was last created or updated with.
    pub properties: Value,
    #[serde(default)]
    pub metadata: Value,
    pub attributes: Map<String, Value>,
    pub deps: BTreeSet<String>,
    /// DeletionPolicy: Retain (also set for a delete with RetainResources).
    #[serde(default)]
    pub retain: bool,
    /// UpdateReplacePolicy: Retain: a replaced old resource is kept.
    #[serde(default)]
    pub retain_on_replace: bool,
    /// Reported as not emulated.
    #[serde(default)]
    pub not_emulated: Option<String>,
}

/// A deployment's outputs before resolution, with the parameters and
/// conditions they are resolved with. A rollback's Updates answer with
/// attributes of their own (a custom resource recreated under new values
/// answers new Data), and the outputs are resolved again against them
/// (docs/AWS-NOTES.md §8.3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutputPlan {
    pub params: Map<String, Value>,
    pub conditions: BTreeMap<String, bool>,
    pub outputs: Map<String, Value>,
}

impl OutputPlan {
    fn of(plan: &Plan) -> Self {
        Self {
            params: plan.params.clone(),
            conditions: plan.conditions.clone(),
            outputs: plan.outputs.clone(),
        }
    }

    /// The outputs against the stack's resources as they are now.
    fn resolve(&self, state: &StackState) -> Result<Map<String, Value>, String> {
        let offered = state.offered();
        let scope = resolve::Scope {
            params: &self.params,
            conditions: &self.conditions,
            resources: &offered,
        };
        let mut outputs = Map::new();
        for (name, output) in &self.outputs {
            let value = resolve::resolve(&output["Value"], &scope)
                .map_err(|e| format!("output {name}: {e}"))?;
            outputs.insert(name.clone(), value.unwrap_or(Value::Null));
        }
        Ok(outputs)
    }
}

/// The stack, as kept between commands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackState {
    pub name: String,
    pub id: String,
    pub status: String,
    /// The declared parameters' values of the last successful deployment.
    pub parameters: Map<String, Value>,
    pub resources: BTreeMap<String, Deployed>,
    pub outputs: Map<String, Value>,
    /// What the outputs of the last successful deployment are made of, so
    /// that a rollback resolves them again (below).
    #[serde(default)]
    pub output_plan: OutputPlan,
    /// Resources left in place when they left the stack (DeletionPolicy or
    /// UpdateReplacePolicy Retain, RetainResources): "Id (Type physical-id)".
    #[serde(default)]
    pub retained: Vec<String>,
}

impl StackState {
    pub fn new(name: &str) -> Self {
        let id = format!(
            "arn:aws:cloudformation:{}:{}:stack/{name}/{}",
            local_aws::REGION,
            local_aws::ACCOUNT_ID,
            local_aws::harness::new_request_id()
        );
        Self {
            name: name.to_owned(),
            id,
            status: "REVIEW_IN_PROGRESS".into(),
            parameters: Map::new(),
            resources: BTreeMap::new(),
            outputs: Map::new(),
            output_plan: OutputPlan::default(),
            retained: Vec::new(),
        }
    }

    /// The stack's Cognito users: logical id, pool logical id, username.
    pub fn pool_users(&self) -> Vec<PoolUser> {
        self.resources
            .iter()
            .filter(|(_, d)| d.resource_type == "AWS::Cognito::UserPoolUser")
            .filter_map(|(id, d)| {
                let pool_id = d.properties["UserPoolId"].as_str()?;
                let (pool, _) = self.resources.iter().find(|(_, p)| {
                    p.resource_type == "AWS::Cognito::UserPool" && p.physical_id == pool_id
                })?;
                Some(PoolUser {
                    logical_id: id.clone(),
                    pool: pool.clone(),
                    username: d.properties["Username"]
                        .as_str()
                        .unwrap_or(&d.physical_id)
                        .to_owned(),
                })
            })
            .collect()
    }

    fn offered(&self) -> BTreeMap<String, Offered> {
        self.resources
            .iter()
            .map(|(id, d)| {
                (
                    id.clone(),
                    Offered {
                        physical_id: d.physical_id.clone(),
                        attributes: d.attributes.clone(),
                        custom: support(&d.resource_type) == Support::Custom,
                    },
                )
            })
            .collect()
    }

    /// The order to delete `ids` in: dependants first.
    fn deletion_order(&self, ids: &BTreeSet<String>) -> Vec<String> {
        let graph: Graph = ids
            .iter()
            .map(|id| {
                let deps = self
                    .resources
                    .get(id)
                    .map(|d| d.deps.clone())
                    .unwrap_or_default();
                (
                    id.clone(),
                    deps.into_iter().filter(|d| ids.contains(d)).collect(),
                )
            })
            .collect();
        // A stored state always has an order; should it not, fall back to
        // reverse alphabetical rather than refusing to clean up.
        graph::deletion_order(&graph).unwrap_or_else(|_| ids.iter().rev().cloned().collect())
    }
}

/// Why a stack operation ended badly; `status` is where the stack is now.
#[derive(Debug, thiserror::Error)]
#[error("stack {stack} is {status}: {reason}")]
pub struct StackError {
    pub stack: String,
    pub status: String,
    pub reason: String,
}

pub struct Engine<'a> {
    pub providers: &'a Providers,
    pub progress: &'a Progress,
}

/// Why a resource is deleted: its policies differ.
#[derive(Clone, Copy)]
enum Cause {
    /// Stack delete, removed from the template, rollback of a create.
    Delete,
    /// The old resource of a replacement, in the cleanup phase.
    Replaced,
}

struct Failure {
    logical_id: String,
    reason: String,
}

enum Step {
    Created(String),
    Updated {
        id: String,
        previous: Box<Deployed>,
        attempted: Value,
    },
}

impl Engine<'_> {
    /// Makes the functions of a loaded stack invokable again.
    pub fn load(&self, state: &StackState) -> Result<(), StackError> {
        for (id, deployed) in &state.resources {
            if support(&deployed.resource_type) == Support::Function {
                self.providers
                    .register_function(
                        id,
                        &deployed.properties,
                        &deployed.metadata,
                        Some(&deployed.physical_id),
                    )
                    .map_err(|e| StackError {
                        stack: state.name.clone(),
                        status: state.status.clone(),
                        reason: e.to_string(),
                    })?;
            }
        }
        Ok(())
    }

    fn stack_event(&self, state: &mut StackState, status: &str, reason: &str) {
        state.status = status.to_owned();
        self.progress
            .event(&state.name, "AWS::CloudFormation::Stack", status, reason);
    }

    fn resolve_props(&self, plan: &Plan, state: &StackState, id: &str) -> Result<Value, String> {
        let offered = state.offered();
        let scope = resolve::Scope {
            params: &plan.params,
            conditions: &plan.conditions,
            resources: &offered,
        };
        let planned = &plan.resources[id];
        resolve::resolve(&planned.properties, &scope)
            .map(|v| v.unwrap_or(Value::Object(Map::new())))
            .map_err(|e| format!("Template error: {e}"))
    }

    /// CloudFormation checks a custom resource's Data against the
    /// attributes the template reads from it when the response arrives.
    fn check_data(
        plan: &Plan,
        id: &str,
        resource_type: &str,
        created: &Created,
    ) -> Result<(), String> {
        if support(resource_type) != Support::Custom {
            return Ok(());
        }
        for attribute in plan.attributes_used.get(id).into_iter().flatten() {
            if !created.attributes.contains_key(attribute) {
                let has: Vec<&str> = created.attributes.keys().map(String::as_str).collect();
                return Err(format!(
                    "CustomResource attribute error: Vendor response doesn't contain {attribute} key in object {} (its Data has: {}). The template reads {id}.{attribute}, which the function never returns.",
                    created.physical_id,
                    has.join(", ")
                ));
            }
        }
        Ok(())
    }

    fn deployed(plan: &Plan, id: &str, properties: Value, created: &Created) -> Deployed {
        let planned = &plan.resources[id];
        Deployed {
            resource_type: planned.resource_type.clone(),
            physical_id: created.physical_id.clone(),
            properties,
            metadata: planned.metadata.clone(),
            attributes: created.attributes.clone(),
            deps: plan.dependencies(id),
            retain: planned.retain,
            retain_on_replace: planned.retain_on_replace,
            not_emulated: created
                .note
                .clone()
                .filter(|n| n.starts_with("NOT EMULATED")),
        }
    }

    /// Creates one resource of the plan, recording it in `state` (also when
    /// a custom resource FAILED with a physical id: rollback must delete it).
    async fn create_one(
        &self,
        plan: &Plan,
        state: &mut StackState,
        id: &str,
    ) -> Result<(), Failure> {
        let resource_type = plan.resources[id].resource_type.clone();
        self.progress
            .event(id, &resource_type, "CREATE_IN_PROGRESS", "");
        let fail = |reason: String| {
            self.progress
                .event(id, &resource_type, "CREATE_FAILED", &reason);
            Failure {
                logical_id: id.to_owned(),
                reason,
            }
        };
        let properties = self.resolve_props(plan, state, id).map_err(fail)?;
        let metadata = &plan.resources[id].metadata;
        match self
            .providers
            .create(id, &resource_type, &properties, metadata)
            .await
        {
            Ok(created) => {
                let deployed = Self::deployed(plan, id, properties, &created);
                let checked = Self::check_data(plan, id, &resource_type, &created);
                state.resources.insert(id.to_owned(), deployed);
                checked.map_err(fail)?;
                self.progress.event(
                    id,
                    &resource_type,
                    "CREATE_COMPLETE",
                    created.note.as_deref().unwrap_or(""),
                );
                Ok(())
            }
            Err(ProviderError::Failed {
                reason,
                physical_id,
            }) => {
                if let Some(physical_id) = physical_id {
                    let created = Created {
                        physical_id,
                        attributes: Map::new(),
                        note: None,
                    };
                    state.resources.insert(
                        id.to_owned(),
                        Self::deployed(plan, id, properties, &created),
                    );
                }
                Err(fail(reason))
            }
            Err(error) => Err(fail(error.to_string())),
        }
    }

    pub async fn create(
        &self,
        plan: &Plan,
        state: &mut StackState,
        parameters: Map<String, Value>,
    ) -> Result<(), StackError> {
        self.stack_event(state, "CREATE_IN_PROGRESS", "User Initiated");
        let mut failure = None;
        for id in &plan.order {
            if let Err(f) = self.create_one(plan, state, id).await {
                failure = Some(f);
                break;
            }
        }
        if failure.is_none() {
            let output_plan = OutputPlan::of(plan);
            match output_plan.resolve(state) {
                Ok(outputs) => {
                    state.outputs = outputs;
                    state.output_plan = output_plan;
                    state.parameters = parameters;
                    self.stack_event(state, "CREATE_COMPLETE", "");
                    return Ok(());
                }
                Err(reason) => {
                    failure = Some(Failure {
                        logical_id: state.name.clone(),
                        reason,
                    })
                }
            }
        }
        let Some(failure) = failure else {
            return Ok(());
        };
        self.stack_event(
            state,
            "ROLLBACK_IN_PROGRESS",
            &format!(
                "The following resource(s) failed to create: [{}]. Rollback requested by user.",
                failure.logical_id
            ),
        );
        let all: BTreeSet<String> = state.resources.keys().cloned().collect();
        let cleaned = self.delete_resources(state, &all).await;
        let status = if cleaned {
            "ROLLBACK_COMPLETE"
        } else {
            "ROLLBACK_FAILED"
        };
        self.stack_event(state, status, "");
        Err(StackError {
            stack: state.name.clone(),
            status: status.into(),
            reason: format!("{}: {}", failure.logical_id, failure.reason),
        })
    }

    pub async fn update(
        &self,
        plan: &Plan,
        state: &mut StackState,
        parameters: Map<String, Value>,
    ) -> Result<(), StackError> {
        self.stack_event(state, "UPDATE_IN_PROGRESS", "User Initiated");
        let mut journal: Vec<Step> = Vec::new();
        let mut replaced: Vec<(String, Deployed)> = Vec::new();
        let mut failure = None;
        for id in &plan.order {
            let Some(previous) = state.resources.get(id).cloned() else {
                journal.push(Step::Created(id.clone()));
                if let Err(f) = self.create_one(plan, state, id).await {
                    failure = Some(f);
                    break;
                }
                continue;
            };
            let resource_type = plan.resources[id].resource_type.clone();
            let fail = |reason: String| {
                self.progress
                    .event(id, &resource_type, "UPDATE_FAILED", &reason);
                Failure {
                    logical_id: id.clone(),
                    reason,
                }
            };
            let properties = match self.resolve_props(plan, state, id) {
                Ok(p) => p,
                Err(reason) => {
                    failure = Some(fail(reason));
                    break;
                }
            };
            // A changed type never gets here: run() refuses the whole update
            // first, as CloudFormation does (lifecycle::check_types).
            let metadata = plan.resources[id].metadata.clone();
            if properties == previous.properties && metadata == previous.metadata {
                if let Some(d) = state.resources.get_mut(id) {
                    d.deps = plan.dependencies(id);
                }
                continue;
            }
            self.progress
                .event(id, &resource_type, "UPDATE_IN_PROGRESS", "");
            journal.push(Step::Updated {
                id: id.clone(),
                previous: Box::new(previous.clone()),
                attempted: properties.clone(),
            });
            let result = self
                .providers
                .update(
                    id,
                    &resource_type,
                    &previous.physical_id,
                    &previous.properties,
                    &properties,
                    &metadata,
                )
                .await;
            match result {
                Ok(created) => {
                    let deployed = Self::deployed(plan, id, properties, &created);
                    let checked = Self::check_data(plan, id, &resource_type, &created);
                    state.resources.insert(id.clone(), deployed);
                    if created.physical_id != previous.physical_id {
                        replaced.push((id.clone(), previous));
                    }
                    if let Err(reason) = checked {
                        failure = Some(fail(reason));
                        break;
                    }
                    self.progress.event(
                        id,
                        &resource_type,
                        "UPDATE_COMPLETE",
                        created.note.as_deref().unwrap_or(""),
                    );
                }
                Err(error) => {
                    failure = Some(fail(error.to_string()));
                    break;
                }
            }
        }
        if failure.is_none() {
            let output_plan = OutputPlan::of(plan);
            match output_plan.resolve(state) {
                Ok(outputs) => {
                    state.outputs = outputs;
                    state.output_plan = output_plan;
                }
                Err(reason) => {
                    failure = Some(Failure {
                        logical_id: state.name.clone(),
                        reason,
                    })
                }
            }
        }
        if let Some(failure) = failure {
            self.stack_event(
                state,
                "UPDATE_ROLLBACK_IN_PROGRESS",
                &format!(
                    "The following resource(s) failed to update: [{}].",
                    failure.logical_id
                ),
            );
            let clean = self.roll_back(state, journal).await;
            // The previous deployment's outputs, against what the rollback
            // answered (a state written before output plans were kept has
            // none: its outputs stay as they were).
            if !state.output_plan.outputs.is_empty()
                && let Ok(outputs) = state.output_plan.resolve(state)
            {
                state.outputs = outputs;
            }
            let status = if clean {
                "UPDATE_ROLLBACK_COMPLETE"
            } else {
                "UPDATE_ROLLBACK_FAILED"
            };
            self.stack_event(state, status, "");
            return Err(StackError {
                stack: state.name.clone(),
                status: status.into(),
                reason: format!("{}: {}", failure.logical_id, failure.reason),
            });
        }
        self.stack_event(state, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "");
        // Old resources of replacements, then what the template no longer has.
        let mut clean = true;
        for (id, old) in replaced.iter().rev() {
            clean &= self
                .delete_one(id, old, Cause::Replaced, &mut state.retained)
                .await;
        }
        let removed: BTreeSet<String> = state
            .resources
            .keys()
            .filter(|id| !plan.resources.contains_key(*id))
            .cloned()
            .collect();
        clean &= self.delete_resources(state, &removed).await;
        state.parameters = parameters;
        if !clean {
            // CloudFormation finishes the update anyway; what it could not
            // delete is left behind (and reported above).
            self.progress.note(
                "some old resources could not be deleted; see the DELETE_FAILED events above",
            );
        }
        self.stack_event(state, "UPDATE_COMPLETE", "");
        Ok(())
    }

    /// Undoes an update as CloudFormation does: every resource the update
    /// touched gets its previous properties back, in dependency order (a
    /// custom resource gets an Update event with the old properties; the
    /// old resource of a replacement is simply the stack's again); then, in
    /// the rollback's cleanup phase, what the update created (new resources
    /// and the new ones of replacements) is deleted, dependants first.
    async fn roll_back(&self, state: &mut StackState, journal: Vec<Step>) -> bool {
        let mut clean = true;
        let mut created: BTreeSet<String> = BTreeSet::new();
        let mut new_of_replaced: Vec<(String, Deployed)> = Vec::new();
        for step in journal {
            match step {
                Step::Created(id) => {
                    created.insert(id);
                }
                Step::Updated {
                    id,
                    previous,
                    attempted,
                } => {
                    let current = state.resources.get(&id).cloned();
                    let mut previous = *previous;
                    match current.filter(|c| c.physical_id != previous.physical_id) {
                        Some(new) => new_of_replaced.push((id.clone(), new)),
                        None => clean &= self.update_back(&id, &mut previous, &attempted).await,
                    }
                    state.resources.insert(id, previous);
                }
            }
        }
        if created.is_empty() && new_of_replaced.is_empty() {
            return clean;
        }
        self.stack_event(state, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "");
        clean &= self.delete_resources(state, &created).await;
        for (id, mut new) in new_of_replaced.into_iter().rev() {
            // The new resource of a failed replacement always goes.
            new.retain = false;
            clean &= self
                .delete_one(&id, &new, Cause::Delete, &mut state.retained)
                .await;
        }
        clean
    }

    /// One resource of a failed update, back to its previous properties;
    /// `previous` takes the attributes it answers with (GetAtt reads a
    /// custom resource's latest answer, docs/AWS-NOTES.md §4).
    async fn update_back(&self, id: &str, previous: &mut Deployed, attempted: &Value) -> bool {
        let rt = &previous.resource_type;
        if support(rt) == Support::Native
            && crate::providers::replacement_reason(rt, attempted, &previous.properties).is_some()
        {
            // Its replacement was never created: the old one is untouched.
            return true;
        }
        self.progress.event(
            id,
            rt,
            "UPDATE_IN_PROGRESS",
            "rolling back to the previous properties",
        );
        let back = self
            .providers
            .update(
                id,
                rt,
                &previous.physical_id,
                attempted,
                &previous.properties,
                &previous.metadata,
            )
            .await;
        match back {
            Ok(answered) => {
                self.progress.event(id, rt, "UPDATE_COMPLETE", "");
                if support(rt) == Support::Custom {
                    previous.attributes = answered.attributes;
                } else {
                    // A native provider answers what its update read back.
                    previous.attributes.extend(answered.attributes);
                }
                true
            }
            Err(e) => {
                self.progress.event(id, rt, "UPDATE_FAILED", &e.to_string());
                false
            }
        }
    }

    /// Deletes one resource, or keeps it as its policy says: true when it
    /// is no longer the stack's. A kept one is recorded in `retained`.
    async fn delete_one(
        &self,
        id: &str,
        deployed: &Deployed,
        cause: Cause,
        retained: &mut Vec<String>,
    ) -> bool {
        let rt = &deployed.resource_type;
        let kept = match cause {
            Cause::Delete if deployed.retain => Some("DeletionPolicy: Retain"),
            Cause::Replaced if deployed.retain_on_replace => Some("UpdateReplacePolicy: Retain"),
            _ => None,
        };
        if let Some(policy) = kept {
            self.progress.event(
                id,
                rt,
                "DELETE_SKIPPED",
                &format!("{policy}: {} is left in place", deployed.physical_id),
            );
            retained.push(format!("{id} ({rt} {})", deployed.physical_id));
            return true;
        }
        self.progress.event(id, rt, "DELETE_IN_PROGRESS", "");
        match self
            .providers
            .delete(id, rt, &deployed.physical_id, &deployed.properties)
            .await
        {
            Ok(note) => {
                self.progress
                    .event(id, rt, "DELETE_COMPLETE", note.as_deref().unwrap_or(""));
                true
            }
            Err(error) => {
                self.progress
                    .event(id, rt, "DELETE_FAILED", &error.to_string());
                false
            }
        }
    }

    /// Deletes `ids` dependants first; a resource whose delete failed stays
    /// in the state, and so do the resources it depends on.
    async fn delete_resources(&self, state: &mut StackState, ids: &BTreeSet<String>) -> bool {
        self.delete_resources_failing(state, ids).await.is_empty()
    }

    /// [`Self::delete_resources`], returning the resources whose own delete
    /// failed (not those kept only because a dependant stayed: CloudFormation
    /// names just the former in DELETE_FAILED).
    async fn delete_resources_failing(
        &self,
        state: &mut StackState,
        ids: &BTreeSet<String>,
    ) -> BTreeSet<String> {
        let mut kept: BTreeSet<String> = BTreeSet::new();
        let mut failed: BTreeSet<String> = BTreeSet::new();
        for id in state.deletion_order(ids) {
            let Some(deployed) = state.resources.get(&id).cloned() else {
                continue;
            };
            let blocked = kept
                .iter()
                .any(|k| state.resources.get(k).is_some_and(|d| d.deps.contains(&id)));
            if blocked {
                self.progress.event(
                    &id,
                    &deployed.resource_type,
                    "DELETE_SKIPPED",
                    "a resource that depends on it could not be deleted",
                );
                kept.insert(id);
                continue;
            }
            if self
                .delete_one(&id, &deployed, Cause::Delete, &mut state.retained)
                .await
            {
                state.resources.remove(&id);
            } else {
                failed.insert(id.clone());
                kept.insert(id);
            }
        }
        failed
    }

    /// Deletes the stack; the resources named in `retain` (allowed only
    /// from DELETE_FAILED, see [`crate::lifecycle`]) are left as they are.
    pub async fn delete(
        &self,
        state: &mut StackState,
        retain: &[String],
    ) -> Result<(), StackError> {
        self.stack_event(state, "DELETE_IN_PROGRESS", "User Initiated");
        // Kept first: what a retained resource depends on is still deleted,
        // as in CloudFormation.
        for id in retain {
            if let Some(deployed) = state.resources.remove(id) {
                let rt = &deployed.resource_type;
                self.progress.event(
                    id,
                    rt,
                    "DELETE_SKIPPED",
                    &format!("RetainResources: {} is left in place", deployed.physical_id),
                );
                state
                    .retained
                    .push(format!("{id} ({rt} {})", deployed.physical_id));
            }
        }
        let all: BTreeSet<String> = state.resources.keys().cloned().collect();
        let failed = self.delete_resources_failing(state, &all).await;
        if failed.is_empty() {
            state.outputs.clear();
            self.stack_event(state, "DELETE_COMPLETE", "");
            Ok(())
        } else {
            let left: Vec<&str> = failed.iter().map(String::as_str).collect();
            let reason = format!(
                "The following resource(s) failed to delete: [{}].",
                left.join(", ")
            );
            self.stack_event(state, "DELETE_FAILED", &reason);
            Err(StackError {
                stack: state.name.clone(),
                status: "DELETE_FAILED".into(),
                reason,
            })
        }
    }
}

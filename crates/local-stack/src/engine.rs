//! Create, update, delete and rollback, in the order and with the events
//! CloudFormation uses, over the resource providers.

use crate::graph::{self, Graph};
use crate::plan::Plan;
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
    #[serde(default)]
    pub retain: bool,
    /// Reported as not emulated.
    #[serde(default)]
    pub not_emulated: Option<String>,
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
        }
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

    fn outputs(&self, plan: &Plan, state: &StackState) -> Result<Map<String, Value>, String> {
        let offered = state.offered();
        let scope = resolve::Scope {
            params: &plan.params,
            conditions: &plan.conditions,
            resources: &offered,
        };
        let mut outputs = Map::new();
        for (name, output) in &plan.outputs {
            let value = resolve::resolve(&output["Value"], &scope)
                .map_err(|e| format!("output {name}: {e}"))?;
            outputs.insert(name.clone(), value.unwrap_or(Value::Null));
        }
        Ok(outputs)
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
            match self.outputs(plan, state) {
                Ok(outputs) => {
                    state.outputs = outputs;
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
            if previous.resource_type != resource_type {
                failure = Some(fail(format!(
                    "Update of resource type is not permitted ({} -> {resource_type})",
                    previous.resource_type
                )));
                break;
            }
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
            match self.outputs(plan, state) {
                Ok(outputs) => state.outputs = outputs,
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
            clean &= self.delete_one(id, old).await;
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

    /// Undoes an update, newest step first: created resources are deleted,
    /// updated ones updated back (custom resources get an Update event with
    /// the old properties), replacements deleted and the old one kept.
    async fn roll_back(&self, state: &mut StackState, journal: Vec<Step>) -> bool {
        let mut clean = true;
        for step in journal.into_iter().rev() {
            match step {
                Step::Created(id) => {
                    let ids = BTreeSet::from([id]);
                    clean &= self.delete_resources(state, &ids).await;
                }
                Step::Updated {
                    id,
                    previous,
                    attempted,
                } => {
                    let current = state.resources.get(&id).cloned();
                    let replaced = current
                        .as_ref()
                        .filter(|c| c.physical_id != previous.physical_id);
                    if let Some(new) = replaced {
                        clean &= self.delete_one(&id, new).await;
                    } else {
                        let rt = &previous.resource_type;
                        self.progress.event(
                            &id,
                            rt,
                            "UPDATE_IN_PROGRESS",
                            "rolling back to the previous properties",
                        );
                        let back = self
                            .providers
                            .update(
                                &id,
                                rt,
                                &previous.physical_id,
                                &attempted,
                                &previous.properties,
                                &previous.metadata,
                            )
                            .await;
                        match back {
                            Ok(_) => self.progress.event(&id, rt, "UPDATE_COMPLETE", ""),
                            Err(e) => {
                                clean = false;
                                self.progress
                                    .event(&id, rt, "UPDATE_FAILED", &e.to_string());
                            }
                        }
                    }
                    state.resources.insert(id, *previous);
                }
            }
        }
        clean
    }

    async fn delete_one(&self, id: &str, deployed: &Deployed) -> bool {
        let rt = &deployed.resource_type;
        if deployed.retain {
            self.progress
                .event(id, rt, "DELETE_SKIPPED", "DeletionPolicy: Retain");
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
        let mut kept: BTreeSet<String> = BTreeSet::new();
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
            if self.delete_one(&id, &deployed).await {
                state.resources.remove(&id);
            } else {
                kept.insert(id);
            }
        }
        kept.is_empty()
    }

    pub async fn delete(&self, state: &mut StackState) -> Result<(), StackError> {
        self.stack_event(state, "DELETE_IN_PROGRESS", "User Initiated");
        let all: BTreeSet<String> = state.resources.keys().cloned().collect();
        if self.delete_resources(state, &all).await {
            state.outputs.clear();
            self.stack_event(state, "DELETE_COMPLETE", "");
            Ok(())
        } else {
            let left: Vec<&str> = state.resources.keys().map(String::as_str).collect();
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

//! Which stack operations CloudFormation accepts in which stack status,
//! refused with CloudFormation's own wording. Pure: no I/O.

use crate::Command;

/// An operation CloudFormation refuses before it starts.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum Refused {
    /// AlreadyExistsException of CreateStack.
    #[error("Stack [{0}] already exists")]
    Exists(String),
    /// ValidationError of UpdateStack / DeleteStack.
    #[error("Stack [{0}] does not exist")]
    Missing(String),
    /// ValidationError of UpdateStack.
    #[error("Stack:{id} is in {status} state and can not be updated.{hint}")]
    NotUpdatable {
        id: String,
        status: String,
        hint: &'static str,
    },
    /// ValidationError of UpdateStack (and of a change set) when the new
    /// template gives a logical id another type.
    #[error(
        "Update of resource type is not permitted. The new template modifies resource type of the following resources: [{}]",
        .0.join(", ")
    )]
    TypeChanged(Vec<String>),
    /// ValidationError of DeleteStack with RetainResources.
    #[error(
        "Invalid operation on stack {id}: resources can be retained only when deleting a stack in DELETE_FAILED state; it is {status}"
    )]
    RetainNotAllowed { id: String, status: String },
    /// ValidationError of DeleteStack with RetainResources.
    #[error(
        "RetainResources names {logical_id}, which is not a resource of stack {stack} (it has: {has})"
    )]
    RetainUnknown {
        stack: String,
        logical_id: String,
        has: String,
    },
}

/// The statuses in which a stack can be updated (CloudFormation's API
/// reference, UpdateStack; IMPORT_* omitted: local-stack does not import).
const UPDATABLE: &[&str] = &[
    "CREATE_COMPLETE",
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
];

/// The status of a stack that does not exist any more (or not yet).
fn gone(status: &str) -> bool {
    status == "DELETE_COMPLETE" || status == "REVIEW_IN_PROGRESS"
}

/// Whether `command` may run on a stack in `status` (`None`: no stack of
/// that name); `resources` are the logical ids the stack holds.
pub fn check(
    command: &Command,
    name: &str,
    id: &str,
    status: Option<&str>,
    resources: &[&str],
) -> Result<(), Refused> {
    let status = status.filter(|s| !gone(s));
    let retain: &[String] = match command {
        Command::DeleteRetaining(retain) => retain,
        _ => &[],
    };
    match (command, status) {
        (Command::Create, None) => Ok(()),
        // A stack whose create rolled back still exists: it must be deleted
        // before one of the same name can be created.
        (Command::Create, Some(_)) => Err(Refused::Exists(name.to_owned())),
        (Command::Update | Command::Delete | Command::DeleteRetaining(_), None) => {
            Err(Refused::Missing(name.to_owned()))
        }
        (Command::Update, Some(status)) if UPDATABLE.contains(&status) => Ok(()),
        (Command::Update, Some(status)) => Err(Refused::NotUpdatable {
            id: id.to_owned(),
            status: status.to_owned(),
            hint: match status {
                "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "CREATE_FAILED" => {
                    " (local-stack: only delete is possible; then create it again)"
                }
                "DELETE_FAILED" => {
                    " (local-stack: delete it again once the cause is fixed, or delete it with --retain-resources LOGICAL_ID)"
                }
                "UPDATE_ROLLBACK_FAILED" => " (local-stack: delete it)",
                _ => "",
            },
        }),
        (Command::Delete | Command::DeleteRetaining(_), Some(status)) => {
            if retain.is_empty() {
                return Ok(());
            }
            if status != "DELETE_FAILED" {
                return Err(Refused::RetainNotAllowed {
                    id: id.to_owned(),
                    status: status.to_owned(),
                });
            }
            match retain.iter().find(|r| !resources.contains(&r.as_str())) {
                Some(unknown) => Err(Refused::RetainUnknown {
                    stack: name.to_owned(),
                    logical_id: unknown.clone(),
                    has: resources.join(", "),
                }),
                None => Ok(()),
            }
        }
    }
}

/// An update may not change the type of a resource the stack holds:
/// `deployed` and `planned` map logical ids to types.
pub fn check_types<'a>(
    deployed: impl IntoIterator<Item = (&'a str, &'a str)>,
    planned: &std::collections::BTreeMap<&str, &str>,
) -> Result<(), Refused> {
    let changed: Vec<String> = deployed
        .into_iter()
        .filter(|(id, old)| planned.get(id).is_some_and(|new| new != old))
        .map(|(id, _)| id.to_owned())
        .collect();
    if changed.is_empty() {
        Ok(())
    } else {
        Err(Refused::TypeChanged(changed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(command: Command, status: Option<&str>) -> Result<(), Refused> {
        check(&command, "s", "arn:s", status, &["UserPool"])
    }

    #[test]
    fn create_only_when_no_stack_of_that_name_exists() {
        assert_eq!(run(Command::Create, None), Ok(()));
        assert_eq!(run(Command::Create, Some("REVIEW_IN_PROGRESS")), Ok(()));
        assert_eq!(run(Command::Create, Some("DELETE_COMPLETE")), Ok(()));
        for status in ["CREATE_COMPLETE", "ROLLBACK_COMPLETE", "DELETE_FAILED"] {
            let refused = run(Command::Create, Some(status)).unwrap_err();
            assert_eq!(refused.to_string(), "Stack [s] already exists");
        }
    }

    #[test]
    fn update_only_in_a_complete_state() {
        for status in UPDATABLE {
            assert_eq!(run(Command::Update, Some(status)), Ok(()));
        }
        for status in [
            "ROLLBACK_COMPLETE",
            "ROLLBACK_FAILED",
            "DELETE_FAILED",
            "UPDATE_ROLLBACK_FAILED",
            "CREATE_IN_PROGRESS",
            "UPDATE_IN_PROGRESS",
            "DELETE_IN_PROGRESS",
            "UPDATE_ROLLBACK_IN_PROGRESS",
        ] {
            let refused = run(Command::Update, Some(status)).unwrap_err().to_string();
            assert!(
                refused.starts_with(&format!(
                    "Stack:arn:s is in {status} state and can not be updated."
                )),
                "{refused}"
            );
        }
        let hint = run(Command::Update, Some("ROLLBACK_COMPLETE"))
            .unwrap_err()
            .to_string();
        assert!(hint.contains("only delete"), "{hint}");
        assert_eq!(
            run(Command::Update, None).unwrap_err().to_string(),
            "Stack [s] does not exist"
        );
        assert_eq!(
            run(Command::Update, Some("DELETE_COMPLETE"))
                .unwrap_err()
                .to_string(),
            "Stack [s] does not exist"
        );
    }

    #[test]
    fn delete_retains_resources_only_from_delete_failed() {
        assert_eq!(run(Command::Delete, Some("ROLLBACK_COMPLETE")), Ok(()));
        assert_eq!(run(Command::Delete, Some("DELETE_FAILED")), Ok(()));
        assert!(matches!(
            run(Command::Delete, None),
            Err(Refused::Missing(_))
        ));
        let resources = ["UserPool"];
        let retain = Command::DeleteRetaining(vec!["UserPool".to_owned()]);
        let delete = |status| check(&retain, "s", "arn:s", Some(status), &resources);
        assert_eq!(delete("DELETE_FAILED"), Ok(()));
        let refused = delete("UPDATE_COMPLETE").unwrap_err().to_string();
        assert!(refused.contains("DELETE_FAILED"), "{refused}");
        assert!(refused.contains("UPDATE_COMPLETE"), "{refused}");
        let unknown = check(
            &Command::DeleteRetaining(vec!["Pool".to_owned()]),
            "s",
            "arn:s",
            Some("DELETE_FAILED"),
            &resources,
        )
        .unwrap_err()
        .to_string();
        assert!(unknown.contains("names Pool"), "{unknown}");
        assert!(unknown.contains("UserPool"), "{unknown}");
    }

    #[test]
    fn an_update_may_not_change_a_resources_type() {
        let planned = std::collections::BTreeMap::from([
            ("AppClient", "Custom::AppClient"),
            ("UserPoolClient", "Custom::AppClient"),
            ("UserPool", "AWS::Cognito::UserPool"),
        ]);
        let same = [("UserPool", "AWS::Cognito::UserPool")];
        assert_eq!(check_types(same, &planned), Ok(()));
        // Removed and added resources are no type change.
        let removed = [("Gone", "AWS::SNS::Topic")];
        assert_eq!(check_types(removed, &planned), Ok(()));
        let deployed = [
            ("UserPool", "AWS::Cognito::UserPool"),
            ("UserPoolClient", "AWS::Cognito::UserPoolClient"),
        ];
        assert_eq!(
            check_types(deployed, &planned).unwrap_err().to_string(),
            "Update of resource type is not permitted. The new template modifies resource \
             type of the following resources: [UserPoolClient]"
        );
    }
}

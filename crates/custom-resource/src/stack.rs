//! Each function acts only for the stack that deployed it.
//!
//! Any principal that may create stacks in the account can name this
//! function's ARN as a ServiceToken, and then CloudFormation would invoke it,
//! with this function's role, for a stack that is not ours: create, change
//! or delete resources on that stack's say-so. The template hands every
//! function its own stack's id ([`STACK_ID_ENV`] = `!Ref AWS::StackId`), and
//! every event of another stack is refused before any resource code runs.

use crate::event::{Request, RequestType, stack_name};

/// Environment variable holding the id of the stack this function serves.
pub const STACK_ID_ENV: &str = "CFN_STACK_ID";

/// The stack this function serves, from [`STACK_ID_ENV`]; `None` when unset or empty.
pub(crate) fn own_stack_id_from_env() -> Option<String> {
    std::env::var(STACK_ID_ENV)
        .ok()
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
}

fn describe(stack_id: &str) -> String {
    match (stack_name(stack_id), stack_id.is_empty()) {
        (_, true) => "(no StackId in the event)".to_owned(),
        (Some(name), false) => format!("{name} ({stack_id})"),
        (None, false) => stack_id.to_owned(),
    }
}

/// Why `request` may not be acted on by a function serving `own_stack_id`,
/// or `None` when it may. Decided before anything else about the event, so a
/// refusal never reaches the resource code (and so makes no AWS call).
///
/// An unset [`STACK_ID_ENV`] refuses every event: a function deployed without
/// it (a template that lost the setting, a copy deployed by hand) cannot tell
/// its own stack from any other, and a misconfigured deployment must not act
/// for anybody. Locally, `sam local invoke` resolves `!Ref AWS::StackId` to
/// its fixed stack `local`, which is the stack of the `events/` files.
pub(crate) fn refusal(own_stack_id: Option<&str>, request: &Request) -> Option<String> {
    let Some(own) = own_stack_id else {
        return Some(format!(
            "this function is not configured: its environment variable {STACK_ID_ENV} is not set \
             (the template sets it to !Ref AWS::StackId in Globals.Function.Environment), so it \
             acts for no stack; nothing was done for stack {}",
            describe(&request.stack_id)
        ));
    };
    if request.stack_id == own {
        return None;
    }
    let mut reason = format!(
        "this function acts only for its own stack {}; the event comes from stack {}, so nothing \
         was done: a custom resource's ServiceToken must be a function of its own stack",
        describe(own),
        describe(&request.stack_id)
    );
    if request.request_type == RequestType::Delete {
        // Answered FAILED, not SUCCESS: this function never acts for another
        // stack, so a resource it made for one can only predate this rule,
        // and a silent SUCCESS would leave that resource behind unseen. The
        // other stack's operator reads this and decides (the rollback Delete
        // of a refused Create carries the created-nothing marker and is
        // answered SUCCESS before this check, so refusals roll back cleanly).
        reason.push_str(&format!(
            "; if stack {} really holds a resource {} made by this function, delete that \
             resource by hand, then delete the stack again retaining {}",
            describe(&request.stack_id),
            request.physical_resource_id.as_deref().unwrap_or(""),
            request.logical_resource_id
        ));
    }
    Some(reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const OURS: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/ours/1111";
    const THEIRS: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/theirs/2222";

    fn request(request_type: &str, stack_id: &str) -> Request {
        Request::from_event(json!({
            "RequestType": request_type,
            "ResponseURL": "https://example.invalid/r",
            "StackId": stack_id,
            "RequestId": "r1",
            "LogicalResourceId": "Thing",
            "PhysicalResourceId": "thing-1",
        }))
        .unwrap()
    }

    #[test]
    fn the_own_stack_is_served() {
        for request_type in ["Create", "Update", "Delete"] {
            assert_eq!(refusal(Some(OURS), &request(request_type, OURS)), None);
        }
    }

    #[test]
    fn another_stack_is_refused_naming_both_and_the_rule() {
        for request_type in ["Create", "Update", "Delete"] {
            let reason = refusal(Some(OURS), &request(request_type, THEIRS))
                .unwrap_or_else(|| panic!("{request_type} of another stack served"));
            for expected in ["ours", OURS, "theirs", THEIRS, "ServiceToken", "own stack"] {
                assert!(reason.contains(expected), "{expected} not in {reason}");
            }
        }
        let reason = refusal(Some(OURS), &request("Delete", THEIRS)).unwrap();
        assert!(
            reason.contains("retaining Thing") && reason.contains("thing-1"),
            "{reason}"
        );
    }

    #[test]
    fn a_stack_id_that_only_resembles_ours_is_another_stack() {
        // Same name, another stack (deleted and created again): another id.
        let same_name = "arn:aws:cloudformation:us-east-1:123456789012:stack/ours/3333";
        assert!(refusal(Some(OURS), &request("Create", same_name)).is_some());
        assert!(
            refusal(Some(OURS), &request("Create", "")).is_some_and(|r| r.contains("no StackId"))
        );
    }

    fn stack_id() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "arn:aws:cloudformation:us-east-1:123456789012:stack/(ours|theirs|\\PC{0,12})/(1111|2222|\\PC{0,8})",
            "\\PC{0,40}",
            Just(OURS.to_owned()),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 256,
            failure_persistence: None,
            ..Default::default()
        })]

        /// Whatever the two StackIds, the event is served exactly when its
        /// StackId is the function's own, character for character, and a
        /// refusal names the event's stack.
        #[test]
        fn only_the_identical_stack_id_is_served(
            own in stack_id(),
            theirs in stack_id(),
            request_type in proptest::sample::select(vec!["Create", "Update", "Delete", "Other"]),
        ) {
            let request = request(request_type, &theirs);
            match refusal(Some(&own), &request) {
                None => proptest::prop_assert_eq!(&own, &theirs),
                Some(reason) => {
                    proptest::prop_assert_ne!(&own, &theirs);
                    let named = if theirs.is_empty() { "no StackId" } else { theirs.as_str() };
                    proptest::prop_assert!(reason.contains(named), "{}", reason);
                }
            }
            proptest::prop_assert!(refusal(None, &request).is_some());
        }
    }

    #[test]
    fn an_unconfigured_function_acts_for_nobody() {
        for request_type in ["Create", "Update", "Delete"] {
            let reason = refusal(None, &request(request_type, OURS)).unwrap();
            assert!(
                reason.contains(STACK_ID_ENV) && reason.contains("not configured"),
                "{reason}"
            );
        }
    }
}

//! "Carry every member over", one mechanism for both Cognito updates.
//!
//! UpdateUserPool and UpdateUserPoolClient reset every setting they are not
//! given (docs/AWS-NOTES.md §2.1), so a request that changes one thing must
//! carry everything else over from the described resource. Each such request
//! has a table of [`Member`]s, one per member of the described shape and of
//! the update input, saying what becomes of it and why; [`table_problems`]
//! holds the table to the SDK's schemas, so an SDK upgrade that adds a
//! member fails one unit test instead of silently resetting a setting.

use std::collections::BTreeSet;

/// What an update request does with a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Names the resource to update.
    Target,
    /// Sent as described.
    Carried,
    /// Sent with the value the request exists to change.
    Replaced,
    /// An update member deliberately left out.
    Withheld,
    /// Described but not an update member.
    DescribeOnly,
}

/// One member: its name in the described shape and in the update input
/// (schema member names, which differ for a few, e.g. a pool's `Name` is
/// the update's `PoolName`; `None` where the shape has no such member),
/// the decision, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub described: Option<&'static str>,
    pub update: Option<&'static str>,
    pub decision: Decision,
    pub why: &'static str,
}

impl Member {
    /// A member with the same name in both shapes.
    pub const fn both(name: &'static str, decision: Decision, why: &'static str) -> Self {
        Self {
            described: Some(name),
            update: Some(name),
            decision,
            why,
        }
    }

    /// A member only the described shape has.
    pub const fn describe_only(name: &'static str, why: &'static str) -> Self {
        Self {
            described: Some(name),
            update: None,
            decision: Decision::DescribeOnly,
            why,
        }
    }

    /// Whether the request sets this member.
    pub const fn is_sent(&self) -> bool {
        matches!(
            self.decision,
            Decision::Target | Decision::Carried | Decision::Replaced
        )
    }
}

/// What is wrong with `table` against the members the SDK's schemas list
/// for the described shape and the update input: a member missing from the
/// table or listed twice, a listed member the SDK no longer has, or a
/// decision that does not fit (a describe-only member with an update name).
/// Empty when the table decides every member exactly once.
pub fn table_problems(
    table: &[Member],
    described: &BTreeSet<String>,
    update: &BTreeSet<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (shape, names, listed) in [
        (
            "described",
            described,
            table.iter().filter_map(|m| m.described).collect::<Vec<_>>(),
        ),
        (
            "update",
            update,
            table.iter().filter_map(|m| m.update).collect::<Vec<_>>(),
        ),
    ] {
        for name in names {
            match listed.iter().filter(|l| **l == name.as_str()).count() {
                0 => problems.push(format!(
                    "{shape} member {name} is not in the table: decide it (the update resets what it is not given)"
                )),
                1 => {}
                _ => problems.push(format!("{shape} member {name} is listed more than once")),
            }
        }
        for name in listed.iter().filter(|l| !names.contains(**l)) {
            problems.push(format!(
                "the table lists {shape} member {name}, which the SDK does not have"
            ));
        }
    }
    for member in table {
        let fits = match member.decision {
            Decision::DescribeOnly => member.update.is_none() && member.described.is_some(),
            _ => member.update.is_some(),
        };
        if !fits || member.why.is_empty() {
            problems.push(format!(
                "{member:?} does not fit its decision, or says no why"
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    const TABLE: &[Member] = &[
        Member::both("Id", Decision::Target, "the target"),
        Member::both("Name", Decision::Carried, "kept"),
        Member::both("Url", Decision::Replaced, "the change"),
        Member::both("Legacy", Decision::Withheld, "deprecated"),
        Member::describe_only("Created", "read-only"),
    ];

    #[test]
    fn a_table_that_decides_every_member_once_has_no_problems() {
        let described = names(&["Id", "Name", "Url", "Legacy", "Created"]);
        let update = names(&["Id", "Name", "Url", "Legacy"]);
        assert_eq!(
            table_problems(TABLE, &described, &update),
            Vec::<String>::new()
        );
        let sent: Vec<bool> = TABLE.iter().map(Member::is_sent).collect();
        assert_eq!(sent, [true, true, true, false, false]);
    }

    #[test]
    fn a_new_sdk_member_or_a_stale_entry_is_a_problem() {
        let described = names(&["Id", "Name", "Url", "Legacy", "Created", "NewSetting"]);
        let update = names(&["Id", "Name", "Url", "NewSetting"]);
        let problems = table_problems(TABLE, &described, &update);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0].contains("described member NewSetting"),
            "{problems:#?}"
        );
        assert!(
            problems[1].contains("update member NewSetting"),
            "{problems:#?}"
        );
        assert!(
            problems[2].contains("update member Legacy, which the SDK"),
            "{problems:#?}"
        );
    }

    #[test]
    fn a_member_listed_twice_or_misdecided_is_a_problem() {
        let mut table = TABLE.to_vec();
        table.push(Member::both("Name", Decision::Carried, "again"));
        table.push(Member {
            described: Some("Created2"),
            update: Some("Created2"),
            decision: Decision::DescribeOnly,
            why: "wrong",
        });
        let described = names(&["Id", "Name", "Url", "Legacy", "Created", "Created2"]);
        let update = names(&["Id", "Name", "Url", "Legacy", "Created2"]);
        let problems = table_problems(&table, &described, &update);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("Name is listed more than once")),
            "{problems:#?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("Created2") && p.contains("does not fit")),
            "{problems:#?}"
        );
    }
}

//! Property tests of `Custom::PrivateWorkforce`'s properties, parsed as the
//! protocol parses them: nothing panics, every refusal names the property,
//! and the simple rules agree with their documented form.

use create_workforce::properties::{
    MAX_CIDRS, MAX_DESCRIPTION_LEN, MAX_GROUP_NAME_LEN, MAX_WORKFORCE_NAME_LEN,
    WorkforceProperties, cidr_problem,
};
use create_workforce::{COGNITO_REQUIRED, CONTRACT, OIDC_REQUIRED};
use custom_resource::fuzz::{self, Perturbation};
use custom_resource::{PropertiesError, parse_properties};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Value, json};
use std::net::{Ipv4Addr, Ipv6Addr};

/// The events/ fixture's properties, with or without a VPC config.
fn valid(with_vpc: bool) -> Value {
    let mut properties = json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:local-test-function",
        "WorkforceName": "local-test-workforce",
        "UserPoolId": "us-east-1_EXAMPLE11",
        "ClientId": "1example23456789abcdefghij",
        "SourceIpCidrs": ["203.0.113.0/24"],
        "WorkteamName": "local-test-workforce-team",
        "WorkteamDescription": "Private labeling team of stack local-test",
        "WorkerGroupName": "workers"
    });
    if with_vpc {
        properties["VpcId"] = json!("vpc-0abc123");
        properties["SubnetIds"] = json!(["subnet-0abc", "subnet-0def"]);
        properties["SecurityGroupIds"] = json!(["sg-0abc"]);
    }
    properties
}

/// An OIDC workforce's properties: the events/ fixture's.
fn valid_oidc() -> Value {
    local_aws::harness::fixture_event("create-workforce-oidc-create.json")["ResourceProperties"]
        .clone()
}

fn with(key: &str, value: Value) -> Value {
    let mut properties = valid(false);
    properties[key] = value;
    properties
}

fn parse(raw: &Value) -> Result<WorkforceProperties, PropertiesError> {
    parse_properties(Some(raw))
}

fn refused_naming(raw: &Value, property: &str) -> Result<(), TestCaseError> {
    match parse(raw) {
        Ok(parsed) => Err(TestCaseError::fail(format!(
            "accepted {parsed:?}, expected a refusal naming {property}"
        ))),
        Err(error) => {
            prop_assert!(fuzz::names_property(&error, property), "{error}");
            Ok(())
        }
    }
}

/// The three parts of a VPC config go together: a change to one can be
/// refused as another one missing.
const VPC: [&str; 3] = ["VpcId", "SubnetIds", "SecurityGroupIds"];

/// Whether `error` names `property` (or, for a part of the VPC config,
/// another part: they go together).
fn names_it(error: &PropertiesError, property: &str) -> bool {
    fuzz::names_property(error, property)
        || (VPC.contains(&property) && VPC.iter().any(|p| fuzz::names_property(error, p)))
}

/// Characters outside `allowed`, to break a character rule with.
fn char_outside(allowed: fn(char) -> bool) -> impl Strategy<Value = char> {
    any::<char>().prop_filter("outside the allowed set", move |c| !allowed(*c))
}

fn workforce_name_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

proptest! {
    #![proptest_config(fuzz::config())]

    /// The fixture with one property replaced, removed or added: accepted
    /// (the new value happens to be valid) or refused naming that property.
    #[test]
    fn one_property_changed_is_accepted_or_refused_by_name(
        change in fuzz::perturbation(CONTRACT.properties),
        with_vpc in any::<bool>(),
    ) {
        let raw = change.apply(&valid(with_vpc));
        if let Err(error) = parse(&raw) {
            prop_assert!(names_it(&error, change.property()), "{change:?}: {error}");
        }
        if let Perturbation::Removed(property) = &change
            && CONTRACT.required.contains(&property.as_str())
        {
            refused_naming(&raw, property)?;
        }
    }

    /// The same for an OIDC workforce. Adding a Cognito property to it is
    /// refused naming that property; removing an OIDC one it needs, by name.
    #[test]
    fn one_oidc_property_changed_is_accepted_or_refused_by_name(
        change in fuzz::perturbation(CONTRACT.properties),
    ) {
        let raw = change.apply(&valid_oidc());
        if let Err(error) = parse(&raw) {
            prop_assert!(names_it(&error, change.property()), "{change:?}: {error}");
        }
        if let Perturbation::Removed(property) = &change
            && OIDC_REQUIRED.contains(&property.as_str())
        {
            refused_naming(&raw, property)?;
        }
        if let Perturbation::Replaced(property, value) = &change
            && COGNITO_REQUIRED.contains(&property.as_str())
            && value.as_str().is_some_and(|text| !text.is_empty())
        {
            refused_naming(&raw, property)?;
        }
    }

    /// Any object over the contract's properties (and a few others) is
    /// parsed or refused naming one of its own or a required property.
    #[test]
    fn arbitrary_properties_are_parsed_or_refused_by_name(raw in fuzz::object_over(CONTRACT.properties)) {
        if let Err(error) = parse(&raw) {
            let keys = raw.as_object().unwrap().keys().map(String::as_str);
            let named = CONTRACT.properties.iter().copied().chain(keys).any(|p| fuzz::names_property(&error, p));
            prop_assert!(named, "{error}");
        }
    }

    /// Any JSON at all as ResourceProperties: no panic.
    #[test]
    fn arbitrary_json_never_panics(raw in fuzz::json_value()) {
        let _ = parse(&raw);
    }

    /// WorkforceName (template.yaml's rule): 1-58 of a-z, 0-9 and '-',
    /// starting with a letter or digit. Names drawn from that pattern are
    /// taken; breaking any one part of it is refused naming the property.
    #[test]
    fn workforce_names_follow_the_documented_pattern(
        name in "[a-z0-9][a-z0-9-]{0,57}",
        bad in char_outside(workforce_name_char),
        at in any::<prop::sample::Index>(),
        extra in "[a-z0-9-]{1,250}",
    ) {
        prop_assert!(parse(&with("WorkforceName", json!(name))).is_ok(), "{name}");
        let mut chars: Vec<char> = name.chars().collect();
        chars.insert(at.index(chars.len() + 1), bad);
        let with_bad_char: String = chars.into_iter().collect();
        refused_naming(&with("WorkforceName", json!(with_bad_char)), "WorkforceName")?;
        refused_naming(&with("WorkforceName", json!(format!("-{name}"))), "WorkforceName")?;
        let too_long = format!("{name}{extra}");
        if too_long.chars().count() > MAX_WORKFORCE_NAME_LEN {
            refused_naming(&with("WorkforceName", json!(too_long)), "WorkforceName")?;
        }
    }

    /// WorkteamDescription: at most 200 characters, counted as characters
    /// (not bytes), whichever they are.
    #[test]
    fn descriptions_are_limited_in_characters(
        c in any::<char>(),
        // Any length, and the limit and its neighbours often.
        n in prop_oneof![1..=2 * MAX_DESCRIPTION_LEN, MAX_DESCRIPTION_LEN - 1..=MAX_DESCRIPTION_LEN + 1],
    ) {
        let raw = with("WorkteamDescription", json!(c.to_string().repeat(n)));
        if n <= MAX_DESCRIPTION_LEN {
            prop_assert!(parse(&raw).is_ok(), "{n} x {c:?}");
        } else {
            refused_naming(&raw, "WorkteamDescription")?;
        }
    }

    /// WorkerGroupName (Cognito): 1-128 letters, marks, symbols, numbers or
    /// punctuation, in any script; whitespace anywhere, or a 129th
    /// character, is refused naming the property.
    #[test]
    fn group_names_are_cognitos(
        name in "[\\pL\\pM\\pS\\pN\\pP]{1,128}",
        space in "\\s",
        at in any::<prop::sample::Index>(),
        extra in "[\\pL\\pN]{1,100}",
    ) {
        prop_assert!(parse(&with("WorkerGroupName", json!(name))).is_ok(), "{name:?}");
        let mut chars: Vec<char> = name.chars().collect();
        chars.insert(at.index(chars.len() + 1), space.chars().next().unwrap());
        let spaced: String = chars.into_iter().collect();
        refused_naming(&with("WorkerGroupName", json!(spaced)), "WorkerGroupName")?;
        let long = format!("{name}{extra}");
        if long.chars().count() > MAX_GROUP_NAME_LEN {
            refused_naming(&with("WorkerGroupName", json!(long)), "WorkerGroupName")?;
        }
    }

    /// SourceIpCidrs: IPv4 blocks with a prefix of 0-32 and IPv6 blocks with
    /// 0-128 are taken, longer prefixes refused naming the property and the item.
    #[test]
    fn cidrs_are_addresses_with_a_prefix_in_range(
        v4 in any::<Ipv4Addr>(),
        v6 in any::<Ipv6Addr>(),
        prefix in 0u16..=300,
    ) {
        for (address, max) in [(v4.to_string(), 32), (v6.to_string(), 128)] {
            let cidr = format!("{address}/{prefix}");
            let raw = with("SourceIpCidrs", json!(["10.0.0.0/8", cidr]));
            if prefix <= max {
                prop_assert!(parse(&raw).is_ok(), "{cidr}");
            } else {
                refused_naming(&raw, "SourceIpCidrs")?;
                let error = parse(&raw).unwrap_err().to_string();
                prop_assert!(error.contains("item 1"), "{error}");
            }
        }
    }

    /// Any text as a CIDR: no panic, and whatever is taken really is an IP
    /// address, one '/', and a decimal prefix length within the family's bits.
    #[test]
    fn any_text_taken_as_a_cidr_is_one(
        text in prop_oneof![fuzz::text(), "[0-9a-f.:]{0,24}/[0-9+ -]{0,4}"],
    ) {
        if cidr_problem(&text).is_none() {
            let (address, prefix) = text.split_once('/').unwrap();
            let bits: u8 = prefix.parse().unwrap();
            let max = if address.parse::<Ipv4Addr>().is_ok() {
                32
            } else {
                prop_assert!(address.parse::<Ipv6Addr>().is_ok(), "{text:?}");
                128
            };
            prop_assert!(bits <= max && prefix.bytes().all(|b| b.is_ascii_digit()), "{text:?}");
        }
    }

    /// At most ten CIDRs ("one to ten", SageMaker).
    #[test]
    fn at_most_ten_cidrs(n in 0..=30usize) {
        let cidrs: Vec<String> = (0..n).map(|i| format!("10.{i}.0.0/16")).collect();
        let raw = with("SourceIpCidrs", json!(cidrs));
        if n <= MAX_CIDRS {
            prop_assert!(parse(&raw).is_ok());
        } else {
            refused_naming(&raw, "SourceIpCidrs")?;
        }
    }
}

//! Property tests of `Custom::DomainPrefix`: its properties, the prefix and
//! parameter-name rules, and the prefix generator over any stack name.

use custom_resource::fuzz;
use custom_resource::{PropertiesError, parse_properties};
use domain_prefix::decide::{
    FALLBACK_STACK_PART, MAX_PARAMETER_LEVELS, MAX_PARAMETER_NAME_LEN, MAX_PREFIX_LEN,
    MAX_STACK_PART_LEN, RESERVED_WORDS, SUFFIX_ALPHABET, SUFFIX_LEN, generate_prefix,
    parameter_name_problem, prefix_problem, random_suffix, sanitise_stack_name,
};
use domain_prefix::{CONTRACT, DomainPrefixProperties};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The events/ fixture's properties.
fn valid() -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:local-test-function",
        "ParameterName": "/sagemaker-workforce/local-test/domain-prefix",
        "Prefix": "",
        "RetainParameter": "true"
    })
}

fn parse(raw: &Value) -> Result<DomainPrefixProperties, PropertiesError> {
    parse_properties(Some(raw))
}

fn with(key: &str, value: &str) -> Value {
    let mut properties = valid();
    properties[key] = json!(value);
    properties
}

fn has_reserved_word(text: &str) -> bool {
    RESERVED_WORDS.iter().any(|word| text.contains(word))
}

/// Stack names of every kind: CloudFormation's own (letters, digits and
/// hyphens, up to 128), any unicode up to 300 characters, and names made of
/// reserved words in any case with bits in between.
fn stack_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z][A-Za-z0-9-]{0,127}",
        "\\PC{0,300}",
        ".{0,300}",
        prop::collection::vec(
            prop_oneof![
                prop::sample::select(vec![
                    "aws", "AWS", "amazon", "Cognito", "cognito", "aw", "s", "-", "_"
                ])
                .prop_map(str::to_owned),
                "[a-z0-9-]{0,3}",
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat()),
    ]
}

proptest! {
    #![proptest_config(fuzz::config())]

    /// The fixture with one property replaced, removed or added: accepted
    /// or refused naming that property.
    #[test]
    fn one_property_changed_is_accepted_or_refused_by_name(change in fuzz::perturbation(CONTRACT.properties)) {
        if let Err(error) = parse(&change.apply(&valid())) {
            prop_assert!(fuzz::names_property(&error, change.property()), "{change:?}: {error}");
        }
    }

    /// Any object over the properties: parsed or refused naming one.
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

    /// The generator's contract: for any stack name, a prefix that
    /// `prefix_problem` accepts, `<readable part>-<8 random characters>`.
    #[test]
    fn any_stack_name_gives_a_valid_prefix(stack in stack_name()) {
        let prefix = generate_prefix(&stack, random_suffix).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(prefix_problem(&prefix), None, "{:?} -> {:?}", stack, prefix);
        prop_assert!(prefix.len() <= MAX_PREFIX_LEN);
        let (readable, suffix) = prefix.rsplit_once('-').unwrap();
        prop_assert_eq!(suffix.len(), SUFFIX_LEN);
        prop_assert!(suffix.bytes().all(|b| SUFFIX_ALPHABET.contains(&b)), "{}", suffix);
        let part = sanitise_stack_name(&stack);
        prop_assert_eq!(readable, if part.is_empty() { FALLBACK_STACK_PART } else { part.as_str() });
    }

    /// Whatever the random part turns out to be (even not from the
    /// alphabet), the generator never hands out a prefix the rules refuse:
    /// it draws again, or gives up with an error.
    #[test]
    fn no_random_part_gives_an_invalid_prefix(
        stack in stack_name(),
        suffixes in prop::collection::vec(prop_oneof!["[a-z0-9]{8}", "[a-z0-9-]{0,3}(aws|amazon|cognito)?[a-z0-9-]{0,3}", fuzz::text()], 1..5),
    ) {
        let mut drawn = suffixes.iter().cycle().cloned();
        if let Ok(prefix) = generate_prefix(&stack, || drawn.next().unwrap()) {
            prop_assert_eq!(prefix_problem(&prefix), None, "{:?}", prefix);
        }
    }

    /// The readable part (its documentation): lowercase letters, digits and
    /// single hyphens, none at either end, no reserved word, at most 54
    /// characters; a name that is already all that is kept as it is.
    #[test]
    fn sanitised_stack_names_are_prefix_material(stack in stack_name(), clean in "[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,4}") {
        let part = sanitise_stack_name(&stack);
        prop_assert!(part.len() <= MAX_STACK_PART_LEN, "{}", part);
        prop_assert!(part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", part);
        prop_assert!(!part.starts_with('-') && !part.ends_with('-') && !part.contains("--"), "{}", part);
        prop_assert!(!has_reserved_word(&part), "{}", part);
        if !has_reserved_word(&clean) && clean.len() <= MAX_STACK_PART_LEN {
            prop_assert_eq!(sanitise_stack_name(&clean), clean.clone());
            prop_assert_eq!(sanitise_stack_name(&clean.to_uppercase()), clean);
        }
    }

    /// Prefix (Cognito): 1-63 of a-z, 0-9 and '-', no hyphen at either end,
    /// no reserved word. Prefixes of that form are taken as the Prefix
    /// property; one reserved word, one other character or a 64th
    /// character is refused naming Prefix.
    #[test]
    fn prefixes_follow_cognitos_rule(
        prefix in "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?".prop_filter("no reserved word", |p| !has_reserved_word(p)),
        word in prop::sample::select(RESERVED_WORDS.to_vec()),
        bad in any::<char>().prop_filter("not a prefix character", |c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')),
        at in any::<prop::sample::Index>(),
        extra in "[a-z0-9]{1,100}",
    ) {
        prop_assert_eq!(prefix_problem(&prefix), None);
        prop_assert!(parse(&with("Prefix", &prefix)).is_ok());
        let split = at.index(prefix.len() + 1);
        for broken in [
            format!("{}{word}{}", &prefix[..split], &prefix[split..]),
            format!("{}{bad}{}", &prefix[..split], &prefix[split..]),
            format!("-{prefix}"),
            format!("{prefix}-"),
        ] {
            let error = parse(&with("Prefix", &broken)).unwrap_err();
            prop_assert!(fuzz::names_property(&error, "Prefix"), "{error}");
        }
        let long = format!("{prefix}{extra}");
        prop_assert_eq!(prefix_problem(&long).is_some(), long.len() > MAX_PREFIX_LEN || has_reserved_word(&long));
    }

    /// ParameterName (SSM): a-z, A-Z, 0-9, '_', '.', '-' and '/'; with '/'
    /// it starts with one, at most 15 levels, none empty; not beginning with
    /// "aws" or "ssm" in any case. Names of that form are taken; breaking
    /// one part is refused naming ParameterName.
    #[test]
    fn parameter_names_follow_ssms_rule(
        levels in prop::collection::vec("[A-Za-z0-9_.-]{1,20}", 1..=MAX_PARAMETER_LEVELS),
        hierarchical in any::<bool>(),
        bad in any::<char>().prop_filter("not a name character", |c| !(c.is_ascii_alphanumeric() || "_.-/".contains(*c))),
    ) {
        let reserved = levels[0].to_ascii_lowercase().starts_with("aws") || levels[0].to_ascii_lowercase().starts_with("ssm");
        prop_assume!(!reserved);
        let name = if hierarchical { format!("/{}", levels.join("/")) } else { levels[0].clone() };
        prop_assert_eq!(parameter_name_problem(&name), None, "{}", name);
        for broken in [
            format!("{name}{bad}"),
            format!("{name}/"),
            format!("{name}//x"),
            format!("aws{}", name.trim_start_matches('/')),
            format!("/SSM{name}"),
            format!("{}/x", levels[0]),
            format!("{name}{}", "/x".repeat(MAX_PARAMETER_LEVELS)),
            format!("/{}", "a".repeat(MAX_PARAMETER_NAME_LEN)),
        ] {
            let error = parse(&with("ParameterName", &broken)).unwrap_err();
            prop_assert!(fuzz::names_property(&error, "ParameterName"), "{broken}: {error}");
        }
    }
}

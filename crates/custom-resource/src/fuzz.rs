//! Strategies for the property tests of every function's [`Properties`]
//! (feature `fuzz`, for dev-dependencies only): arbitrary JSON, the strings
//! CloudFormation sends for scalars, and a valid set of properties with one
//! property replaced, removed or added, so that generated inputs get past
//! the type checks and reach the validators.
//!
//! [`Properties`]: crate::Properties

use crate::PropertiesError;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// The configuration every property test runs with: 256 cases, fresh
/// inputs each run and no regression files (a failure prints its input;
/// pin it as a unit test).
pub fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Longest "huge" string: far beyond every limit the functions check, and
/// cheap enough to build a few hundred times.
pub const HUGE_CHARS: usize = 100_000;

/// Text of every kind an event can carry: printable ASCII, any unicode,
/// control and invisible characters, and now and then a huge string.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[ -~]{0,40}",
        4 => any::<String>(),
        2 => "[\\x00-\\x1f\\x7f\\u{85}\\u{a0}\\u{200b}\\u{2028}\\u{feff}a-z]{0,12}",
        1 => huge_string(),
    ]
}

/// One character, any one, repeated up to [`HUGE_CHARS`] times.
pub fn huge_string() -> impl Strategy<Value = String> {
    (any::<char>(), 1_000..=HUGE_CHARS).prop_map(|(c, n)| c.to_string().repeat(n))
}

/// JSON numbers: small and extreme integers of both signs, and finite floats.
pub fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-5i64..300).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop_oneof![any::<f64>(), Just(1e300), Just(-0.0), Just(0.5)]
            .prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
}

/// Strings as CloudFormation sends scalars: booleans and numbers as text,
/// padded, out of range, or any other text.
pub fn cfn_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "true",
            "false",
            "True",
            "FALSE",
            "0",
            "1",
            "-1",
            "42",
            " 42 ",
            "+1",
            "1.5",
            "1e3",
            "NaN",
            "null",
            "[]",
            "{}",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775809",
        ])
        .prop_map(Value::from),
        any::<u128>().prop_map(|n| Value::String(n.to_string())),
        text().prop_map(Value::String),
    ]
}

/// Any JSON value: scalars of every kind, and arrays and objects of them
/// nested a few levels deep.
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        cfn_scalar(),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[ -~]{0,12}|\\PC{0,6}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// What a replaced property gets: any JSON, a CloudFormation scalar, a list
/// of scalars (as `!Split` gives), a huge string or unicode text.
pub fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => json_value(),
        3 => cfn_scalar(),
        2 => prop::collection::vec(cfn_scalar(), 0..12).prop_map(Value::Array),
        1 => huge_string().prop_map(Value::String),
        1 => prop::collection::vec(huge_string().prop_map(Value::String), 1..3).prop_map(Value::Array),
    ]
}

/// A change to a valid set of properties, naming the property it touches.
#[derive(Debug, Clone)]
pub enum Perturbation {
    /// The property's value replaced.
    Replaced(String, Value),
    /// The property left out.
    Removed(String),
    /// A property the resource does not know (never ServiceToken or
    /// ServiceTimeout, which every resource accepts).
    Added(String, Value),
}

impl Perturbation {
    /// The property the change touches: a refusal must name it.
    pub fn property(&self) -> &str {
        match self {
            Self::Replaced(name, _) | Self::Removed(name) | Self::Added(name, _) => name,
        }
    }

    /// `valid` with the change made.
    pub fn apply(&self, valid: &Value) -> Value {
        let mut object = valid.as_object().cloned().unwrap_or_default();
        match self {
            Self::Replaced(name, value) | Self::Added(name, value) => {
                object.insert(name.clone(), value.clone());
            }
            Self::Removed(name) => {
                object.remove(name);
            }
        }
        Value::Object(object)
    }
}

/// Changes of one property of a resource whose properties are `known`:
/// mostly replacements (which reach the validators), some removals, and
/// some unknown properties.
pub fn perturbation(known: &'static [&'static str]) -> impl Strategy<Value = Perturbation> {
    let name = prop::sample::select(known.to_vec()).prop_map(str::to_owned);
    let unknown = "[A-Za-z][A-Za-z0-9]{0,20}|\\PC{1,8}".prop_filter("an unknown property", |key| {
        !known.contains(&key.as_str()) && key != "ServiceToken" && key != "ServiceTimeout"
    });
    prop_oneof![
        8 => (name.clone(), replacement()).prop_map(|(name, value)| Perturbation::Replaced(name, value)),
        1 => name.prop_map(Perturbation::Removed),
        1 => (unknown, json_value()).prop_map(|(name, value)| Perturbation::Added(name, value)),
    ]
}

/// Whether a refusal names `property` the way the protocol's messages do:
/// in backquotes (`` `Name` ``, or `` `Name[2]` `` for a list item).
pub fn names_property(error: &PropertiesError, property: &str) -> bool {
    let text = error.to_string();
    text.contains(&format!("`{property}`")) || text.contains(&format!("`{property}["))
}

/// An arbitrary object over the `known` properties and a few unknown ones.
pub fn object_over(known: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        4 => prop::sample::select(known.to_vec()).prop_map(str::to_owned),
        1 => "[A-Za-z]{1,12}",
    ];
    prop::collection::btree_map(key, replacement(), 0..=known.len() + 1)
        .prop_map(|map| Value::Object(map.into_iter().collect::<Map<String, Value>>()))
}

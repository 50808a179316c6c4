//! The decisions, without I/O: the naming rules this resource enforces
//! (Cognito's for a domain prefix, SSM's for a parameter name; each check
//! returns the broken rule in words that fit after "property `X` ..."), the
//! generated prefix, and which prefix wins: stored, wanted or generated.

/// Longest Cognito domain prefix.
pub const MAX_PREFIX_LEN: usize = 63;

/// Text Cognito refuses anywhere in a domain prefix, even inside a word.
pub const RESERVED_WORDS: [&str; 3] = ["aws", "amazon", "cognito"];

/// Deepest SSM parameter hierarchy.
pub const MAX_PARAMETER_LEVELS: usize = 15;

/// SSM limits a name to 1011 characters *including* its ARN
/// (`arn:<partition>:ssm:<region>:<account>:parameter/`). The longest
/// partition (10) and Region (16) make that prefix at most 59 characters, so
/// a name of this length fits in every Region.
pub const MAX_PARAMETER_NAME_LEN: usize = 1011 - 59;

pub use aws_rules::shown;

use crate::DomainPrefixError;
use custom_resource::Outcome;

/// The first reserved word found in `text`.
pub fn reserved_word_in(text: &str) -> Option<&'static str> {
    RESERVED_WORDS.into_iter().find(|word| text.contains(word))
}

fn is_prefix_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// Why `prefix` cannot be a Cognito domain prefix, or `None` if it can
/// (1-63 characters of `a-z 0-9 -`, no hyphen at either end, no reserved word).
pub fn prefix_problem(prefix: &str) -> Option<String> {
    if prefix.is_empty() {
        return Some("must not be empty".into());
    }
    let length = prefix.chars().count();
    if length > MAX_PREFIX_LEN {
        return Some(format!(
            "must be at most {MAX_PREFIX_LEN} characters, got {length}: {}",
            shown(prefix)
        ));
    }
    if let Some(bad) = prefix.chars().find(|c| !is_prefix_char(*c)) {
        let hint = if bad.is_ascii_uppercase() {
            " (use lowercase)"
        } else {
            ""
        };
        return Some(format!(
            "must contain only lowercase letters a-z, digits 0-9 and '-', but {} contains {bad:?}{hint}",
            shown(prefix)
        ));
    }
    if prefix.starts_with('-') || prefix.ends_with('-') {
        return Some(format!("must not start or end with '-': {}", shown(prefix)));
    }
    if let Some(word) = reserved_word_in(prefix) {
        return Some(format!(
            "must not contain the text \"{word}\" anywhere (Cognito refuses \"aws\", \"amazon\" and \"cognito\" in a domain prefix, even inside a word): {}",
            shown(prefix)
        ));
    }
    None
}

fn is_parameter_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/')
}

/// Why `name` cannot be an SSM parameter name, or `None` if it can.
pub fn parameter_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("must not be empty".into());
    }
    if let Some(bad) = name.chars().find(|c| !is_parameter_char(*c)) {
        return Some(format!(
            "must contain only a-z, A-Z, 0-9, '_', '.', '-' and '/' (SSM parameter name), but {} contains {bad:?}",
            shown(name)
        ));
    }
    let length = name.chars().count();
    if length > MAX_PARAMETER_NAME_LEN {
        return Some(format!(
            "must be at most {MAX_PARAMETER_NAME_LEN} characters (SSM allows 1011 including the parameter's ARN), got {length}"
        ));
    }
    let body = match name.strip_prefix('/') {
        Some(body) => body,
        None if name.contains('/') => {
            return Some(format!(
                "must start with '/' when it has levels separated by '/': {}",
                shown(name)
            ));
        }
        None => name,
    };
    let levels: Vec<&str> = body.split('/').collect();
    if levels.iter().any(|level| level.is_empty()) {
        return Some(format!(
            "must not have an empty level (\"//\", or '/' at the end): {}",
            shown(name)
        ));
    }
    if levels.len() > MAX_PARAMETER_LEVELS {
        return Some(format!(
            "must have at most {MAX_PARAMETER_LEVELS} levels, got {}: {}",
            levels.len(),
            shown(name)
        ));
    }
    let lowered = body.to_ascii_lowercase();
    if lowered.starts_with("aws") || lowered.starts_with("ssm") {
        return Some(format!(
            "must not begin with \"aws\" or \"ssm\" in any case (SSM reserves them), got {}",
            shown(name)
        ));
    }
    None
}

/// Length of the random part of a generated prefix.
pub const SUFFIX_LEN: usize = 8;

/// Characters the random part is drawn from.
pub const SUFFIX_ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Longest stack part of a generated prefix: room is kept for `-` and the
/// random part.
pub const MAX_STACK_PART_LEN: usize = MAX_PREFIX_LEN - 1 - SUFFIX_LEN;

/// The stack name as the readable part of a prefix: lowercased, every other
/// character (and every reserved word) turned into a single hyphen, no
/// hyphen at either end, at most [`MAX_STACK_PART_LEN`] characters. May be
/// empty.
pub fn sanitise_stack_name(stack_name: &str) -> String {
    let mut text: String = stack_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    // A hyphen, not nothing, replaces a reserved word: removing it could
    // join its neighbours into another one ("awcognitos" -> "aws").
    while let Some(word) = reserved_word_in(&text) {
        text = text.replace(word, "-");
    }
    let mut collapsed = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c == '-' && collapsed.ends_with('-')) {
            collapsed.push(c);
        }
    }
    let trimmed = collapsed.trim_matches('-');
    // ASCII only by now, so byte and char lengths agree.
    let cut = &trimmed[..trimmed.len().min(MAX_STACK_PART_LEN)];
    cut.trim_end_matches('-').to_owned()
}

/// The readable part of a generated prefix when the stack name has nothing
/// usable left (say it was all reserved words or non-ASCII).
pub const FALLBACK_STACK_PART: &str = "workforce";

/// `<stack part>-<suffix>`, with [`FALLBACK_STACK_PART`] standing in for an
/// empty stack part so that a prefix always starts with a readable word.
pub fn assemble(stack_part: &str, suffix: &str) -> String {
    let stack_part = if stack_part.is_empty() {
        FALLBACK_STACK_PART
    } else {
        stack_part
    };
    format!("{stack_part}-{suffix}")
}

/// How many random parts [`generate_prefix`] tries. Eight random characters
/// spell a reserved word about once in 7,800 draws, so a hundred failures in
/// a row mean the source of randomness is broken, not unlucky.
pub const MAX_GENERATION_ATTEMPTS: usize = 100;

/// `random_suffix` never gave a usable prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "could not generate a valid domain prefix for stack {stack_name:?} in {MAX_GENERATION_ATTEMPTS} attempts (last try {last:?}: {problem}); set the Prefix property explicitly"
)]
pub struct GenerationFailed {
    pub stack_name: String,
    pub last: String,
    pub problem: String,
}

/// A prefix `<sanitised stack name>-<random part>` that satisfies
/// [`prefix_problem`]. The whole result is checked, not just its parts, and a
/// new random part drawn while it fails (random characters can spell "aws").
/// `random_suffix` is passed in so tests can script it.
pub fn generate_prefix(
    stack_name: &str,
    mut random_suffix: impl FnMut() -> String,
) -> Result<String, GenerationFailed> {
    let stack_part = sanitise_stack_name(stack_name);
    let mut last = (String::new(), String::new());
    for _ in 0..MAX_GENERATION_ATTEMPTS {
        let candidate = assemble(&stack_part, &random_suffix());
        match prefix_problem(&candidate) {
            None => return Ok(candidate),
            Some(problem) => last = (candidate, problem),
        }
    }
    Err(GenerationFailed {
        stack_name: stack_name.to_owned(),
        last: last.0,
        problem: last.1,
    })
}

/// [`SUFFIX_LEN`] characters drawn uniformly from [`SUFFIX_ALPHABET`].
pub fn random_suffix() -> String {
    (0..SUFFIX_LEN)
        .map(|_| char::from(SUFFIX_ALPHABET[rand::random_range(0..SUFFIX_ALPHABET.len())]))
        .collect()
}

/// What to do once the parameter has been read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The parameter holds a valid prefix that matches any wanted one.
    UseStored(String),
    /// Nothing is stored: store this prefix.
    Store(String),
}

/// The pure heart of the resource: the stored value wins, else `wanted`,
/// else a generated prefix (`generate` is only called when needed).
pub fn decision(
    parameter: &str,
    stored: Option<&str>,
    wanted: Option<&str>,
    generate: impl FnOnce() -> Result<String, GenerationFailed>,
) -> Result<Decision, DomainPrefixError> {
    let Some(stored) = stored else {
        return Ok(Decision::Store(match wanted {
            Some(wanted) => wanted.to_owned(),
            None => generate()?,
        }));
    };
    if let Some(problem) = prefix_problem(stored) {
        return Err(DomainPrefixError::InvalidStored {
            parameter: parameter.to_owned(),
            shown: shown(stored),
            problem,
        });
    }
    match wanted {
        Some(wanted) if wanted != stored => Err(DomainPrefixError::Conflict {
            parameter: parameter.to_owned(),
            stored: stored.to_owned(),
            wanted: wanted.to_owned(),
        }),
        _ => Ok(Decision::UseStored(stored.to_owned())),
    }
}

/// The successful answer: the parameter name is the physical id.
pub fn outcome(parameter: &str, prefix: &str) -> Outcome {
    Outcome::new(parameter).with("Prefix", prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_prefixes() {
        for prefix in ["a", "0", "my-stack-1a2b3c4d", "a-b", &"x".repeat(63)] {
            assert_eq!(prefix_problem(prefix), None, "{prefix}");
        }
    }

    #[test]
    fn prefix_length_rule() {
        assert!(prefix_problem("").is_some());
        let long = "x".repeat(64);
        let problem = prefix_problem(&long).unwrap();
        assert!(
            problem.contains("at most 63") && problem.contains("64"),
            "{problem}"
        );
    }

    #[test]
    fn prefix_character_rule() {
        for (prefix, bad) in [
            ("Foo", 'F'),
            ("a_b", '_'),
            ("a.b", '.'),
            ("a b", ' '),
            ("é", 'é'),
        ] {
            let problem = prefix_problem(prefix).unwrap();
            assert!(
                problem.contains("a-z") && problem.contains(&format!("{bad:?}")),
                "{problem}"
            );
        }
        assert!(prefix_problem("Foo").unwrap().contains("lowercase"));
    }

    #[test]
    fn prefix_hyphen_rule() {
        for prefix in ["-a", "a-", "-", "--"] {
            let problem = prefix_problem(prefix).unwrap();
            assert!(
                problem.contains("start or end with '-'"),
                "{prefix}: {problem}"
            );
        }
    }

    #[test]
    fn prefix_reserved_words_anywhere() {
        for (prefix, word) in [
            ("aws", "aws"),
            ("my-aws-stack", "aws"),
            ("laws", "aws"),
            ("amazonia", "amazon"),
            ("incognito", "cognito"),
            ("x-cognito9", "cognito"),
        ] {
            let problem = prefix_problem(prefix).unwrap();
            assert!(
                problem.contains(&format!("\"{word}\" anywhere")),
                "{prefix}: {problem}"
            );
        }
    }

    #[test]
    fn accepts_valid_parameter_names() {
        for name in [
            "plain",
            "/sagemaker-workforce/my-stack/domain-prefix",
            "/a",
            "a.b_c-D",
            "/x/aws-not-first",
            &format!("/{}", ["l"; 15].join("/")),
            &format!("/{}", "n".repeat(MAX_PARAMETER_NAME_LEN - 1)),
        ] {
            assert_eq!(parameter_name_problem(name), None, "{name}");
        }
    }

    #[test]
    fn parameter_name_rules() {
        let cases: [(&str, &str); 13] = [
            ("", "must not be empty"),
            ("/a b", "contains ' '"),
            ("/a:b", "contains ':'"),
            ("/näme", "contains 'ä'"),
            ("a/b", "must start with '/'"),
            ("/", "empty level"),
            ("/a//b", "empty level"),
            ("/a/", "empty level"),
            ("awsParam", "\"aws\" or \"ssm\""),
            ("SSM-param", "\"aws\" or \"ssm\""),
            ("/aws/x", "\"aws\" or \"ssm\""),
            ("/Ssm/x", "\"aws\" or \"ssm\""),
            ("/AWSome", "\"aws\" or \"ssm\""),
        ];
        for (name, expected) in cases {
            let problem = parameter_name_problem(name).unwrap_or_default();
            assert!(problem.contains(expected), "{name:?}: {problem:?}");
        }
        let deep = format!("/{}", ["l"; 16].join("/"));
        assert!(
            parameter_name_problem(&deep)
                .unwrap()
                .contains("at most 15 levels")
        );
        let long = format!("/{}", "n".repeat(MAX_PARAMETER_NAME_LEN));
        assert!(parameter_name_problem(&long).unwrap().contains("1011"));
    }

    #[test]
    fn sanitises_stack_names() {
        let cases = [
            ("My-Stack", "my-stack"),
            ("my_stack..two", "my-stack-two"),
            ("my-aws-stack", "my-stack"),
            ("MyAwsStack", "my-stack"),
            ("awcognitos", "aw-s"),
            ("amazon-cognito-aws", ""),
            ("AWS", ""),
            ("--x--", "x"),
            ("", ""),
            ("日本語", ""),
            ("café-stack", "caf-stack"),
        ];
        for (stack, expected) in cases {
            assert_eq!(sanitise_stack_name(stack), expected, "{stack}");
        }
    }

    #[test]
    fn long_stack_names_are_trimmed_without_a_trailing_hyphen() {
        let part = sanitise_stack_name(&"a".repeat(200));
        assert_eq!(part.len(), MAX_STACK_PART_LEN);
        // A hyphen exactly at the cut is dropped.
        let name = format!("{}-{}", "b".repeat(MAX_STACK_PART_LEN - 1), "c".repeat(20));
        assert_eq!(
            sanitise_stack_name(&name),
            "b".repeat(MAX_STACK_PART_LEN - 1)
        );
    }

    /// A `random_suffix` that hands out `suffixes` in order.
    fn scripted(suffixes: &[&str]) -> impl FnMut() -> String {
        let mut queue: Vec<String> = suffixes.iter().rev().map(|s| (*s).to_owned()).collect();
        move || queue.pop().expect("the script ran out of suffixes")
    }

    #[test]
    fn generates_stack_part_and_suffix() {
        let prefix = generate_prefix("My_Stack", scripted(&["a1b2c3d4"])).unwrap();
        assert_eq!(prefix, "my-stack-a1b2c3d4");
    }

    #[test]
    fn an_empty_stack_part_falls_back_to_a_word() {
        for stack in ["", "AWS", "amazon-cognito", "日本"] {
            let prefix = generate_prefix(stack, scripted(&["0a1b2c3d"])).unwrap();
            assert_eq!(prefix, "workforce-0a1b2c3d", "{stack}");
        }
    }

    #[test]
    fn draws_again_while_the_result_spells_a_reserved_word() {
        // The suffix alone, and across the stack part's last letters: the
        // whole result is what gets checked.
        let prefix = generate_prefix(
            "stack",
            scripted(&["xxawsxxx", "amazon12", "cognito1", "k2m4p6r8"]),
        )
        .unwrap();
        assert_eq!(prefix, "stack-k2m4p6r8");
    }

    #[test]
    fn reserved_words_spelled_across_removed_parts_are_removed_too() {
        // Cutting "cognito" out of "awcognitos" must not leave "aws" behind.
        assert_eq!(sanitise_stack_name("awcognitos"), "aw-s");
        assert_eq!(sanitise_stack_name("amaawszon"), "ama-zon");
        assert_eq!(sanitise_stack_name("cognitaws-x"), "cognit-x");
        // Separators that split a word leave nothing reserved.
        assert_eq!(sanitise_stack_name("A.WS"), "a-ws");
        let prefix = generate_prefix("awcognitos", scripted(&["12345678"])).unwrap();
        assert_eq!(prefix_problem(&prefix), None, "{prefix}");
    }

    #[test]
    fn gives_up_after_bounded_attempts() {
        let mut calls = 0;
        let error = generate_prefix("s", || {
            calls += 1;
            "aws00000".to_owned()
        })
        .unwrap_err();
        assert_eq!(calls, MAX_GENERATION_ATTEMPTS);
        assert!(
            error.to_string().contains("set the Prefix property"),
            "{error}"
        );
    }

    #[test]
    fn long_stack_names_fit_in_63_characters() {
        for stack in [
            "a".repeat(128),
            format!("{}-tail", "x".repeat(53)),
            "Very-Long-Stack-Name-With-Many-Words-And-An-Aws-In-The-Middle-Of-It-All".to_owned(),
            format!("{}aws{}", "b".repeat(40), "c".repeat(40)),
        ] {
            let prefix = generate_prefix(&stack, random_suffix).unwrap();
            assert!(prefix.len() <= MAX_PREFIX_LEN, "{prefix}");
            assert_eq!(prefix_problem(&prefix), None, "{prefix}");
            assert_eq!(
                prefix.as_bytes()[prefix.len() - SUFFIX_LEN - 1],
                b'-',
                "{prefix}"
            );
        }
        let full = generate_prefix(&"a".repeat(128), scripted(&["12345678"])).unwrap();
        assert_eq!(full.len(), MAX_PREFIX_LEN);
        assert_eq!(full, format!("{}-12345678", "a".repeat(MAX_STACK_PART_LEN)));
    }

    #[test]
    fn random_suffixes_use_the_alphabet() {
        for _ in 0..50 {
            let suffix = random_suffix();
            assert_eq!(suffix.len(), SUFFIX_LEN);
            assert!(
                suffix.bytes().all(|b| SUFFIX_ALPHABET.contains(&b)),
                "{suffix}"
            );
        }
    }

    const PARAMETER: &str = "/sagemaker-workforce/s/domain-prefix";

    fn no_generation() -> Result<String, GenerationFailed> {
        panic!("generate must not be called")
    }

    #[test]
    fn the_stored_value_wins() {
        assert_eq!(
            decision(PARAMETER, Some("kept-1"), None, no_generation).unwrap(),
            Decision::UseStored("kept-1".into())
        );
        assert_eq!(
            decision(PARAMETER, Some("kept-1"), Some("kept-1"), no_generation).unwrap(),
            Decision::UseStored("kept-1".into())
        );
    }

    #[test]
    fn nothing_stored_stores_the_wanted_or_a_generated_prefix() {
        assert_eq!(
            decision(PARAMETER, None, Some("mine"), no_generation).unwrap(),
            Decision::Store("mine".into())
        );
        assert_eq!(
            decision(PARAMETER, None, None, || Ok("gen-12345678".into())).unwrap(),
            Decision::Store("gen-12345678".into())
        );
    }

    #[test]
    fn a_different_wanted_prefix_is_a_conflict_with_guidance() {
        let error = decision(PARAMETER, Some("kept-1"), Some("other"), no_generation).unwrap_err();
        assert!(matches!(error, DomainPrefixError::Conflict { .. }));
        let reason = error.to_string();
        for needle in [
            PARAMETER,
            "\"kept-1\"",
            "\"other\"",
            "cannot be renamed",
            "set Prefix to \"kept-1\"",
            "aws ssm delete-parameter --name /sagemaker-workforce/s/domain-prefix",
            "delete the stack",
            "then create the stack with Prefix \"other\"",
        ] {
            assert!(reason.contains(needle), "missing {needle:?} in {reason}");
        }
    }

    #[test]
    fn an_invalid_stored_value_fails_whatever_is_wanted() {
        for wanted in [None, Some("ok")] {
            let error = decision(PARAMETER, Some("Bad_Value"), wanted, no_generation).unwrap_err();
            let reason = error.to_string();
            assert!(
                matches!(error, DomainPrefixError::InvalidStored { .. })
                    && reason.contains("\"Bad_Value\"")
                    && reason.contains(PARAMETER),
                "{reason}"
            );
        }
    }

    #[test]
    fn generation_failure_is_reported() {
        let failure = GenerationFailed {
            stack_name: "s".into(),
            last: "s-aws00000".into(),
            problem: "p".into(),
        };
        let error = decision(PARAMETER, None, None, || Err(failure.clone())).unwrap_err();
        assert_eq!(error.to_string(), failure.to_string());
    }
}

//! Property tests of the shared AWS rules: callback/logout URLs and the
//! user pool and app client id shapes, against their documented forms.

use aws_rules::text::SHOWN_CHARS;
use aws_rules::{
    MAX_CLIENT_ID_CHARS, MAX_URL_CHARS, MAX_USER_POOL_ID_CHARS, UrlProblem, check_app_client_ids,
    check_url, is_client_id, is_user_pool_id, shown,
};
use custom_resource::fuzz;
use proptest::prelude::*;

/// https URLs as an app client holds them: a host (whose last label is not
/// a number, which would make it an invalid IPv4 address), maybe a port, a
/// path and a query, of characters a URL may carry unencoded.
fn https_url() -> impl Strategy<Value = String> {
    "https://([a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?\\.){0,3}[a-z]{2,6}(:[1-9][0-9]{0,3})?(/[A-Za-z0-9._~%-]{0,12}){0,4}(\\?[a-z]{1,5}=[A-Za-z0-9]{0,8})?"
}

/// Characters that one rule each refuses anywhere in a URL.
fn forbidden() -> impl Strategy<Value = (char, UrlProblem)> {
    prop_oneof![
        "\\s".prop_map(|s| (s.chars().next().unwrap(), UrlProblem::Whitespace)),
        "[\\x00-\\x08\\x0e-\\x1f\\x7f]"
            .prop_map(|s| (s.chars().next().unwrap(), UrlProblem::Whitespace)),
        Just((',', UrlProblem::Comma)),
        Just(('#', UrlProblem::Fragment)),
    ]
}

proptest! {
    #![proptest_config(fuzz::config())]

    /// Any text: a decision, never a panic; and a value shown in a Reason
    /// stays short whatever its length.
    #[test]
    fn any_text_is_checked_without_panicking(text in fuzz::text()) {
        let _ = check_url(&text);
        let _ = is_user_pool_id(&text);
        let _ = is_client_id(&text);
        // At most SHOWN_CHARS characters, each escaped in at most 10, and
        // the "... (<count> characters)" note.
        let bound = 2 + 10 * SHOWN_CHARS + "... (1000000 characters)".len();
        prop_assert!(shown(&text).chars().count() <= bound, "{}", shown(&text));
    }

    /// Absolute https URLs within 1024 characters are taken.
    #[test]
    fn https_urls_are_taken(url in https_url()) {
        prop_assert_eq!(check_url(&url), Ok(()), "{}", url);
    }

    /// One forbidden character anywhere after the scheme is refused with
    /// its own reason.
    #[test]
    fn a_forbidden_character_anywhere_is_refused(
        url in https_url(),
        (bad, problem) in forbidden(),
        at in any::<prop::sample::Index>(),
    ) {
        let mut chars: Vec<char> = url.chars().collect();
        let position = "https://".len() + at.index(chars.len() - "https://".len() + 1);
        chars.insert(position, bad);
        let broken: String = chars.into_iter().collect();
        prop_assert_eq!(check_url(&broken), Err(problem), "{:?}", broken);
    }

    /// Over 1024 characters is too long; exactly 1024 is not.
    #[test]
    fn urls_are_at_most_1024_characters(url in https_url(), c in "[a-z0-9\\p{Greek}]", more in 0..200usize) {
        let fill = |target: usize| format!("{url}/{}", c.repeat(target - url.chars().count() - 1));
        prop_assert_eq!(check_url(&fill(MAX_URL_CHARS)), Ok(()));
        prop_assert_eq!(check_url(&fill(MAX_URL_CHARS + 1 + more)), Err(UrlProblem::TooLong));
    }

    /// Only https:// (and http://localhost) URLs: any other scheme is
    /// refused, and so is text without one.
    #[test]
    fn other_schemes_and_relative_urls_are_refused(
        scheme in "[a-z][a-z0-9+.-]{0,8}",
        rest in "[a-z0-9]{1,10}(\\.[a-z]{2,4})?(/[a-z0-9]{0,8}){0,2}",
    ) {
        let url = format!("{scheme}://{rest}");
        let allowed = scheme == "https" || (scheme == "http" && rest.split('/').next() == Some("localhost"));
        prop_assert_eq!(check_url(&url).is_ok(), allowed, "{}", url);
        prop_assert!(check_url(&rest).is_err(), "{}", rest);
    }

    /// User pool ids (Cognito model): `[\w-]+_[0-9a-zA-Z]+`, at most 55
    /// characters; anything else in either part, or a 56th character, is refused.
    #[test]
    fn user_pool_ids_follow_the_model(
        region in "[A-Za-z0-9_-]{1,25}",
        suffix in "[A-Za-z0-9]{1,25}",
        bad in any::<char>().prop_filter("not in the suffix's set", |c| !c.is_ascii_alphanumeric() && *c != '_'),
    ) {
        let id = format!("{region}_{suffix}");
        prop_assert!(is_user_pool_id(&id), "{}", id);
        prop_assert!(!is_user_pool_id(&format!("{id}{bad}")), "{}{:?}", id, bad);
        let no_suffix = format!("{region}_");
        prop_assert!(!is_user_pool_id(&no_suffix), "{}", no_suffix);
        let long = format!("{id}{}", "a".repeat(MAX_USER_POOL_ID_CHARS + 1 - id.len()));
        prop_assert!(!is_user_pool_id(&long), "{}", long);
    }

    /// App client ids (Cognito model): 1-128 characters of `[\w+]`.
    #[test]
    fn client_ids_follow_the_model(
        id in "[A-Za-z0-9_+]{1,128}",
        bad in any::<char>().prop_filter("not in the set", |c| !c.is_ascii_alphanumeric() && *c != '_' && *c != '+'),
        at in any::<prop::sample::Index>(),
    ) {
        prop_assert!(is_client_id(&id));
        let mut chars: Vec<char> = id.chars().collect();
        chars.insert(at.index(chars.len() + 1), bad);
        let broken: String = chars.into_iter().collect();
        prop_assert!(!is_client_id(&broken), "{:?}", broken);
        let long = format!("{id}{}", "a".repeat(MAX_CLIENT_ID_CHARS + 1 - id.len()));
        prop_assert!(!is_client_id(&long));
    }

    /// A pair of ids is refused naming the first wrong one, pool first.
    #[test]
    fn app_client_ids_are_refused_by_name(pool in fuzz::text(), client in fuzz::text()) {
        match check_app_client_ids(&pool, &client) {
            Ok(()) => prop_assert!(is_user_pool_id(&pool) && is_client_id(&client)),
            Err(error) if !is_user_pool_id(&pool) => prop_assert_eq!(error.property, "UserPoolId"),
            Err(error) => prop_assert_eq!(error.property, "ClientId"),
        }
    }
}

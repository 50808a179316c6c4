//! User pool and app client ids: their shapes in Cognito's API model.

use custom_resource::InvalidProperty;

/// Longest user pool id (Cognito's `UserPoolIdType`; SageMaker's
/// `CognitoConfig.UserPool` takes the same).
pub const MAX_USER_POOL_ID_CHARS: usize = 55;
/// Longest app client id (Cognito's `ClientIdType`).
pub const MAX_CLIENT_ID_CHARS: usize = 128;

/// Cognito user pool id: 1-55 characters, `[\w-]+_[0-9a-zA-Z]+` (Model),
/// e.g. `us-east-1_AbC123xyz`.
pub fn is_user_pool_id(id: &str) -> bool {
    let Some((region, suffix)) = id.rsplit_once('_') else {
        return false;
    };
    // Only ASCII passes the checks below, so bytes count characters.
    id.len() <= MAX_USER_POOL_ID_CHARS
        && !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !suffix.is_empty()
        && suffix.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Cognito app client id: 1-128 characters, `[\w+]+` (Model).
pub fn is_client_id(id: &str) -> bool {
    (1..=MAX_CLIENT_ID_CHARS).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '+')
}

/// The `UserPoolId` property of any resource.
pub fn check_user_pool_id(user_pool_id: &str) -> Result<(), InvalidProperty> {
    if is_user_pool_id(user_pool_id) {
        return Ok(());
    }
    Err(InvalidProperty::new(
        "UserPoolId",
        format!("must be a Cognito user pool id like us-east-1_AbC123 (got {user_pool_id:?})"),
    ))
}

/// The `UserPoolId` and `ClientId` properties that name an app client,
/// checked in that order.
pub fn check_app_client_ids(user_pool_id: &str, client_id: &str) -> Result<(), InvalidProperty> {
    check_user_pool_id(user_pool_id)?;
    if !is_client_id(client_id) {
        return Err(InvalidProperty::new(
            "ClientId",
            format!(
                "must be a Cognito app client id: 1-128 letters, digits, '_' or '+' (got {client_id:?})"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_pool_id_shapes() {
        let longest = format!("us-east-1_{}", "a".repeat(MAX_USER_POOL_ID_CHARS - 10));
        let too_long = format!("{longest}a");
        let cases = [
            (longest.as_str(), true),
            (too_long.as_str(), false),
            ("us-east-1_AbC123xyz", true),
            ("a_b_c", true),
            ("x_1", true),
            ("", false),
            ("_abc", false),
            ("us-east-1", false),
            ("us-east-1_", false),
            ("us-east-1_ab-c", false),
            ("us east-1_abc", false),
            ("us-east-1_é", false),
            (
                "arn:aws:cognito-idp:us-east-1:1:userpool/us-east-1_A",
                false,
            ),
        ];
        for (id, expected) in cases {
            assert_eq!(is_user_pool_id(id), expected, "{id:?}");
        }
    }

    #[test]
    fn client_id_shapes() {
        for good in ["1example23456789abcdefghij", "a", "a_b+c", &"a".repeat(128)] {
            assert!(is_client_id(good), "{good}");
        }
        for bad in [
            "",
            "abc-callbacks",
            "my client",
            "a/b",
            "é",
            &"a".repeat(129),
        ] {
            assert!(!is_client_id(bad), "{bad}");
        }
    }

    #[test]
    fn app_client_ids_name_the_wrong_property() {
        assert!(check_app_client_ids("us-east-1_AbC123", "abc123").is_ok());
        let error = check_app_client_ids("pool", "abc123").unwrap_err();
        assert_eq!(error.property, "UserPoolId");
        assert!(error.rule.contains("\"pool\""), "{error}");
        let error = check_app_client_ids("us-east-1_AbC123", "client-id").unwrap_err();
        assert_eq!(error.property, "ClientId");
        assert!(error.rule.contains("\"client-id\""), "{error}");
        // Both wrong: the pool is reported first.
        let error = check_app_client_ids("pool", "client-id").unwrap_err();
        assert_eq!(error.property, "UserPoolId");
    }
}

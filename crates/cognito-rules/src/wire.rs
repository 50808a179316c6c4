//! What goes on the wire in a CreateUserPool / UpdateUserPool body.
//!
//! The SDK's schema serializer writes every non-optional integer, so
//! `AdminCreateUserConfig.UnusedAccountValidityDays` and
//! `PasswordPolicy.TemporaryPasswordValidityDays` go out as `0` when they
//! were never set (the SDK also reads an absent member back as 0). Cognito
//! refuses a request carrying both ("Please use TemporaryPasswordValidityDays
//! in PasswordPolicy instead of UnusedAccountValidityDays"), and nothing shows
//! that it reads an explicit 0 as absent. [`validity_members_to_drop`] decides,
//! from the serialized JSON alone, which of the two to leave out;
//! [`OmitUnsetValidity`] applies it to a request before it is signed.

use aws_sdk_cognitoidentityprovider::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_cognitoidentityprovider::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cognitoidentityprovider::error::BoxError;
use aws_smithy_types::body::SdkBody;
use serde_json::Value;

/// JSON pointer of the legacy validity (days) in a pool request body.
pub const UNUSED_ACCOUNT_VALIDITY_DAYS: &str = "/AdminCreateUserConfig/UnusedAccountValidityDays";
/// JSON pointer of its successor in a pool request body.
pub const TEMPORARY_PASSWORD_VALIDITY_DAYS: &str =
    "/Policies/PasswordPolicy/TemporaryPasswordValidityDays";

/// The members of a CreateUserPool/UpdateUserPool `body` to leave out
/// (JSON pointers), so that Cognito gets at most one validity and never a 0
/// that only stands for "not set":
/// - a 0 in either member: the SDK's "unset" (a pool never describes 0:
///   Cognito's default is 7), so the member is left out and Cognito keeps
///   or applies its default instead of reading an explicit 0;
/// - both set: the legacy `UnusedAccountValidityDays` goes, since
///   `TemporaryPasswordValidityDays` replaced it and is the one in force.
///
/// A member that is not a number is left alone (Cognito will name it).
pub fn validity_members_to_drop(body: &Value) -> Vec<&'static str> {
    let days = |pointer| body.pointer(pointer).and_then(Value::as_i64);
    let unused = days(UNUSED_ACCOUNT_VALIDITY_DAYS);
    let temporary = days(TEMPORARY_PASSWORD_VALIDITY_DAYS);
    let mut drop = Vec::new();
    if temporary == Some(0) {
        drop.push(TEMPORARY_PASSWORD_VALIDITY_DAYS);
    }
    let temporary_set = temporary.is_some_and(|days| days != 0);
    if unused == Some(0) || (unused.is_some() && temporary_set) {
        drop.push(UNUSED_ACCOUNT_VALIDITY_DAYS);
    }
    drop
}

/// Leaves out of `body` what [`validity_members_to_drop`] names; returns it.
pub fn omit_unset_validity(body: &mut Value) -> Vec<&'static str> {
    let drop = validity_members_to_drop(body);
    for pointer in &drop {
        if let Some((parent, member)) = pointer.rsplit_once('/')
            && let Some(Value::Object(object)) = body.pointer_mut(parent)
        {
            object.remove(member);
        }
    }
    drop
}

/// Applies [`omit_unset_validity`] to the serialized body of the request it
/// is attached to, before the request is signed (the signature covers the
/// body). Attach it per operation (`customize().interceptor(...)`) to
/// CreateUserPool or UpdateUserPool; a body that is not JSON, or has nothing
/// to drop, is sent as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct OmitUnsetValidity;

impl Intercept for OmitUnsetValidity {
    fn name(&self) -> &'static str {
        "OmitUnsetValidity"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let Some(mut body) = request
            .body()
            .bytes()
            .and_then(|bytes| serde_json::from_slice::<Value>(bytes).ok())
        else {
            return Ok(());
        };
        if omit_unset_validity(&mut body).is_empty() {
            return Ok(());
        }
        let bytes = serde_json::to_vec(&body)?;
        if request.headers().contains_key("content-length") {
            request
                .headers_mut()
                .insert("content-length", bytes.len().to_string());
        }
        *request.body_mut() = SdkBody::from(bytes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(unused: Option<i64>, temporary: Option<i64>) -> Value {
        let mut body = json!({
            "UserPoolId": "us-east-1_Abc",
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": true},
            "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": true}},
        });
        if let Some(days) = unused {
            body["AdminCreateUserConfig"]["UnusedAccountValidityDays"] = json!(days);
        }
        if let Some(days) = temporary {
            body["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"] = json!(days);
        }
        body
    }

    #[test]
    fn the_sdks_zero_beside_a_temporary_validity_is_dropped() {
        // What every UpdateUserPool carried before: the legacy 0 next to 7.
        let mut sent = body(Some(0), Some(7));
        assert_eq!(
            omit_unset_validity(&mut sent),
            [UNUSED_ACCOUNT_VALIDITY_DAYS]
        );
        assert_eq!(sent, body(None, Some(7)));
    }

    #[test]
    fn a_described_legacy_value_beside_a_temporary_validity_is_dropped() {
        // A default pool describes both as 7.
        let mut sent = body(Some(7), Some(7));
        assert_eq!(
            omit_unset_validity(&mut sent),
            [UNUSED_ACCOUNT_VALIDITY_DAYS]
        );
        assert_eq!(sent, body(None, Some(7)));
        let mut sent = body(Some(30), Some(3));
        omit_unset_validity(&mut sent);
        assert_eq!(sent, body(None, Some(3)));
    }

    #[test]
    fn a_legacy_pool_keeps_its_validity_and_loses_the_sdks_zero() {
        // Described with UnusedAccountValidityDays only: the SDK writes the
        // successor as 0, which would both clash and set 0 days.
        let mut sent = body(Some(30), Some(0));
        assert_eq!(
            omit_unset_validity(&mut sent),
            [TEMPORARY_PASSWORD_VALIDITY_DAYS]
        );
        assert_eq!(sent, body(Some(30), None));
    }

    #[test]
    fn zeros_alone_are_dropped_and_real_values_alone_kept() {
        let mut sent = body(Some(0), Some(0));
        omit_unset_validity(&mut sent);
        assert_eq!(sent, body(None, None));
        for (unused, temporary) in [(None, Some(7)), (Some(7), None), (None, None)] {
            let mut sent = body(unused, temporary);
            assert!(omit_unset_validity(&mut sent).is_empty());
            assert_eq!(sent, body(unused, temporary));
        }
        let mut sent = body(Some(0), None);
        omit_unset_validity(&mut sent);
        assert_eq!(sent, body(None, None));
    }

    #[test]
    fn other_shapes_are_left_alone() {
        for mut other in [
            json!({}),
            json!({"AdminCreateUserConfig": {"UnusedAccountValidityDays": "7"},
                   "Policies": {"PasswordPolicy": {"TemporaryPasswordValidityDays": 7}}}),
            json!({"UserPoolId": "p", "ClientId": "c", "RefreshTokenValidity": 0}),
            json!([1, 2]),
        ] {
            let before = other.clone();
            assert!(omit_unset_validity(&mut other).is_empty());
            assert_eq!(other, before);
        }
    }
}

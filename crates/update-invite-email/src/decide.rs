//! The pure heart: from the pool as DescribeUserPool shows it and the wanted
//! invitation, the UpdateUserPool request that changes only
//! `AdminCreateUserConfig.InviteMessageTemplate`.
//!
//! UpdateUserPool resets every setting it is not given to its default
//! (docs/AWS-NOTES.md §2.1), so every member the request accepts is decided here, one
//! by one, in [`MEMBERS`] (the mechanism the app-client update uses too,
//! `aws_rules::carry`); a unit test holds that table to the SDK's schemas
//! of `UserPoolType` and `UpdateUserPoolInput`, so a new SDK member fails
//! the build's tests until it is decided.

use aws_rules::carry::Decision::{Carried, Replaced, Target, Withheld};
use aws_rules::carry::Member;
use aws_sdk_cognitoidentityprovider::operation::update_user_pool::UpdateUserPoolInput;
use aws_sdk_cognitoidentityprovider::operation::update_user_pool::builders::UpdateUserPoolInputBuilder;
use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, DefaultEmailOptionType, MessageTemplateType, UserPoolTierType,
    UserPoolType, VerificationMessageTemplateType,
};

/// Every member of `UserPoolType` and what becomes of it in the update.
pub const MEMBERS: &[Member] = &[
    Member {
        described: Some("Id"),
        update: Some("UserPoolId"),
        decision: Target,
        why: "names the pool to update (taken from UserPoolId, which DescribeUserPool was asked for)",
    },
    Member {
        described: Some("Name"),
        update: Some("PoolName"),
        decision: Carried,
        why: "the update calls it PoolName",
    },
    Member::both("Policies", Carried, "password and sign-in policy"),
    Member::both(
        "DeletionProtection",
        Carried,
        "omitting it turns deletion protection off",
    ),
    Member::both("LambdaConfig", Carried, "triggers"),
    Member::both("AutoVerifiedAttributes", Carried, "verified email/phone"),
    Member::both(
        "VerificationMessageTemplate",
        Carried,
        "carried, holding only the email message of DefaultEmailOption: both EmailMessage and \
         EmailMessageByLink is an error",
    ),
    Member::both("SmsAuthenticationMessage", Carried, "MFA SMS text"),
    Member::both(
        "UserAttributeUpdateSettings",
        Carried,
        "verify-before-update",
    ),
    Member::both("MfaConfiguration", Carried, "omitting it turns MFA OFF"),
    Member::both(
        "DeviceConfiguration",
        Carried,
        "omitting it turns device tracking off",
    ),
    Member::both(
        "EmailConfiguration",
        Carried,
        "omitting it falls back to COGNITO_DEFAULT email",
    ),
    Member::both("SmsConfiguration", Carried, "SNS role for SMS"),
    Member::both("UserPoolTags", Carried, "tags"),
    Member::both(
        "AdminCreateUserConfig",
        Replaced,
        "carried with the new InviteMessageTemplate; on the wire UnusedAccountValidityDays is \
         left out beside PasswordPolicy.TemporaryPasswordValidityDays (Cognito refuses both) \
         and either is left out when 0, the SDK's \"unset\" (cognito_rules::wire)",
    ),
    Member::both("UserPoolAddOns", Carried, "threat protection"),
    Member::both("AccountRecoverySetting", Carried, "password recovery order"),
    Member::both(
        "UserPoolTier",
        Carried,
        "omitting it means ESSENTIALS: a LITE/PLUS pool would change plan (billing) or fail",
    ),
    Member::both(
        "KeyConfiguration",
        Carried,
        "must match the existing configuration in secondary regions",
    ),
    Member::both(
        "IssuerConfiguration",
        Carried,
        "must match the existing configuration in secondary regions",
    ),
    Member::both(
        "AcrConfiguration",
        Carried,
        "custom ACR names; not sent for a LITE pool, which cannot have them (the setting needs \
         ESSENTIALS or PLUS)",
    ),
    Member::both(
        "SmsVerificationMessage",
        Withheld,
        "deprecated (\"no longer used\"); Cognito derives it from VerificationMessageTemplate, \
         and sending it beside the template could bring back the email message the template \
         dropped",
    ),
    Member::both(
        "EmailVerificationMessage",
        Withheld,
        "deprecated, derived from VerificationMessageTemplate (see sms_verification_message)",
    ),
    Member::both(
        "EmailVerificationSubject",
        Withheld,
        "deprecated, derived from VerificationMessageTemplate (see sms_verification_message)",
    ),
    Member::describe_only("Arn", "identity, not a setting"),
    Member::describe_only("Status", "deprecated read-only status"),
    Member::describe_only("LastModifiedDate", "set by Cognito"),
    Member::describe_only("CreationDate", "set by Cognito"),
    Member::describe_only(
        "SchemaAttributes",
        "not an UpdateUserPool member (AddCustomAttributes adds attributes); kept by Cognito",
    ),
    Member::describe_only(
        "AliasAttributes",
        "fixed at creation, not an UpdateUserPool member; kept by Cognito",
    ),
    Member::describe_only(
        "UsernameAttributes",
        "fixed at creation, not an UpdateUserPool member; kept by Cognito",
    ),
    Member::describe_only(
        "UsernameConfiguration",
        "fixed at creation, not an UpdateUserPool member; kept by Cognito",
    ),
    Member::describe_only("EstimatedNumberOfUsers", "a statistic"),
    Member::describe_only("SmsConfigurationFailure", "a status report"),
    Member::describe_only("EmailConfigurationFailure", "a status report"),
    Member::describe_only(
        "Domain",
        "managed by Create/DeleteUserPoolDomain, not an UpdateUserPool member",
    ),
    Member::describe_only(
        "CustomDomain",
        "managed by Create/DeleteUserPoolDomain, not an UpdateUserPool member",
    ),
];

/// The invitation the properties ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WantedInvite {
    pub email_subject: String,
    pub email_message: String,
    /// `None`: keep the pool's current SMS invitation.
    pub sms_message: Option<String>,
}

/// The `InviteMessageTemplate` to write: subject and message as wanted, the
/// SMS text as wanted or else the pool's current one.
pub fn invite_template(pool: &UserPoolType, wanted: &WantedInvite) -> MessageTemplateType {
    let current_sms = current_invite(pool).and_then(|t| t.sms_message.clone());
    MessageTemplateType::builder()
        .email_subject(&wanted.email_subject)
        .email_message(&wanted.email_message)
        .set_sms_message(wanted.sms_message.clone().or(current_sms))
        .build()
}

/// Whether the pool already sends exactly this invitation, so that no
/// update (and no chance of disturbing anything) is needed.
pub fn is_current(pool: &UserPoolType, invite: &MessageTemplateType) -> bool {
    current_invite(pool) == Some(invite)
}

fn current_invite(pool: &UserPoolType) -> Option<&MessageTemplateType> {
    pool.admin_create_user_config
        .as_ref()
        .and_then(|config| config.invite_message_template.as_ref())
}

/// The UpdateUserPool request that carries every updatable setting of `pool`
/// over unchanged and replaces only the invitation (see [`MEMBERS`]).
pub fn update_request(
    user_pool_id: &str,
    pool: &UserPoolType,
    invite: MessageTemplateType,
) -> UpdateUserPoolInputBuilder {
    let acr_configuration = match pool.user_pool_tier {
        Some(UserPoolTierType::Lite) => None,
        _ => pool.acr_configuration.clone(),
    };
    UpdateUserPoolInput::builder()
        .user_pool_id(user_pool_id)
        .set_pool_name(pool.name.clone())
        .set_policies(pool.policies.clone())
        .set_deletion_protection(pool.deletion_protection.clone())
        .set_lambda_config(pool.lambda_config.clone())
        .set_auto_verified_attributes(pool.auto_verified_attributes.clone())
        .set_verification_message_template(
            pool.verification_message_template
                .clone()
                .map(one_email_message),
        )
        .set_sms_authentication_message(pool.sms_authentication_message.clone())
        .set_user_attribute_update_settings(pool.user_attribute_update_settings.clone())
        .set_mfa_configuration(pool.mfa_configuration.clone())
        .set_device_configuration(pool.device_configuration.clone())
        .set_email_configuration(pool.email_configuration.clone())
        .set_sms_configuration(pool.sms_configuration.clone())
        .set_user_pool_tags(pool.user_pool_tags.clone())
        .admin_create_user_config(admin_create_user_config(pool, invite))
        .set_user_pool_add_ons(pool.user_pool_add_ons.clone())
        .set_account_recovery_setting(pool.account_recovery_setting.clone())
        .set_user_pool_tier(pool.user_pool_tier.clone())
        .set_key_configuration(pool.key_configuration.clone())
        .set_issuer_configuration(pool.issuer_configuration.clone())
        .set_acr_configuration(acr_configuration)
}

/// The pool's AdminCreateUserConfig with the new invitation. Starting from
/// the described value keeps AllowAdminCreateUserOnly (and any member a
/// later SDK adds). UnusedAccountValidityDays is carried as described: which
/// validity may go on the wire is decided on the serialized body
/// (`cognito_rules::wire`), where the SDK's always-written 0s are visible.
fn admin_create_user_config(
    pool: &UserPoolType,
    invite: MessageTemplateType,
) -> AdminCreateUserConfigType {
    let mut config = pool
        .admin_create_user_config
        .clone()
        .unwrap_or_else(|| AdminCreateUserConfigType::builder().build());
    config.invite_message_template = Some(invite);
    config
}

/// Cognito refuses a verification template holding both EmailMessage and
/// EmailMessageByLink; keep the one DefaultEmailOption uses (code when
/// unset, Cognito's default). Subjects are left alone: only the messages
/// are documented to clash.
fn one_email_message(
    mut template: VerificationMessageTemplateType,
) -> VerificationMessageTemplateType {
    if template.email_message.is_some() && template.email_message_by_link.is_some() {
        match template.default_email_option {
            Some(DefaultEmailOptionType::ConfirmWithLink) => template.email_message = None,
            _ => template.email_message_by_link = None,
        }
    }
    template
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cognitoidentityprovider::types::{
        AccountRecoverySettingType, AcrLevelConfigType, AdvancedSecurityModeType,
        DeletionProtectionType, DeviceConfigurationType, EmailConfigurationType,
        EmailSendingAccountType, IssuerConfigurationType, KeyConfigurationType, LambdaConfigType,
        PasswordPolicyType, RecoveryOptionNameType, RecoveryOptionType, SmsConfigurationType,
        UserAttributeUpdateSettingsType, UserPoolAddOnsType, UserPoolMfaType, UserPoolPolicyType,
        UsernameAttributeType, VerifiedAttributeType,
    };
    use std::collections::BTreeSet;

    // A macro, so the test needs no direct dependency on aws-smithy-schema.
    macro_rules! names {
        ($schema:expr) => {
            $schema
                .members()
                .iter()
                .filter_map(|member| member.member_name())
                .map(str::to_owned)
                .collect::<BTreeSet<String>>()
        };
    }

    #[test]
    fn every_sdk_member_is_decided() {
        // Fails when the SDK gains a member in either shape: decide it in
        // MEMBERS and update_request (UpdateUserPool resets what it is not
        // given).
        let problems = aws_rules::carry::table_problems(
            MEMBERS,
            &names!(UserPoolType::SCHEMA),
            &names!(UpdateUserPoolInput::SCHEMA),
        );
        assert_eq!(problems, Vec::<String>::new());
    }

    fn template(subject: &str, message: &str, sms: Option<&str>) -> MessageTemplateType {
        MessageTemplateType::builder()
            .email_subject(subject)
            .email_message(message)
            .set_sms_message(sms.map(str::to_owned))
            .build()
    }

    /// A pool with every member set to something other than its default.
    fn full_pool() -> UserPoolType {
        UserPoolType::builder()
            .id("us-east-1_Full")
            .name("workers")
            .arn("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Full")
            .policies(
                UserPoolPolicyType::builder()
                    .password_policy(
                        PasswordPolicyType::builder()
                            .minimum_length(14)
                            .require_symbols(false)
                            .temporary_password_validity_days(3)
                            .build(),
                    )
                    .build(),
            )
            .deletion_protection(DeletionProtectionType::Active)
            .lambda_config(
                LambdaConfigType::builder()
                    .pre_sign_up("arn:aws:lambda:us-east-1:123456789012:function:pre")
                    .build(),
            )
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .username_attributes(UsernameAttributeType::Email)
            .sms_verification_message("Code {####}")
            .email_verification_message("Code {####}")
            .email_verification_subject("Verify")
            .verification_message_template(
                VerificationMessageTemplateType::builder()
                    .email_message("Code {####}")
                    .email_subject("Verify")
                    .sms_message("Code {####}")
                    .default_email_option(DefaultEmailOptionType::ConfirmWithCode)
                    .build(),
            )
            .sms_authentication_message("Your MFA code {####}")
            .user_attribute_update_settings(
                UserAttributeUpdateSettingsType::builder()
                    .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                    .build(),
            )
            .mfa_configuration(UserPoolMfaType::On)
            .device_configuration(
                DeviceConfigurationType::builder()
                    .challenge_required_on_new_device(true)
                    .build(),
            )
            .email_configuration(
                EmailConfigurationType::builder()
                    .email_sending_account(EmailSendingAccountType::Developer)
                    .source_arn("arn:aws:ses:us-east-1:123456789012:identity/example.com")
                    .build(),
            )
            .sms_configuration(
                SmsConfigurationType::builder()
                    .sns_caller_arn("arn:aws:iam::123456789012:role/sms")
                    .external_id("ext")
                    .build(),
            )
            .user_pool_tags("team", "labeling")
            .admin_create_user_config(
                AdminCreateUserConfigType::builder()
                    .allow_admin_create_user_only(true)
                    .unused_account_validity_days(7)
                    .invite_message_template(template(
                        "Old",
                        "Old {username} {####}",
                        Some("Old sms {username} {####}"),
                    ))
                    .build(),
            )
            .user_pool_add_ons(
                UserPoolAddOnsType::builder()
                    .advanced_security_mode(AdvancedSecurityModeType::Audit)
                    .build()
                    .unwrap(),
            )
            .account_recovery_setting(
                AccountRecoverySettingType::builder()
                    .recovery_mechanisms(
                        RecoveryOptionType::builder()
                            .priority(1)
                            .name(RecoveryOptionNameType::VerifiedEmail)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .user_pool_tier(UserPoolTierType::Plus)
            .key_configuration(KeyConfigurationType::builder().build())
            .issuer_configuration(IssuerConfigurationType::builder().build())
            .acr_configuration(
                "1",
                AcrLevelConfigType::builder()
                    .acr_value("urn:example:low")
                    .build()
                    .unwrap(),
            )
            .build()
    }

    fn wanted(sms: Option<&str>) -> WantedInvite {
        WantedInvite {
            email_subject: "Welcome".into(),
            email_message: "Hi {username}, password {####}, portal https://x".into(),
            sms_message: sms.map(str::to_owned),
        }
    }

    #[test]
    fn carries_every_setting_and_replaces_only_the_invitation() {
        let pool = full_pool();
        let invite = invite_template(&pool, &wanted(None));
        let request = update_request("us-east-1_Full", &pool, invite.clone())
            .build()
            .unwrap();

        // The same pool with only the invitation changed, expressed as the
        // update it should be (the wire rule drops the legacy validity later).
        let mut expected_admin = pool.admin_create_user_config.clone().unwrap();
        expected_admin.invite_message_template = Some(invite);
        let expected = UpdateUserPoolInput::builder()
            .user_pool_id("us-east-1_Full")
            .set_pool_name(pool.name.clone())
            .set_policies(pool.policies.clone())
            .set_deletion_protection(pool.deletion_protection.clone())
            .set_lambda_config(pool.lambda_config.clone())
            .set_auto_verified_attributes(pool.auto_verified_attributes.clone())
            .set_verification_message_template(pool.verification_message_template.clone())
            .set_sms_authentication_message(pool.sms_authentication_message.clone())
            .set_user_attribute_update_settings(pool.user_attribute_update_settings.clone())
            .set_mfa_configuration(pool.mfa_configuration.clone())
            .set_device_configuration(pool.device_configuration.clone())
            .set_email_configuration(pool.email_configuration.clone())
            .set_sms_configuration(pool.sms_configuration.clone())
            .set_user_pool_tags(pool.user_pool_tags.clone())
            .admin_create_user_config(expected_admin)
            .set_user_pool_add_ons(pool.user_pool_add_ons.clone())
            .set_account_recovery_setting(pool.account_recovery_setting.clone())
            .set_user_pool_tier(pool.user_pool_tier.clone())
            .set_key_configuration(pool.key_configuration.clone())
            .set_issuer_configuration(pool.issuer_configuration.clone())
            .set_acr_configuration(pool.acr_configuration.clone())
            .build()
            .unwrap();
        assert_eq!(request, expected);
    }

    #[test]
    fn every_sent_member_is_set_from_a_full_pool() {
        // Guards against a member listed as sent but forgotten in
        // update_request: with a full pool, exactly the sent members are
        // Some (Debug lists every field of the input at 4 spaces).
        let pool = full_pool();
        let request = update_request(
            "us-east-1_Full",
            &pool,
            invite_template(&pool, &wanted(None)),
        )
        .build()
        .unwrap();
        let debug = format!("{request:#?}");
        let fields: Vec<&str> = debug
            .lines()
            .filter_map(|line| line.strip_prefix("    "))
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .collect();
        let set = fields.iter().filter(|f| !f.ends_with(": None,")).count();
        let sent = MEMBERS.iter().filter(|m| m.is_sent()).count();
        let withheld = MEMBERS.iter().filter(|m| m.decision == Withheld).count();
        assert_eq!(set, sent, "{debug}");
        assert_eq!(fields.len() - set, withheld, "{debug}");
    }

    #[test]
    fn invitation_takes_sms_from_properties_or_keeps_the_pools() {
        let pool = full_pool();
        let kept = invite_template(&pool, &wanted(None));
        assert_eq!(
            kept,
            template(
                "Welcome",
                "Hi {username}, password {####}, portal https://x",
                Some("Old sms {username} {####}")
            )
        );
        let given = invite_template(&pool, &wanted(Some("New {username} {####}")));
        assert_eq!(given.sms_message.as_deref(), Some("New {username} {####}"));

        let bare = UserPoolType::builder().id("us-east-1_Bare").build();
        let invite = invite_template(&bare, &wanted(None));
        assert_eq!(invite.sms_message, None);
        // A pool described without AdminCreateUserConfig gets the defaults
        // plus the invitation.
        let request = update_request("us-east-1_Bare", &bare, invite.clone())
            .build()
            .unwrap();
        let admin = request.admin_create_user_config.unwrap();
        assert!(!admin.allow_admin_create_user_only);
        assert_eq!(admin.invite_message_template, Some(invite));
    }

    #[test]
    fn both_validities_are_carried_as_described() {
        // The request keeps what the pool describes; what goes on the wire
        // is the wire rule's decision (tested in cognito_rules::wire and on
        // the serialized body in lib.rs).
        let pool = full_pool();
        let request = update_request("p_1", &pool, invite_template(&pool, &wanted(None)))
            .build()
            .unwrap();
        let admin = request.admin_create_user_config.unwrap();
        assert_eq!(admin.unused_account_validity_days, 7);
        let temporary = request
            .policies
            .and_then(|p| p.password_policy)
            .map(|p| p.temporary_password_validity_days);
        assert_eq!(temporary, Some(3));
    }

    fn verification(option: Option<DefaultEmailOptionType>) -> VerificationMessageTemplateType {
        VerificationMessageTemplateType::builder()
            .email_message("Code {####}")
            .email_subject("Code")
            .email_message_by_link("Click {##Verify##}")
            .email_subject_by_link("Link")
            .sms_message("Sms {####}")
            .set_default_email_option(option)
            .build()
    }

    #[test]
    fn verification_template_keeps_only_the_email_message_in_use() {
        let sent = |option| {
            let mut pool = full_pool();
            pool.verification_message_template = Some(verification(option));
            update_request("p_1", &pool, invite_template(&pool, &wanted(None)))
                .build()
                .unwrap()
                .verification_message_template
                .unwrap()
        };
        let link = sent(Some(DefaultEmailOptionType::ConfirmWithLink));
        assert_eq!(link.email_message, None);
        assert_eq!(
            link.email_message_by_link.as_deref(),
            Some("Click {##Verify##}")
        );
        let code = sent(Some(DefaultEmailOptionType::ConfirmWithCode));
        assert_eq!(code.email_message.as_deref(), Some("Code {####}"));
        assert_eq!(code.email_message_by_link, None);
        assert_eq!(sent(None).email_message_by_link, None);
        for template in [&link, &code] {
            assert_eq!(template.email_subject.as_deref(), Some("Code"));
            assert_eq!(template.email_subject_by_link.as_deref(), Some("Link"));
            assert_eq!(template.sms_message.as_deref(), Some("Sms {####}"));
        }
        // Only one message set: unchanged.
        let single = VerificationMessageTemplateType::builder()
            .email_message_by_link("Click {##Verify##}")
            .default_email_option(DefaultEmailOptionType::ConfirmWithCode)
            .build();
        assert_eq!(one_email_message(single.clone()), single);
    }

    #[test]
    fn acr_names_are_not_sent_for_a_lite_pool() {
        let mut pool = full_pool();
        pool.user_pool_tier = Some(UserPoolTierType::Lite);
        let request = update_request("p_1", &pool, invite_template(&pool, &wanted(None)))
            .build()
            .unwrap();
        assert_eq!(request.acr_configuration, None);
        assert_eq!(request.user_pool_tier, Some(UserPoolTierType::Lite));
        pool.user_pool_tier = None;
        let request = update_request("p_1", &pool, invite_template(&pool, &wanted(None)))
            .build()
            .unwrap();
        assert_eq!(request.acr_configuration, pool.acr_configuration);
    }

    #[test]
    fn current_invitation_needs_no_update() {
        let pool = full_pool();
        let invite = invite_template(&pool, &wanted(None));
        assert!(!is_current(&pool, &invite));
        let mut updated = pool.clone();
        updated
            .admin_create_user_config
            .as_mut()
            .unwrap()
            .invite_message_template = Some(invite.clone());
        assert!(is_current(&updated, &invite));
        assert!(!is_current(&UserPoolType::builder().build(), &invite));
    }
}

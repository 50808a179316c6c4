//! The resource's properties, typed, and every rule the contract and
//! SageMaker's model put on them, checked before any AWS call.

pub use aws_rules::sagemaker::{
    Identity, IpAddressType, SignIn, VpcConfig, canonical, is_workforce_name,
    workforce_name_problem,
};
use aws_rules::shown;
use aws_rules::{MAX_CLIENT_ID_CHARS, MAX_USER_POOL_ID_CHARS, is_client_id, is_user_pool_id};
use custom_resource::{InvalidProperty, Properties, cfn};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Longest WorkforceName this resource takes: its team is named
/// `<WorkforceName>-team` in the template, and a team name has at most 63
/// characters.
pub const MAX_WORKFORCE_NAME_LEN: usize = 58;
/// The WorkforceName rule, said once (template.yaml's ConstraintDescription
/// says the same). Lowercase only: SageMaker writes some resource names into
/// ARNs in lowercase, and the template's IAM statements are scoped to
/// `workforce/<WorkforceName>`, so only a lowercase name is sure to match.
pub const WORKFORCE_NAME_RULE: &str = "must be 1-58 characters of a-z, 0-9 and '-', starting with a letter or digit (lowercase, so the IAM statements scoped to the workforce and its \"<name>-team\" work team match their ARNs; 58 leaves room for \"-team\")";
/// Longest work team name (SageMaker model).
pub const MAX_WORKTEAM_NAME_LEN: usize = 63;
/// Work team descriptions: 1-200 characters (SageMaker model).
pub const MAX_DESCRIPTION_LEN: usize = 200;
/// Cognito group names: 1-128 characters.
pub const MAX_GROUP_NAME_LEN: usize = 128;
/// Most CIDRs a SourceIpConfig takes ("one to ten", SageMaker docs).
pub const MAX_CIDRS: usize = 10;
/// Most subnets and security groups a WorkforceVpcConfig takes.
pub const MAX_SUBNETS: usize = 16;
pub const MAX_SECURITY_GROUPS: usize = 5;
/// Longest VPC, subnet or security group id SageMaker accepts.
pub const MAX_VPC_RESOURCE_ID_LEN: usize = 32;
/// Most tags a SageMaker resource holds.
pub const MAX_TAGS: usize = 50;
/// Tag keys are 1-128 characters, values 0-256 (SageMaker model, `Tag`).
pub const MAX_TAG_KEY_LEN: usize = 128;
pub const MAX_TAG_VALUE_LEN: usize = 256;
/// Keys AWS keeps for itself.
pub const RESERVED_TAG_PREFIX: &str = "aws:";
/// The tag rule, said once (template.yaml's parameter says the same).
pub const TAG_RULE: &str = "must be key=value, the key 1-128 and the value 0-256 letters, digits, spaces or _.:/=+-@, the key not starting with \"aws:\"";

/// Tags by key, in key order.
pub type Tags = BTreeMap<String, String>;

/// `Custom::PrivateWorkforce` properties.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct WorkforceProperties {
    #[serde(deserialize_with = "cfn::string")]
    pub workforce_name: String,
    /// Cognito's user pool and app client; absent for an OIDC workforce.
    #[serde(default, deserialize_with = "optional_string")]
    pub user_pool_id: Option<String>,
    #[serde(default, deserialize_with = "optional_string")]
    pub client_id: Option<String>,
    #[serde(default, deserialize_with = "cfn::string_list")]
    pub source_ip_cidrs: Vec<String>,
    /// `ipv4` or `dualstack`; empty or absent means `ipv4`, SageMaker's
    /// default.
    #[serde(default, deserialize_with = "optional_string")]
    pub ip_address_type: Option<String>,
    /// Empty means absent: templates often pass `""` from an optional parameter.
    #[serde(default, deserialize_with = "optional_string")]
    pub vpc_id: Option<String>,
    #[serde(default, deserialize_with = "cfn::string_list")]
    pub subnet_ids: Vec<String>,
    #[serde(default, deserialize_with = "cfn::string_list")]
    pub security_group_ids: Vec<String>,
    /// The work team this resource keeps on its workforce.
    #[serde(deserialize_with = "cfn::string")]
    pub workteam_name: String,
    /// Empty means the default description.
    #[serde(default, deserialize_with = "optional_string")]
    pub workteam_description: Option<String>,
    /// The Cognito group whose members are the team; absent for OIDC.
    #[serde(default, deserialize_with = "optional_string")]
    pub worker_group_name: Option<String>,
    /// The SNS topic the team's task notifications go to; empty means none.
    #[serde(default, deserialize_with = "optional_string")]
    pub notification_topic_arn: Option<String>,
    /// `key=value` items for the workforce and its team.
    #[serde(default, deserialize_with = "cfn::string_list")]
    pub tags: Vec<String>,
    // An OIDC workforce (crate::oidc): the IdP's client, where its secret
    // is kept, its endpoints, and the groups that make up the team.
    #[serde(default, deserialize_with = "optional_string")]
    pub oidc_client_id: Option<String>,
    #[serde(default, deserialize_with = "optional_string")]
    pub oidc_client_secret_arn: Option<String>,
    /// Only compared: a change re-sends the secret.
    #[serde(default, deserialize_with = "optional_string")]
    pub oidc_client_secret_version: Option<String>,
    #[serde(default, deserialize_with = "optional_string")]
    pub oidc_issuer: Option<String>,
    #[serde(default, deserialize_with = "optional_string")]
    pub oidc_authorization_endpoint: Option<String>,
    #[serde(default, deserialize_with = "optional_string")]
    pub oidc_token_endpoint: Option<String>,
    #[serde(default, deserialize_with = "optional_string")]
    pub oidc_user_info_endpoint: Option<String>,
    #[serde(default, deserialize_with = "optional_string")]
    pub oidc_logout_endpoint: Option<String>,
    #[serde(default, deserialize_with = "optional_string")]
    pub oidc_jwks_uri: Option<String>,
    #[serde(default, deserialize_with = "optional_string")]
    pub oidc_scope: Option<String>,
    #[serde(default, deserialize_with = "cfn::string_list")]
    pub oidc_authentication_request_extra_params: Vec<String>,
    #[serde(default, deserialize_with = "cfn::string_list")]
    pub oidc_groups: Vec<String>,
}

/// The description a team gets when WorkteamDescription is not given
/// (CreateWorkteam requires one).
pub const DEFAULT_DESCRIPTION: &str = "Private labeling work team";

fn optional_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let text = cfn::string(deserializer)?;
    Ok(Some(text).filter(|text| !text.is_empty()))
}

impl WorkforceProperties {
    pub fn identity(&self) -> Identity<'_> {
        Identity {
            name: &self.workforce_name,
            sign_in: self.sign_in(),
        }
    }

    /// Cognito, or OIDC when any Oidc* property is given (meaningful once
    /// `validate` passed).
    pub fn sign_in(&self) -> SignIn<'_> {
        fn text(value: &Option<String>) -> &str {
            value.as_deref().unwrap_or_default()
        }
        if crate::oidc::is_oidc(self) {
            SignIn::Oidc {
                client_id: text(&self.oidc_client_id),
                issuer: text(&self.oidc_issuer),
            }
        } else {
            SignIn::Cognito {
                user_pool_id: text(&self.user_pool_id),
                client_id: text(&self.client_id),
            }
        }
    }

    /// The IP address type asked for (meaningful once `validate` passed).
    pub fn ip_address_type(&self) -> IpAddressType {
        self.ip_address_type
            .as_deref()
            .and_then(IpAddressType::parse)
            .unwrap_or_default()
    }

    /// The tags asked for, by key (meaningful once `validate` passed: every
    /// item is `key=value` and no key repeats).
    pub fn tags(&self) -> Tags {
        self.tags
            .iter()
            .filter_map(|item| item.split_once('='))
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect()
    }

    /// The work team description to send: the property, or the default.
    pub fn description(&self) -> &str {
        self.workteam_description
            .as_deref()
            .unwrap_or(DEFAULT_DESCRIPTION)
    }

    /// The VPC config asked for (meaningful once `validate` passed: all three
    /// parts or none).
    pub fn vpc(&self) -> Option<VpcConfig> {
        let vpc_id = self.vpc_id.as_deref()?;
        if self.subnet_ids.is_empty() || self.security_group_ids.is_empty() {
            return None;
        }
        Some(VpcConfig::new(
            vpc_id,
            &self.subnet_ids,
            &self.security_group_ids,
        ))
    }

    fn validate_cognito(&self) -> Result<(), InvalidProperty> {
        let required = |property: &'static str, value: &Option<String>| {
            value.clone().ok_or_else(|| {
                InvalidProperty::new(
                    property,
                    "is required for a Cognito workforce (for an OIDC workforce give the Oidc* properties instead)",
                )
            })
        };
        let group = required("WorkerGroupName", &self.worker_group_name)?;
        if let Some(problem) = group_name_problem(&group) {
            return Err(InvalidProperty::new("WorkerGroupName", problem));
        }
        let pool = required("UserPoolId", &self.user_pool_id)?;
        if let Some(problem) = user_pool_id_problem(&pool) {
            return Err(InvalidProperty::new("UserPoolId", problem));
        }
        let client = required("ClientId", &self.client_id)?;
        if let Some(problem) = client_id_problem(&client) {
            return Err(InvalidProperty::new("ClientId", problem));
        }
        Ok(())
    }

    fn validate_vpc(&self) -> Result<(), InvalidProperty> {
        let given = [
            ("VpcId", self.vpc_id.is_some()),
            ("SubnetIds", !self.subnet_ids.is_empty()),
            ("SecurityGroupIds", !self.security_group_ids.is_empty()),
        ];
        let any = given.iter().any(|(_, present)| *present);
        if let Some((missing, _)) = given.iter().find(|(_, present)| any && !present) {
            let present: Vec<&str> = given
                .iter()
                .filter(|(_, present)| *present)
                .map(|(name, _)| *name)
                .collect();
            return Err(InvalidProperty::new(
                *missing,
                format!(
                    "is missing: a workforce VPC config needs VpcId, SubnetIds and SecurityGroupIds together, or none of them (got only {})",
                    present.join(" and ")
                ),
            ));
        }
        if let Some(vpc_id) = &self.vpc_id {
            check_aws_id("VpcId", vpc_id, "vpc-")?;
        }
        check_id_list("SubnetIds", &self.subnet_ids, "subnet-", MAX_SUBNETS)?;
        check_id_list(
            "SecurityGroupIds",
            &self.security_group_ids,
            "sg-",
            MAX_SECURITY_GROUPS,
        )
    }
}

impl Properties for WorkforceProperties {
    fn validate(&self) -> Result<(), InvalidProperty> {
        if let Some(problem) = property_workforce_name_problem(&self.workforce_name) {
            return Err(InvalidProperty::new("WorkforceName", problem));
        }
        if let Some(problem) = workteam_name_problem(&self.workteam_name) {
            return Err(InvalidProperty::new("WorkteamName", problem));
        }
        if let Some(description) = &self.workteam_description {
            let length = description.chars().count();
            if length > MAX_DESCRIPTION_LEN {
                return Err(InvalidProperty::new(
                    "WorkteamDescription",
                    format!("must be at most {MAX_DESCRIPTION_LEN} characters (got {length})"),
                ));
            }
        }
        if crate::oidc::is_oidc(self) {
            crate::oidc::validate(self)?;
        } else {
            self.validate_cognito()?;
        }
        if self.source_ip_cidrs.len() > MAX_CIDRS {
            return Err(InvalidProperty::new(
                "SourceIpCidrs",
                format!(
                    "may hold at most {MAX_CIDRS} CIDRs, got {}",
                    self.source_ip_cidrs.len()
                ),
            ));
        }
        if let Some(given) = &self.ip_address_type
            && IpAddressType::parse(given).is_none()
        {
            return Err(InvalidProperty::new(
                "IpAddressType",
                format!(
                    "must be one of {} (got {})",
                    IpAddressType::VALUES.join(", "),
                    shown(given)
                ),
            ));
        }
        // An IPv6 range on an ipv4 workforce is not refused here: validation
        // also runs for Delete and for a rollback's Update, and stacks made
        // before IpAddressType existed may hold one (README, Update).
        for (index, cidr) in self.source_ip_cidrs.iter().enumerate() {
            if let Some(problem) = cidr_problem(cidr) {
                return Err(InvalidProperty::new(
                    "SourceIpCidrs",
                    format!("item {index} {problem}"),
                ));
            }
        }
        self.validate_vpc()?;
        if let Some(topic) = &self.notification_topic_arn
            && !is_topic_arn(topic)
        {
            return Err(InvalidProperty::new(
                "NotificationTopicArn",
                format!(
                    "must be an SNS topic ARN like \"arn:aws:sns:us-east-1:123456789012:tasks\" (pass the topic's Ref), got {}",
                    shown(topic)
                ),
            ));
        }
        validate_tags(&self.tags)
    }
}

/// Whether `arn` matches SageMaker's NotificationTopicArn pattern
/// (`arn:aws[a-z\-]*:sns:[a-z0-9\-]*:[0-9]{12}:[a-zA-Z0-9_.-]*`).
pub fn is_topic_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, name] = parts.as_slice() else {
        return false;
    };
    *prefix == "arn"
        && partition
            .strip_prefix("aws")
            .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        && *service == "sns"
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// Whether `text` is made of what SageMaker's tag pattern allows
/// (`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`).
fn is_tag_text(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_alphabetic()
            || c.is_numeric()
            || (c.is_whitespace() && !c.is_control())
            || "_.:/=+-@".contains(c)
    })
}

/// Why `item` cannot be a `key=value` tag, or `None` if it can.
pub fn tag_problem(item: &str) -> Option<String> {
    let Some((key, value)) = item.split_once('=') else {
        return Some(format!("{TAG_RULE} (got {}, no '=')", shown(item)));
    };
    let key_length = key.chars().count();
    let value_length = value.chars().count();
    let ok = (1..=MAX_TAG_KEY_LEN).contains(&key_length)
        && value_length <= MAX_TAG_VALUE_LEN
        && is_tag_text(key)
        && is_tag_text(value)
        && !key.starts_with(RESERVED_TAG_PREFIX);
    (!ok).then(|| format!("{TAG_RULE} (got {})", shown(item)))
}

fn validate_tags(items: &[String]) -> Result<(), InvalidProperty> {
    if items.len() > MAX_TAGS {
        return Err(InvalidProperty::new(
            "Tags",
            format!("may hold at most {MAX_TAGS} tags, got {}", items.len()),
        ));
    }
    let mut keys = std::collections::BTreeSet::new();
    for (index, item) in items.iter().enumerate() {
        if let Some(problem) = tag_problem(item) {
            return Err(InvalidProperty::new(
                "Tags",
                format!("item {index} {problem}"),
            ));
        }
        let key = item.split_once('=').map_or(item.as_str(), |(key, _)| key);
        if !keys.insert(key) {
            return Err(InvalidProperty::new(
                "Tags",
                format!(
                    "item {index} repeats the key {}: each key may appear once",
                    shown(key)
                ),
            ));
        }
    }
    Ok(())
}

/// Why `name` cannot be this resource's WorkforceName (stricter than
/// SageMaker's own rule, see [`WORKFORCE_NAME_RULE`]), or `None` if it can.
pub fn property_workforce_name_problem(name: &str) -> Option<String> {
    let length = name.chars().count();
    let first_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let rest_ok = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if length == 0 || length > MAX_WORKFORCE_NAME_LEN || !first_ok || !rest_ok {
        return Some(format!(
            "{WORKFORCE_NAME_RULE} (got {}, {length} characters)",
            shown(name)
        ));
    }
    None
}

/// Why `name` cannot be a work team name (SageMaker:
/// `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`, 1-63 characters, no hyphen at
/// either end), or `None` if it can.
pub fn workteam_name_problem(name: &str) -> Option<String> {
    let length = name.chars().count();
    let ends_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    let all_ok = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if length == 0 || length > MAX_WORKTEAM_NAME_LEN || !ends_ok || !all_ok {
        return Some(format!(
            "must be 1-{MAX_WORKTEAM_NAME_LEN} characters of a-z, A-Z, 0-9 and '-', with a letter or digit at both ends (got {}, {length} characters)",
            shown(name)
        ));
    }
    None
}

/// Why `name` cannot be a Cognito group name (1-128 letters, marks,
/// symbols, numbers or punctuation, no whitespace), or `None` if it can.
pub fn group_name_problem(name: &str) -> Option<String> {
    let length = name.chars().count();
    let ok = (1..=MAX_GROUP_NAME_LEN).contains(&length)
        && !name.chars().any(|c| c.is_whitespace() || c.is_control());
    (!ok).then(|| {
        format!(
            "must be a Cognito group name: 1-{MAX_GROUP_NAME_LEN} characters without spaces (got {}); pass the group's Ref",
            shown(name)
        )
    })
}

/// Why `id` cannot be a user pool id (`<region>_<id>`, SageMaker's pattern
/// `[\w-]+_[0-9a-zA-Z]+`, at most 55 characters), or `None` if it can.
pub fn user_pool_id_problem(id: &str) -> Option<String> {
    let well_formed = is_user_pool_id(id);
    (!well_formed).then(|| {
        format!(
            "must be a Cognito user pool id like \"us-east-1_AbC123xyz\" (at most {MAX_USER_POOL_ID_CHARS} characters), got {}; pass the pool's Ref, not its ARN or name",
            shown(id)
        )
    })
}

/// Why `id` cannot be an app client id (Cognito: 1-128 characters of
/// `[\w+]`), or `None` if it can.
pub fn client_id_problem(id: &str) -> Option<String> {
    let well_formed = is_client_id(id);
    (!well_formed).then(|| {
        format!(
            "must be a Cognito app client id (1-{MAX_CLIENT_ID_CHARS} letters, digits, '_' or '+'), got {}; pass the client's Ref",
            shown(id)
        )
    })
}

/// Why `cidr` is not an IPv4 or IPv6 CIDR block (`address/prefix`), or
/// `None` if it is.
pub fn cidr_problem(cidr: &str) -> Option<String> {
    let rule = "must be an IPv4 or IPv6 CIDR block such as \"203.0.113.0/24\" or \"2001:db8::/32\"";
    let Some((address, prefix)) = cidr.split_once('/') else {
        return Some(format!(
            "{rule}, with a /prefix length (got {})",
            shown(cidr)
        ));
    };
    let max_prefix = if address.parse::<Ipv4Addr>().is_ok() {
        32
    } else if address.parse::<Ipv6Addr>().is_ok() {
        128
    } else {
        return Some(format!("{rule}: {} is not an IP address", shown(address)));
    };
    let prefix_ok = !prefix.is_empty()
        && prefix.len() <= 3
        && prefix.chars().all(|c| c.is_ascii_digit())
        && prefix.parse::<u8>().is_ok_and(|bits| bits <= max_prefix);
    (!prefix_ok).then(|| {
        format!(
            "{rule}: the prefix length must be 0-{max_prefix} (got {})",
            shown(cidr)
        )
    })
}

fn check_aws_id(property: &str, id: &str, prefix: &str) -> Result<(), InvalidProperty> {
    let well_formed = id.len() <= MAX_VPC_RESOURCE_ID_LEN
        && id.strip_prefix(prefix).is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if well_formed {
        Ok(())
    } else {
        Err(InvalidProperty::new(
            property,
            format!(
                "must hold ids of the form {prefix:?} then lowercase letters and digits (like \"{prefix}0123456789abcdef0\"), at most {MAX_VPC_RESOURCE_ID_LEN} characters; got {}",
                shown(id)
            ),
        ))
    }
}

fn check_id_list(
    property: &str,
    ids: &[String],
    prefix: &str,
    max: usize,
) -> Result<(), InvalidProperty> {
    if ids.len() > max {
        return Err(InvalidProperty::new(
            property,
            format!("may hold at most {max} ids, got {}", ids.len()),
        ));
    }
    ids.iter()
        .try_for_each(|id| check_aws_id(property, id, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn parse(value: Value) -> Result<WorkforceProperties, custom_resource::PropertiesError> {
        // As the protocol does: deserialize (unknown fields refused), then validate.
        let properties: WorkforceProperties = serde_json::from_value(value)
            .map_err(|error| custom_resource::PropertiesError::Shape(error.to_string()))?;
        properties.validate()?;
        Ok(properties)
    }

    fn minimal() -> Value {
        json!({"WorkforceName": "labelers", "UserPoolId": "us-east-1_AbC123", "ClientId": "3n4b5urk1ft4fl3mg5e62d9ado",
               "WorkteamName": "labelers-team", "WorkerGroupName": "workers"})
    }

    fn with(key: &str, value: Value) -> Value {
        let mut properties = minimal();
        properties[key] = value;
        properties
    }

    fn rule_broken(properties: Value) -> InvalidProperty {
        let parsed: WorkforceProperties = serde_json::from_value(properties).unwrap();
        parsed.validate().unwrap_err()
    }

    #[test]
    fn minimal_properties_parse() {
        let properties = parse(minimal()).unwrap();
        assert_eq!(properties.workforce_name, "labelers");
        assert!(properties.source_ip_cidrs.is_empty());
        assert_eq!(properties.vpc(), None);
    }

    #[test]
    fn workforce_names_follow_sagemakers_pattern() {
        for good in ["a", "A1", "my-workforce", "x-", &"a".repeat(63)] {
            assert!(is_workforce_name(good), "{good}");
        }
        for bad in [
            "",
            "-a",
            "a_b",
            "a.b",
            "created-nothing:r1",
            &"a".repeat(64),
            "é",
        ] {
            assert!(!is_workforce_name(bad), "{bad}");
        }
        let error = rule_broken(with("WorkforceName", json!("my_workforce")));
        assert_eq!(error.property, "WorkforceName");
        assert!(error.rule.contains("\"my_workforce\""), "{error}");
    }

    #[test]
    fn the_workforce_name_property_is_lowercase_and_leaves_room_for_the_team_suffix() {
        for good in ["a", "a1", "my-workforce", "x-", &"a".repeat(58)] {
            assert!(property_workforce_name_problem(good).is_none(), "{good}");
        }
        for bad in ["", "-a", "A1", "MyWorkforce", "a_b", &"a".repeat(59)] {
            let problem = property_workforce_name_problem(bad).unwrap();
            assert!(problem.starts_with(WORKFORCE_NAME_RULE), "{problem}");
        }
        // SageMaker's own rule still recognises every name it accepts as an
        // id this function may have issued.
        assert!(is_workforce_name(&"A".repeat(63)));
        let error = rule_broken(with("WorkforceName", json!("Labelers")));
        assert_eq!(error.property, "WorkforceName");
        assert!(error.rule.contains("lowercase"), "{error}");
    }

    #[test]
    fn work_team_properties_follow_sagemaker_and_cognito() {
        for good in ["t", "labelers-team", "a--b", &"a".repeat(63)] {
            assert!(workteam_name_problem(good).is_none(), "{good}");
        }
        for bad in ["", "-a", "a-", "a_b", &"a".repeat(64)] {
            assert!(workteam_name_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(
            rule_broken(with("WorkteamName", json!("team-"))).property,
            "WorkteamName"
        );
        assert_eq!(
            rule_broken(with("WorkerGroupName", json!("my workers"))).property,
            "WorkerGroupName"
        );
        assert_eq!(
            rule_broken(with("WorkerGroupName", json!(""))).property,
            "WorkerGroupName"
        );
        assert_eq!(
            rule_broken(with("WorkteamDescription", json!("d".repeat(201)))).property,
            "WorkteamDescription"
        );
        let described = parse(with("WorkteamDescription", json!("Team of stack s"))).unwrap();
        assert_eq!(described.description(), "Team of stack s");
        assert_eq!(parse(minimal()).unwrap().description(), DEFAULT_DESCRIPTION);
    }

    #[test]
    fn user_pool_ids_look_like_region_underscore_id() {
        assert!(user_pool_id_problem("us-east-1_AbC123").is_none());
        assert!(user_pool_id_problem("eu-west-2_x").is_none());
        for bad in [
            "",
            "us-east-1",
            "_Abc",
            "us-east-1_",
            "us-east-1_ab-c",
            "arn:aws:cognito-idp:us-east-1:1:userpool/us-east-1_A",
            &format!("us-east-1_{}", "a".repeat(50)),
        ] {
            assert!(user_pool_id_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(
            rule_broken(with("UserPoolId", json!("my-pool"))).property,
            "UserPoolId"
        );
    }

    #[test]
    fn client_ids_are_cognito_ids() {
        assert!(client_id_problem("3n4b5urk1ft4fl3mg5e62d9ado").is_none());
        for bad in ["", "my client", "a/b", &"a".repeat(129)] {
            assert!(client_id_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(
            rule_broken(with("ClientId", json!("my client"))).property,
            "ClientId"
        );
    }

    #[test]
    fn cidrs_are_ipv4_or_ipv6_blocks() {
        for good in [
            "10.0.0.0/8",
            "203.0.113.7/32",
            "0.0.0.0/0",
            "2001:db8::/32",
            "::/0",
            "2001:db8::1/128",
        ] {
            assert!(cidr_problem(good).is_none(), "{good}");
        }
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "2001:db8::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "example.com/8",
            "10.0.0.0/8 ",
        ] {
            assert!(cidr_problem(bad).is_some(), "{bad}");
        }
        let error = rule_broken(with("SourceIpCidrs", json!(["10.0.0.0/8", "10.1.0.0/40"])));
        assert_eq!(error.property, "SourceIpCidrs");
        assert!(error.rule.starts_with("item 1 "), "{error}");
    }

    #[test]
    fn the_ip_address_type_is_one_of_two_and_empty_means_ipv4() {
        let mut dual = with("SourceIpCidrs", json!(["10.0.0.0/8", "2001:db8::/32"]));
        dual["IpAddressType"] = json!("dualstack");
        let parsed: WorkforceProperties = serde_json::from_value(dual).unwrap();
        assert!(parsed.validate().is_ok());
        assert_eq!(parsed.ip_address_type(), IpAddressType::Dualstack);
        // Empty, as a template passes an unset parameter: SageMaker's default.
        let empty: WorkforceProperties =
            serde_json::from_value(with("IpAddressType", json!(""))).unwrap();
        assert_eq!(empty.ip_address_type(), IpAddressType::Ipv4);
        let error = rule_broken(with("IpAddressType", json!("IPv6")));
        assert_eq!(error.property, "IpAddressType");
        assert!(error.rule.contains("ipv4, dualstack"), "{error}");
    }

    #[test]
    fn at_most_ten_cidrs() {
        let ten: Vec<String> = (0..10).map(|i| format!("10.{i}.0.0/16")).collect();
        assert!(parse(with("SourceIpCidrs", json!(ten))).is_ok());
        let eleven: Vec<String> = (0..11).map(|i| format!("10.{i}.0.0/16")).collect();
        let error = rule_broken(with("SourceIpCidrs", json!(eleven)));
        assert_eq!(error.property, "SourceIpCidrs");
        assert!(error.rule.contains("at most 10"), "{error}");
    }

    #[test]
    fn vpc_config_is_all_three_or_none() {
        let mut only_vpc = minimal();
        only_vpc["VpcId"] = json!("vpc-0abc");
        only_vpc["SubnetIds"] = json!(["subnet-1"]);
        let error = rule_broken(only_vpc);
        assert_eq!(error.property, "SecurityGroupIds");
        assert!(error.rule.contains("VpcId and SubnetIds"), "{error}");

        let error = rule_broken(with("SubnetIds", json!(["subnet-1"])));
        assert_eq!(error.property, "VpcId");

        // An empty VpcId from an unset template parameter means "no VPC".
        let empty = parse(with("VpcId", json!(""))).unwrap();
        assert_eq!(empty.vpc(), None);
    }

    #[test]
    fn vpc_limits_and_id_shapes() {
        let mut properties = minimal();
        properties["VpcId"] = json!("vpc-0abc");
        properties["SubnetIds"] = json!(["subnet-b", "subnet-a"]);
        properties["SecurityGroupIds"] = json!(["sg-1"]);
        let parsed = parse(properties.clone()).unwrap();
        assert_eq!(
            parsed.vpc(),
            Some(VpcConfig::new(
                "vpc-0abc",
                &["subnet-a".into(), "subnet-b".into()],
                &["sg-1".into()]
            ))
        );

        let mut bad_vpc = properties.clone();
        bad_vpc["VpcId"] = json!("vpc-ABC");
        assert_eq!(rule_broken(bad_vpc).property, "VpcId");

        let mut too_many_subnets = properties.clone();
        too_many_subnets["SubnetIds"] =
            json!((0..17).map(|i| format!("subnet-{i}")).collect::<Vec<_>>());
        let error = rule_broken(too_many_subnets);
        assert_eq!(error.property, "SubnetIds");
        assert!(error.rule.contains("at most 16"), "{error}");

        let mut too_many_groups = properties.clone();
        too_many_groups["SecurityGroupIds"] =
            json!((0..6).map(|i| format!("sg-{i}")).collect::<Vec<_>>());
        assert_eq!(rule_broken(too_many_groups).property, "SecurityGroupIds");

        let mut swapped = properties;
        swapped["SecurityGroupIds"] = json!(["subnet-1"]);
        assert_eq!(rule_broken(swapped).property, "SecurityGroupIds");
    }

    #[test]
    fn unknown_properties_are_refused_by_name() {
        let error = parse(with("WorkforceNmae", json!("x"))).unwrap_err();
        assert!(error.to_string().contains("WorkforceNmae"), "{error}");
    }

    #[test]
    fn tags_are_key_value_pairs_under_sagemakers_rules() {
        let tagged = parse(with("Tags", json!(["team=labeling", "note=a=b", "empty="]))).unwrap();
        let tags: Vec<(&str, &str)> = tagged
            .tags
            .iter()
            .filter_map(|item| item.split_once('='))
            .collect();
        assert_eq!(tags.len(), 3);
        assert_eq!(tagged.tags()["note"], "a=b", "the first '=' splits");
        assert_eq!(tagged.tags()["empty"], "");
        assert!(tag_problem("Kostenstelle=Zürich 42").is_none());
        for bad in [
            "team",
            "=value",
            "aws:created=me",
            "a,b=c",
            "tab=a\tb",
            &format!("{}=v", "k".repeat(129)),
            &format!("k={}", "v".repeat(257)),
        ] {
            let problem = tag_problem(bad).unwrap();
            assert!(problem.starts_with(TAG_RULE), "{problem}");
        }
        let error = rule_broken(with("Tags", json!(["a=1", "b=2", "a=3"])));
        assert_eq!(error.property, "Tags");
        assert!(
            error.rule.contains("item 2 repeats the key \"a\""),
            "{error}"
        );
        let many: Vec<String> = (0..51).map(|i| format!("k{i}=v")).collect();
        assert_eq!(rule_broken(with("Tags", json!(many))).property, "Tags");
    }
}

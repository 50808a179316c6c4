//! The request constraints of the SageMaker model, checked and worded like
//! the service's (`1 validation error detected: Value 'x' at ...`).

use std::fmt::Display;
use std::net::IpAddr;

use super::errors::ApiError;
use super::requests::{
    CognitoConfigRequest, OidcConfigRequest, SourceIpConfigRequest, TagRequest, VpcConfigRequest,
};

/// "one to ten" CIDRs (model documentation; not a list constraint there).
const MAX_CIDRS: usize = 10;
const WORKFORCE_NAME_PATTERN: &str = "^[a-zA-Z0-9]([a-zA-Z0-9\\-]){0,62}$";
const WORKTEAM_NAME_PATTERN: &str = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}";
const USER_POOL_PATTERN: &str = "[\\w-]+_[0-9a-zA-Z]+";

/// The constraint violations of one request, reported together as AWS does.
#[derive(Default)]
pub(super) struct Violations(Vec<String>);

impl Violations {
    pub(super) fn fail(&mut self, value: Option<&str>, at: &str, constraint: impl Display) {
        let value = value.map_or_else(|| "null".to_owned(), |v| format!("'{v}'"));
        self.0.push(format!(
            "Value {value} at '{at}' failed to satisfy constraint: {constraint}"
        ));
    }

    pub(super) fn required<'a>(&mut self, value: Option<&'a str>, at: &str) -> Option<&'a str> {
        if value.is_none() {
            self.fail(None, at, "Member must not be null");
        }
        value
    }

    /// Checks the length in characters; false if it is out of range.
    pub(super) fn length(&mut self, value: &str, at: &str, min: usize, max: usize) -> bool {
        let len = value.chars().count();
        if len < min {
            self.fail(
                Some(value),
                at,
                format!("Member must have length greater than or equal to {min}"),
            );
        } else if len > max {
            self.fail(
                Some(value),
                at,
                format!("Member must have length less than or equal to {max}"),
            );
        }
        (min..=max).contains(&len)
    }

    pub(super) fn pattern(&mut self, value: &str, at: &str, ok: bool, pattern: &str) {
        if !ok {
            self.fail(
                Some(value),
                at,
                format!("Member must satisfy regular expression pattern: {pattern}"),
            );
        }
    }

    pub(super) fn one_of(&mut self, value: &str, at: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.fail(
                Some(value),
                at,
                format!(
                    "Member must satisfy enum value set: [{}]",
                    allowed.join(", ")
                ),
            );
        }
    }

    pub(super) fn list_length(&mut self, list: &[String], at: &str, min: usize, max: usize) {
        let shown = format!("[{}]", list.join(", "));
        if list.len() < min {
            self.fail(
                Some(&shown),
                at,
                format!("Member must have length greater than or equal to {min}"),
            );
        } else if list.len() > max {
            self.fail(
                Some(&shown),
                at,
                format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    pub(super) fn finish(self) -> Result<(), ApiError> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(ApiError::validation(format!(
                "1 validation error detected: {}",
                self.0[0]
            ))),
            n => Err(ApiError::validation(format!(
                "{n} validation errors detected: {}",
                self.0.join("; ")
            ))),
        }
    }
}

pub(super) fn is_ascii_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// `^[a-zA-Z0-9]([a-zA-Z0-9\-]){0,62}$`.
pub fn is_workforce_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_ascii_alnum)
        && name.len() <= 63
        && chars.all(|c| is_ascii_alnum(c) || c == '-')
}

/// `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`: no hyphen at either end.
pub fn is_workteam_name(name: &str) -> bool {
    name.chars().next().is_some_and(is_ascii_alnum)
        && name.chars().last().is_some_and(is_ascii_alnum)
        && name.chars().all(|c| is_ascii_alnum(c) || c == '-')
}

/// `[\w-]+_[0-9a-zA-Z]+`, e.g. `us-east-1_AbC123`.
pub fn is_user_pool_id(id: &str) -> bool {
    let Some((prefix, suffix)) = id.rsplit_once('_') else {
        return false;
    };
    !prefix.is_empty()
        && prefix
            .chars()
            .all(|c| is_ascii_alnum(c) || c == '_' || c == '-')
        && !suffix.is_empty()
        && suffix.chars().all(is_ascii_alnum)
}

/// An IPv4 or IPv6 CIDR block: an address, `/`, and a prefix length that
/// fits the address family.
pub fn is_cidr(cidr: &str) -> bool {
    let Some((address, prefix)) = cidr.split_once('/') else {
        return false;
    };
    let Ok(address) = address.parse::<IpAddr>() else {
        return false;
    };
    let max = if address.is_ipv4() { 32 } else { 128 };
    !prefix.is_empty()
        && prefix.chars().all(|c| c.is_ascii_digit())
        && prefix.parse::<u8>().is_ok_and(|bits| bits <= max)
}

/// `<prefix>[0-9a-z]*` (or `+` when `nonempty`).
pub(super) fn is_ec2_id(id: &str, prefix: &str, nonempty: bool) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        (!nonempty || !rest.is_empty())
            && rest
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

pub(super) fn check_workforce_name(v: &mut Violations, name: Option<&str>, at: &str) {
    if let Some(name) = v.required(name, at)
        && v.length(name, at, 1, 63)
    {
        v.pattern(name, at, is_workforce_name(name), WORKFORCE_NAME_PATTERN);
    }
}

pub(super) fn check_workteam_name(v: &mut Violations, name: Option<&str>, at: &str) {
    if let Some(name) = v.required(name, at)
        && v.length(name, at, 1, 63)
    {
        v.pattern(name, at, is_workteam_name(name), WORKTEAM_NAME_PATTERN);
    }
}

pub(super) fn check_cognito(v: &mut Violations, config: &CognitoConfigRequest, at: &str) {
    let pool_at = format!("{at}.userPool");
    if let Some(pool) = v.required(config.user_pool.as_deref(), &pool_at)
        && v.length(pool, &pool_at, 1, 55)
    {
        v.pattern(pool, &pool_at, is_user_pool_id(pool), USER_POOL_PATTERN);
    }
    let client_at = format!("{at}.clientId");
    if let Some(client) = v.required(config.client_id.as_deref(), &client_at)
        && v.length(client, &client_at, 1, 1024)
    {
        let printable = client.chars().all(|c| (' '..='~').contains(&c));
        v.pattern(client, &client_at, printable, "[ -~]+");
    }
}

pub(super) fn check_source_ip(v: &mut Violations, config: &SourceIpConfigRequest) {
    let Some(cidrs) = &config.cidrs else {
        v.fail(None, "sourceIpConfig.cidrs", "Member must not be null");
        return;
    };
    v.list_length(cidrs, "sourceIpConfig.cidrs", 0, MAX_CIDRS);
    for (i, cidr) in cidrs.iter().enumerate() {
        let at = format!("sourceIpConfig.cidrs.{}.member", i + 1);
        if v.length(cidr, &at, 4, 64) && !is_cidr(cidr) {
            v.fail(
                Some(cidr),
                &at,
                "Member must be an IPv4 or IPv6 CIDR block (address/prefix length)",
            );
        }
    }
}

/// Checks a WorkforceVpcConfig; `{}` (nothing set) is valid and means "none".
pub(super) fn check_vpc(v: &mut Violations, config: &VpcConfigRequest) {
    if config.is_empty() {
        return;
    }
    const AT: &str = "workforceVpcConfig";
    if let Some(vpc) = v.required(config.vpc_id.as_deref(), &format!("{AT}.vpcId"))
        && v.length(vpc, &format!("{AT}.vpcId"), 0, 32)
    {
        v.pattern(
            vpc,
            &format!("{AT}.vpcId"),
            is_ec2_id(vpc, "vpc-", false),
            "vpc-[0-9a-z]*",
        );
    }
    let groups = format!("{AT}.securityGroupIds");
    check_ec2_ids(v, config.security_group_ids.as_deref(), &groups, "sg-", 5);
    let subnets = format!("{AT}.subnets");
    check_ec2_ids(v, config.subnets.as_deref(), &subnets, "subnet-", 16);
}

/// A required list of 1..=`max` ids, each `<prefix>[0-9a-z]+`, at most 32 long.
pub(super) fn check_ec2_ids(
    v: &mut Violations,
    ids: Option<&[String]>,
    at: &str,
    prefix: &str,
    max: usize,
) {
    let Some(ids) = ids else {
        v.fail(None, at, "Member must not be null");
        return;
    };
    v.list_length(ids, at, 1, max);
    let pattern = format!("{prefix}[0-9a-z]+");
    for (i, id) in ids.iter().enumerate() {
        let item_at = format!("{at}.{}.member", i + 1);
        if v.length(id, &item_at, 0, 32) {
            v.pattern(id, &item_at, is_ec2_id(id, prefix, true), &pattern);
        }
    }
}

pub(super) fn check_ip_address_type(v: &mut Violations, value: Option<&str>) {
    if let Some(value) = value {
        v.one_of(value, "ipAddressType", &["ipv4", "dualstack"]);
    }
}

pub(super) fn check_https(v: &mut Violations, value: Option<&str>, at: &str) {
    if let Some(url) = v.required(value, at)
        && v.length(url, at, 0, 500)
    {
        let ok = url
            .strip_prefix("https://")
            .is_some_and(|rest| !rest.is_empty() && !rest.chars().any(char::is_whitespace));
        v.pattern(url, at, ok, "https://\\S+");
    }
}

pub(super) fn check_oidc(v: &mut Violations, config: &OidcConfigRequest) {
    for (value, at) in [
        (&config.client_id, "oidcConfig.clientId"),
        (&config.client_secret, "oidcConfig.clientSecret"),
    ] {
        if let Some(value) = v.required(value.as_deref(), at) {
            v.length(value, at, 1, 1024);
        }
    }
    if let Some(params) = &config.authentication_request_extra_params
        && params.len() > 10
    {
        v.fail(
            Some(&format!("{} parameters", params.len())),
            "oidcConfig.authenticationRequestExtraParams",
            "Member must have length less than or equal to 10",
        );
    }
    for (value, at) in [
        (&config.issuer, "oidcConfig.issuer"),
        (
            &config.authorization_endpoint,
            "oidcConfig.authorizationEndpoint",
        ),
        (&config.token_endpoint, "oidcConfig.tokenEndpoint"),
        (&config.user_info_endpoint, "oidcConfig.userInfoEndpoint"),
        (&config.logout_endpoint, "oidcConfig.logoutEndpoint"),
        (&config.jwks_uri, "oidcConfig.jwksUri"),
    ] {
        check_https(v, value.as_deref(), at);
    }
}

pub(super) fn check_tags(v: &mut Violations, tags: Option<&[TagRequest]>) {
    let Some(tags) = tags else { return };
    if tags.len() > 50 {
        v.fail(
            Some(&format!("{} tags", tags.len())),
            "tags",
            "Member must have length less than or equal to 50",
        );
    }
    for (i, tag) in tags.iter().enumerate() {
        let at = format!("tags.{}.member", i + 1);
        if let Some(key) = v.required(tag.key.as_deref(), &format!("{at}.key")) {
            v.length(key, &format!("{at}.key"), 1, 128);
            v.pattern(key, &format!("{at}.key"), is_tag_text(key), TAG_PATTERN);
            if key.starts_with(RESERVED_TAG_PREFIX) {
                v.fail(
                    Some(key),
                    &format!("{at}.key"),
                    "Tag keys starting with 'aws:' are reserved for system use",
                );
            }
        }
        if let Some(value) = v.required(tag.value.as_deref(), &format!("{at}.value")) {
            v.length(value, &format!("{at}.value"), 0, 256);
            v.pattern(
                value,
                &format!("{at}.value"),
                is_tag_text(value),
                TAG_PATTERN,
            );
        }
    }
}

const TAG_PATTERN: &str = "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$";
const RESERVED_TAG_PREFIX: &str = "aws:";

/// The model's tag key and value pattern: letters, separators, numbers and
/// `_.:/=+-@`.
fn is_tag_text(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_alphabetic()
            || c.is_numeric()
            || (c.is_whitespace() && !c.is_control())
            || "_.:/=+-@".contains(c)
    })
}

pub(super) fn check_max_results(v: &mut Violations, max: Option<i64>) {
    if let Some(max) = max
        && !(1..=100).contains(&max)
    {
        let constraint = if max < 1 {
            "Member must have value greater than or equal to 1"
        } else {
            "Member must have value less than or equal to 100"
        };
        v.fail(Some(&max.to_string()), "maxResults", constraint);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workforce_names_follow_the_model_pattern() {
        for ok in ["a", "default", "My-Workforce-1", &"a".repeat(63), "0-"] {
            assert!(is_workforce_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a_b", "a b", "é", &"a".repeat(64), "a.b"] {
            assert!(!is_workforce_name(bad), "{bad}");
        }
    }

    #[test]
    fn workteam_names_have_no_hyphen_at_either_end() {
        assert!(is_workteam_name("team-1"));
        assert!(is_workteam_name("a--b"));
        assert!(!is_workteam_name("team-"));
        assert!(!is_workteam_name("-team"));
        assert!(!is_workteam_name(""));
    }

    #[test]
    fn user_pool_ids_need_a_region_and_an_alphanumeric_suffix() {
        assert!(is_user_pool_id("us-east-1_AbC123"));
        assert!(is_user_pool_id("a_b_c"));
        assert!(!is_user_pool_id("us-east-1"));
        assert!(!is_user_pool_id("_abc"));
        assert!(!is_user_pool_id("us-east-1_"));
        assert!(!is_user_pool_id("us-east-1_ab-c"));
        assert!(!is_user_pool_id("us east-1_abc"));
    }

    #[test]
    fn cidrs_are_parsed_for_both_families() {
        for ok in [
            "10.0.0.0/16",
            "192.168.1.7/32",
            "0.0.0.0/0",
            "2001:db8::/32",
            "::/0",
            "::1/128",
        ] {
            assert!(is_cidr(ok), "{ok}");
        }
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "2001:db8::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "example.com/8",
            "10.0.0.0/8/8",
        ] {
            assert!(!is_cidr(bad), "{bad}");
        }
    }

    #[test]
    fn ec2_ids_need_their_prefix() {
        assert!(is_ec2_id("vpc-", "vpc-", false));
        assert!(is_ec2_id("vpc-0a1b", "vpc-", false));
        assert!(!is_ec2_id("sg-", "sg-", true));
        assert!(!is_ec2_id("sg-ABC", "sg-", true));
        assert!(!is_ec2_id("subnet_1", "subnet-", true));
    }

    #[test]
    fn violations_are_counted_and_joined_like_aws() {
        let mut v = Violations::default();
        check_workforce_name(&mut v, Some("bad_name"), "workforceName");
        let one = v.finish().unwrap_err();
        assert_eq!(one.code, "ValidationException");
        assert_eq!(
            one.message,
            "1 validation error detected: Value 'bad_name' at 'workforceName' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9]([a-zA-Z0-9\\-]){0,62}$"
        );
        let mut v = Violations::default();
        check_workforce_name(&mut v, None, "workforceName");
        check_source_ip(
            &mut v,
            &SourceIpConfigRequest {
                cidrs: Some(vec!["10.0.0.0/8".into(), "1.2.3.4/40".into()]),
            },
        );
        let two = v.finish().unwrap_err().message;
        assert!(two.starts_with("2 validation errors detected: Value null at 'workforceName'"));
        assert!(two.contains("Value '1.2.3.4/40' at 'sourceIpConfig.cidrs.2.member'"));
    }

    #[test]
    fn vpc_config_needs_all_three_members_unless_empty() {
        let mut v = Violations::default();
        check_vpc(&mut v, &VpcConfigRequest::default());
        assert!(v.finish().is_ok());
        let mut v = Violations::default();
        check_vpc(
            &mut v,
            &VpcConfigRequest {
                vpc_id: Some("vpc-1".into()),
                security_group_ids: Some(vec![]),
                subnets: None,
            },
        );
        let message = v.finish().unwrap_err().message;
        assert!(message.starts_with("2 validation errors"), "{message}");
        assert!(message.contains("'workforceVpcConfig.securityGroupIds'"));
        assert!(message.contains("Value null at 'workforceVpcConfig.subnets'"));
    }
}

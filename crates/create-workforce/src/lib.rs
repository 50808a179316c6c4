//! `Custom::PrivateWorkforce`: a SageMaker Ground Truth private workforce
//! on a Cognito user pool and app client, and its one work team, created,
//! updated and deleted with CloudFormation, waiting for it to settle. The
//! resource owns the team so that a rename (delete team and workforce,
//! create both anew) and its rollback are one resource's Update.
//!
//! - [`properties`]: the typed, validated properties;
//! - [`decide`]: the decisions, without I/O (adopt / conflict / create,
//!   in place / replace, is it ours, what to update, the work team and the
//!   teams in the way, when a wait is over);
//! - [`resource`]: the SageMaker calls around them.

pub mod decide;
pub mod error;
pub mod properties;
pub mod resource;

pub use error::WorkforceError;
pub use properties::WorkforceProperties;
pub use resource::PrivateWorkforce;

/// What this resource offers the template (docs/CONTRACT.md, Custom::PrivateWorkforce).
pub const CONTRACT: custom_resource::ResourceContract = custom_resource::ResourceContract {
    resource_type: "Custom::PrivateWorkforce",
    properties: &[
        "WorkforceName",
        "UserPoolId",
        "ClientId",
        "SourceIpCidrs",
        "IpAddressType",
        "VpcId",
        "SubnetIds",
        "SecurityGroupIds",
        "WorkteamName",
        "WorkteamDescription",
        "WorkerGroupName",
        "NotificationTopicArn",
        "Tags",
    ],
    required: &[
        "WorkforceName",
        "UserPoolId",
        "ClientId",
        "WorkteamName",
        "WorkerGroupName",
    ],
    data_keys: &["WorkforceArn", "WorkforceName", "SubDomain", "WorkteamArn"],
};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value, json};

    /// A valid value for every property the contract lists.
    fn sample(property: &str) -> Value {
        match property {
            "WorkforceName" => json!("labelers"),
            "UserPoolId" => json!("us-east-1_AbC123"),
            "ClientId" => json!("3n4b5urk1ft4fl3mg5e62d9ado"),
            "SourceIpCidrs" => json!(["203.0.113.0/24", "2001:db8::/32"]),
            "IpAddressType" => json!("dualstack"),
            "VpcId" => json!("vpc-0abc123"),
            "SubnetIds" => json!(["subnet-0abc", "subnet-0def"]),
            "SecurityGroupIds" => json!(["sg-0abc"]),
            "WorkteamName" => json!("labelers-team"),
            "WorkteamDescription" => json!("Private labeling team of stack s"),
            "WorkerGroupName" => json!("workers"),
            "Tags" => json!(["team=labeling", "cost-center=42"]),
            "NotificationTopicArn" => json!("arn:aws:sns:us-east-1:123456789012:tasks"),
            other => panic!("no sample for {other}"),
        }
    }

    #[test]
    fn every_contract_property_parses() {
        let all: Map<String, Value> = CONTRACT
            .properties
            .iter()
            .map(|property| (property.to_string(), sample(property)))
            .collect();
        let properties: WorkforceProperties = CONTRACT.check_sample(&Value::Object(all)).unwrap();
        assert_eq!(properties.source_ip_cidrs.len(), 2);
        assert!(properties.vpc().is_some());
    }
}

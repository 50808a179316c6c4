//! `Custom::PortalDomain` properties, typed and checked before any AWS call.

use aws_rules::sagemaker::workforce_name_problem;
use custom_resource::{InvalidProperty, Properties, cfn};
use serde::Deserialize;

/// `ResourceProperties` of a `Custom::PortalDomain`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PortalDomainProperties {
    /// The workforce to read.
    #[serde(deserialize_with = "cfn::string")]
    pub workforce_name: String,
    /// The sub-domain the workforce resource answered. A workforce
    /// recreated under the same name (a new app client) has a new one, and
    /// CloudFormation sends this resource an Update only when a property
    /// changes, so this is what makes it read the new portal. Accepted and
    /// ignored: the portal is read from SageMaker.
    #[serde(default, deserialize_with = "cfn::string")]
    pub sub_domain: String,
}

impl Properties for PortalDomainProperties {
    fn validate(&self) -> Result<(), InvalidProperty> {
        match workforce_name_problem(&self.workforce_name) {
            Some(problem) => Err(InvalidProperty::new("WorkforceName", problem)),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CONTRACT;
    use serde_json::{Value, json};

    fn parse(value: Value) -> Result<PortalDomainProperties, String> {
        let properties: PortalDomainProperties =
            serde_json::from_value(value).map_err(|e| e.to_string())?;
        properties.validate().map_err(|e| e.to_string())?;
        Ok(properties)
    }

    #[test]
    fn every_contract_property_parses() {
        let properties: PortalDomainProperties = CONTRACT
            .check_sample(&json!({"WorkforceName": "my-workforce",
                                  "SubDomain": "x1.labeling.us-east-1.sagemaker.aws"}))
            .unwrap();
        assert_eq!(properties.workforce_name, "my-workforce");
        assert_eq!(properties.sub_domain, "x1.labeling.us-east-1.sagemaker.aws");
        // Optional: a template without it still works.
        assert_eq!(
            parse(json!({"WorkforceName": "my-workforce"}))
                .unwrap()
                .sub_domain,
            ""
        );
    }

    #[test]
    fn workforce_names_follow_sagemaker_rules() {
        for good in ["a", "default", "My-Workforce-1", &"w".repeat(63)] {
            assert_eq!(workforce_name_problem(good), None, "{good}");
        }
        for bad in [
            "",
            &"w".repeat(64) as &str,
            "-lead",
            "under_score",
            "sp ace",
        ] {
            let problem = workforce_name_problem(bad).unwrap_or_default();
            assert!(problem.contains("1-63 characters"), "{bad:?}: {problem}");
        }
        let error = parse(json!({"WorkforceName": "bad_name"})).unwrap_err();
        assert!(error.starts_with("property `WorkforceName`"), "{error}");
        let error = parse(json!({"WorkforceName": "ok", "WorkforceNmae": "x"})).unwrap_err();
        assert!(error.contains("WorkforceNmae"), "{error}");
        let error = parse(json!({})).unwrap_err();
        assert!(error.contains("WorkforceName"), "{error}");
    }
}

//! `Custom::PortalDomain`: reads the private workforce with DescribeWorkforce
//! and hands out the labeling portal's sub-domain and the URLs built from it
//! (portal, Cognito callback, logout). It only reads; Delete has nothing to do.

use aws_rules::aws_detail;
pub use aws_rules::sagemaker::{Observed, PortalUrls, Status, workforce_name_problem};
use aws_rules::sagemaker::{is_bare_host, is_workforce_not_found};
use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use custom_resource::{
    Context, CustomResource, InvalidProperty, Outcome, Properties, ResourceContract, cfn,
};
use serde::Deserialize;

/// What `Custom::PortalDomain` offers the template.
pub const CONTRACT: ResourceContract = ResourceContract {
    resource_type: "Custom::PortalDomain",
    properties: &["WorkforceName"],
    required: &["WorkforceName"],
    data_keys: &["SubDomain", "PortalUrl", "CallbackUrl", "LogoutUrl"],
};

/// `ResourceProperties` of a `Custom::PortalDomain`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PortalDomainProperties {
    /// The workforce to read.
    #[serde(deserialize_with = "cfn::string")]
    pub workforce_name: String,
}

impl Properties for PortalDomainProperties {
    fn validate(&self) -> Result<(), InvalidProperty> {
        match workforce_name_problem(&self.workforce_name) {
            Some(problem) => Err(InvalidProperty::new("WorkforceName", problem)),
            None => Ok(()),
        }
    }
}

/// Why a `Custom::PortalDomain` event failed, worded as a FAILED Reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortalDomainError {
    #[error(
        "workforce {name} does not exist in this account and Region (DescribeWorkforce: {detail}); \
         check WorkforceName, and that the resource depends on the workforce it reads"
    )]
    NotFound { name: String, detail: String },
    #[error("could not describe workforce {name} (DescribeWorkforce): {detail}")]
    Describe { name: String, detail: String },
    #[error(
        "DescribeWorkforce for {requested} returned workforce {returned:?}; expected the workforce named WorkforceName"
    )]
    OtherWorkforce { requested: String, returned: String },
    #[error(
        "workforce {name} is {status}, not Active{failure}, so its portal domain is not final; \
         deploy again once it is Active"
    )]
    NotActive {
        name: String,
        status: String,
        failure: String,
    },
    #[error("workforce {name} is Active but has no SubDomain yet; deploy again in a few minutes")]
    NoSubDomain { name: String },
    #[error(
        "workforce {name} has SubDomain {sub_domain:?}, which is not a bare host name; the portal URLs cannot be built from it"
    )]
    BadSubDomain { name: String, sub_domain: String },
}

/// The successful answer: the sub-domain is the physical id.
pub fn outcome(urls: &PortalUrls) -> Outcome {
    Outcome::new(&urls.sub_domain)
        .with("SubDomain", &urls.sub_domain)
        .with("PortalUrl", &urls.portal_url)
        .with("CallbackUrl", &urls.callback_url)
        .with("LogoutUrl", &urls.logout_url)
}

/// The pure decision: the portal URLs of an Active workforce with a
/// sub-domain, or why there are none.
pub fn portal_urls(requested: &str, workforce: &Observed) -> Result<PortalUrls, PortalDomainError> {
    let returned = workforce.name.as_str();
    if !returned.is_empty() && returned != requested {
        return Err(PortalDomainError::OtherWorkforce {
            requested: requested.to_owned(),
            returned: returned.to_owned(),
        });
    }
    if workforce.status != Status::Active {
        let failure = match workforce.failure_reason.as_deref() {
            Some(reason) if !reason.is_empty() => format!(" (FailureReason: {reason})"),
            _ => String::new(),
        };
        return Err(PortalDomainError::NotActive {
            name: requested.to_owned(),
            status: workforce.status.as_str().to_owned(),
            failure,
        });
    }
    match workforce.sub_domain.as_str() {
        "" => Err(PortalDomainError::NoSubDomain {
            name: requested.to_owned(),
        }),
        sub_domain if !is_bare_host(sub_domain) => Err(PortalDomainError::BadSubDomain {
            name: requested.to_owned(),
            sub_domain: sub_domain.to_owned(),
        }),
        sub_domain => Ok(PortalUrls::new(sub_domain)),
    }
}

/// DescribeWorkforce of `name`, read as the portal's URLs: the one read
/// both this resource and the `invitation-message` trigger make.
pub async fn read_portal(
    sagemaker: &aws_sdk_sagemaker::Client,
    name: &str,
) -> Result<PortalUrls, PortalDomainError> {
    let described = sagemaker
        .describe_workforce()
        .workforce_name(name)
        .send()
        .await
        .map_err(|error| {
            let detail = aws_detail(&error);
            let name = name.to_owned();
            if is_workforce_not_found(error.code(), error.message()) {
                PortalDomainError::NotFound { name, detail }
            } else {
                PortalDomainError::Describe { name, detail }
            }
        })?;
    match described.workforce() {
        Some(workforce) => portal_urls(name, &Observed::from(workforce)),
        None => Err(PortalDomainError::Describe {
            name: name.to_owned(),
            detail: "the answer held no workforce".to_owned(),
        }),
    }
}

/// The resource, holding the SageMaker client built once in `main`.
pub struct PortalDomain {
    sagemaker: aws_sdk_sagemaker::Client,
}

impl PortalDomain {
    pub fn new(sagemaker: aws_sdk_sagemaker::Client) -> Self {
        Self { sagemaker }
    }

    async fn fetch(
        &self,
        properties: &PortalDomainProperties,
    ) -> Result<Outcome, PortalDomainError> {
        let name = properties.workforce_name.as_str();
        let urls = read_portal(&self.sagemaker, name).await?;
        tracing::info!(
            workforce = name,
            sub_domain = urls.sub_domain,
            "portal domain read"
        );
        Ok(outcome(&urls))
    }
}

impl CustomResource for PortalDomain {
    type Properties = PortalDomainProperties;
    type Error = PortalDomainError;

    async fn create(
        &self,
        _context: &Context,
        properties: PortalDomainProperties,
    ) -> Result<Outcome, PortalDomainError> {
        self.fetch(&properties).await
    }

    /// A new sub-domain is a new physical id; the old one's Delete is a no-op.
    async fn update(
        &self,
        _context: &Context,
        _physical_resource_id: &str,
        properties: PortalDomainProperties,
        _old: Option<PortalDomainProperties>,
    ) -> Result<Outcome, PortalDomainError> {
        self.fetch(&properties).await
    }

    async fn delete(
        &self,
        _context: &Context,
        physical_resource_id: &str,
        _properties: PortalDomainProperties,
    ) -> Result<(), PortalDomainError> {
        tracing::info!(
            physical_resource_id,
            "nothing to delete: this resource only reads"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn parse(value: Value) -> Result<PortalDomainProperties, String> {
        let properties: PortalDomainProperties =
            serde_json::from_value(value).map_err(|e| e.to_string())?;
        properties.validate().map_err(|e| e.to_string())?;
        Ok(properties)
    }

    const SUB_DOMAIN: &str = "abcde12345.labeling.us-east-1.sagemaker.aws";

    fn active() -> Observed {
        Observed {
            name: "my-workforce".into(),
            arn: String::new(),
            sub_domain: SUB_DOMAIN.into(),
            status: Status::Active,
            failure_reason: None,
            user_pool_id: None,
            client_id: None,
            source_ip_cidrs: vec![],
            vpc: None,
        }
    }

    #[test]
    fn contract_properties_parse_and_data_keys_match() {
        let object: serde_json::Map<String, Value> = CONTRACT
            .properties
            .iter()
            .map(|property| match *property {
                "WorkforceName" => ((*property).to_owned(), json!("my-workforce")),
                other => panic!("no sample value for {other}"),
            })
            .collect();
        let properties = parse(Value::Object(object)).unwrap();
        assert_eq!(properties.workforce_name, "my-workforce");
        let data = outcome(&portal_urls("my-workforce", &active()).unwrap()).data;
        let mut keys: Vec<&str> = data.keys().map(String::as_str).collect();
        let mut expected = CONTRACT.data_keys.to_vec();
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }

    #[test]
    fn builds_the_urls_from_the_sub_domain() {
        let outcome = outcome(&portal_urls("my-workforce", &active()).unwrap());
        assert_eq!(outcome.physical_resource_id, SUB_DOMAIN);
        let data = |key: &str| outcome.data.get(key).cloned().unwrap_or_default();
        assert_eq!(data("SubDomain"), SUB_DOMAIN);
        assert_eq!(data("PortalUrl"), format!("https://{SUB_DOMAIN}"));
        assert_eq!(
            data("CallbackUrl"),
            format!("https://{SUB_DOMAIN}/oauth2/idpresponse")
        );
        assert_eq!(data("LogoutUrl"), format!("https://{SUB_DOMAIN}/logout"));
    }

    #[test]
    fn a_workforce_that_is_not_active_fails_saying_its_status() {
        for status in [Status::Initializing, Status::Updating, Status::Deleting] {
            let status_text = status.as_str().to_owned();
            let view = Observed { status, ..active() };
            let reason = portal_urls("my-workforce", &view).unwrap_err().to_string();
            assert!(
                reason.contains(&format!("is {status_text}, not Active")),
                "{reason}"
            );
            assert!(reason.contains("my-workforce"), "{reason}");
        }
        let failed = Observed {
            status: Status::Failed,
            failure_reason: Some("Cognito client lacks a secret".into()),
            ..active()
        };
        let reason = portal_urls("my-workforce", &failed)
            .unwrap_err()
            .to_string();
        assert!(
            reason.contains("is Failed") && reason.contains("Cognito client lacks a secret"),
            "{reason}"
        );
        let unknown = Observed {
            status: Status::Other("(no status)".into()),
            ..active()
        };
        assert!(matches!(
            portal_urls("my-workforce", &unknown),
            Err(PortalDomainError::NotActive { .. })
        ));
    }

    #[test]
    fn an_active_workforce_needs_a_plain_sub_domain() {
        let view = Observed {
            sub_domain: String::new(),
            ..active()
        };
        assert_eq!(
            portal_urls("my-workforce", &view),
            Err(PortalDomainError::NoSubDomain {
                name: "my-workforce".into()
            })
        );
        for bad in ["https://x.labeling.us-east-1.sagemaker.aws", "x/y", "x y"] {
            let view = Observed {
                sub_domain: bad.into(),
                ..active()
            };
            assert!(
                matches!(
                    portal_urls("my-workforce", &view),
                    Err(PortalDomainError::BadSubDomain { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn another_workforce_in_the_answer_is_refused() {
        let reason = portal_urls("mine", &active()).unwrap_err().to_string();
        assert!(
            reason.contains("mine") && reason.contains("\"my-workforce\""),
            "{reason}"
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

//! The decisions, without I/O: the portal URLs of a described workforce
//! (Active, with a bare-host sub-domain), or why there are none, and the
//! answer they make.

use crate::PortalDomainError;
use aws_rules::sagemaker::{Observed, PortalUrls, Status, is_bare_host};
use custom_resource::Outcome;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CONTRACT;

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
            ip_address_type: aws_rules::sagemaker::IpAddressType::Ipv4,
            vpc: None,
            oidc: None,
        }
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
        let mut keys: Vec<&str> = outcome.data.keys().map(String::as_str).collect();
        let mut expected = CONTRACT.data_keys.to_vec();
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected);
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
}

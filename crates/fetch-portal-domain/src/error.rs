//! Why a `Custom::PortalDomain` event failed, worded as its FAILED Reason.

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

//! `Custom::PortalDomain`: reads the private workforce with DescribeWorkforce
//! and hands out the labeling portal's sub-domain and the URLs built from it
//! (portal, Cognito callback, logout). It only reads; Delete has nothing to do.
//!
//! - [`properties`]: the typed, validated properties;
//! - [`decide`]: the decisions, without I/O (the portal URLs of a described
//!   workforce, or why there are none);
//! - [`resource`]: the SageMaker read around them, shared with the
//!   `invitation-message` trigger ([`read_portal`]);
//! - [`error`]: why an event failed, worded as its FAILED Reason.

pub mod decide;
pub mod error;
pub mod properties;
pub mod resource;

pub use aws_rules::sagemaker::{Observed, PortalUrls, Status, workforce_name_problem};
pub use decide::{outcome, portal_urls};
pub use error::PortalDomainError;
pub use properties::PortalDomainProperties;
pub use resource::{PortalDomain, read_portal};

use custom_resource::ResourceContract;

/// What `Custom::PortalDomain` offers the template.
pub const CONTRACT: ResourceContract = ResourceContract {
    resource_type: "Custom::PortalDomain",
    properties: &["WorkforceName", "SubDomain"],
    required: &["WorkforceName"],
    data_keys: &["SubDomain", "PortalUrl", "CallbackUrl", "LogoutUrl"],
};

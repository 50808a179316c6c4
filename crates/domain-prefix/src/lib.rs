//! `Custom::DomainPrefix`: resolves the Cognito domain prefix once and keeps
//! it in an SSM parameter, so every later deployment (and a re-created stack
//! that kept the parameter) uses the same prefix. A Cognito domain cannot be
//! renamed, so a stored prefix always wins over a generated one, and a
//! different explicit one is refused rather than silently replacing it.
//!
//! - [`properties`]: the typed, validated properties;
//! - [`decide`]: the naming rules (Cognito's for a prefix, SSM's for a
//!   parameter name), the generated prefix and the decision between stored,
//!   wanted and generated, without I/O;
//! - [`resource`]: the SSM calls around them;
//! - [`error`]: why an event failed, worded as its FAILED Reason.

pub mod decide;
pub mod error;
pub mod properties;
pub mod resource;

pub use decide::{Decision, decision, outcome};
pub use error::DomainPrefixError;
pub use properties::DomainPrefixProperties;
pub use resource::DomainPrefix;

use custom_resource::ResourceContract;

/// What `Custom::DomainPrefix` offers the template.
pub const CONTRACT: ResourceContract = ResourceContract {
    resource_type: "Custom::DomainPrefix",
    properties: &["ParameterName", "Prefix", "RetainParameter"],
    required: &["ParameterName"],
    data_keys: &["Prefix"],
};

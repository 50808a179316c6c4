//! `Custom::ClientCallbacks`: writes the final callback and logout URLs to
//! a Cognito app client and changes nothing else. UpdateUserPoolClient
//! resets what it is not given, so the client is described first and every
//! setting carried over (`cognito_rules::client_update`).
//!
//! - [`properties`]: the typed, validated properties;
//! - [`decide`]: the decisions, without I/O (the physical id, the URLs to
//!   write and the request that carries every other setting over);
//! - [`resource`]: the Cognito calls around them;
//! - [`error`]: why an event failed, worded as its FAILED Reason.

pub mod decide;
pub mod error;
pub mod properties;
pub mod resource;

pub use decide::{NewUrls, PlanError, new_urls, physical_id, update_request};
pub use error::ClientCallbacksError;
pub use properties::ClientCallbacksProperties;
pub use resource::ClientCallbacks;

use custom_resource::ResourceContract;

/// What `Custom::ClientCallbacks` offers the template.
pub const CONTRACT: ResourceContract = ResourceContract {
    resource_type: "Custom::ClientCallbacks",
    properties: &[
        "UserPoolId",
        "ClientId",
        "CallbackUrls",
        "LogoutUrls",
        "PlaceholderUrl",
    ],
    required: &["UserPoolId", "ClientId", "CallbackUrls"],
    data_keys: &["CallbackUrls", "LogoutUrls"],
};

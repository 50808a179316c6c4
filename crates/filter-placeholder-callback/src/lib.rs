//! `Custom::PlaceholderFilter`: reads an app client's live callback and
//! logout URLs, drops the placeholder the client was created with, appends
//! the portal's URLs, and hands the result out as Data. It only reads
//! (DescribeUserPoolClient); `Custom::ClientCallbacks` does the writing.
//!
//! - [`properties`]: the typed, validated properties;
//! - [`decide`]: the decisions, without I/O (which URLs stay, the physical id);
//! - [`resource`]: the Cognito read around them;
//! - [`error`]: why an event failed, worded as its FAILED Reason.

pub mod decide;
pub mod error;
pub mod properties;
pub mod resource;

pub use decide::{ClientUrls, FilterError, Wanted, filter, physical_id};
pub use error::PlaceholderFilterError;
pub use properties::FilterProperties;
pub use resource::PlaceholderFilter;

use custom_resource::ResourceContract;

/// What `Custom::PlaceholderFilter` offers the template.
pub const CONTRACT: ResourceContract = ResourceContract {
    resource_type: "Custom::PlaceholderFilter",
    properties: &[
        "UserPoolId",
        "ClientId",
        "PlaceholderUrl",
        "RequiredCallbackUrl",
        "RequiredLogoutUrl",
    ],
    required: &["UserPoolId", "ClientId", "PlaceholderUrl"],
    data_keys: &["CallbackUrls", "LogoutUrls"],
};

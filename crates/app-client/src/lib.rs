//! `Custom::AppClient`: the labeling portal's Cognito app client.
//!
//! A native `AWS::Cognito::UserPoolClient` is rewritten by CloudFormation
//! with the template's URLs (the placeholder) whenever its properties change,
//! and again by a rollback, which Custom::ClientCallbacks may never hear of:
//! the portal's URLs would be gone and workers could not sign in. This
//! resource creates the client with the placeholder, and its updates (and so
//! its rollbacks) change only the name and the placeholder, keeping the
//! portal's URLs and every other setting as they are.
//!
//! - [`properties`]: the typed, validated properties;
//! - [`decide`]: the decisions, without I/O (the CreateUserPoolClient
//!   request, the URLs an update keeps, replacement or in place);
//! - [`resource`]: the Cognito calls around them;
//! - [`error`]: why an event failed, worded as its FAILED Reason.

pub mod decide;
pub mod error;
pub mod properties;
pub mod resource;

pub use error::AppClientError;
pub use properties::AppClientProperties;
pub use resource::AppClient;

use custom_resource::ResourceContract;

/// What `Custom::AppClient` offers the template. `!Ref` gives the client id.
pub const CONTRACT: ResourceContract = ResourceContract {
    resource_type: "Custom::AppClient",
    properties: &["UserPoolId", "ClientName", "PlaceholderUrl"],
    required: &["UserPoolId", "ClientName", "PlaceholderUrl"],
    data_keys: &[],
};

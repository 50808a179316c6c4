//! The Cognito rules that need the SDK, each in one place: reading an app
//! client ([`app_client`]), the UpdateUserPoolClient request that changes
//! only its URLs ([`client_update`]), and the wire rule for pool requests
//! ([`wire`]). The SDK-free rules are in `aws-rules`; this crate is apart so
//! that a function that never calls Cognito does not link its SDK (README
//! "Release profile").

pub mod app_client;
pub mod client_update;
pub mod wire;

pub use app_client::{DescribeClientError, describe_app_client};

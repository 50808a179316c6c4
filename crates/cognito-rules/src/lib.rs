//! The Cognito rules more than one function applies, so that they stay one
//! rule: the shapes of user pool and app client ids ([`ids`]), what a
//! callback or logout URL may look like ([`urls`]), and reading an app
//! client with a Reason an operator can act on (`app_client`, with the
//! default feature `app-client`, which needs the Cognito SDK, as do
//! `client_update`: the UpdateUserPoolClient request that changes an app
//! client's URLs and carries every other setting over, and `wire`: what a
//! user pool request may carry on the wire).
//!
//! Each is checked before any AWS call, so a typo fails with the property's
//! name instead of an API error.

#[cfg(feature = "app-client")]
pub mod app_client;
#[cfg(feature = "app-client")]
pub mod client_update;
pub mod ids;
pub mod urls;
#[cfg(feature = "app-client")]
pub mod wire;

#[cfg(feature = "app-client")]
pub use app_client::{DescribeClientError, aws_detail, describe_app_client};
pub use ids::{
    MAX_CLIENT_ID_CHARS, MAX_USER_POOL_ID_CHARS, check_app_client_ids, check_user_pool_id,
    is_client_id, is_user_pool_id,
};
pub use urls::{MAX_URL_CHARS, MAX_URLS, UrlProblem, check_url, quoted};

//! The AWS rules more than one function applies, each in one place, so that
//! they stay one rule and every function words them alike in its Reasons:
//! the shapes of Cognito ids ([`ids`]), callback and logout URLs
//! ([`urls`]), SageMaker's workforce rules and a described workforce
//! ([`sagemaker`]), how a refused value is shown ([`text`]), and, with the
//! feature `sdk`, what an SDK error says (`detail`). The rules that need a
//! service's SDK are in `cognito-rules` and `sagemaker-rules`, so that each
//! function links only the SDKs it calls.
//!
//! Each rule is checked before any AWS call, so a typo fails with the
//! property's name instead of an API error.

pub mod carry;
#[cfg(feature = "sdk")]
pub mod detail;
pub mod ids;
pub mod sagemaker;
pub mod text;
pub mod urls;
#[cfg(feature = "sdk")]
pub use detail::aws_detail;
pub use ids::{
    MAX_CLIENT_ID_CHARS, MAX_USER_POOL_ID_CHARS, check_app_client_ids, check_user_pool_id,
    is_client_id, is_user_pool_id,
};
pub use text::shown;
pub use urls::{MAX_URL_CHARS, MAX_URLS, UrlProblem, check_url};

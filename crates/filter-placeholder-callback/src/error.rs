//! Why a `Custom::PlaceholderFilter` event failed, worded as its FAILED Reason.

use crate::decide::FilterError;
use cognito_rules::DescribeClientError;

#[derive(Debug, thiserror::Error)]
pub enum PlaceholderFilterError {
    #[error(transparent)]
    Describe(#[from] DescribeClientError),
    #[error("app client {client_id}: {source}")]
    Filter {
        client_id: String,
        #[source]
        source: FilterError,
    },
}

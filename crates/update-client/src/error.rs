//! Why a `Custom::ClientCallbacks` event failed, worded as its FAILED Reason.

use cognito_rules::DescribeClientError;
use cognito_rules::client_update::PlanError;

#[derive(Debug, thiserror::Error)]
pub enum ClientCallbacksError {
    #[error(transparent)]
    Describe(#[from] DescribeClientError),
    #[error("app client {client_id}: {source}")]
    Plan {
        client_id: String,
        #[source]
        source: PlanError,
    },
    #[error(
        "internal error: the UpdateUserPoolClient request for {client_id} is incomplete: {detail}"
    )]
    Request { client_id: String, detail: String },
    #[error(
        "could not update app client {client_id} of user pool {user_pool_id} \
         (UpdateUserPoolClient): {detail}; the client was left as it was"
    )]
    Update {
        user_pool_id: String,
        client_id: String,
        detail: String,
    },
}

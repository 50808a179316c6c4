//! Why a `Custom::AppClient` event failed, worded as its FAILED Reason.

use cognito_rules::DescribeClientError;

#[derive(Debug, thiserror::Error)]
pub enum AppClientError {
    #[error(
        "could not create the app client {client_name} in user pool {user_pool_id} \
         (CreateUserPoolClient): {detail}"
    )]
    Create {
        user_pool_id: String,
        client_name: String,
        detail: String,
    },
    #[error(transparent)]
    Describe(#[from] DescribeClientError),
    #[error(
        "could not update app client {client_id} of user pool {user_pool_id} \
         (UpdateUserPoolClient): {detail}; the client was left as it was"
    )]
    Update {
        user_pool_id: String,
        client_id: String,
        detail: String,
    },
    #[error(
        "could not delete app client {client_id} of user pool {user_pool_id} \
         (DeleteUserPoolClient): {detail}"
    )]
    Delete {
        user_pool_id: String,
        client_id: String,
        detail: String,
    },
}

//! Why a `Custom::InviteEmail` event failed, worded as a FAILED Reason.

#[derive(Debug, thiserror::Error)]
pub enum InviteEmailError {
    #[error(
        "user pool {user_pool_id} does not exist ({detail}); check the UserPoolId property \
         (nothing was changed)"
    )]
    PoolNotFound {
        user_pool_id: String,
        detail: String,
    },
    #[error("could not read user pool {user_pool_id} (DescribeUserPool): {detail}")]
    Describe {
        user_pool_id: String,
        detail: String,
    },
    #[error("DescribeUserPool returned no user pool for {user_pool_id}; deploy again")]
    EmptyDescribe { user_pool_id: String },
    #[error(
        "could not update the invitation message of user pool {user_pool_id} (UpdateUserPool): \
         {detail}"
    )]
    Update {
        user_pool_id: String,
        detail: String,
    },
}

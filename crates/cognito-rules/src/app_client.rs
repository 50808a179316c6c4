//! Reading an app client (DescribeUserPoolClient), as both functions that
//! work on one do first, with the same Reasons when it cannot be read.

use aws_rules::aws_detail;
use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::operation::describe_user_pool_client::DescribeUserPoolClientError;
use aws_sdk_cognitoidentityprovider::types::UserPoolClientType;

/// Why an app client could not be read, worded as a FAILED Reason.
#[derive(Debug, thiserror::Error)]
pub enum DescribeClientError {
    #[error(
        "app client {client_id} was not found in user pool {user_pool_id} ({detail}): check the \
         UserPoolId and ClientId properties"
    )]
    ClientNotFound {
        user_pool_id: String,
        client_id: String,
        detail: String,
    },
    #[error(
        "could not read app client {client_id} of user pool {user_pool_id} (DescribeUserPoolClient): {detail}"
    )]
    Describe {
        user_pool_id: String,
        client_id: String,
        detail: String,
    },
}

impl DescribeClientError {
    /// A failed DescribeUserPoolClient: a missing pool or client is
    /// `ResourceNotFoundException`, anything else is reported as it came.
    fn from_sdk(
        user_pool_id: &str,
        client_id: &str,
        error: &SdkError<DescribeUserPoolClientError>,
    ) -> Self {
        let (user_pool_id, client_id) = (user_pool_id.to_owned(), client_id.to_owned());
        let detail = aws_detail(error);
        if error
            .as_service_error()
            .is_some_and(DescribeUserPoolClientError::is_resource_not_found_exception)
        {
            Self::ClientNotFound {
                user_pool_id,
                client_id,
                detail,
            }
        } else {
            Self::Describe {
                user_pool_id,
                client_id,
                detail,
            }
        }
    }
}

/// The app client as DescribeUserPoolClient shows it.
pub async fn describe_app_client(
    cognito: &aws_sdk_cognitoidentityprovider::Client,
    user_pool_id: &str,
    client_id: &str,
) -> Result<UserPoolClientType, DescribeClientError> {
    let described = cognito
        .describe_user_pool_client()
        .user_pool_id(user_pool_id)
        .client_id(client_id)
        .send()
        .await
        .map_err(|error| DescribeClientError::from_sdk(user_pool_id, client_id, &error))?;
    described
        .user_pool_client
        .ok_or_else(|| DescribeClientError::Describe {
            user_pool_id: user_pool_id.to_owned(),
            client_id: client_id.to_owned(),
            detail: "the answer held no app client".to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
    use aws_sdk_cognitoidentityprovider::error::ErrorMetadata;
    use aws_sdk_cognitoidentityprovider::types::error::{
        InternalErrorException, ResourceNotFoundException,
    };
    use aws_smithy_types::body::SdkBody;

    fn service_error(error: DescribeUserPoolClientError) -> SdkError<DescribeUserPoolClientError> {
        SdkError::service_error(
            error,
            HttpResponse::new(400.try_into().unwrap(), SdkBody::empty()),
        )
    }

    fn meta(code: &str, message: Option<&str>) -> ErrorMetadata {
        let meta = ErrorMetadata::builder().code(code);
        match message {
            Some(message) => meta.message(message),
            None => meta,
        }
        .build()
    }

    #[test]
    fn a_missing_client_is_not_found_with_what_aws_said() {
        let error = service_error(DescribeUserPoolClientError::ResourceNotFoundException(
            ResourceNotFoundException::builder()
                .message("User pool client abc does not exist.")
                .meta(meta(
                    "ResourceNotFoundException",
                    Some("User pool client abc does not exist."),
                ))
                .build(),
        ));
        let reason = DescribeClientError::from_sdk("us-east-1_A", "abc", &error).to_string();
        assert_eq!(
            reason,
            "app client abc was not found in user pool us-east-1_A (ResourceNotFoundException: \
             User pool client abc does not exist.): check the UserPoolId and ClientId properties"
        );
    }

    #[test]
    fn other_errors_are_reported_as_they_came() {
        let error = service_error(DescribeUserPoolClientError::InternalErrorException(
            InternalErrorException::builder()
                .meta(meta("InternalErrorException", None))
                .build(),
        ));
        let described = DescribeClientError::from_sdk("us-east-1_A", "abc", &error);
        assert!(
            matches!(&described, DescribeClientError::Describe { detail, .. } if detail == "InternalErrorException"),
            "{described:?}"
        );
        assert!(
            described
                .to_string()
                .starts_with("could not read app client abc of user pool us-east-1_A"),
            "{described}"
        );

        // No answer at all: the whole context, not just "dispatch failure".
        let error = SdkError::construction_failure("no region configured");
        let described = DescribeClientError::from_sdk("us-east-1_A", "abc", &error);
        assert!(
            matches!(&described, DescribeClientError::Describe { detail, .. } if detail.contains("no region configured")),
            "{described:?}"
        );
    }
}

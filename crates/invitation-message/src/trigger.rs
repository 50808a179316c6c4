//! The trigger's I/O: reads the event, the pool's invitation template
//! (DescribeUserPool) and the portal URL (DescribeWorkforce), and answers
//! Cognito with [`crate::compose`]'s decision.

use crate::{ADMIN_CREATE_USER, ComposeError, Invitation, InviteTemplate, Placeholders, compose};
use aws_lambda_events::event::cognito::{
    CognitoEventUserPoolsCustomMessage, CognitoEventUserPoolsCustomMessageTriggerSource,
    CognitoEventUserPoolsHeader,
};
use aws_rules::aws_detail;
use aws_rules::sagemaker::workforce_name_problem;
use fetch_portal_domain::{PortalDomainError, read_portal};
use lambda_runtime::{Diagnostic, LambdaEvent};
use serde_json::Value;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The environment variable naming the workforce whose portal is linked.
pub const WORKFORCE_NAME_ENV: &str = "WORKFORCE_NAME";

/// Left of the Lambda deadline for answering: a read still running then is
/// given up, so Cognito gets a reason instead of a timeout.
const ANSWER_MARGIN: Duration = Duration::from_millis(300);

/// Why this invitation cannot carry the portal link.
#[derive(Debug, thiserror::Error)]
pub enum Cause {
    #[error("the function is misconfigured: {0}")]
    Config(String),
    #[error("the event is not a CustomMessage_AdminCreateUser event as Cognito sends it: {0}")]
    Event(String),
    #[error(
        "could not read the invitation template of user pool {pool} (DescribeUserPool): {detail}"
    )]
    ReadPool { pool: String, detail: String },
    #[error(
        "workforce {name} does not exist in this account and Region (DescribeWorkforce: {detail}), \
         so there is no labeling portal to link"
    )]
    NoWorkforce { name: String, detail: String },
    #[error("could not read workforce {name} (DescribeWorkforce): {detail}")]
    ReadWorkforce { name: String, detail: String },
    #[error(transparent)]
    Portal(#[from] PortalDomainError),
    #[error(transparent)]
    Compose(#[from] ComposeError),
    #[error(
        "ran out of time reading the user pool and the workforce ({0:?} were left; Cognito waits at most 5 seconds for a trigger)"
    )]
    OutOfTime(Duration),
}

impl Cause {
    /// The `errorType` Lambda reports.
    fn error_type(&self) -> &'static str {
        match self {
            Self::Config(_) => "Config",
            Self::Event(_) => "BadEvent",
            Self::ReadPool { .. } => "UserPoolUnreadable",
            Self::NoWorkforce { .. } => "WorkforceNotFound",
            Self::ReadWorkforce { .. } => "WorkforceUnreadable",
            Self::Portal(_) => "PortalUnavailable",
            Self::Compose(_) => "InvitationTooLongOrIncomplete",
            Self::OutOfTime(_) => "OutOfTime",
        }
    }
}

/// The invocation's error: Cognito refuses the AdminCreateUser with this
/// message ("CustomMessage failed with error ..."), so nobody is sent an
/// invitation without the portal link.
#[derive(Debug, thiserror::Error)]
#[error("no invitation sent to {user}: its labeling-portal link could not be built: {cause}")]
pub struct Refused {
    pub user: String,
    #[source]
    pub cause: Cause,
}

impl From<Refused> for Diagnostic {
    fn from(refused: Refused) -> Self {
        Diagnostic {
            error_type: format!("InvitationMessage.{}", refused.cause.error_type()),
            error_message: refused.to_string(),
        }
    }
}

/// The trigger, holding the SDK clients built once in `main`.
pub struct InvitationMessage {
    cognito: aws_sdk_cognitoidentityprovider::Client,
    sagemaker: aws_sdk_sagemaker::Client,
    /// The workforce name, or why the environment gives none.
    workforce: Result<String, String>,
}

/// The workforce name from `WORKFORCE_NAME`'s value, or why it is unusable.
pub fn workforce_from_env(value: Option<String>) -> Result<String, String> {
    let name = value
        .filter(|name| !name.is_empty())
        .ok_or_else(|| format!("{WORKFORCE_NAME_ENV} is not set"))?;
    match workforce_name_problem(&name) {
        Some(problem) => Err(format!("{WORKFORCE_NAME_ENV} {problem}")),
        None => Ok(name),
    }
}

/// Why the event could not be read, naming the field: serde's own message
/// does not for a value of the wrong type ("invalid type: string \"\",
/// expected a map"). The header's fields are flattened into the event,
/// which loses their path, so they are read again on their own to find it.
fn event_problem(payload: &Value, error: serde_path_to_error::Error<serde_json::Error>) -> String {
    type HeaderOnly = CognitoEventUserPoolsHeader<CognitoEventUserPoolsCustomMessageTriggerSource>;
    let located = |error: serde_path_to_error::Error<serde_json::Error>| {
        let path = error.path().to_string();
        (path != "." && !path.is_empty()).then(|| format!("{path}: {}", error.inner()))
    };
    let message = error.inner().to_string();
    located(error)
        .or_else(|| {
            serde_path_to_error::deserialize::<_, HeaderOnly>(payload.clone())
                .err()
                .and_then(located)
        })
        .unwrap_or(message)
}

impl InvitationMessage {
    pub fn new(
        cognito: aws_sdk_cognitoidentityprovider::Client,
        sagemaker: aws_sdk_sagemaker::Client,
        workforce: Result<String, String>,
    ) -> Self {
        Self {
            cognito,
            sagemaker,
            workforce,
        }
    }

    /// Answers one trigger event: the event itself, with the invitation to
    /// send in `response` when the pool's template lacks the portal link.
    pub async fn handle(&self, event: LambdaEvent<Value>) -> Result<Value, Refused> {
        let (mut payload, context) = event.into_parts();
        let trigger_source = payload["triggerSource"].as_str().unwrap_or_default();
        if trigger_source != ADMIN_CREATE_USER {
            // Verification codes, password resets, ...: not invitations.
            tracing::info!(trigger_source, "not an invitation: answered unchanged");
            return Ok(payload);
        }
        let user = payload["userName"]
            .as_str()
            .unwrap_or("(no userName)")
            .to_owned();
        let refused = |cause: Cause| Refused {
            user: user.clone(),
            cause,
        };
        let typed: CognitoEventUserPoolsCustomMessage =
            serde_path_to_error::deserialize(payload.clone())
                .map_err(|error| refused(Cause::Event(event_problem(&payload, error))))?;
        let header = &typed.cognito_event_user_pools_header;
        let pool = header
            .user_pool_id
            .clone()
            .filter(|id| !id.is_empty())
            .ok_or_else(|| refused(Cause::Event("it has no userPoolId".into())))?;
        let workforce = self
            .workforce
            .clone()
            .map_err(|e| refused(Cause::Config(e)))?;
        let placeholders = Placeholders::from_event(
            typed.request.username_parameter.as_deref(),
            typed.request.code_parameter.as_deref(),
        );

        let left = time_left(context.deadline).saturating_sub(ANSWER_MARGIN);
        let reads = async { tokio::try_join!(self.template(&pool), self.portal_url(&workforce)) };
        let (template, portal_url) = tokio::time::timeout(left, reads)
            .await
            .map_err(|_| refused(Cause::OutOfTime(left)))?
            .map_err(refused)?;

        match compose(&template, &portal_url, &placeholders).map_err(|e| refused(e.into()))? {
            Invitation::AsTemplated => {
                tracing::info!(
                    user_pool_id = pool,
                    user_name = user,
                    portal_url,
                    "the pool's invitation links the portal: Cognito sends it as it is"
                );
            }
            Invitation::Composed {
                subject,
                message,
                change,
            } => {
                tracing::info!(
                    user_pool_id = pool,
                    user_name = user,
                    portal_url,
                    ?change,
                    "the pool's invitation lacks the portal link: sending it with the link"
                );
                payload["response"]["emailSubject"] = Value::String(subject);
                payload["response"]["emailMessage"] = Value::String(message);
            }
        }
        Ok(payload)
    }

    async fn template(&self, pool: &str) -> Result<InviteTemplate, Cause> {
        let described = self
            .cognito
            .describe_user_pool()
            .user_pool_id(pool)
            .send()
            .await
            .map_err(|error| Cause::ReadPool {
                pool: pool.to_owned(),
                detail: aws_detail(&error),
            })?;
        let invite = described
            .user_pool()
            .and_then(|pool| pool.admin_create_user_config())
            .and_then(|config| config.invite_message_template());
        Ok(InviteTemplate {
            email_subject: invite.and_then(|t| t.email_subject()).map(str::to_owned),
            email_message: invite.and_then(|t| t.email_message()).map(str::to_owned),
        })
    }

    async fn portal_url(&self, name: &str) -> Result<String, Cause> {
        match read_portal(&self.sagemaker, name).await {
            Ok(urls) => Ok(urls.portal_url),
            // Worded for an invitation, not for the custom resource.
            Err(PortalDomainError::NotFound { name, detail }) => {
                Err(Cause::NoWorkforce { name, detail })
            }
            Err(PortalDomainError::Describe { name, detail }) => {
                Err(Cause::ReadWorkforce { name, detail })
            }
            Err(other) => Err(Cause::Portal(other)),
        }
    }
}

/// What is left until `deadline_ms` (milliseconds since the epoch).
fn time_left(deadline_ms: u64) -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Duration::from_millis(deadline_ms).saturating_sub(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workforce_name_comes_from_the_environment_and_is_checked() {
        assert_eq!(
            workforce_from_env(Some("labeling-workforce".into())),
            Ok("labeling-workforce".into())
        );
        for missing in [None, Some(String::new())] {
            let error = workforce_from_env(missing).unwrap_err();
            assert_eq!(error, "WORKFORCE_NAME is not set");
        }
        let error = workforce_from_env(Some("bad name".into())).unwrap_err();
        assert_eq!(
            error,
            format!(
                "WORKFORCE_NAME {} (got \"bad name\", 8 characters)",
                aws_rules::sagemaker::WORKFORCE_NAME_RULE
            )
        );
    }

    #[test]
    fn a_refusal_says_who_gets_no_invitation_and_why() {
        let refused = Refused {
            user: "alice@example.com".into(),
            cause: Cause::NoWorkforce {
                name: "labeling-workforce".into(),
                detail: "ValidationException: No workforce found".into(),
            },
        };
        let diagnostic = Diagnostic::from(refused);
        assert_eq!(diagnostic.error_type, "InvitationMessage.WorkforceNotFound");
        assert!(
            diagnostic
                .error_message
                .starts_with("no invitation sent to alice@example.com: its labeling-portal link"),
            "{}",
            diagnostic.error_message
        );
        assert!(
            diagnostic
                .error_message
                .contains("workforce labeling-workforce does not exist"),
            "{}",
            diagnostic.error_message
        );
    }

    #[test]
    fn an_unreadable_event_is_refused_naming_the_field() {
        // serde's own message, "invalid type: string \"\", expected a map",
        // says nothing of where.
        let event = serde_json::json!({
            "triggerSource": "CustomMessage_AdminCreateUser",
            "userPoolId": "us-east-1_AbC",
            "request": {"userAttributes": ""}
        });
        let error = serde_path_to_error::deserialize::<_, CognitoEventUserPoolsCustomMessage>(
            event.clone(),
        )
        .unwrap_err();
        let problem = event_problem(&event, error);
        assert!(problem.starts_with("request.userAttributes: "), "{problem}");

        // A header field, which the event flattens (losing its path).
        let event = serde_json::json!({
            "triggerSource": "CustomMessage_AdminCreateUser",
            "region": [],
            "request": {}
        });
        let error = serde_path_to_error::deserialize::<_, CognitoEventUserPoolsCustomMessage>(
            event.clone(),
        )
        .unwrap_err();
        let problem = event_problem(&event, error);
        assert!(problem.starts_with("region: "), "{problem}");
    }

    #[test]
    fn time_left_never_underflows() {
        assert_eq!(time_left(0), Duration::ZERO);
        let soon = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64
            + 60_000;
        assert!(time_left(soon) > Duration::from_secs(50));
    }
}

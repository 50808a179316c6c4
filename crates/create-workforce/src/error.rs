//! What can go wrong, worded for the CloudFormation event an operator reads.

use aws_sdk_sagemaker::error::{ProvideErrorMetadata, SdkError};

#[derive(Debug, thiserror::Error)]
pub enum WorkforceError {
    #[error(
        "the region already has private workforce {name:?} ({sign_in}), and an account can have only one private workforce per region. \
         To keep using it, set WorkforceName and its sign-in (UserPoolId and ClientId, or the Oidc* properties) to its values; to replace it, delete it first \
         (delete its work teams, then `aws sagemaker delete-workforce --workforce-name {name}`) and retry"
    )]
    OtherWorkforce { name: String, sign_in: String },

    #[error(
        "workforce {name:?} is Failed: {reason}. Fix the cause and deploy again (a rollback of this stack's Create deletes the Failed workforce: the PhysicalResourceId is its name)"
    )]
    Failed { name: String, reason: String },

    #[error(
        "ran out of time waiting for workforce {name:?} to {goal}: it is still {status}. {next}"
    )]
    OutOfTime {
        name: String,
        goal: &'static str,
        status: String,
        next: &'static str,
    },

    #[error(
        "workforce {name:?} disappeared while waiting for it to become Active: something else deleted it; deploy again to create it"
    )]
    Vanished { name: String },

    #[error(
        "workforce {name:?} is being deleted (Status Deleting) by someone else; wait until it is gone, then deploy again"
    )]
    BeingDeleted { name: String },

    #[error(
        "workforce {workforce:?} has work teams this resource did not create: {}. SageMaker deletes a workforce only once it has no work teams, \
         so {action} stopped before changing anything. Delete those teams (`aws sagemaker delete-workteam --workteam-name <name>`) \
         or keep the workforce as it is, then retry",
        teams.join(", ")
    )]
    OtherTeams {
        workforce: String,
        teams: Vec<String>,
        /// "the rename" / "the delete".
        action: &'static str,
    },

    #[error(
        "work team {team:?} already exists on another workforce ({workforce}); choose another WorkteamName, or delete that team and retry"
    )]
    TeamElsewhere { team: String, workforce: String },

    #[error(
        "work team {team:?} already exists on this workforce with group(s) [{}], not {wanted:?}, and this resource did not create it; \
         choose another WorkteamName, or delete that team and retry",
        groups.join(", ")
    )]
    TeamTaken {
        team: String,
        groups: Vec<String>,
        wanted: String,
    },

    #[error(
        "workforce {workforce:?} has work teams this resource did not create: {}. SageMaker changes an OIDC workforce's OidcConfig only while no work team is on it, \
         and this resource deletes and recreates only its own team, so the update stopped before changing anything. \
         Delete those teams (`aws sagemaker delete-workteam --workteam-name <name>`), or leave the Oidc* properties as they were, then retry",
        teams.join(", ")
    )]
    OidcTeams {
        workforce: String,
        teams: Vec<String>,
    },

    /// The secret's value is never part of the text.
    #[error(
        "could not read the OIDC client secret from Secrets Manager secret {arn}: {detail}. \
         Check that the secret exists in this account and Region and that OidcClientSecretArn is its ARN (the function may read only that secret)"
    )]
    SecretUnreadable { arn: String, detail: String },

    /// The secret's value is never part of the text.
    #[error(
        "the SecretString of Secrets Manager secret {arn} cannot be an OIDC client secret: it {problem}. Store the client secret alone as the secret's plain-text value"
    )]
    SecretUnusable { arn: String, problem: String },

    /// DescribeUserPoolClient of the workforce's own app client.
    #[error(
        "workforce {workforce:?} is Active, but its app client's portal URLs could not be checked: {source}"
    )]
    ClientUnreadable {
        workforce: String,
        source: cognito_rules::DescribeClientError,
    },

    #[error(
        "workforce {workforce:?} is Active, but app client {client_id} of user pool {user_pool_id} could not be given the portal's URLs \
         in place of an earlier portal's (UpdateUserPoolClient): {detail}. Deploy again to retry"
    )]
    ClientUpdate {
        workforce: String,
        user_pool_id: String,
        client_id: String,
        detail: String,
    },

    #[error("SageMaker {operation} for {target} failed: {detail}")]
    Aws {
        operation: &'static str,
        target: String,
        detail: String,
        /// The service's error code, when it gave one.
        code: Option<String>,
        message: Option<String>,
    },
}

impl WorkforceError {
    /// An SDK error, saying what AWS said: its code and message when the
    /// service answered (SageMaker models almost no errors, so they arrive
    /// "unhandled"), otherwise the whole context (connection, timeout).
    pub fn aws<E, R>(
        operation: &'static str,
        target: impl Into<String>,
        error: SdkError<E, R>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let code = error.code().map(str::to_owned);
        let message = error.message().map(str::to_owned);
        let detail = aws_rules::aws_detail(&error);
        Self::Aws {
            operation,
            target: target.into(),
            detail,
            code,
            message,
        }
    }

    /// SageMaker's way of saying a work team does not exist.
    pub fn is_team_not_found(&self) -> bool {
        matches!(self, Self::Aws { code, message, .. } if is_team_not_found(code.as_deref(), message.as_deref()))
    }

    /// SageMaker's way of saying a workforce does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Aws { code, message, .. } if is_not_found(code.as_deref(), message.as_deref()))
    }
}

pub use aws_rules::sagemaker::{is_team_not_found, is_workforce_not_found as is_not_found};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_name_the_workforce_and_the_way_out() {
        let conflict = WorkforceError::OtherWorkforce {
            name: "default".into(),
            sign_in: "user pool us-east-1_A, app client c".into(),
        };
        let text = conflict.to_string();
        assert!(
            text.contains("\"default\"") && text.contains("one private workforce per region"),
            "{text}"
        );
        assert!(
            text.contains("delete-workforce --workforce-name default"),
            "{text}"
        );
        let late = WorkforceError::OutOfTime {
            name: "wf".into(),
            goal: "become Active",
            status: "Initializing".into(),
            next: "x",
        };
        assert!(late.to_string().contains("still Initializing"), "{late}");
        let blocked = WorkforceError::OtherTeams {
            workforce: "wf".into(),
            teams: vec!["a".into(), "b".into()],
            action: "the rename",
        };
        let text = blocked.to_string();
        assert!(
            text.contains("a, b") && text.contains("the rename stopped before changing anything"),
            "{text}"
        );
    }
}

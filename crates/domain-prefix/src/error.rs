//! Why a `Custom::DomainPrefix` event failed, worded as its FAILED Reason.

use crate::decide::GenerationFailed;

/// Why a `Custom::DomainPrefix` event failed, worded as a FAILED Reason.
#[derive(Debug, thiserror::Error)]
pub enum DomainPrefixError {
    #[error(
        "SSM parameter {parameter} already stores the domain prefix {stored:?}, but Prefix is {wanted:?}. \
         A Cognito domain cannot be renamed, so the stored prefix is kept and nothing was changed. To keep \
         the current domain, set Prefix to {stored:?} or leave it empty. A user pool has only one domain, so \
         {wanted:?} needs a new stack: delete the stack (the parameter stays), then the parameter \
         (aws ssm delete-parameter --name {parameter}), then create the stack with Prefix {wanted:?}"
    )]
    Conflict {
        parameter: String,
        stored: String,
        wanted: String,
    },
    #[error(
        "SSM parameter {parameter} stores {shown}, which is not a valid Cognito domain prefix: it {problem}. \
         Put a valid prefix into the parameter, or delete it (aws ssm delete-parameter --name {parameter}) \
         to have Prefix or a generated prefix stored"
    )]
    InvalidStored {
        parameter: String,
        shown: String,
        problem: String,
    },
    #[error("SSM parameter {parameter} has no value; put a valid prefix into it or delete it")]
    NoValue { parameter: String },
    #[error(transparent)]
    Generation(#[from] GenerationFailed),
    #[error("could not read SSM parameter {parameter} (GetParameter): {detail}")]
    Read { parameter: String, detail: String },
    #[error(
        "could not store the domain prefix in SSM parameter {parameter} (PutParameter): {detail}"
    )]
    Write { parameter: String, detail: String },
    #[error(
        "SSM parameter {parameter} was created by someone else while this resource stored it, and is gone \
         again; deploy again"
    )]
    Vanished { parameter: String },
    #[error("could not delete SSM parameter {parameter} (DeleteParameter): {detail}")]
    Delete { parameter: String, detail: String },
}

//! `workforce-doctor`: a read-only check of a deployed private workforce.
//! Given the stack's outputs (or the pool, client and workforce names) it
//! reads the workforce, the app client, the pool's domain, invitation and
//! WAF association, the work team and the users, and says what to fix. For
//! an OIDC workforce there is no pool to read: it checks the workforce, the
//! portal's redirect URL the IdP needs, and the team.
//!
//! - [`target`]: what to check, from the outputs or the names;
//! - [`observe`]: the reads (nothing is changed), reduced to plain data;
//! - [`diagnose`]: the checks, without I/O;
//! - [`report`]: the text an operator reads.

pub mod diagnose;
pub mod observe;
pub mod report;
pub mod target;

pub use diagnose::{Finding, Verdict, diagnose, healthy};
pub use observe::{Clients, ReadError, Snapshot};
pub use target::{CognitoTarget, SignInTarget, Target, TargetError};

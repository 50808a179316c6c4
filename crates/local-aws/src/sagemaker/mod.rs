//! The project's own SageMaker workforce emulator (moto has no workforces).
//!
//! It speaks the awsJson1_1 protocol of the real service (`POST /`,
//! `X-Amz-Target: SageMaker.<Operation>`, the model's member names), so the
//! real `aws-sdk-sagemaker` client works against it unchanged. It knows the
//! workforce and work-team operations the project uses, and emulates what
//! the service is documented (or observed) to do, docs/AWS-NOTES.md §1 and §8.1:
//!
//! - one workforce per account and region (state is kept per region, taken
//!   from the SigV4 credential scope of each request);
//! - the request constraints of the model, reported like AWS does
//!   (`1 validation error detected: Value 'x' at 'workforceName' ...`);
//! - `No workforce found with name <name>` (a ValidationException) for an
//!   unknown name, which is what Terraform matches as "not found";
//! - the status life cycle, computed lazily from timestamps on every request:
//!   `Initializing`/`Updating` -> `Active` (or `Failed`) after
//!   [`EmulatorOptions::settle_after`], `Deleting` -> gone after
//!   [`EmulatorOptions::delete_after`];
//! - delete only when `Active` or `Failed`, never with work teams attached
//!   (`ResourceInUse`); update only when `Active` (`ConflictException`);
//! - tags from CreateWorkforce and CreateWorkteam, and AddTags, DeleteTags
//!   and ListTags on either by ARN (50 per resource, `aws:` keys refused);
//! - a Cognito workforce registers the labeling portal's URLs on its app
//!   client (see [`cognito_side_effect`]), when a Cognito endpoint is given.
//!
//! Tests steer it with [`SageMakerEmulator::throttle_next`],
//! [`SageMakerEmulator::never_settle`] and
//! [`SageMakerEmulator::fail_next_workforce`], and inspect it with
//! [`SageMakerEmulator::calls`] and [`SageMakerEmulator::workforces`].
//!
//! Where things are: `server` (start and stop, the test switches, routing by
//! `X-Amz-Target`), `errors` (the service's error and the wire answer),
//! `state` (what is kept per region, the lazy clock), `requests` (the
//! model's request shapes), `validation` (their constraints, worded like
//! AWS), `workforce`, `workteam` and `tagging` (the operations), `listing` (sorting
//! and paging) and `cognito_side_effect` (what CreateWorkforce does to the
//! app client).

mod cognito_side_effect;
mod errors;
mod listing;
mod requests;
mod server;
mod state;
mod tagging;
mod validation;
mod workforce;
mod workteam;

pub use server::{EmulatorOptions, SageMakerEmulator, region_from_authorization};
pub use validation::{is_cidr, is_user_pool_id, is_workforce_name, is_workteam_name};

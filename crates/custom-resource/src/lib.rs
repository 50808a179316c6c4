//! The CloudFormation custom-resource protocol, once for every function.
//!
//! A function supplies its typed [`Properties`] and its create / update /
//! delete logic as a [`CustomResource`], and [`run`] keeps every promise of
//! the contract around it: exactly one response per event, sent with a
//! safety margin before the Lambda deadline, whatever the resource code does
//! (fails, panics, runs long); bad input refused by name before any resource
//! code runs; Delete of an id this function never issued answered without
//! touching anything; an event of any stack but the function's own
//! ([`STACK_ID_ENV`]) refused without acting; the body within
//! CloudFormation's 4096 bytes and never a null member; the PUT retried; the
//! ResponseURL never logged; JSON logs.
//!
//! ```no_run
//! # use custom_resource::{Context, CustomResource, Outcome, Properties};
//! # #[derive(serde::Deserialize)] struct Props;
//! # impl Properties for Props {}
//! struct Thing;
//! impl CustomResource for Thing {
//!     type Properties = Props;
//!     type Error = std::io::Error;
//!     async fn create(&self, _: &Context, _: Props) -> Result<Outcome, Self::Error> {
//!         Ok(Outcome::new("thing-1").with("Answer", "42"))
//!     }
//!     async fn update(&self, _: &Context, id: &str, _: Props, _: Option<Props>) -> Result<Outcome, Self::Error> {
//!         Ok(Outcome::new(id))
//!     }
//!     async fn delete(&self, _: &Context, _: &str, _: Props) -> Result<(), Self::Error> {
//!         Ok(())
//!     }
//! }
//! // One thread: a function waits on one request at a time, and at 128 MB
//! // Lambda gives it a fraction of one vCPU; worker threads were only
//! // start-up cost.
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), lambda_runtime::Error> {
//!     custom_resource::run(Thing).await
//! }
//! ```

mod contract;
mod event;
#[cfg(feature = "fuzz")]
pub mod fuzz;
mod handler;
mod logging;
pub mod network;
mod properties;
mod response;
mod send;
mod stack;

pub use contract::ResourceContract;
pub use event::{Request, RequestType};
pub use handler::{Context, created_nothing_id, is_created_nothing_id};
pub use logging::init as init_logging;
pub use properties::{
    InvalidProperty, Properties, PropertiesError, cfn, parse as parse_properties,
    parse_unvalidated as parse_properties_unvalidated,
};
pub use response::{MAX_BODY_BYTES, Outcome};
pub use send::{ALLOW_HTTP_ENV, ResponseUrl};
pub use stack::STACK_ID_ENV;

use std::future::Future;
use std::sync::Arc;

/// One custom resource type's logic. Implementations are plain `async fn`s;
/// errors are the function's own typed errors, whose `Display` (and source
/// chain) becomes the FAILED Reason, so they should read well to an operator.
pub trait CustomResource: Send + Sync + 'static {
    type Properties: Properties;
    type Error: std::error::Error + Send + Sync + 'static;

    fn create(
        &self,
        context: &Context,
        properties: Self::Properties,
    ) -> impl Future<Output = Result<Outcome, Self::Error>> + Send;

    /// `old_properties` is `None` when they are absent or no longer parse.
    fn update(
        &self,
        context: &Context,
        physical_resource_id: &str,
        properties: Self::Properties,
        old_properties: Option<Self::Properties>,
    ) -> impl Future<Output = Result<Outcome, Self::Error>> + Send;

    fn delete(
        &self,
        context: &Context,
        physical_resource_id: &str,
        properties: Self::Properties,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Whether `physical_resource_id` is one this function could have issued
    /// for these properties. A Delete of any other id (CloudFormation sends
    /// them after cancelled creates and on rollbacks) is answered SUCCESS
    /// without calling [`CustomResource::delete`].
    fn issued(&self, physical_resource_id: &str, properties: &Self::Properties) -> bool {
        let _ = (physical_resource_id, properties);
        true
    }
}

/// Runs `resource` as a Lambda function: installs JSON logging, then serves
/// events from the Lambda Runtime API until the process is stopped.
pub async fn run<R: CustomResource>(resource: R) -> Result<(), lambda_runtime::Error> {
    logging::init();
    let handler = Arc::new(handler::Handler::new(resource));
    lambda_runtime::run(lambda_runtime::service_fn(move |event| {
        let handler = Arc::clone(&handler);
        async move { Box::pin(handler.handle(event)).await }
    }))
    .await
}

//! The decisions of `Custom::ClientCallbacks`, without I/O. What to write
//! (the URLs, the placeholder left out) and the request that carries every
//! other setting over are the shared rules of `cognito_rules::client_update`.

pub use cognito_rules::client_update::{NewUrls, PlanError, new_urls, update_request};

const PHYSICAL_ID_SUFFIX: &str = "-urls";

/// The PhysicalResourceId for an app client: `<ClientId>-urls`.
pub fn physical_id(client_id: &str) -> String {
    format!("{client_id}{PHYSICAL_ID_SUFFIX}")
}

/// Whether `physical_id` is one [`physical_id`] could have given.
pub fn is_issued_id(physical_id: &str) -> bool {
    physical_id
        .strip_suffix(PHYSICAL_ID_SUFFIX)
        .is_some_and(aws_rules::is_client_id)
}

//! The SageMaker read of `Custom::PortalDomain`: DescribeWorkforce, read as
//! the portal's URLs.

use crate::decide::{outcome, portal_urls};
use crate::{PortalDomainError, PortalDomainProperties};
use aws_rules::aws_detail;
use aws_rules::sagemaker::{PortalUrls, is_workforce_not_found};
use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use custom_resource::{Context, CustomResource, Outcome};

/// DescribeWorkforce of `name`, read as the portal's URLs: the one read
/// both this resource and the `invitation-message` trigger make.
pub async fn read_portal(
    sagemaker: &aws_sdk_sagemaker::Client,
    name: &str,
) -> Result<PortalUrls, PortalDomainError> {
    let described = sagemaker
        .describe_workforce()
        .workforce_name(name)
        .send()
        .await
        .map_err(|error| {
            let detail = aws_detail(&error);
            let name = name.to_owned();
            if is_workforce_not_found(error.code(), error.message()) {
                PortalDomainError::NotFound { name, detail }
            } else {
                PortalDomainError::Describe { name, detail }
            }
        })?;
    match described.workforce() {
        Some(workforce) => portal_urls(name, &sagemaker_rules::observed(workforce)),
        None => Err(PortalDomainError::Describe {
            name: name.to_owned(),
            detail: "the answer held no workforce".to_owned(),
        }),
    }
}

/// The resource, holding the SageMaker client built once in `main`.
pub struct PortalDomain {
    sagemaker: aws_sdk_sagemaker::Client,
}

impl PortalDomain {
    pub fn new(sagemaker: aws_sdk_sagemaker::Client) -> Self {
        Self { sagemaker }
    }

    async fn fetch(
        &self,
        properties: &PortalDomainProperties,
    ) -> Result<Outcome, PortalDomainError> {
        let name = properties.workforce_name.as_str();
        let urls = read_portal(&self.sagemaker, name).await?;
        tracing::info!(
            workforce = name,
            sub_domain = urls.sub_domain,
            "portal domain read"
        );
        Ok(outcome(&urls))
    }
}

impl CustomResource for PortalDomain {
    type Properties = PortalDomainProperties;
    type Error = PortalDomainError;

    async fn create(
        &self,
        _context: &Context,
        properties: PortalDomainProperties,
    ) -> Result<Outcome, PortalDomainError> {
        self.fetch(&properties).await
    }

    /// A new sub-domain is a new physical id; the old one's Delete is a no-op.
    async fn update(
        &self,
        _context: &Context,
        _physical_resource_id: &str,
        properties: PortalDomainProperties,
        _old: Option<PortalDomainProperties>,
    ) -> Result<Outcome, PortalDomainError> {
        self.fetch(&properties).await
    }

    async fn delete(
        &self,
        _context: &Context,
        physical_resource_id: &str,
        _properties: PortalDomainProperties,
    ) -> Result<(), PortalDomainError> {
        tracing::info!(
            physical_resource_id,
            "nothing to delete: this resource only reads"
        );
        Ok(())
    }
}

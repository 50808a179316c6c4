//! CloudWatch Logs log groups, on moto.

use super::{
    Created, Pending, ProviderError, Providers, Resource, ResourceProvider, Support,
    generated_name, text,
};
use crate::aws::LOGS;
use serde_json::{Value, json};

pub(super) const PROVIDERS: &[&dyn ResourceProvider] = &[&LogGroup];

/// `AWS::Logs::LogGroup`.
struct LogGroup;

impl LogGroup {
    const PROPERTIES: &'static [&'static str] =
        &["LogGroupName", "RetentionInDays", "KmsKeyId", "Tags"];
}

/// The ARN CloudFormation reports for a log group.
fn log_group_arn(name: &str) -> String {
    format!(
        "arn:aws:logs:{}:{}:log-group:{name}:*",
        local_aws::REGION,
        local_aws::ACCOUNT_ID
    )
}

impl ResourceProvider for LogGroup {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::Logs::LogGroup"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &["LogGroupName", "KmsKeyId"]
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let name = match props["LogGroupName"].as_str() {
                Some(name) => name.to_owned(),
                None => generated_name(&providers.stack.name, resource.logical_id, 512),
            };
            let mut body = json!({"logGroupName": name});
            if let Some(key) = props.get("KmsKeyId") {
                body["kmsKeyId"] = key.clone();
            }
            providers.aws.json(LOGS, "CreateLogGroup", body).await?;
            providers.retention(&name, props).await?;
            Ok(Created::new(&name).with("Arn", log_group_arn(&name)))
        })
    }

    fn update<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        _old: &'a Value,
        new: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            providers.retention(physical_id, new).await?;
            Ok(Created::new(physical_id).with("Arn", log_group_arn(physical_id)))
        })
    }

    fn delete<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        _props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        Box::pin(async move {
            providers
                .aws
                .json(LOGS, "DeleteLogGroup", json!({"logGroupName": physical_id}))
                .await?;
            Ok(None)
        })
    }
}

impl Providers {
    async fn retention(&self, name: &str, props: &Value) -> Result<(), ProviderError> {
        match props.get("RetentionInDays") {
            Some(days) => {
                let days: u64 = text(props, "RetentionInDays").parse().map_err(|_| {
                    ProviderError::Invalid(format!("RetentionInDays {days} is not a number"))
                })?;
                self.aws
                    .json(
                        LOGS,
                        "PutRetentionPolicy",
                        json!({"logGroupName": name, "retentionInDays": days}),
                    )
                    .await?;
            }
            None => {
                self.aws
                    .json(LOGS, "DeleteRetentionPolicy", json!({"logGroupName": name}))
                    .await?;
            }
        }
        Ok(())
    }
}

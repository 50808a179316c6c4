//! SNS topics, their policies and subscriptions, on moto (query protocol).

use super::{
    Created, Pending, ProviderError, Providers, Resource, ResourceProvider, Support,
    generated_name, text,
};
use crate::aws::{SNS, xml_text};
use serde_json::Value;

pub(super) const PROVIDERS: &[&dyn ResourceProvider] = &[&Topic, &TopicPolicy, &Subscription];

/// `AWS::SNS::Topic`; its physical id (and Ref) is the topic's ARN.
struct Topic;

impl Topic {
    const PROPERTIES: &'static [&'static str] =
        &["TopicName", "DisplayName", "KmsMasterKeyId", "Tags"];
}

fn topic_created(arn: &str) -> Created {
    let name = arn.rsplit(':').next().unwrap_or_default().to_owned();
    Created::new(arn)
        .with("TopicArn", arn)
        .with("TopicName", name)
}

impl Providers {
    async fn set_topic_attribute(
        &self,
        topic: &str,
        name: &str,
        value: String,
    ) -> Result<(), ProviderError> {
        self.aws
            .query(
                SNS,
                "SetTopicAttributes",
                &[
                    ("TopicArn", topic.to_owned()),
                    ("AttributeName", name.to_owned()),
                    ("AttributeValue", value),
                ],
            )
            .await?;
        Ok(())
    }

    /// The attributes a topic's properties set (only DisplayName changes in
    /// place).
    async fn topic_attributes(&self, topic: &str, props: &Value) -> Result<(), ProviderError> {
        if props.get("DisplayName").is_some() {
            self.set_topic_attribute(topic, "DisplayName", text(props, "DisplayName"))
                .await?;
        }
        Ok(())
    }
}

impl ResourceProvider for Topic {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::SNS::Topic"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &["TopicName"]
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let name = match props["TopicName"].as_str() {
                Some(name) => name.to_owned(),
                None => generated_name(&providers.stack.name, resource.logical_id, 256),
            };
            let mut params = vec![("Name", name)];
            if props.get("KmsMasterKeyId").is_some() {
                params.push(("Attributes.entry.1.key", "KmsMasterKeyId".to_owned()));
                params.push(("Attributes.entry.1.value", text(props, "KmsMasterKeyId")));
            }
            let xml = providers.aws.query(SNS, "CreateTopic", &params).await?;
            let arn = xml_text(&xml, "TopicArn").unwrap_or_default();
            providers.topic_attributes(&arn, props).await?;
            Ok(topic_created(&arn))
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
            providers.topic_attributes(physical_id, new).await?;
            Ok(topic_created(physical_id))
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
                .query(SNS, "DeleteTopic", &[("TopicArn", physical_id.to_owned())])
                .await?;
            Ok(None)
        })
    }
}

/// `AWS::SNS::TopicPolicy`: the policy document on each of its topics.
struct TopicPolicy;

impl TopicPolicy {
    const PROPERTIES: &'static [&'static str] = &["PolicyDocument", "Topics"];
}

fn topics(props: &Value) -> Vec<String> {
    props["Topics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

impl Providers {
    async fn apply_topic_policy(&self, props: &Value) -> Result<(), ProviderError> {
        let document = props["PolicyDocument"].to_string();
        for topic in topics(props) {
            self.set_topic_attribute(&topic, "Policy", document.clone())
                .await?;
        }
        Ok(())
    }
}

impl ResourceProvider for TopicPolicy {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::SNS::TopicPolicy"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            providers.apply_topic_policy(props).await?;
            Ok(Created::new(generated_name(
                &providers.stack.name,
                resource.logical_id,
                128,
            )))
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
            providers.apply_topic_policy(new).await?;
            Ok(Created::new(physical_id))
        })
    }

    /// CloudFormation puts each topic's default policy back; a topic
    /// already gone is fine.
    fn delete<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        _physical_id: &'a str,
        props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        Box::pin(async move {
            for topic in topics(props) {
                let default = serde_json::json!({
                    "Version": "2008-10-17",
                    "Statement": [{
                        "Sid": "__default_statement_ID",
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": ["SNS:Publish", "SNS:Subscribe", "SNS:GetTopicAttributes"],
                        "Resource": topic,
                        "Condition": {"StringEquals": {"AWS:SourceOwner": local_aws::ACCOUNT_ID}},
                    }],
                });
                match providers
                    .set_topic_attribute(&topic, "Policy", default.to_string())
                    .await
                {
                    Err(ProviderError::Aws(error)) if error.is_not_found() => {}
                    other => other?,
                }
            }
            Ok(None)
        })
    }
}

/// `AWS::SNS::Subscription`; its physical id (and Ref) is the subscription's
/// ARN.
struct Subscription;

impl Subscription {
    const PROPERTIES: &'static [&'static str] = &["TopicArn", "Protocol", "Endpoint"];
}

impl ResourceProvider for Subscription {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::SNS::Subscription"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &["TopicArn", "Protocol", "Endpoint"]
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let xml = providers
                .aws
                .query(
                    SNS,
                    "Subscribe",
                    &[
                        ("TopicArn", text(props, "TopicArn")),
                        ("Protocol", text(props, "Protocol")),
                        ("Endpoint", text(props, "Endpoint")),
                        ("ReturnSubscriptionArn", "true".to_owned()),
                    ],
                )
                .await?;
            Ok(Created::new(
                xml_text(&xml, "SubscriptionArn").unwrap_or_default(),
            ))
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
                .query(
                    SNS,
                    "Unsubscribe",
                    &[("SubscriptionArn", physical_id.to_owned())],
                )
                .await?;
            Ok(None)
        })
    }
}

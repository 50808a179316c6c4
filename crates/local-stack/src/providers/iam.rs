//! IAM roles and their inline policies, on moto.

use super::{
    Created, Pending, ProviderError, Providers, Resource, ResourceProvider, Support,
    generated_name, text,
};
use crate::aws;
use serde_json::Value;

pub(super) const PROVIDERS: &[&dyn ResourceProvider] = &[&Role, &RolePolicy];

/// `AWS::IAM::Role`, with its `Policies` and `ManagedPolicyArns`.
struct Role;

impl Role {
    const PROPERTIES: &'static [&'static str] = &[
        "RoleName",
        "AssumeRolePolicyDocument",
        "Policies",
        "ManagedPolicyArns",
        "Path",
        "Description",
        "MaxSessionDuration",
    ];
}

impl ResourceProvider for Role {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::IAM::Role"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &["RoleName", "Path"]
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let name = match props["RoleName"].as_str() {
                Some(name) => name.to_owned(),
                None => generated_name(&providers.stack.name, resource.logical_id, 64),
            };
            let mut params = vec![
                ("RoleName", name.clone()),
                (
                    "AssumeRolePolicyDocument",
                    props["AssumeRolePolicyDocument"].to_string(),
                ),
            ];
            for key in ["Path", "Description", "MaxSessionDuration"] {
                if props.get(key).is_some() {
                    params.push((key, text(props, key)));
                }
            }
            let xml = providers.aws.iam("CreateRole", &params).await?;
            providers.put_role_policies(&name, props).await?;
            Ok(Created::new(&name)
                .with("Arn", aws::xml_text(&xml, "Arn").unwrap_or_default())
                .with("RoleId", aws::xml_text(&xml, "RoleId").unwrap_or_default()))
        })
    }

    fn update<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        old: &'a Value,
        new: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let aws = &providers.aws;
            aws.iam(
                "UpdateAssumeRolePolicy",
                &[
                    ("RoleName", physical_id.to_owned()),
                    (
                        "PolicyDocument",
                        new["AssumeRolePolicyDocument"].to_string(),
                    ),
                ],
            )
            .await?;
            providers.delete_role_policies(physical_id, old).await?;
            providers.put_role_policies(physical_id, new).await?;
            let xml = aws
                .iam("GetRole", &[("RoleName", physical_id.to_owned())])
                .await?;
            Ok(Created::new(physical_id)
                .with("Arn", aws::xml_text(&xml, "Arn").unwrap_or_default())
                .with("RoleId", aws::xml_text(&xml, "RoleId").unwrap_or_default()))
        })
    }

    fn delete<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        physical_id: &'a str,
        props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        Box::pin(async move {
            providers.delete_role_policies(physical_id, props).await?;
            providers
                .aws
                .iam("DeleteRole", &[("RoleName", physical_id.to_owned())])
                .await?;
            Ok(None)
        })
    }
}

/// `AWS::IAM::RolePolicy`: one inline policy on one role.
struct RolePolicy;

impl RolePolicy {
    const PROPERTIES: &'static [&'static str] = &["RoleName", "PolicyName", "PolicyDocument"];
}

impl ResourceProvider for RolePolicy {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::IAM::RolePolicy"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &["RoleName", "PolicyName"]
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            providers.put_role_policy(props).await?;
            Ok(Created::new(text(props, "PolicyName")))
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
            providers.put_role_policy(new).await?;
            Ok(Created::new(physical_id))
        })
    }

    fn delete<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        _physical_id: &'a str,
        props: &'a Value,
    ) -> Pending<'a, Option<String>> {
        Box::pin(async move {
            providers
                .aws
                .iam(
                    "DeleteRolePolicy",
                    &[
                        ("RoleName", text(props, "RoleName")),
                        ("PolicyName", text(props, "PolicyName")),
                    ],
                )
                .await?;
            Ok(None)
        })
    }
}

impl Providers {
    /// An `AWS::IAM::RolePolicy`: one inline policy on one role.
    async fn put_role_policy(&self, props: &Value) -> Result<(), ProviderError> {
        self.aws
            .iam(
                "PutRolePolicy",
                &[
                    ("RoleName", text(props, "RoleName")),
                    ("PolicyName", text(props, "PolicyName")),
                    ("PolicyDocument", props["PolicyDocument"].to_string()),
                ],
            )
            .await?;
        Ok(())
    }

    async fn put_role_policies(&self, role: &str, props: &Value) -> Result<(), ProviderError> {
        for policy in props["Policies"].as_array().into_iter().flatten() {
            self.aws
                .iam(
                    "PutRolePolicy",
                    &[
                        ("RoleName", role.to_owned()),
                        ("PolicyName", text(policy, "PolicyName")),
                        ("PolicyDocument", policy["PolicyDocument"].to_string()),
                    ],
                )
                .await?;
        }
        for arn in props["ManagedPolicyArns"].as_array().into_iter().flatten() {
            let arn = arn.as_str().unwrap_or_default().to_owned();
            self.aws
                .iam(
                    "AttachRolePolicy",
                    &[("RoleName", role.to_owned()), ("PolicyArn", arn)],
                )
                .await?;
        }
        Ok(())
    }

    async fn delete_role_policies(&self, role: &str, props: &Value) -> Result<(), ProviderError> {
        for policy in props["Policies"].as_array().into_iter().flatten() {
            let call = self
                .aws
                .iam(
                    "DeleteRolePolicy",
                    &[
                        ("RoleName", role.to_owned()),
                        ("PolicyName", text(policy, "PolicyName")),
                    ],
                )
                .await;
            match call {
                Err(error) if !error.is_not_found() => return Err(error.into()),
                _ => {}
            }
        }
        for arn in props["ManagedPolicyArns"].as_array().into_iter().flatten() {
            let arn = arn.as_str().unwrap_or_default().to_owned();
            self.aws
                .iam(
                    "DetachRolePolicy",
                    &[("RoleName", role.to_owned()), ("PolicyArn", arn)],
                )
                .await?;
        }
        Ok(())
    }
}

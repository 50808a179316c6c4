//! WAFv2 web ACLs and their associations, on moto.

use super::{
    Created, Pending, ProviderError, Providers, Resource, ResourceProvider, Support,
    generated_name, pick, same, text,
};
use crate::aws::WAFV2;
use serde_json::{Value, json};

pub(super) const PROVIDERS: &[&dyn ResourceProvider] = &[&WebAcl, &WebAclAssociation];

/// `AWS::WAFv2::WebACL`; its physical id is `<name>|<id>|<scope>`.
struct WebAcl;

impl WebAcl {
    const PROPERTIES: &'static [&'static str] = &[
        "Name",
        "Scope",
        "DefaultAction",
        "Description",
        "Rules",
        "VisibilityConfig",
        "CustomResponseBodies",
        "Tags",
    ];
}

/// The attribute CloudFormation reports as a web ACL's LabelNamespace.
fn label_namespace(name: &str) -> String {
    format!("awswaf:{}:webacl:{name}:", local_aws::ACCOUNT_ID)
}

impl ResourceProvider for WebAcl {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::WAFv2::WebACL"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &["Name", "Scope"]
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(async move {
            let mut body = props.clone();
            let name = match props["Name"].as_str() {
                Some(name) => name.to_owned(),
                None => generated_name(&providers.stack.name, resource.logical_id, 128),
            };
            body["Name"] = Value::String(name.clone());
            let out = providers.aws.json(WAFV2, "CreateWebACL", body).await?;
            let summary = &out["Summary"];
            let id = summary["Id"].as_str().unwrap_or_default();
            Ok(
                Created::new(format!("{name}|{id}|{}", text(props, "Scope")))
                    .with("Arn", summary["ARN"].as_str().unwrap_or_default())
                    .with("Id", id)
                    .with("LabelNamespace", label_namespace(&name)),
            )
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
            let aws = &providers.aws;
            let (name, id, scope) = web_acl_parts(physical_id);
            let current = aws
                .json(
                    WAFV2,
                    "GetWebACL",
                    json!({"Name": name, "Id": id, "Scope": scope}),
                )
                .await?;
            let mut body = pick(
                new,
                &same(&[
                    "DefaultAction",
                    "Description",
                    "Rules",
                    "VisibilityConfig",
                    "CustomResponseBodies",
                ]),
            );
            body["Name"] = json!(name);
            body["Id"] = json!(id);
            body["Scope"] = json!(scope);
            body["LockToken"] = current["LockToken"].clone();
            aws.json(WAFV2, "UpdateWebACL", body).await?;
            Ok(Created::new(physical_id)
                .with("Arn", current["WebACL"]["ARN"].as_str().unwrap_or_default())
                .with("Id", id)
                .with("LabelNamespace", label_namespace(&name)))
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
            let aws = &providers.aws;
            let (name, id, scope) = web_acl_parts(physical_id);
            let current = aws
                .json(
                    WAFV2,
                    "GetWebACL",
                    json!({"Name": name, "Id": id, "Scope": scope}),
                )
                .await?;
            aws.json(
                WAFV2,
                "DeleteWebACL",
                json!({"Name": name, "Id": id, "Scope": scope, "LockToken": current["LockToken"]}),
            )
            .await?;
            Ok(None)
        })
    }
}

/// `AWS::WAFv2::WebACLAssociation`; its physical id is `<resource>|<web ACL>`.
struct WebAclAssociation;

impl WebAclAssociation {
    const PROPERTIES: &'static [&'static str] = &["ResourceArn", "WebACLArn"];

    /// AssociateWebACL, for a create and an update alike.
    async fn associate(providers: &Providers, props: &Value) -> Result<Created, ProviderError> {
        providers
            .aws
            .json(WAFV2, "AssociateWebACL", props.clone())
            .await?;
        Ok(Created::new(format!(
            "{}|{}",
            text(props, "ResourceArn"),
            text(props, "WebACLArn")
        )))
    }
}

impl ResourceProvider for WebAclAssociation {
    fn handles(&self, resource_type: &str) -> bool {
        resource_type == "AWS::WAFv2::WebACLAssociation"
    }

    fn support(&self) -> Support {
        Support::Native
    }

    fn properties(&self) -> Option<&'static [&'static str]> {
        Some(Self::PROPERTIES)
    }

    fn replaced_when_changed(&self) -> &'static [&'static str] {
        &["ResourceArn"]
    }

    fn create<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        props: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(Self::associate(providers, props))
    }

    fn update<'a>(
        &'a self,
        providers: &'a Providers,
        _resource: Resource<'a>,
        _physical_id: &'a str,
        _old: &'a Value,
        new: &'a Value,
        _metadata: &'a Value,
    ) -> Pending<'a, Created> {
        Box::pin(Self::associate(providers, new))
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
                .json(
                    WAFV2,
                    "DisassociateWebACL",
                    json!({"ResourceArn": props["ResourceArn"]}),
                )
                .await?;
            Ok(None)
        })
    }
}

fn web_acl_parts(physical_id: &str) -> (String, String, String) {
    let mut parts = physical_id.splitn(3, '|').map(str::to_owned);
    (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_acl_ids_are_split_into_name_id_and_scope() {
        assert_eq!(
            web_acl_parts("n|i|REGIONAL"),
            ("n".into(), "i".into(), "REGIONAL".into())
        );
    }
}

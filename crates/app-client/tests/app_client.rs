//! `Custom::AppClient` through the real binary, against moto patched to
//! reset what UpdateUserPoolClient leaves out (as AWS does), so a setting
//! an update forgot to carry over shows up as drift.

use aws_sdk_cognitoidentityprovider::types::{OAuthFlowType, UserPoolClientType};
use cognito_rules::client_update::{NewUrls, update_request};
use local_aws::cognito::{self, CognitoFunction};
use local_aws::harness::{self, Resource};
use serde_json::{Value, json};

const RESOURCE: Resource = Resource::new(app_client::CONTRACT.resource_type, "AppClient");
const PLACEHOLDER: &str = "https://placeholder.invalid/callback";
const NEXT: &str = "https://placeholder.invalid/next";
const PORTAL_CB: &str = "https://abcd1234ef.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse";
const PORTAL_OUT: &str = "https://abcd1234ef.labeling.us-east-1.sagemaker.aws/logout";

struct Setup {
    local: CognitoFunction,
    pool: String,
}

async fn setup() -> Setup {
    let local = CognitoFunction::start(env!("CARGO_BIN_EXE_app-client"))
        .await
        .unwrap();
    let pool = cognito::create_pool(&local.cognito, "workers")
        .await
        .unwrap();
    Setup { local, pool }
}

fn properties(pool: &str, name: &str, placeholder: &str) -> Value {
    json!({ "UserPoolId": pool, "ClientName": name, "PlaceholderUrl": placeholder })
}

impl Setup {
    async fn describe(&self, client: &str) -> UserPoolClientType {
        cognito::describe_client(&self.local.cognito, &self.pool, client)
            .await
            .unwrap()
    }

    async fn client_count(&self, pool: &str) -> usize {
        self.local
            .cognito
            .list_user_pool_clients()
            .user_pool_id(pool)
            .send()
            .await
            .unwrap()
            .user_pool_clients()
            .len()
    }

    async fn create(&self) -> String {
        let created = self
            .local
            .function
            .send(RESOURCE.create(properties(&self.pool, "portal", PLACEHOLDER)))
            .await;
        created.assert_success();
        assert_eq!(created.accepted(), 1);
        created.physical_id().to_owned()
    }

    /// What Custom::ClientCallbacks does once the portal exists.
    async fn write_portal_urls(&self, client: &str) {
        let described = self.describe(client).await;
        let urls = NewUrls {
            callback_urls: vec![PORTAL_CB.into()],
            logout_urls: vec![PORTAL_OUT.into()],
        };
        update_request(&self.pool, client, &described, &urls)
            .send_with(&self.local.cognito)
            .await
            .unwrap();
    }

    async fn update(&self, client: &str, new: Value, old: Value) -> harness::Answered {
        self.local
            .function
            .send(RESOURCE.update(client, new, old))
            .await
    }
}

#[tokio::test]
async fn creates_a_code_flow_client_with_a_secret_on_the_placeholder() {
    let s = setup().await;
    let client = s.create().await;
    assert!(aws_rules::is_client_id(&client), "{client}");
    let described = s.describe(&client).await;
    assert_eq!(described.client_name(), Some("portal"));
    assert!(described.client_secret().is_some(), "a secret");
    assert_eq!(described.allowed_o_auth_flows(), [OAuthFlowType::Code]);
    assert_eq!(
        described.allowed_o_auth_flows_user_pool_client(),
        Some(true)
    );
    let mut scopes = described.allowed_o_auth_scopes().to_vec();
    scopes.sort();
    assert_eq!(scopes, ["email", "openid", "profile"]);
    assert_eq!(described.supported_identity_providers(), ["COGNITO"]);
    assert_eq!(described.callback_urls, cognito::url_list(&[PLACEHOLDER]));
    assert_eq!(described.logout_urls, cognito::url_list(&[PLACEHOLDER]));
    // The secret never leaves the function.
    let logs = s.local.function.logs();
    assert!(!logs.contains(described.client_secret().unwrap()));
}

/// The bug this resource exists for: an update that changes the
/// placeholder, and its rollback, must leave the portal's URLs (written
/// after create by Custom::ClientCallbacks) and every other setting alone.
#[tokio::test]
async fn updates_and_rollbacks_keep_the_portal_urls_and_every_other_setting() {
    let s = setup().await;
    let client = s.create().await;
    s.write_portal_urls(&client).await;
    let before = s.describe(&client).await;

    let old = properties(&s.pool, "portal", PLACEHOLDER);
    let new = properties(&s.pool, "portal-renamed", NEXT);
    for (step, new, old, name) in [
        ("update", new.clone(), old.clone(), "portal-renamed"),
        ("rollback", old, new, "portal"),
    ] {
        let answered = s.update(&client, new, old).await;
        answered.assert_success();
        assert_eq!(answered.physical_id(), client, "{step}: in place");
        let after = s.describe(&client).await;
        assert_eq!(after.client_name(), Some(name), "{step}");
        assert_eq!(
            after.callback_urls,
            cognito::url_list(&[PORTAL_CB]),
            "{step}"
        );
        assert_eq!(
            after.logout_urls,
            cognito::url_list(&[PORTAL_OUT]),
            "{step}"
        );
        // The update renames the client and keeps the portal's URLs: nothing else moves.
        let mut expected = cognito::only_urls_changed(&before, &after);
        expected.client_name = after.client_name.clone();
        assert_eq!(after, expected, "{step}");
    }
}

#[tokio::test]
async fn before_the_portal_a_new_placeholder_replaces_the_old() {
    let s = setup().await;
    let client = s.create().await;
    let answered = s
        .update(
            &client,
            properties(&s.pool, "portal", NEXT),
            properties(&s.pool, "portal", PLACEHOLDER),
        )
        .await;
    answered.assert_success();
    let after = s.describe(&client).await;
    assert_eq!(after.callback_urls, cognito::url_list(&[NEXT]));
    assert_eq!(after.logout_urls, cognito::url_list(&[NEXT]));
}

#[tokio::test]
async fn a_new_pool_gets_a_new_client_and_the_old_one_stays_for_cleanup() {
    let s = setup().await;
    let client = s.create().await;
    let other = cognito::create_pool(&s.local.cognito, "other")
        .await
        .unwrap();
    let answered = s
        .update(
            &client,
            properties(&other, "portal", PLACEHOLDER),
            properties(&s.pool, "portal", PLACEHOLDER),
        )
        .await;
    answered.assert_success();
    assert_ne!(answered.physical_id(), client, "a replacement");
    assert_eq!(s.client_count(&other).await, 1);
    assert_eq!(s.client_count(&s.pool).await, 1, "deleted only in cleanup");
}

#[tokio::test]
async fn delete_removes_the_client_and_a_second_delete_succeeds() {
    let s = setup().await;
    let client = s.create().await;
    let props = properties(&s.pool, "portal", PLACEHOLDER);
    for attempt in ["first", "again"] {
        let answered = s
            .local
            .function
            .send(RESOURCE.delete(&client, props.clone()))
            .await;
        answered.assert_success();
        assert_eq!(answered.accepted(), 1, "{attempt}");
        assert_eq!(s.client_count(&s.pool).await, 0, "{attempt}");
    }
}

#[tokio::test]
async fn bad_properties_fail_by_name_and_create_nothing() {
    let s = setup().await;
    for (property, bad) in [
        ("UserPoolId", json!("pool")),
        ("ClientName", json!("")),
        ("ClientName", json!("a".repeat(129))),
        ("ClientName", json!("portal/one")),
        ("PlaceholderUrl", json!("http://placeholder.invalid/cb")),
        ("PlaceholderUrl", json!("https://placeholder.invalid/#f")),
    ] {
        let mut props = properties(&s.pool, "portal", PLACEHOLDER);
        props[property] = bad.clone();
        let answered = s.local.function.send(RESOURCE.create(props)).await;
        answered.assert_failed_naming(&[property]);
    }
    assert_eq!(s.client_count(&s.pool).await, 0);
}

#[tokio::test]
async fn an_update_of_a_vanished_client_fails_naming_it() {
    let s = setup().await;
    let client = s.create().await;
    s.local
        .cognito
        .delete_user_pool_client()
        .user_pool_id(&s.pool)
        .client_id(&client)
        .send()
        .await
        .unwrap();
    let answered = s
        .update(
            &client,
            properties(&s.pool, "portal", NEXT),
            properties(&s.pool, "portal", PLACEHOLDER),
        )
        .await;
    answered.assert_failed_naming(&[&client, "not found"]);
}

/// The `events/app-client-*.json` files `sam local invoke -e` takes.
#[tokio::test]
async fn fixtures_parse_and_run() {
    let s = setup().await;
    let mut client = String::new();
    for file in [
        "app-client-create.json",
        "app-client-update.json",
        "app-client-delete.json",
    ] {
        let mut event = harness::fixture(file).unwrap();
        for properties in ["ResourceProperties", "OldResourceProperties"] {
            if event.get(properties).is_some() {
                event[properties]["UserPoolId"] = json!(s.pool);
            }
        }
        if event.get("PhysicalResourceId").is_some() {
            event["PhysicalResourceId"] = json!(client);
        }
        let answered = s.local.function.send(event).await;
        assert_eq!(
            answered.status(),
            "SUCCESS",
            "{file}: {}",
            answered.reason()
        );
        client = answered.physical_id().to_owned();
        if file.ends_with("update.json") {
            let described = s.describe(&client).await;
            assert_eq!(described.client_name(), Some("sagemaker-labeling-portal"));
            assert_eq!(
                described.callback_urls,
                cognito::url_list(&["https://placeholder.invalid/callback"])
            );
        }
    }
    assert_eq!(s.client_count(&s.pool).await, 0, "deleted");
}

/// Lambda delivers an event again after a crash (and may deliver any event
/// twice): the second Create adopts the untouched client of the first; a
/// client already in use (the portal's URLs on it) is never adopted.
#[tokio::test]
async fn a_redelivered_create_adopts_its_client_instead_of_making_a_second() {
    let s = setup().await;
    let event = RESOURCE.create(properties(&s.pool, "portal", PLACEHOLDER));
    let first = s.local.function.send(event.clone()).await;
    first.assert_success();
    // The same event; its own RequestId only so that this sink tells the
    // two answers apart.
    let mut redelivered = event;
    redelivered["RequestId"] = json!(harness::new_request_id());
    let again = s.local.function.send(redelivered).await;
    again.assert_success();
    assert_eq!(again.physical_id(), first.physical_id());
    assert_eq!(s.client_count(&s.pool).await, 1);

    s.write_portal_urls(first.physical_id()).await;
    let later = s
        .local
        .function
        .send(RESOURCE.create(properties(&s.pool, "portal", PLACEHOLDER)))
        .await;
    later.assert_success();
    assert_ne!(later.physical_id(), first.physical_id());
    assert_eq!(s.client_count(&s.pool).await, 2);
}

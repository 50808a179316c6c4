//! `Custom::ClientCallbacks` through the real binary, against moto patched
//! to reset what UpdateUserPoolClient leaves out (as AWS does), so a setting
//! the function forgot to carry over shows up as drift.

use aws_sdk_cognitoidentityprovider::types::UserPoolClientType;
use local_aws::cognito::{self, CognitoFunction};
use local_aws::harness::{self, Resource};
use serde_json::{Value, json};

const RESOURCE: Resource = Resource::new(update_client::CONTRACT.resource_type, "ClientCallbacks");
const PLACEHOLDER: &str = "https://127.0.0.1";
const PORTAL_CB: &str = "https://abcd1234ef.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse";
const PORTAL_OUT: &str = "https://abcd1234ef.labeling.us-east-1.sagemaker.aws/logout";
const APP_CB: &str = "https://app.example.com/cb";
const APP_OUT: &str = "https://app.example.com/logout";

struct Setup {
    local: CognitoFunction,
    pool: String,
}

async fn setup() -> Setup {
    let local = CognitoFunction::start(env!("CARGO_BIN_EXE_update-client"))
        .await
        .unwrap();
    let pool = cognito::create_pool(&local.cognito, "workers")
        .await
        .unwrap();
    Setup { local, pool }
}

impl Setup {
    /// A client with every setting this API lets one set away from its
    /// default, the placeholder among its URLs and as its default redirect.
    async fn full_client(&self) -> String {
        let request = cognito::code_flow_client(
            &self.local.cognito,
            &self.pool,
            &[PLACEHOLDER, APP_CB],
            &[PLACEHOLDER, APP_OUT],
        );
        let request = cognito::fully_configured(request)
            .unwrap()
            .default_redirect_uri(PLACEHOLDER);
        cognito::create_client(request).await.unwrap()
    }

    async fn describe(&self, client: &str) -> UserPoolClientType {
        cognito::describe_client(&self.local.cognito, &self.pool, client)
            .await
            .unwrap()
    }

    fn properties(&self, client: &str) -> Value {
        json!({
            "UserPoolId": self.pool,
            "ClientId": client,
            "CallbackUrls": [PORTAL_CB, APP_CB],
            "LogoutUrls": [PORTAL_OUT],
        })
    }
}

#[tokio::test]
async fn writes_the_urls_and_nothing_else_drifts() {
    let s = setup().await;
    let client = s.full_client().await;
    let before = s.describe(&client).await;
    assert!(before.client_secret.is_some() && before.refresh_token_rotation.is_some());

    let created = s
        .local
        .function
        .send(RESOURCE.create(s.properties(&client)))
        .await;
    assert_eq!(created.status(), "SUCCESS", "{}", created.reason());
    assert_eq!(created.accepted(), 1);
    assert_eq!(created.physical_id(), format!("{client}-urls"));
    assert_eq!(
        created.data("CallbackUrls"),
        Some(format!("{PORTAL_CB},{APP_CB}").as_str())
    );
    assert_eq!(created.data("LogoutUrls"), Some(PORTAL_OUT));

    let after = s.describe(&client).await;
    assert_eq!(after.callback_urls, cognito::url_list(&[PORTAL_CB, APP_CB]));
    assert_eq!(after.logout_urls, cognito::url_list(&[PORTAL_OUT]));
    // The placeholder was the default redirect: moved to the first callback.
    assert_eq!(after.default_redirect_uri.as_deref(), Some(PORTAL_CB));
    assert!(after.last_modified_date >= before.last_modified_date);
    assert_eq!(after, cognito::only_urls_changed(&before, &after));
}

/// A ResponseURL refused with server errors is retried with the same
/// answer; the client is written by the one run, not once per attempt.
#[tokio::test]
async fn a_response_url_answering_500_before_200_gets_one_accepted_put() {
    let s = setup().await;
    let client = s.full_client().await;
    let before = s.describe(&client).await;
    s.local.function.sink().script([500, 503]);
    let answered = s
        .local
        .function
        .send(RESOURCE.create(s.properties(&client)))
        .await;
    assert_eq!(
        answered.puts.len(),
        3,
        "{:?}",
        answered.puts.iter().map(|p| p.status).collect::<Vec<_>>()
    );
    assert_eq!(answered.accepted(), 1, "{:?}", answered.puts);
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert!(matches!(
        answered.invocation.outcome,
        local_aws::runtime_api::Outcome::Response(_)
    ));
    assert_eq!(answered.physical_id(), format!("{client}-urls"));
    let bodies: Vec<_> = answered.puts.iter().map(|p| p.json()).collect();
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");

    let after = s.describe(&client).await;
    assert_eq!(after.callback_urls, cognito::url_list(&[PORTAL_CB, APP_CB]));
    assert_eq!(after.logout_urls, cognito::url_list(&[PORTAL_OUT]));
    assert_eq!(after, cognito::only_urls_changed(&before, &after));
    let logs = s.local.function.logs();
    assert_eq!(
        logs.matches("wrote the app client's URLs").count(),
        1,
        "{logs}"
    );
}

#[tokio::test]
async fn without_logout_urls_the_current_ones_stay() {
    let s = setup().await;
    let client = s.full_client().await;
    let created = s
        .local
        .function
        .send(RESOURCE.create(s.properties(&client)))
        .await;
    assert_eq!(created.status(), "SUCCESS", "{}", created.reason());
    let before = s.describe(&client).await;

    let mut props = s.properties(&client);
    props.as_object_mut().unwrap().remove("LogoutUrls");
    props["CallbackUrls"] = json!([APP_CB, PORTAL_CB]);
    let updated = s
        .local
        .function
        .send(RESOURCE.update(created.physical_id(), props.clone(), s.properties(&client)))
        .await;
    assert_eq!(updated.status(), "SUCCESS", "{}", updated.reason());
    assert_eq!(updated.physical_id(), created.physical_id());
    assert_eq!(
        updated.data("CallbackUrls"),
        Some(format!("{APP_CB},{PORTAL_CB}").as_str())
    );
    assert_eq!(updated.data("LogoutUrls"), Some(PORTAL_OUT));
    let after = s.describe(&client).await;
    assert_eq!(after.callback_urls, cognito::url_list(&[APP_CB, PORTAL_CB]));
    assert_eq!(after.logout_urls, cognito::url_list(&[PORTAL_OUT]));
    // Still among the callbacks: the default redirect stays put.
    assert_eq!(after.default_redirect_uri.as_deref(), Some(PORTAL_CB));
    assert_eq!(after, cognito::only_urls_changed(&before, &after));

    // An empty list (what `!Split` makes of "") removes the logout URLs.
    props["LogoutUrls"] = json!([""]);
    let cleared = s.local.function.send(RESOURCE.create(props)).await;
    assert_eq!(cleared.status(), "SUCCESS", "{}", cleared.reason());
    assert_eq!(cleared.data("LogoutUrls"), Some(""));
    let after = s.describe(&client).await;
    assert_eq!(after.logout_urls, None);
    assert_eq!(after, cognito::only_urls_changed(&before, &after));
}

#[tokio::test]
async fn each_input_rule_is_failed_by_name_and_the_client_unchanged() {
    let s = setup().await;
    let client = s.full_client().await;
    let before = s.describe(&client).await;
    let many: Vec<String> = (0..101).map(|i| format!("https://e.com/{i}")).collect();
    let cases: Vec<(&str, Value)> = vec![
        ("UserPoolId", json!("workers")),
        ("ClientId", json!("not-a-client")),
        ("CallbackUrls", json!([])),
        ("CallbackUrls", json!([""])),
        ("CallbackUrls", json!(PORTAL_CB)),
        ("CallbackUrls", json!(many)),
        (
            "CallbackUrls",
            json!([PORTAL_CB, "http://portal.example.com/cb"]),
        ),
        ("CallbackUrls", json!(["https://portal.example.com/a,b"])),
        ("CallbackUrls", json!(["https://portal.example.com/#cb"])),
        ("CallbackUrls", json!(["/oauth2/idpresponse"])),
        (
            "CallbackUrls",
            json!([format!("https://e.com/{}", "a".repeat(1024))]),
        ),
        ("LogoutUrls", json!(["http://portal.example.com/out"])),
        ("LogoutUrls", json!(many)),
        ("Typo", json!("x")),
    ];
    for (property, bad) in cases {
        let mut props = s.properties(&client);
        props[property] = bad.clone();
        let answered = s.local.function.send(RESOURCE.create(props)).await;
        answered.assert_failed_naming(&[&format!("`{property}`")]);
        assert!(custom_resource::is_created_nothing_id(
            answered.physical_id()
        ));
    }
    let mut props = s.properties(&client);
    props.as_object_mut().unwrap().remove("CallbackUrls");
    let answered = s.local.function.send(RESOURCE.create(props)).await;
    answered.assert_failed_naming(&["CallbackUrls"]);
    // Untouched: not even LastModifiedDate moved.
    assert_eq!(s.describe(&client).await, before);
}

#[tokio::test]
async fn a_missing_client_is_failed_by_name_and_delete_changes_nothing() {
    let s = setup().await;
    let answered = s
        .local
        .function
        .send(RESOURCE.create(s.properties("nosuchclient123")))
        .await;
    answered.assert_failed_naming(&["nosuchclient123", &s.pool, "not found"]);

    let client = s.full_client().await;
    let before = s.describe(&client).await;
    let deleted = s
        .local
        .function
        .send(RESOURCE.delete(&format!("{client}-urls"), s.properties(&client)))
        .await;
    assert_eq!(deleted.status(), "SUCCESS", "{}", deleted.reason());
    assert_eq!(deleted.physical_id(), format!("{client}-urls"));
    assert_eq!(s.describe(&client).await, before);

    // A client that is gone is fine too.
    let deleted = s
        .local
        .function
        .send(RESOURCE.delete("nosuchclient123-urls", s.properties("nosuchclient123")))
        .await;
    assert_eq!(deleted.status(), "SUCCESS", "{}", deleted.reason());
}

#[tokio::test]
async fn fixtures_parse_and_run() {
    let s = setup().await;
    let client = s.full_client().await;
    let before = s.describe(&client).await;
    for file in [
        "update-client-create.json",
        "update-client-update.json",
        "update-client-delete.json",
    ] {
        let mut event = harness::fixture(file).unwrap();
        for properties in ["ResourceProperties", "OldResourceProperties"] {
            if event.get(properties).is_some() {
                event[properties]["UserPoolId"] = json!(s.pool);
                event[properties]["ClientId"] = json!(client);
            }
        }
        if event.get("PhysicalResourceId").is_some() {
            event["PhysicalResourceId"] = json!(format!("{client}-urls"));
        }
        let request_type = event["RequestType"].as_str().unwrap().to_owned();
        let answered = s.local.function.send(event).await;
        assert_eq!(
            answered.status(),
            "SUCCESS",
            "{file}: {}",
            answered.reason()
        );
        assert_eq!(answered.physical_id(), format!("{client}-urls"), "{file}");
        if request_type != "Delete" {
            assert_eq!(answered.data("CallbackUrls"), Some(PORTAL_CB), "{file}");
            assert_eq!(answered.data("LogoutUrls"), Some(PORTAL_OUT), "{file}");
        }
    }
    let after = s.describe(&client).await;
    assert_eq!(after.callback_urls, cognito::url_list(&[PORTAL_CB]));
    assert_eq!(after.logout_urls, cognito::url_list(&[PORTAL_OUT]));
    assert_eq!(after.default_redirect_uri.as_deref(), Some(PORTAL_CB));
    assert_eq!(after, cognito::only_urls_changed(&before, &after));
}

/// As CloudFormation leaves the client after a new PlaceholderCallbackUrl:
/// only the new placeholder, as callback and logout URL. The update that
/// follows (triggered by the changed PlaceholderUrl) writes the portal's URLs
/// and never the placeholder, even where the given or kept lists hold it.
#[tokio::test]
async fn the_placeholder_is_never_written() {
    let s = setup().await;
    let placeholder = "https://placeholder.invalid/new";
    let request =
        cognito::code_flow_client(&s.local.cognito, &s.pool, &[placeholder], &[placeholder]);
    let client = cognito::create_client(request).await.unwrap();
    let mut old = s.properties(&client);
    old["PlaceholderUrl"] = json!("https://placeholder.invalid/old");
    let mut props = s.properties(&client);
    props["PlaceholderUrl"] = json!(placeholder);
    props["CallbackUrls"] = json!([PORTAL_CB, placeholder]);
    props.as_object_mut().unwrap().remove("LogoutUrls");

    let answered = s
        .local
        .function
        .send(RESOURCE.update(&format!("{client}-urls"), props, old))
        .await;
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert_eq!(answered.data("CallbackUrls"), Some(PORTAL_CB));
    assert_eq!(answered.data("LogoutUrls"), Some(""));
    let after = s.describe(&client).await;
    assert_eq!(after.callback_urls, cognito::url_list(&[PORTAL_CB]));
    assert_eq!(after.logout_urls, None);

    // Callback URLs that are only the placeholder are refused up front.
    let mut only = s.properties(&client);
    only["PlaceholderUrl"] = json!(placeholder);
    only["CallbackUrls"] = json!([placeholder]);
    let refused = s.local.function.send(RESOURCE.create(only)).await;
    refused.assert_failed_naming(&["`CallbackUrls`", "placeholder"]);
    assert_eq!(s.describe(&client).await, after, "the client changed");
}

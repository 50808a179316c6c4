//! `Custom::PlaceholderFilter` through the real binary, against moto.

use aws_sdk_cognitoidentityprovider::types::UserPoolClientType;
use local_aws::cognito::{self, CognitoFunction};
use local_aws::harness::{self, Resource};
use serde_json::{Value, json};

const RESOURCE: Resource = Resource::new(
    filter_placeholder_callback::CONTRACT.resource_type,
    "PlaceholderFilter",
);
const PLACEHOLDER: &str = "https://127.0.0.1";
const PORTAL_CB: &str = "https://abcd1234ef.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse";
const PORTAL_OUT: &str = "https://abcd1234ef.labeling.us-east-1.sagemaker.aws/logout";
const OTHER_CB: &str = "https://app.example.com/cb";
const OTHER_OUT: &str = "https://app.example.com/logout";

struct Setup {
    local: CognitoFunction,
    pool: String,
}

async fn setup() -> Setup {
    let local = CognitoFunction::start(env!("CARGO_BIN_EXE_filter-placeholder-callback"))
        .await
        .unwrap();
    let pool = cognito::create_pool(&local.cognito, "workers")
        .await
        .unwrap();
    Setup { local, pool }
}

impl Setup {
    async fn client(&self, callbacks: &[&str], logouts: &[&str]) -> String {
        let request =
            cognito::code_flow_client(&self.local.cognito, &self.pool, callbacks, logouts);
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
            "PlaceholderUrl": PLACEHOLDER,
            "RequiredCallbackUrl": PORTAL_CB,
            "RequiredLogoutUrl": PORTAL_OUT,
        })
    }
}

#[tokio::test]
async fn drops_the_placeholder_in_order_without_writing() {
    let s = setup().await;
    let client = s
        .client(
            &[PLACEHOLDER, OTHER_CB, PORTAL_CB, OTHER_CB],
            &[OTHER_OUT, PLACEHOLDER, OTHER_OUT],
        )
        .await;
    let before = s.describe(&client).await;

    let created = s
        .local
        .function
        .send(RESOURCE.create(s.properties(&client)))
        .await;
    assert_eq!(created.status(), "SUCCESS", "{}", created.reason());
    assert_eq!(created.accepted(), 1);
    assert_eq!(created.physical_id(), format!("{client}-callbacks"));
    assert_eq!(
        created.data("CallbackUrls"),
        Some(format!("{OTHER_CB},{PORTAL_CB}").as_str())
    );
    assert_eq!(
        created.data("LogoutUrls"),
        Some(format!("{OTHER_OUT},{PORTAL_OUT}").as_str())
    );
    // Read-only: the whole client, LastModifiedDate included, is untouched.
    assert_eq!(s.describe(&client).await, before);

    // Update without the required URLs: only the placeholder goes.
    let mut props = s.properties(&client);
    let object = props.as_object_mut().unwrap();
    object.remove("RequiredCallbackUrl");
    object.remove("RequiredLogoutUrl");
    let updated = s
        .local
        .function
        .send(RESOURCE.update(created.physical_id(), props.clone(), s.properties(&client)))
        .await;
    assert_eq!(updated.status(), "SUCCESS", "{}", updated.reason());
    assert_eq!(updated.physical_id(), created.physical_id());
    assert_eq!(
        updated.data("CallbackUrls"),
        Some(format!("{OTHER_CB},{PORTAL_CB}").as_str())
    );
    assert_eq!(updated.data("LogoutUrls"), Some(OTHER_OUT));

    let deleted = s
        .local
        .function
        .send(RESOURCE.delete(created.physical_id(), props))
        .await;
    assert_eq!(deleted.status(), "SUCCESS", "{}", deleted.reason());
    assert_eq!(deleted.physical_id(), created.physical_id());
    assert_eq!(s.describe(&client).await, before);
}

/// After a rename the client still holds the former portal's URLs (SageMaker
/// added them, and nothing removed them): only the current portal's stay.
#[tokio::test]
async fn a_former_portals_urls_are_dropped() {
    const OLD_CB: &str = "https://old0000000.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse";
    const OLD_OUT: &str = "https://old0000000.labeling.us-east-1.sagemaker.aws/logout";
    let s = setup().await;
    let client = s
        .client(
            &[OLD_CB, OTHER_CB, PORTAL_CB],
            &[OLD_OUT, OTHER_OUT, PORTAL_OUT],
        )
        .await;
    let answered = s
        .local
        .function
        .send(RESOURCE.create(s.properties(&client)))
        .await;
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert_eq!(
        answered.data("CallbackUrls"),
        Some(format!("{OTHER_CB},{PORTAL_CB}").as_str())
    );
    assert_eq!(
        answered.data("LogoutUrls"),
        Some(format!("{OTHER_OUT},{PORTAL_OUT}").as_str())
    );
}

/// A ResponseURL refused with server errors is retried with the same
/// answer; the client is read and filtered once and never written.
#[tokio::test]
async fn a_response_url_answering_500_before_200_gets_one_accepted_put() {
    let s = setup().await;
    let client = s
        .client(
            &[PLACEHOLDER, OTHER_CB, PORTAL_CB],
            &[PLACEHOLDER, OTHER_OUT],
        )
        .await;
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
    assert_eq!(answered.physical_id(), format!("{client}-callbacks"));
    assert_eq!(
        answered.data("CallbackUrls"),
        Some(format!("{OTHER_CB},{PORTAL_CB}").as_str())
    );
    assert_eq!(
        answered.data("LogoutUrls"),
        Some(format!("{OTHER_OUT},{PORTAL_OUT}").as_str())
    );
    let bodies: Vec<_> = answered.puts.iter().map(|p| p.json()).collect();
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    // Read-only, retries included: the client is untouched.
    assert_eq!(s.describe(&client).await, before);
    let logs = s.local.function.logs();
    assert_eq!(
        logs.matches("filtered the app client's URLs").count(),
        1,
        "{logs}"
    );
}

#[tokio::test]
async fn nothing_but_the_placeholder_is_failed() {
    let s = setup().await;
    let client = s.client(&[PLACEHOLDER], &[PLACEHOLDER]).await;
    let before = s.describe(&client).await;
    let mut props = s.properties(&client);
    props.as_object_mut().unwrap().remove("RequiredCallbackUrl");
    let answered = s.local.function.send(RESOURCE.create(props)).await;
    answered.assert_failed_naming(&[&client, "no callback URL", "RequiredCallbackUrl"]);
    assert!(
        custom_resource::is_created_nothing_id(answered.physical_id()),
        "{}",
        answered.physical_id()
    );
    assert_eq!(s.describe(&client).await, before);

    // An empty logout result is fine.
    let answered = s
        .local
        .function
        .send(RESOURCE.create({
            let mut p = s.properties(&client);
            p.as_object_mut().unwrap().remove("RequiredLogoutUrl");
            p
        }))
        .await;
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert_eq!(answered.data("CallbackUrls"), Some(PORTAL_CB));
    assert_eq!(answered.data("LogoutUrls"), Some(""));
}

#[tokio::test]
async fn each_input_rule_is_failed_by_name_before_any_call() {
    let s = setup().await;
    let client = s.client(&[PLACEHOLDER, OTHER_CB], &[]).await;
    let before = s.describe(&client).await;
    let cases: Vec<(&str, Value)> = vec![
        ("UserPoolId", json!("workers")),
        ("ClientId", json!("not-a-client")),
        ("PlaceholderUrl", json!("127.0.0.1")),
        ("RequiredCallbackUrl", json!("http://portal.example.com/cb")),
        (
            "RequiredCallbackUrl",
            json!("https://portal.example.com/a,b"),
        ),
        ("RequiredCallbackUrl", json!(PLACEHOLDER)),
        (
            "RequiredLogoutUrl",
            json!("https://portal.example.com/#out"),
        ),
        (
            "RequiredLogoutUrl",
            json!(format!("https://e.com/{}", "a".repeat(1024))),
        ),
        (
            "RequiredLogoutUrl",
            json!(["https://portal.example.com/out"]),
        ),
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
    props.as_object_mut().unwrap().remove("PlaceholderUrl");
    let answered = s.local.function.send(RESOURCE.create(props)).await;
    answered.assert_failed_naming(&["PlaceholderUrl"]);
    assert_eq!(s.describe(&client).await, before);
}

#[tokio::test]
async fn a_missing_client_is_failed_by_name() {
    let s = setup().await;
    let answered = s
        .local
        .function
        .send(RESOURCE.create(s.properties("nosuchclient123")))
        .await;
    answered.assert_failed_naming(&["nosuchclient123", &s.pool, "not found"]);

    let mut props = s.properties("nosuchclient123");
    props["UserPoolId"] = json!("us-east-1_NoSuchPool");
    let answered = s.local.function.send(RESOURCE.create(props.clone())).await;
    answered.assert_failed_naming(&["nosuchclient123", "us-east-1_NoSuchPool"]);

    // Delete has nothing to do, client or no client.
    let deleted = s
        .local
        .function
        .send(RESOURCE.delete("nosuchclient123-callbacks", props))
        .await;
    assert_eq!(deleted.status(), "SUCCESS", "{}", deleted.reason());
    assert_eq!(deleted.physical_id(), "nosuchclient123-callbacks");
}

#[tokio::test]
async fn fixtures_parse_and_run() {
    let s = setup().await;
    let client = s.client(&[PLACEHOLDER], &[PLACEHOLDER]).await;
    let before = s.describe(&client).await;
    for file in [
        "filter-placeholder-callback-create.json",
        "filter-placeholder-callback-update.json",
        "filter-placeholder-callback-delete.json",
    ] {
        let mut event = harness::fixture(file).unwrap();
        for properties in ["ResourceProperties", "OldResourceProperties"] {
            if event.get(properties).is_some() {
                event[properties]["UserPoolId"] = json!(s.pool);
                event[properties]["ClientId"] = json!(client);
            }
        }
        if event.get("PhysicalResourceId").is_some() {
            event["PhysicalResourceId"] = json!(format!("{client}-callbacks"));
        }
        let request_type = event["RequestType"].as_str().unwrap().to_owned();
        let answered = s.local.function.send(event).await;
        assert_eq!(
            answered.status(),
            "SUCCESS",
            "{file}: {}",
            answered.reason()
        );
        assert_eq!(
            answered.physical_id(),
            format!("{client}-callbacks"),
            "{file}"
        );
        if request_type != "Delete" {
            assert_eq!(answered.data("CallbackUrls"), Some(PORTAL_CB), "{file}");
            assert_eq!(answered.data("LogoutUrls"), Some(PORTAL_OUT), "{file}");
        }
    }
    assert_eq!(s.describe(&client).await, before);
}

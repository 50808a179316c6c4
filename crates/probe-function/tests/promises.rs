//! Every promise of the contract ("What every function promises"), held by a
//! real bootstrap built on the protocol crate, driven through the Lambda
//! Runtime API with hostile events, answering to a presigned-style sink.

use local_aws::harness::{self, Answered, FunctionUnderTest};
use local_aws::runtime_api::Outcome as Invocation;
use local_aws::sink::ResponseSink;
use local_aws::tls::LocalCa;
use serde_json::{Value, json};
use std::time::Duration;

const TYPE: &str = "Custom::Probe";
const LOGICAL_ID: &str = "Probe";

async fn probe(extra_env: &[(&str, &str)]) -> FunctionUnderTest {
    let mut env = harness::aws_env(None, None);
    env.extend(
        extra_env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    FunctionUnderTest::start(env!("CARGO_BIN_EXE_probe-function"), env)
        .await
        .expect("start the probe")
}

fn create(properties: Value) -> Value {
    harness::create_event(TYPE, LOGICAL_ID, properties)
}

/// Exactly one PUT, accepted, answered Ok to the runtime.
fn assert_one_answer(answered: &Answered) {
    assert_eq!(answered.puts.len(), 1, "PUTs: {:?}", answered.puts);
    assert_eq!(answered.accepted(), 1);
    assert!(
        matches!(answered.invocation.outcome, Invocation::Response(_)),
        "the runtime must get Ok once the response is sent: {:?}",
        answered.invocation.outcome
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn success_is_one_put_without_content_type_carrying_every_field() {
    let probe = probe(&[]).await;
    let event = create(json!({"Mode": "succeed"}));
    let answered = probe.send(event.clone()).await;
    assert_one_answer(&answered);
    let put = &answered.puts[0];
    assert_eq!(put.method, "PUT");
    assert!(
        put.content_type.as_deref().unwrap_or("").is_empty(),
        "{:?}",
        put.content_type
    );
    assert_eq!(put.content_length, Some(put.body.len() as u64));
    let body = &answered.response;
    assert_eq!(body["Status"], "SUCCESS");
    assert_eq!(body["PhysicalResourceId"], "probe-Probe");
    for verbatim in ["StackId", "RequestId", "LogicalResourceId"] {
        assert_eq!(body[verbatim], event[verbatim], "{verbatim}");
    }
    assert!(body["Data"].is_object());
    assert!(
        body.get("Reason").is_none(),
        "SUCCESS carries no Reason: {body}"
    );
    assert_no_null(&put.json(), "body");
}

/// Panics at the first null anywhere in a response body.
fn assert_no_null(value: &Value, at: &str) {
    match value {
        Value::Null => panic!("null at {at}"),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                assert_no_null(item, &format!("{at}[{i}]"));
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                assert_no_null(item, &format!("{at}.{key}"));
            }
        }
        _ => {}
    }
}

/// CloudFormation's response members, as the raw PUT body carries them:
/// strings, an object and a boolean, never null; Reason a non-empty string
/// on FAILED and absent on SUCCESS; PhysicalResourceId never empty.
fn assert_well_formed(answered: &Answered) {
    assert!(!answered.puts.is_empty(), "no PUT");
    for put in &answered.puts {
        let body: Value = serde_json::from_slice(&put.body).expect("the body is JSON");
        assert_no_null(&body, "body");
        let members = body.as_object().expect("the body is an object");
        for member in members.keys() {
            assert!(
                [
                    "Status",
                    "Reason",
                    "PhysicalResourceId",
                    "StackId",
                    "RequestId",
                    "LogicalResourceId",
                    "NoEcho",
                    "Data"
                ]
                .contains(&member.as_str()),
                "unknown member {member}: {body}"
            );
        }
        for text in [
            "Status",
            "PhysicalResourceId",
            "StackId",
            "RequestId",
            "LogicalResourceId",
        ] {
            assert!(body[text].is_string(), "{text}: {body}");
        }
        assert!(
            !body["PhysicalResourceId"]
                .as_str()
                .unwrap_or_default()
                .is_empty()
        );
        assert!(body.get("Data").is_none_or(Value::is_object), "{body}");
        assert!(body.get("NoEcho").is_none_or(Value::is_boolean), "{body}");
        match body["Status"].as_str() {
            Some("SUCCESS") => assert!(body.get("Reason").is_none(), "{body}"),
            Some("FAILED") => assert!(
                body["Reason"]
                    .as_str()
                    .is_some_and(|reason| !reason.trim().is_empty()),
                "{body}"
            ),
            other => panic!("Status {other:?}: {body}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_body_ever_carries_a_null_and_failed_always_says_why() {
    let probe = probe(&[]).await;
    let events = [
        create(json!({"Mode": "succeed"})),
        create(json!({"Mode": "succeed", "Names": []})),
        create(json!({"Mode": "fail"})),
        create(json!({"Mode": "panic"})),
        create(json!({"Mode": "big-data"})),
        create(json!({"Mode": "claim-then-fail"})),
        create(json!({"Mode": "succeed", "Colour": "red"})),
        harness::update_event(
            TYPE,
            LOGICAL_ID,
            "probe-Probe",
            json!({"Mode": "succeed"}),
            json!({"Mode": "fail"}),
        ),
        harness::update_event(
            TYPE,
            LOGICAL_ID,
            "probe-Probe",
            json!({"Mode": "fail"}),
            json!({"Mode": "succeed"}),
        ),
        harness::delete_event(TYPE, LOGICAL_ID, "probe-Probe", json!({"Mode": "succeed"})),
        harness::delete_event(TYPE, LOGICAL_ID, "probe-Probe", json!({"Mode": "fail"})),
        harness::delete_event(
            TYPE,
            LOGICAL_ID,
            &custom_resource::created_nothing_id("1"),
            json!({}),
        ),
    ];
    let mut statuses = Vec::new();
    for event in events {
        let answered = probe.send(event).await;
        assert_one_answer(&answered);
        assert_well_formed(&answered);
        statuses.push(answered.status().to_owned());
    }
    assert!(statuses.iter().any(|s| s == "SUCCESS") && statuses.iter().any(|s| s == "FAILED"));

    let answered = probe
        .send_with_timeout(
            create(json!({"Mode": "sleep", "SleepSeconds": "600"})),
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(answered.status(), "FAILED");
    assert_well_formed(&answered);
}

const OTHER_STACK: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/other-stack/9d8c7b6a-0000-11ef-8000-0a1b2c3d4e5f";

#[tokio::test(flavor = "multi_thread")]
async fn an_event_of_another_stack_is_failed_without_running_resource_code() {
    let probe = probe(&[]).await;
    let own = harness::stack_id();
    let events = [
        create(json!({"Mode": "panic"})),
        harness::update_event(
            TYPE,
            LOGICAL_ID,
            "probe-Probe",
            json!({"Mode": "panic"}),
            json!({"Mode": "succeed"}),
        ),
        harness::delete_event(TYPE, LOGICAL_ID, "probe-Probe", json!({"Mode": "panic"})),
    ];
    for mut event in events {
        event["StackId"] = json!(OTHER_STACK);
        let answered = probe.send(event.clone()).await;
        assert_one_answer(&answered);
        assert_well_formed(&answered);
        assert_eq!(answered.status(), "FAILED", "{event}");
        let reason = answered.reason();
        for expected in [own.as_str(), "other-stack", OTHER_STACK, "own stack"] {
            assert!(reason.contains(expected), "{expected} not in {reason}");
        }
        // The body echoes the event's own StackId, as CloudFormation requires.
        assert_eq!(answered.response["StackId"], OTHER_STACK);
        if event["RequestType"] == "Create" {
            assert!(custom_resource::is_created_nothing_id(
                answered.physical_id()
            ));
        } else {
            assert_eq!(answered.physical_id(), "probe-Probe");
        }
    }
    assert!(
        !probe.logs().contains("probe acting"),
        "resource code ran for another stack:\n{}",
        probe.logs()
    );

    // The rollback of that refused Create touches nothing and succeeds, so
    // the other stack is not left stuck.
    let mut rollback = harness::delete_event(
        TYPE,
        LOGICAL_ID,
        &custom_resource::created_nothing_id("0f1e"),
        json!({"Mode": "panic"}),
    );
    rollback["StackId"] = json!(OTHER_STACK);
    let answered = probe.send(rollback).await;
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());

    // The function's own stack is served by the same process.
    let answered = probe.send(create(json!({"Mode": "succeed"}))).await;
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert!(probe.logs().contains("probe acting"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_function_not_told_its_stack_acts_for_nobody() {
    for unset in [None, Some(""), Some("  ")] {
        let mut env = harness::aws_env(None, None);
        env.retain(|(key, _)| key != custom_resource::STACK_ID_ENV);
        if let Some(value) = unset {
            env.push((custom_resource::STACK_ID_ENV.to_owned(), value.to_owned()));
        }
        let probe = FunctionUnderTest::start(env!("CARGO_BIN_EXE_probe-function"), env)
            .await
            .expect("start the probe");
        for event in [
            create(json!({"Mode": "panic"})),
            harness::delete_event(TYPE, LOGICAL_ID, "probe-Probe", json!({"Mode": "panic"})),
        ] {
            let answered = probe.send(event).await;
            assert_one_answer(&answered);
            assert_well_formed(&answered);
            assert_eq!(answered.status(), "FAILED", "{unset:?}");
            assert!(
                answered.reason().contains(custom_resource::STACK_ID_ENV)
                    && answered.reason().contains("not configured"),
                "{}",
                answered.reason()
            );
        }
        assert!(!probe.logs().contains("probe acting"), "{}", probe.logs());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cloudformation_strings_are_parsed_and_service_fields_ignored() {
    let probe = probe(&[]).await;
    let answered = probe
        .send(create(json!({
            "Mode": "succeed", "Flag": "true", "Count": "42", "Names": ["a", "b"],
            "ServiceTimeout": "300"
        })))
        .await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert_eq!(answered.data("Flag"), Some("true"));
    assert_eq!(answered.data("Count"), Some("42"));
    assert_eq!(answered.data("Names"), Some("a,b"));
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_and_invalid_properties_fail_by_name_before_any_work() {
    let probe = probe(&[]).await;
    let cases = [
        (json!({"Mode": "panic", "Colour": "red"}), "Colour"),
        (json!({"Mode": "panic", "Flag": "yes"}), "Flag"),
        (json!({"Mode": "panic", "Count": "500"}), "Count"),
        (json!({"Flag": "true"}), "Mode"),
    ];
    for (properties, named) in cases {
        let answered = probe.send(create(properties.clone())).await;
        assert_one_answer(&answered);
        assert_eq!(answered.status(), "FAILED", "{properties}");
        assert!(
            answered.reason().contains(named),
            "{named} not in {:?}",
            answered.reason()
        );
        assert!(
            !answered.reason().contains("panicked"),
            "resource code ran: {}",
            answered.reason()
        );
        assert!(
            custom_resource::is_created_nothing_id(answered.physical_id()),
            "a Create that created nothing must say so: {}",
            answered.physical_id()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_names_the_log_stream() {
    let probe = probe(&[]).await;
    let answered = probe.send(create(json!({"Mode": "fail"}))).await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "FAILED");
    assert!(
        answered.reason().contains("asked to fail"),
        "{}",
        answered.reason()
    );
    let stream = probe.host().log_stream_name();
    assert!(
        answered.reason().contains(&stream),
        "{} lacks {stream}",
        answered.reason()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_is_answered_failed_and_the_process_serves_on() {
    let probe = probe(&[]).await;
    let answered = probe.send(create(json!({"Mode": "panic"}))).await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "FAILED");
    assert!(
        answered.reason().contains("panicked"),
        "{}",
        answered.reason()
    );
    let next = probe.send(create(json!({"Mode": "succeed"}))).await;
    assert_eq!(next.status(), "SUCCESS");
    assert_eq!(
        probe.host().cold_starts(),
        1,
        "the panic must not have killed the bootstrap"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn work_past_the_deadline_is_answered_failed_before_lambda_kills_it() {
    let probe = probe(&[]).await;
    let answered = probe
        .send_with_timeout(
            create(json!({"Mode": "sleep", "SleepSeconds": "600"})),
            Duration::from_secs(5),
        )
        .await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "FAILED");
    assert!(
        answered.reason().contains("timed out"),
        "{}",
        answered.reason()
    );
    assert!(
        answered.reason().contains("deadline"),
        "{}",
        answered.reason()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_after_creating_something_answers_with_its_id() {
    let probe = probe(&[]).await;
    let answered = probe.send(create(json!({"Mode": "claim-then-fail"}))).await;
    assert_eq!(answered.status(), "FAILED");
    assert_eq!(answered.physical_id(), "probe-Probe-claimed");
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_data_fails_instead_of_being_cut() {
    let probe = probe(&[]).await;
    let answered = probe.send(create(json!({"Mode": "big-data"}))).await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "FAILED");
    assert!(answered.puts[0].body.len() <= custom_resource::MAX_BODY_BYTES);
    assert!(answered.reason().contains("4096"), "{}", answered.reason());
    assert!(
        answered.response["Data"]
            .as_object()
            .is_none_or(|data| data.is_empty())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deletes_of_ids_never_issued_succeed_without_running_resource_code() {
    let probe = probe(&[]).await;
    // The marker of a Create that created nothing, whatever the properties say.
    let marker = custom_resource::created_nothing_id("0f1e2d3c");
    let answered = probe
        .send(harness::delete_event(
            TYPE,
            LOGICAL_ID,
            &marker,
            json!({"Mode": "panic", "Bogus": "1"}),
        ))
        .await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert_eq!(answered.physical_id(), marker);
    // An id CloudFormation invented after a cancelled create.
    let invented = "Probe-1A2B3C4D5E6F";
    let answered = probe
        .send(harness::delete_event(
            TYPE,
            LOGICAL_ID,
            invented,
            json!({"Mode": "panic"}),
        ))
        .await;
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert_eq!(answered.physical_id(), invented);
    assert!(
        !probe.logs().contains("probe acting"),
        "resource code ran:\n{}",
        probe.logs()
    );
    // One of ours is deleted by the resource code, and answered with its id.
    let answered = probe
        .send(harness::delete_event(
            TYPE,
            LOGICAL_ID,
            "probe-Probe",
            json!({"Mode": "fail"}),
        ))
        .await;
    assert_eq!(answered.status(), "FAILED");
    assert_eq!(answered.physical_id(), "probe-Probe");
}

/// A Delete checks the properties' shape, not their rules: a rollback of a
/// Create refused for a broken rule (whose answer was lost, so the Delete
/// carries an id) must not fail, or the stack can neither roll back nor be
/// deleted. Properties of the wrong shape still fail by name.
#[tokio::test(flavor = "multi_thread")]
async fn a_delete_runs_despite_a_broken_rule_but_not_a_broken_shape() {
    let probe = probe(&[]).await;
    let answered = probe
        .send(harness::delete_event(
            TYPE,
            LOGICAL_ID,
            "probe-Probe",
            json!({"Mode": "succeed", "Count": "500"}),
        ))
        .await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    assert!(probe.logs().contains("probe acting"), "{}", probe.logs());
    assert!(probe.logs().contains("break a rule"), "{}", probe.logs());
    let answered = probe
        .send(harness::delete_event(
            TYPE,
            LOGICAL_ID,
            "probe-Probe",
            json!({"Mode": "succeed", "Colour": "red"}),
        ))
        .await;
    assert_eq!(answered.status(), "FAILED");
    assert!(
        answered.reason().contains("Colour"),
        "{}",
        answered.reason()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_request_types_fail_with_the_given_or_a_marker_id() {
    let probe = probe(&[]).await;
    let mut event =
        harness::delete_event(TYPE, LOGICAL_ID, "probe-Probe", json!({"Mode": "succeed"}));
    event["RequestType"] = json!("Upsert");
    let answered = probe.send(event.clone()).await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "FAILED");
    assert!(
        answered.reason().contains("Upsert"),
        "{}",
        answered.reason()
    );
    assert_eq!(answered.physical_id(), "probe-Probe");

    event
        .as_object_mut()
        .map(|e| e.remove("PhysicalResourceId"));
    event["RequestId"] = json!(harness::new_request_id());
    let answered = probe.send(event).await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "FAILED");
    assert!(
        custom_resource::is_created_nothing_id(answered.physical_id()),
        "{}",
        answered.physical_id()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_update_without_physical_id_fails_and_one_with_it_keeps_it() {
    let probe = probe(&[]).await;
    let mut event = harness::update_event(
        TYPE,
        LOGICAL_ID,
        "probe-Probe",
        json!({"Mode": "succeed"}),
        json!({"Mode": "fail"}),
    );
    let answered = probe.send(event.clone()).await;
    assert_eq!(answered.status(), "SUCCESS", "{}", answered.reason());
    event
        .as_object_mut()
        .map(|e| e.remove("PhysicalResourceId"));
    event["RequestId"] = json!(harness::new_request_id());
    let answered = probe.send(event).await;
    assert_one_answer(&answered);
    assert_eq!(answered.status(), "FAILED");
    assert!(
        answered.reason().contains("PhysicalResourceId"),
        "{}",
        answered.reason()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_are_retried_and_client_errors_are_final() {
    let probe = probe(&[]).await;
    probe.sink().script([500, 503]);
    let answered = probe.send(create(json!({"Mode": "succeed"}))).await;
    assert_eq!(
        answered.puts.len(),
        3,
        "{:?}",
        answered.puts.iter().map(|p| p.status).collect::<Vec<_>>()
    );
    assert_eq!(answered.accepted(), 1);
    assert_eq!(answered.status(), "SUCCESS");
    assert!(matches!(
        answered.invocation.outcome,
        Invocation::Response(_)
    ));

    probe.sink().script([403]);
    let answered = probe.send(create(json!({"Mode": "succeed"}))).await;
    assert_eq!(answered.puts.len(), 1, "a 4xx must not be retried");
    assert_eq!(answered.accepted(), 0);
    assert!(
        matches!(answered.invocation.outcome, Invocation::Response(_)),
        "no Lambda retry after a refusal"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_response_url_is_a_credential_and_never_logged() {
    let probe = probe(&[]).await;
    probe.sink().script([500]);
    let answered = probe.send(create(json!({"Mode": "fail"}))).await;
    assert_eq!(answered.accepted(), 1);
    let logs = probe.logs();
    assert!(!logs.is_empty());
    assert!(
        !logs.contains(&probe.sink().signature()),
        "signature leaked:\n{logs}"
    );
    assert!(!logs.contains("X-Amz-Signature="), "query leaked:\n{logs}");
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_response_urls_are_refused_unless_allowed() {
    let mut env = harness::aws_env(None, None);
    env.retain(|(key, _)| key != custom_resource::ALLOW_HTTP_ENV);
    let probe = FunctionUnderTest::start(env!("CARGO_BIN_EXE_probe-function"), env)
        .await
        .expect("start the probe");
    let answered = probe.send(create(json!({"Mode": "succeed"}))).await;
    assert!(answered.puts.is_empty(), "a PUT went to plain http");
    assert!(
        probe.logs().contains("https"),
        "the refusal should say why:\n{}",
        probe.logs()
    );
    assert!(!probe.logs().contains(&probe.sink().signature()));
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_are_json_lines_naming_the_request_whatever_the_log_format() {
    let probe = probe(&[("AWS_LAMBDA_LOG_FORMAT", "Text")]).await;
    let event = create(json!({"Mode": "fail"}));
    let answered = probe.send(event.clone()).await;
    assert_eq!(answered.status(), "FAILED");
    let logs = probe.logs();
    let lines: Vec<Value> = logs
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON line: {line}"))
        })
        .collect();
    let failed = lines
        .iter()
        .find(|line| line.to_string().contains("sending response"))
        .expect("a line about the response");
    let text = failed.to_string();
    for expected in [
        "Create",
        LOGICAL_ID,
        event["RequestId"].as_str().unwrap_or_default(),
        answered.invocation.request_id.as_str(),
    ] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_twice_delivered_event_is_answered_each_time() {
    let probe = probe(&[]).await;
    let event = create(json!({"Mode": "succeed"}));
    // Lambda's own retry delivers the very same event, RequestId included.
    let first = probe.send(event.clone()).await;
    assert_one_answer(&first);
    let second = probe.send(event).await;
    assert_eq!(second.puts.len(), 2, "one response per delivery");
    let bodies: Vec<Value> = second.puts.iter().map(|put| put.json()).collect();
    assert!(bodies.iter().all(|body| body["Status"] == "SUCCESS"));
    assert_eq!(
        bodies[0]["PhysicalResourceId"],
        bodies[1]["PhysicalResourceId"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_without_a_response_url_cannot_be_answered_and_is_an_error() {
    let probe = probe(&[]).await;
    let mut event = create(json!({"Mode": "succeed"}));
    event.as_object_mut().map(|e| e.remove("ResponseURL"));
    let answered = probe.send(event).await;
    assert!(answered.puts.is_empty());
    assert!(
        matches!(answered.invocation.outcome, Invocation::Error(_)),
        "{:?}",
        answered.invocation.outcome
    );
}

/// The production path: CloudFormation's ResponseURL is https, and the
/// function verifies the certificate against its trusted roots.
#[tokio::test(flavor = "multi_thread")]
async fn an_https_response_url_is_answered_after_verifying_its_certificate() {
    let ca = LocalCa::new().expect("local CA");
    let probe = FunctionUnderTest::start_https(
        env!("CARGO_BIN_EXE_probe-function"),
        harness::aws_env(None, None),
        &ca,
    )
    .await
    .expect("start the probe");
    let answered = probe.send(create(json!({"Mode": "succeed"}))).await;
    assert_one_answer(&answered);
    assert_eq!(answered.response["Status"], "SUCCESS");
}

/// A server whose certificate the function has no reason to trust is never
/// sent the response: the handshake fails, so nothing reaches it.
#[tokio::test(flavor = "multi_thread")]
async fn an_https_response_url_with_an_untrusted_certificate_gets_nothing() {
    let trusted = LocalCa::new().expect("local CA");
    let served = LocalCa::new().expect("another local CA");
    let mut env = harness::aws_env(None, None);
    env.push((
        "SSL_CERT_FILE".to_owned(),
        trusted.ca_file().to_string_lossy().into_owned(),
    ));
    let sink = ResponseSink::start_https(&served).await.expect("sink");
    let probe =
        FunctionUnderTest::start_with_sink(env!("CARGO_BIN_EXE_probe-function").into(), env, sink)
            .await
            .expect("start the probe");
    let answered = probe
        .send_with_timeout(create(json!({"Mode": "succeed"})), Duration::from_secs(4))
        .await;
    assert!(answered.puts.is_empty(), "{:?}", answered.puts);
    assert!(
        probe.logs().contains("certificate"),
        "the log says why: {}",
        probe.logs()
    );
}

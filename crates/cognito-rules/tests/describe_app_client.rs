//! `describe_app_client` against moto: a live client, a missing client and
//! a missing pool.

use cognito_rules::{DescribeClientError, describe_app_client};
use local_aws::cognito;
use local_aws::moto::MotoServer;

#[tokio::test]
async fn reads_a_client_and_names_what_is_missing() {
    let moto = MotoServer::start().await.unwrap();
    let client = cognito::client(&moto).await;
    let pool = cognito::create_pool(&client, "workers").await.unwrap();
    let id = cognito::create_client(cognito::code_flow_client(
        &client,
        &pool,
        &["https://app.example.com/cb"],
        &[],
    ))
    .await
    .unwrap();

    let described = describe_app_client(&client, &pool, &id).await.unwrap();
    assert_eq!(
        described,
        cognito::describe_client(&client, &pool, &id).await.unwrap()
    );
    assert_eq!(described.callback_urls(), ["https://app.example.com/cb"]);

    let missing = describe_app_client(&client, &pool, "nosuchclient123")
        .await
        .unwrap_err();
    assert!(
        matches!(missing, DescribeClientError::ClientNotFound { .. }),
        "{missing:?}"
    );
    let reason = missing.to_string();
    assert!(
        reason.contains("nosuchclient123") && reason.contains(&pool),
        "{reason}"
    );

    let no_pool = describe_app_client(&client, "us-east-1_NoSuchPool", &id)
        .await
        .unwrap_err();
    assert!(
        no_pool.to_string().contains("us-east-1_NoSuchPool"),
        "{no_pool}"
    );
}

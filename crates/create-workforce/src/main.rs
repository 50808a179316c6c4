//! The `Custom::PrivateWorkforce` Lambda: its SageMaker, Secrets Manager and
//! Cognito clients, built once.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    custom_resource::init_logging();
    let config = custom_resource::network::aws_config().await;
    custom_resource::run(create_workforce::PrivateWorkforce::new(
        aws_sdk_sagemaker::Client::new(&config),
        aws_sdk_secretsmanager::Client::new(&config),
        aws_sdk_cognitoidentityprovider::Client::new(&config),
    ))
    .await
}

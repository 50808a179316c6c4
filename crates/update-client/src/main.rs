#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    custom_resource::init_logging();
    let config = custom_resource::network::aws_config().await;
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&config);
    custom_resource::run(update_client::ClientCallbacks::new(cognito)).await
}

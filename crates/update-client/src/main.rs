#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    custom_resource::init_logging();
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&config);
    custom_resource::run(update_client::ClientCallbacks::new(cognito)).await
}

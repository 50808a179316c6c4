#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    custom_resource::init_logging();
    let config = custom_resource::network::aws_config().await;
    custom_resource::run(update_invite_email::InviteEmail::new(
        aws_sdk_cognitoidentityprovider::Client::new(&config),
    ))
    .await
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    custom_resource::init_logging();
    let config = custom_resource::network::aws_config().await;
    // Every pool request this client sends leaves out, on the wire, the
    // validity members Cognito would refuse or read as an explicit 0.
    let cognito = aws_sdk_cognitoidentityprovider::Client::from_conf(
        aws_sdk_cognitoidentityprovider::config::Builder::from(&config)
            .interceptor(cognito_rules::wire::OmitUnsetValidity)
            .build(),
    );
    custom_resource::run(update_invite_email::InviteEmail::new(cognito)).await
}

use invitation_message::trigger::{InvitationMessage, WORKFORCE_NAME_ENV, workforce_from_env};
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    custom_resource::init_logging();
    let config = custom_resource::network::aws_config().await;
    // A bad WORKFORCE_NAME refuses each invitation with the reason, rather
    // than failing the start-up, where only the log would say why.
    let trigger = InvitationMessage::new(
        aws_sdk_cognitoidentityprovider::Client::new(&config),
        aws_sdk_sagemaker::Client::new(&config),
        workforce_from_env(std::env::var(WORKFORCE_NAME_ENV).ok()),
    );
    let trigger = &trigger;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        trigger.handle(event).await
    }))
    .await
}

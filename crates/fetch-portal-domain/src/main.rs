#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    custom_resource::init_logging();
    let config = custom_resource::network::aws_config().await;
    custom_resource::run(fetch_portal_domain::PortalDomain::new(
        aws_sdk_sagemaker::Client::new(&config),
    ))
    .await
}

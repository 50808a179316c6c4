//! The project's own SageMaker workforce emulator (moto has no workforces).
//!
//! It speaks the awsJson1_1 protocol of the real service (`POST /`,
//! `X-Amz-Target: SageMaker.<Operation>`, the model's member names), so the
//! real `aws-sdk-sagemaker` client works against it unchanged. It knows the
//! workforce and work-team operations the project uses, and emulates what
//! the service is documented (or observed) to do, docs/AWS-NOTES.md §1 and §8.1:
//!
//! - one workforce per account and region (state is kept per region, taken
//!   from the SigV4 credential scope of each request);
//! - the request constraints of the model, reported like AWS does
//!   (`1 validation error detected: Value 'x' at 'workforceName' ...`);
//! - `No workforce found with name <name>` (a ValidationException) for an
//!   unknown name, which is what Terraform matches as "not found";
//! - the status life cycle, computed lazily from timestamps on every request:
//!   `Initializing`/`Updating` -> `Active` (or `Failed`) after
//!   [`EmulatorOptions::settle_after`], `Deleting` -> gone after
//!   [`EmulatorOptions::delete_after`];
//! - delete only when `Active` or `Failed`, never with work teams attached
//!   (`ResourceInUse`); update only when `Active` (`ConflictException`);
//! - a Cognito workforce registers the labeling portal's URLs on its app
//!   client (see [`portal_client_update`]), when a Cognito endpoint is given.
//!
//! Tests steer it with [`SageMakerEmulator::throttle_next`],
//! [`SageMakerEmulator::never_settle`] and
//! [`SageMakerEmulator::fail_next_workforce`], and inspect it with
//! [`SageMakerEmulator::calls`] and [`SageMakerEmulator::workforces`].

use std::collections::BTreeMap;
use std::fmt::Display;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_cognitoidentityprovider as cognito_idp;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cognito_idp::error::DisplayErrorContext;
use cognito_idp::operation::update_user_pool_client::builders::UpdateUserPoolClientInputBuilder;
use cognito_idp::types::UserPoolClientType;
use rand::RngExt;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

const JSON_1_1: &str = "application/x-amz-json-1.1";
const TARGET_PREFIX: &str = "SageMaker.";
/// "one to ten" CIDRs (model documentation; not a list constraint there).
const MAX_CIDRS: usize = 10;
const WORKFORCE_NAME_PATTERN: &str = "^[a-zA-Z0-9]([a-zA-Z0-9\\-]){0,62}$";
const WORKTEAM_NAME_PATTERN: &str = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}";
const USER_POOL_PATTERN: &str = "[\\w-]+_[0-9a-zA-Z]+";
/// The name CreateWorkteam uses when it is given no WorkforceName.
const DEFAULT_WORKFORCE: &str = "default";

/// How the emulator behaves; see [`Default`] for the values tests start from.
#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    /// How long a workforce stays `Initializing` or `Updating`.
    pub settle_after: Duration,
    /// How long a workforce stays `Deleting` before it is gone.
    pub delete_after: Duration,
    /// moto's endpoint for Cognito; when set, CreateWorkforce with a
    /// CognitoConfig reads and updates the app client there, as SageMaker does.
    pub cognito_endpoint: Option<String>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            settle_after: Duration::from_millis(300),
            delete_after: Duration::from_millis(200),
            cognito_endpoint: None,
        }
    }
}

/// A running emulator on 127.0.0.1; the server stops when this is dropped.
pub struct SageMakerEmulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl SageMakerEmulator {
    /// Starts the emulator on 127.0.0.1 on a free port.
    pub async fn start(options: EmulatorOptions) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), options).await
    }

    /// Starts the emulator on `addr` (for the local stack, which wants a
    /// fixed port).
    pub async fn start_on(addr: SocketAddr, options: EmulatorOptions) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            options,
            state: Mutex::new(EmulatorState::default()),
        });
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self {
            shared,
            addr,
            task: Some(task),
        })
    }

    /// Serves until the server fails (for a binary that embeds the emulator).
    pub async fn serve_forever(mut self) -> std::io::Result<()> {
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }

    /// The address the emulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_SAGEMAKER`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next `n` requests (any operation, any region) are answered with
    /// `400 ThrottlingException: Rate exceeded`. The SDK retries these, so
    /// one SDK call may use several of them.
    pub fn throttle_next(&self, n: u32) {
        self.shared.lock().throttle = n;
    }

    /// While on, `Initializing` and `Updating` workforces never settle.
    pub fn never_settle(&self, on: bool) {
        self.shared.lock().never_settle = on;
    }

    /// The next created workforce settles as `Failed` with this
    /// FailureReason instead of `Active`.
    pub fn fail_next_workforce(&self, reason: impl Into<String>) {
        self.shared.lock().fail_next = Some(reason.into());
    }

    /// The operation of every request received, in order, refused and
    /// throttled ones included (an unknown target is recorded as sent).
    pub fn calls(&self) -> Vec<String> {
        self.shared.lock().calls.clone()
    }

    /// Every workforce of every region, as DescribeWorkforce shows it.
    pub fn workforces(&self) -> Vec<Value> {
        let mut state = self.shared.lock();
        state.advance(&self.shared.options, Instant::now());
        state
            .regions
            .values()
            .flat_map(|region| region.workforces.values().map(Workforce::describe))
            .collect()
    }
}

impl Drop for SageMakerEmulator {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

struct Shared {
    options: EmulatorOptions,
    state: Mutex<EmulatorState>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, EmulatorState> {
        // A panic elsewhere leaves consistent data (every change is one
        // assignment), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Default)]
struct EmulatorState {
    regions: BTreeMap<String, RegionState>,
    calls: Vec<String>,
    throttle: u32,
    never_settle: bool,
    fail_next: Option<String>,
}

#[derive(Default)]
struct RegionState {
    workforces: BTreeMap<String, Workforce>,
    workteams: BTreeMap<String, Workteam>,
}

impl EmulatorState {
    /// Applies every transition whose time has come (the lazy clock).
    fn advance(&mut self, options: &EmulatorOptions, now: Instant) {
        let never_settle = self.never_settle;
        for region in self.regions.values_mut() {
            region
                .workforces
                .retain(|_, workforce| match &workforce.phase {
                    Phase::Deleting { since } => now.duration_since(*since) < options.delete_after,
                    _ => true,
                });
            for workforce in region.workforces.values_mut() {
                workforce.settle(options.settle_after, never_settle, now);
            }
        }
    }

    fn region(&mut self, region: &str) -> &mut RegionState {
        self.regions.entry(region.to_owned()).or_default()
    }
}

#[derive(Debug, Clone)]
enum Phase {
    Settling {
        status: &'static str,
        since: Instant,
        since_wall: SystemTime,
        failure: Option<String>,
    },
    Active,
    Failed(String),
    Deleting {
        since: Instant,
    },
}

struct CognitoConfig {
    user_pool: String,
    client_id: String,
}

struct VpcConfig {
    vpc_id: String,
    security_group_ids: Vec<String>,
    subnets: Vec<String>,
    endpoint_id: String,
}

struct Workforce {
    name: String,
    arn: String,
    sub_domain: String,
    cognito: Option<CognitoConfig>,
    /// What DescribeWorkforce shows of an OidcConfig (no secret, no extra params).
    oidc: Option<Value>,
    cidrs: Vec<String>,
    vpc: Option<VpcConfig>,
    ip_address_type: String,
    create_date: SystemTime,
    last_updated: SystemTime,
    phase: Phase,
}

impl Workforce {
    fn status(&self) -> &'static str {
        match &self.phase {
            Phase::Settling { status, .. } => status,
            Phase::Active => "Active",
            Phase::Failed(_) => "Failed",
            Phase::Deleting { .. } => "Deleting",
        }
    }

    fn settle(&mut self, settle_after: Duration, never_settle: bool, now: Instant) {
        let Phase::Settling {
            since,
            since_wall,
            failure,
            ..
        } = &mut self.phase
        else {
            return;
        };
        if never_settle || now.duration_since(*since) < settle_after {
            return;
        }
        self.last_updated = *since_wall + settle_after;
        self.phase = match failure.take() {
            Some(reason) => Phase::Failed(reason),
            None => Phase::Active,
        };
    }

    fn start_settling(&mut self, status: &'static str, failure: Option<String>) {
        let now = SystemTime::now();
        self.last_updated = now;
        self.phase = Phase::Settling {
            status,
            since: Instant::now(),
            since_wall: now,
            failure,
        };
    }

    fn describe(&self) -> Value {
        let mut out = json!({
            "WorkforceName": self.name,
            "WorkforceArn": self.arn,
            "LastUpdatedDate": epoch_seconds(self.last_updated),
            "SourceIpConfig": { "Cidrs": self.cidrs },
            "SubDomain": self.sub_domain,
            "CreateDate": epoch_seconds(self.create_date),
            "Status": self.status(),
            "IpAddressType": self.ip_address_type,
        });
        if let Some(cognito) = &self.cognito {
            out["CognitoConfig"] = json!({
                "UserPool": cognito.user_pool,
                "ClientId": cognito.client_id,
            });
        }
        if let Some(oidc) = &self.oidc {
            out["OidcConfig"] = oidc.clone();
        }
        if let Some(vpc) = &self.vpc {
            out["WorkforceVpcConfig"] = json!({
                "VpcId": vpc.vpc_id,
                "SecurityGroupIds": vpc.security_group_ids,
                "Subnets": vpc.subnets,
                "VpcEndpointId": vpc.endpoint_id,
            });
        }
        if let Phase::Failed(reason) = &self.phase {
            out["FailureReason"] = json!(reason);
        }
        out
    }
}

struct Workteam {
    name: String,
    arn: String,
    workforce_name: String,
    members: Vec<Value>,
    description: String,
    notification: Option<Value>,
    worker_access: Option<Value>,
    create_date: SystemTime,
    last_updated: SystemTime,
}

impl Workteam {
    fn describe(&self, workforce: Option<&Workforce>) -> Value {
        let mut out = json!({
            "WorkteamName": self.name,
            "MemberDefinitions": self.members,
            "WorkteamArn": self.arn,
            "Description": self.description,
            "CreateDate": epoch_seconds(self.create_date),
            "LastUpdatedDate": epoch_seconds(self.last_updated),
        });
        if let Some(access) = &self.worker_access {
            out["WorkerAccessConfiguration"] = access.clone();
        }
        if let Some(workforce) = workforce {
            out["WorkforceArn"] = json!(workforce.arn);
            out["SubDomain"] = json!(workforce.sub_domain);
        }
        if let Some(notification) = &self.notification {
            out["NotificationConfiguration"] = notification.clone();
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Wire protocol

/// A service error: always HTTP 400 in this emulator, as AWS answers client
/// errors on awsJson1_1.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ApiError {
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationException", message)
    }

    fn no_workforce(name: &str) -> Self {
        Self::validation(format!("No workforce found with name {name}"))
    }

    fn no_workteam(name: &str) -> Self {
        Self::validation(format!("The work team {name} does not exist."))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // The SDK reads the code from `x-amzn-ErrorType` (it wins over the
        // body's `__type`) and the message from the body's `Message`.
        let body = json!({ "__type": self.code, "Message": self.message });
        let mut response = json_response(StatusCode::BAD_REQUEST, &body);
        if let Ok(code) = HeaderValue::from_str(self.code) {
            response.headers_mut().insert("x-amzn-ErrorType", code);
        }
        response
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_1_1));
    if let Ok(id) = HeaderValue::from_str(&request_id()) {
        headers.insert("x-amzn-RequestId", id);
    }
    response
}

fn request_id() -> String {
    let hex = crate::sink::random_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The region of a SigV4 `Authorization` header:
/// `AWS4-HMAC-SHA256 Credential=AKID/20260101/<region>/sagemaker/aws4_request, ...`.
pub fn region_from_authorization(authorization: &str) -> Option<&str> {
    let (_, rest) = authorization.split_once("Credential=")?;
    let credential = rest.split(|c: char| c == ',' || c.is_whitespace()).next()?;
    let parts: Vec<&str> = credential.split('/').collect();
    let [.., _date, region, _service, terminator] = parts.as_slice() else {
        return None;
    };
    let valid = *terminator == "aws4_request"
        && parts.len() >= 5
        && !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    valid.then_some(*region)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let operation = target.strip_prefix(TARGET_PREFIX).unwrap_or(target);
    let region = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(region_from_authorization)
        .unwrap_or(crate::REGION)
        .to_owned();
    {
        let mut state = shared.lock();
        state.calls.push(operation.to_owned());
        if state.throttle > 0 {
            state.throttle -= 1;
            return ApiError::new("ThrottlingException", "Rate exceeded").into_response();
        }
    }
    if method != Method::POST || !target.starts_with(TARGET_PREFIX) {
        return unknown_operation(target).into_response();
    }
    match dispatch(&shared, &region, operation, &body).await {
        Ok(out) => json_response(StatusCode::OK, &out),
        Err(error) => error.into_response(),
    }
}

fn unknown_operation(target: &str) -> ApiError {
    ApiError::new(
        "UnknownOperationException",
        format!("The SageMaker emulator does not implement the operation '{target}'"),
    )
}

async fn dispatch(
    shared: &Shared,
    region: &str,
    operation: &str,
    body: &[u8],
) -> Result<Value, ApiError> {
    match operation {
        "CreateWorkforce" => create_workforce(shared, region, parse(body)?).await,
        "DescribeWorkforce" => describe_workforce(shared, region, parse(body)?),
        "UpdateWorkforce" => update_workforce(shared, region, parse(body)?),
        "DeleteWorkforce" => delete_workforce(shared, region, parse(body)?),
        "ListWorkforces" => list_workforces(shared, region, parse(body)?),
        "CreateWorkteam" => create_workteam(shared, region, parse(body)?),
        "DescribeWorkteam" => describe_workteam(shared, region, parse(body)?),
        "UpdateWorkteam" => update_workteam(shared, region, parse(body)?),
        "DeleteWorkteam" => delete_workteam(shared, region, parse(body)?),
        "ListWorkteams" => list_workteams(shared, region, parse(body)?),
        _ => Err(unknown_operation(&format!("{TARGET_PREFIX}{operation}"))),
    }
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::new("SerializationException", format!("Malformed JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::new(
            "SerializationException",
            "The request body must be a JSON object",
        ));
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::new("SerializationException", e.to_string()))
}

fn epoch_seconds(time: SystemTime) -> f64 {
    let millis = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    millis as f64 / 1000.0
}

fn workforce_arn(region: &str, name: &str) -> String {
    format!(
        "arn:aws:sagemaker:{region}:{}:workforce/{name}",
        crate::ACCOUNT_ID
    )
}

fn workteam_arn(region: &str, name: &str) -> String {
    format!(
        "arn:aws:sagemaker:{region}:{}:workteam/private-crowd/{name}",
        crate::ACCOUNT_ID
    )
}

fn random_alnum(n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// `<10 random [a-z0-9]>.labeling.<region>.sagemaker.aws`, as observed.
fn new_sub_domain(region: &str) -> String {
    format!("{}.labeling.{region}.sagemaker.aws", random_alnum(10))
}

// ---------------------------------------------------------------------------
// Validation, worded like the service's

/// The constraint violations of one request, reported together as AWS does.
#[derive(Default)]
struct Violations(Vec<String>);

impl Violations {
    fn fail(&mut self, value: Option<&str>, at: &str, constraint: impl Display) {
        let value = value.map_or_else(|| "null".to_owned(), |v| format!("'{v}'"));
        self.0.push(format!(
            "Value {value} at '{at}' failed to satisfy constraint: {constraint}"
        ));
    }

    fn required<'a>(&mut self, value: Option<&'a str>, at: &str) -> Option<&'a str> {
        if value.is_none() {
            self.fail(None, at, "Member must not be null");
        }
        value
    }

    /// Checks the length in characters; false if it is out of range.
    fn length(&mut self, value: &str, at: &str, min: usize, max: usize) -> bool {
        let len = value.chars().count();
        if len < min {
            self.fail(
                Some(value),
                at,
                format!("Member must have length greater than or equal to {min}"),
            );
        } else if len > max {
            self.fail(
                Some(value),
                at,
                format!("Member must have length less than or equal to {max}"),
            );
        }
        (min..=max).contains(&len)
    }

    fn pattern(&mut self, value: &str, at: &str, ok: bool, pattern: &str) {
        if !ok {
            self.fail(
                Some(value),
                at,
                format!("Member must satisfy regular expression pattern: {pattern}"),
            );
        }
    }

    fn one_of(&mut self, value: &str, at: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.fail(
                Some(value),
                at,
                format!(
                    "Member must satisfy enum value set: [{}]",
                    allowed.join(", ")
                ),
            );
        }
    }

    fn list_length(&mut self, list: &[String], at: &str, min: usize, max: usize) {
        let shown = format!("[{}]", list.join(", "));
        if list.len() < min {
            self.fail(
                Some(&shown),
                at,
                format!("Member must have length greater than or equal to {min}"),
            );
        } else if list.len() > max {
            self.fail(
                Some(&shown),
                at,
                format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    fn finish(self) -> Result<(), ApiError> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(ApiError::validation(format!(
                "1 validation error detected: {}",
                self.0[0]
            ))),
            n => Err(ApiError::validation(format!(
                "{n} validation errors detected: {}",
                self.0.join("; ")
            ))),
        }
    }
}

fn is_ascii_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// `^[a-zA-Z0-9]([a-zA-Z0-9\-]){0,62}$`.
pub fn is_workforce_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_ascii_alnum)
        && name.len() <= 63
        && chars.all(|c| is_ascii_alnum(c) || c == '-')
}

/// `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`: no hyphen at either end.
pub fn is_workteam_name(name: &str) -> bool {
    name.chars().next().is_some_and(is_ascii_alnum)
        && name.chars().last().is_some_and(is_ascii_alnum)
        && name.chars().all(|c| is_ascii_alnum(c) || c == '-')
}

/// `[\w-]+_[0-9a-zA-Z]+`, e.g. `us-east-1_AbC123`.
pub fn is_user_pool_id(id: &str) -> bool {
    let Some((prefix, suffix)) = id.rsplit_once('_') else {
        return false;
    };
    !prefix.is_empty()
        && prefix
            .chars()
            .all(|c| is_ascii_alnum(c) || c == '_' || c == '-')
        && !suffix.is_empty()
        && suffix.chars().all(is_ascii_alnum)
}

/// An IPv4 or IPv6 CIDR block: an address, `/`, and a prefix length that
/// fits the address family.
pub fn is_cidr(cidr: &str) -> bool {
    let Some((address, prefix)) = cidr.split_once('/') else {
        return false;
    };
    let Ok(address) = address.parse::<IpAddr>() else {
        return false;
    };
    let max = if address.is_ipv4() { 32 } else { 128 };
    !prefix.is_empty()
        && prefix.chars().all(|c| c.is_ascii_digit())
        && prefix.parse::<u8>().is_ok_and(|bits| bits <= max)
}

/// `<prefix>[0-9a-z]*` (or `+` when `nonempty`).
fn is_ec2_id(id: &str, prefix: &str, nonempty: bool) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        (!nonempty || !rest.is_empty())
            && rest
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

fn check_workforce_name(v: &mut Violations, name: Option<&str>, at: &str) {
    if let Some(name) = v.required(name, at)
        && v.length(name, at, 1, 63)
    {
        v.pattern(name, at, is_workforce_name(name), WORKFORCE_NAME_PATTERN);
    }
}

fn check_workteam_name(v: &mut Violations, name: Option<&str>, at: &str) {
    if let Some(name) = v.required(name, at)
        && v.length(name, at, 1, 63)
    {
        v.pattern(name, at, is_workteam_name(name), WORKTEAM_NAME_PATTERN);
    }
}

fn check_cognito(v: &mut Violations, config: &CognitoConfigRequest, at: &str) {
    let pool_at = format!("{at}.userPool");
    if let Some(pool) = v.required(config.user_pool.as_deref(), &pool_at)
        && v.length(pool, &pool_at, 1, 55)
    {
        v.pattern(pool, &pool_at, is_user_pool_id(pool), USER_POOL_PATTERN);
    }
    let client_at = format!("{at}.clientId");
    if let Some(client) = v.required(config.client_id.as_deref(), &client_at)
        && v.length(client, &client_at, 1, 1024)
    {
        let printable = client.chars().all(|c| (' '..='~').contains(&c));
        v.pattern(client, &client_at, printable, "[ -~]+");
    }
}

fn check_source_ip(v: &mut Violations, config: &SourceIpConfigRequest) {
    let Some(cidrs) = &config.cidrs else {
        v.fail(None, "sourceIpConfig.cidrs", "Member must not be null");
        return;
    };
    v.list_length(cidrs, "sourceIpConfig.cidrs", 0, MAX_CIDRS);
    for (i, cidr) in cidrs.iter().enumerate() {
        let at = format!("sourceIpConfig.cidrs.{}.member", i + 1);
        if v.length(cidr, &at, 4, 64) && !is_cidr(cidr) {
            v.fail(
                Some(cidr),
                &at,
                "Member must be an IPv4 or IPv6 CIDR block (address/prefix length)",
            );
        }
    }
}

/// Checks a WorkforceVpcConfig; `{}` (nothing set) is valid and means "none".
fn check_vpc(v: &mut Violations, config: &VpcConfigRequest) {
    if config.is_empty() {
        return;
    }
    const AT: &str = "workforceVpcConfig";
    if let Some(vpc) = v.required(config.vpc_id.as_deref(), &format!("{AT}.vpcId"))
        && v.length(vpc, &format!("{AT}.vpcId"), 0, 32)
    {
        v.pattern(
            vpc,
            &format!("{AT}.vpcId"),
            is_ec2_id(vpc, "vpc-", false),
            "vpc-[0-9a-z]*",
        );
    }
    let groups = format!("{AT}.securityGroupIds");
    check_ec2_ids(v, config.security_group_ids.as_deref(), &groups, "sg-", 5);
    let subnets = format!("{AT}.subnets");
    check_ec2_ids(v, config.subnets.as_deref(), &subnets, "subnet-", 16);
}

/// A required list of 1..=`max` ids, each `<prefix>[0-9a-z]+`, at most 32 long.
fn check_ec2_ids(v: &mut Violations, ids: Option<&[String]>, at: &str, prefix: &str, max: usize) {
    let Some(ids) = ids else {
        v.fail(None, at, "Member must not be null");
        return;
    };
    v.list_length(ids, at, 1, max);
    let pattern = format!("{prefix}[0-9a-z]+");
    for (i, id) in ids.iter().enumerate() {
        let item_at = format!("{at}.{}.member", i + 1);
        if v.length(id, &item_at, 0, 32) {
            v.pattern(id, &item_at, is_ec2_id(id, prefix, true), &pattern);
        }
    }
}

fn check_ip_address_type(v: &mut Violations, value: Option<&str>) {
    if let Some(value) = value {
        v.one_of(value, "ipAddressType", &["ipv4", "dualstack"]);
    }
}

fn check_https(v: &mut Violations, value: Option<&str>, at: &str) {
    if let Some(url) = v.required(value, at)
        && v.length(url, at, 0, 500)
    {
        let ok = url
            .strip_prefix("https://")
            .is_some_and(|rest| !rest.is_empty() && !rest.chars().any(char::is_whitespace));
        v.pattern(url, at, ok, "https://\\S+");
    }
}

fn check_oidc(v: &mut Violations, config: &OidcConfigRequest) {
    for (value, at) in [
        (&config.client_id, "oidcConfig.clientId"),
        (&config.client_secret, "oidcConfig.clientSecret"),
    ] {
        if let Some(value) = v.required(value.as_deref(), at) {
            v.length(value, at, 1, 1024);
        }
    }
    if let Some(params) = &config.authentication_request_extra_params
        && params.len() > 10
    {
        v.fail(
            Some(&format!("{} parameters", params.len())),
            "oidcConfig.authenticationRequestExtraParams",
            "Member must have length less than or equal to 10",
        );
    }
    for (value, at) in [
        (&config.issuer, "oidcConfig.issuer"),
        (
            &config.authorization_endpoint,
            "oidcConfig.authorizationEndpoint",
        ),
        (&config.token_endpoint, "oidcConfig.tokenEndpoint"),
        (&config.user_info_endpoint, "oidcConfig.userInfoEndpoint"),
        (&config.logout_endpoint, "oidcConfig.logoutEndpoint"),
        (&config.jwks_uri, "oidcConfig.jwksUri"),
    ] {
        check_https(v, value.as_deref(), at);
    }
}

fn check_tags(v: &mut Violations, tags: Option<&[TagRequest]>) {
    let Some(tags) = tags else { return };
    if tags.len() > 50 {
        v.fail(
            Some(&format!("{} tags", tags.len())),
            "tags",
            "Member must have length less than or equal to 50",
        );
    }
    for (i, tag) in tags.iter().enumerate() {
        let at = format!("tags.{}.member", i + 1);
        if let Some(key) = v.required(tag.key.as_deref(), &format!("{at}.key")) {
            v.length(key, &format!("{at}.key"), 1, 128);
        }
        if let Some(value) = v.required(tag.value.as_deref(), &format!("{at}.value")) {
            v.length(value, &format!("{at}.value"), 0, 256);
        }
    }
}

fn check_max_results(v: &mut Violations, max: Option<i64>) {
    if let Some(max) = max
        && !(1..=100).contains(&max)
    {
        let constraint = if max < 1 {
            "Member must have value greater than or equal to 1"
        } else {
            "Member must have value less than or equal to 100"
        };
        v.fail(Some(&max.to_string()), "maxResults", constraint);
    }
}

// ---------------------------------------------------------------------------
// Requests (member names of the SageMaker model)

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct CognitoConfigRequest {
    user_pool: Option<String>,
    client_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct OidcConfigRequest {
    client_id: Option<String>,
    client_secret: Option<String>,
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    user_info_endpoint: Option<String>,
    logout_endpoint: Option<String>,
    jwks_uri: Option<String>,
    scope: Option<String>,
    authentication_request_extra_params: Option<BTreeMap<String, String>>,
}

impl OidcConfigRequest {
    /// `OidcConfigForResponse`: the secret and the extra parameters are not shown.
    fn for_response(&self) -> Value {
        let mut out = json!({
            "ClientId": self.client_id,
            "Issuer": self.issuer,
            "AuthorizationEndpoint": self.authorization_endpoint,
            "TokenEndpoint": self.token_endpoint,
            "UserInfoEndpoint": self.user_info_endpoint,
            "LogoutEndpoint": self.logout_endpoint,
            "JwksUri": self.jwks_uri,
        });
        if let Some(scope) = &self.scope {
            out["Scope"] = json!(scope);
        }
        out
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct SourceIpConfigRequest {
    cidrs: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct VpcConfigRequest {
    vpc_id: Option<String>,
    security_group_ids: Option<Vec<String>>,
    subnets: Option<Vec<String>>,
}

impl VpcConfigRequest {
    fn is_empty(&self) -> bool {
        self.vpc_id.is_none() && self.security_group_ids.is_none() && self.subnets.is_none()
    }

    /// The config to store, `None` for `{}`; call after [`check_vpc`] passed.
    fn into_config(self) -> Option<VpcConfig> {
        Some(VpcConfig {
            vpc_id: self.vpc_id?,
            security_group_ids: self.security_group_ids?,
            subnets: self.subnets?,
            endpoint_id: format!("vpce-{}", &crate::sink::random_hex(9)[..17]),
        })
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct TagRequest {
    key: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct CreateWorkforceRequest {
    workforce_name: Option<String>,
    cognito_config: Option<CognitoConfigRequest>,
    oidc_config: Option<OidcConfigRequest>,
    source_ip_config: Option<SourceIpConfigRequest>,
    workforce_vpc_config: Option<VpcConfigRequest>,
    tags: Option<Vec<TagRequest>>,
    ip_address_type: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct UpdateWorkforceRequest {
    workforce_name: Option<String>,
    source_ip_config: Option<SourceIpConfigRequest>,
    oidc_config: Option<OidcConfigRequest>,
    workforce_vpc_config: Option<VpcConfigRequest>,
    ip_address_type: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct WorkforceNameRequest {
    workforce_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ListRequest {
    name_contains: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
    sort_by: Option<String>,
    sort_order: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct CreateWorkteamRequest {
    workteam_name: Option<String>,
    workforce_name: Option<String>,
    member_definitions: Option<Vec<MemberDefinitionRequest>>,
    description: Option<String>,
    notification_configuration: Option<Value>,
    tags: Option<Vec<TagRequest>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct UpdateWorkteamRequest {
    workteam_name: Option<String>,
    member_definitions: Option<Vec<MemberDefinitionRequest>>,
    description: Option<String>,
    notification_configuration: Option<Value>,
    worker_access_configuration: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct MemberDefinitionRequest {
    cognito_member_definition: Option<CognitoMemberRequest>,
    oidc_member_definition: Option<OidcMemberRequest>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct CognitoMemberRequest {
    user_pool: Option<String>,
    user_group: Option<String>,
    client_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct OidcMemberRequest {
    groups: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct WorkteamNameRequest {
    workteam_name: Option<String>,
}

// ---------------------------------------------------------------------------
// Operations

fn ensure_no_workforce(state: &mut EmulatorState, region: &str) -> Result<(), ApiError> {
    match state.region(region).workforces.keys().next() {
        Some(existing) => Err(ApiError::new(
            "ResourceLimitExceeded",
            format!(
                "A workforce already exists in account {} in region {region}: '{existing}'. \
                 An account can have only one private workforce per region; \
                 delete it with DeleteWorkforce first.",
                crate::ACCOUNT_ID
            ),
        )),
        None => Ok(()),
    }
}

async fn create_workforce(
    shared: &Shared,
    region: &str,
    request: CreateWorkforceRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    check_workforce_name(&mut v, request.workforce_name.as_deref(), "workforceName");
    if let Some(cognito) = &request.cognito_config {
        check_cognito(&mut v, cognito, "cognitoConfig");
    }
    if let Some(oidc) = &request.oidc_config {
        check_oidc(&mut v, oidc);
    }
    if let Some(source_ip) = &request.source_ip_config {
        check_source_ip(&mut v, source_ip);
    }
    if let Some(vpc) = &request.workforce_vpc_config {
        check_vpc(&mut v, vpc);
    }
    check_tags(&mut v, request.tags.as_deref());
    check_ip_address_type(&mut v, request.ip_address_type.as_deref());
    v.finish()?;
    let name = request.workforce_name.unwrap_or_default();
    let cognito = match (request.cognito_config, &request.oidc_config) {
        (Some(_), Some(_)) => {
            return Err(ApiError::validation(
                "CognitoConfig and OidcConfig are mutually exclusive; give exactly one",
            ));
        }
        (None, None) => {
            return Err(ApiError::validation(
                "A private workforce needs either CognitoConfig or OidcConfig",
            ));
        }
        (Some(c), None) => Some(CognitoConfig {
            user_pool: c.user_pool.unwrap_or_default(),
            client_id: c.client_id.unwrap_or_default(),
        }),
        (None, Some(_)) => None,
    };
    {
        let mut state = shared.lock();
        state.advance(&shared.options, Instant::now());
        ensure_no_workforce(&mut state, region)?;
    }
    let sub_domain = new_sub_domain(region);
    if let (Some(endpoint), Some(cognito)) = (&shared.options.cognito_endpoint, &cognito) {
        register_portal_urls(endpoint, region, cognito, &sub_domain).await?;
    }
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    // Checked again: another create may have won while Cognito was called.
    ensure_no_workforce(&mut state, region)?;
    let failure = state.fail_next.take();
    let now = SystemTime::now();
    let mut workforce = Workforce {
        arn: workforce_arn(region, &name),
        name: name.clone(),
        sub_domain,
        cognito,
        oidc: request
            .oidc_config
            .as_ref()
            .map(OidcConfigRequest::for_response),
        cidrs: request
            .source_ip_config
            .and_then(|s| s.cidrs)
            .unwrap_or_default(),
        vpc: request
            .workforce_vpc_config
            .and_then(VpcConfigRequest::into_config),
        ip_address_type: request.ip_address_type.unwrap_or_else(|| "ipv4".into()),
        create_date: now,
        last_updated: now,
        phase: Phase::Active,
    };
    workforce.start_settling("Initializing", failure);
    let arn = workforce.arn.clone();
    state.region(region).workforces.insert(name, workforce);
    Ok(json!({ "WorkforceArn": arn }))
}

fn describe_workforce(
    shared: &Shared,
    region: &str,
    request: WorkforceNameRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    check_workforce_name(&mut v, request.workforce_name.as_deref(), "workforceName");
    v.finish()?;
    let name = request.workforce_name.unwrap_or_default();
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let workforce = state
        .region(region)
        .workforces
        .get(&name)
        .ok_or_else(|| ApiError::no_workforce(&name))?;
    Ok(json!({ "Workforce": workforce.describe() }))
}

fn update_workforce(
    shared: &Shared,
    region: &str,
    request: UpdateWorkforceRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    check_workforce_name(&mut v, request.workforce_name.as_deref(), "workforceName");
    if let Some(source_ip) = &request.source_ip_config {
        check_source_ip(&mut v, source_ip);
    }
    if let Some(oidc) = &request.oidc_config {
        check_oidc(&mut v, oidc);
    }
    if let Some(vpc) = &request.workforce_vpc_config {
        check_vpc(&mut v, vpc);
    }
    check_ip_address_type(&mut v, request.ip_address_type.as_deref());
    v.finish()?;
    let name = request.workforce_name.unwrap_or_default();
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let region_state = state.region(region);
    let has_teams = region_state
        .workteams
        .values()
        .any(|team| team.workforce_name == name);
    let workforce = region_state
        .workforces
        .get_mut(&name)
        .ok_or_else(|| ApiError::no_workforce(&name))?;
    if !matches!(workforce.phase, Phase::Active) {
        return Err(ApiError::new(
            "ConflictException",
            format!(
                "Workforce {name} is {}; it can be updated only when its status is Active",
                workforce.status()
            ),
        ));
    }
    if let Some(oidc) = &request.oidc_config {
        if workforce.oidc.is_none() {
            return Err(ApiError::validation(format!(
                "Workforce {name} uses Amazon Cognito; OidcConfig can be updated only on a workforce created with OidcConfig"
            )));
        }
        if has_teams {
            return Err(ApiError::new(
                "ConflictException",
                format!(
                    "Workforce {name} has work teams; OidcConfig can be updated only when no work teams exist"
                ),
            ));
        }
        workforce.oidc = Some(oidc.for_response());
    }
    if let Some(cidrs) = request.source_ip_config.and_then(|s| s.cidrs) {
        workforce.cidrs = cidrs;
    }
    if let Some(vpc) = request.workforce_vpc_config {
        workforce.vpc = vpc.into_config();
    }
    if let Some(ip_address_type) = request.ip_address_type {
        workforce.ip_address_type = ip_address_type;
    }
    workforce.start_settling("Updating", None);
    Ok(json!({ "Workforce": workforce.describe() }))
}

fn delete_workforce(
    shared: &Shared,
    region: &str,
    request: WorkforceNameRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    check_workforce_name(&mut v, request.workforce_name.as_deref(), "workforceName");
    v.finish()?;
    let name = request.workforce_name.unwrap_or_default();
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let region_state = state.region(region);
    let teams: Vec<&str> = region_state
        .workteams
        .values()
        .filter(|team| team.workforce_name == name)
        .map(|team| team.name.as_str())
        .collect();
    let Some(workforce) = region_state.workforces.get(&name) else {
        return Err(ApiError::no_workforce(&name));
    };
    if !teams.is_empty() {
        return Err(ApiError::new(
            "ResourceInUse",
            format!(
                "Workforce {name} has work teams ({}); delete them with DeleteWorkteam first",
                teams.join(", ")
            ),
        ));
    }
    if !matches!(workforce.phase, Phase::Active | Phase::Failed(_)) {
        return Err(ApiError::new(
            "ConflictException",
            format!(
                "Workforce {name} is {}; a workforce can be deleted only when its status is Active or Failed",
                workforce.status()
            ),
        ));
    }
    if let Some(workforce) = region_state.workforces.get_mut(&name) {
        workforce.phase = Phase::Deleting {
            since: Instant::now(),
        };
        workforce.last_updated = SystemTime::now();
    }
    Ok(json!({}))
}

/// Sorting and paging shared by the list operations.
fn list_page(
    mut items: Vec<(String, f64, Value)>,
    request: &ListRequest,
) -> Result<(Vec<Value>, Option<String>), ApiError> {
    let mut v = Violations::default();
    check_max_results(&mut v, request.max_results);
    if let Some(sort_by) = &request.sort_by {
        v.one_of(sort_by, "sortBy", &["Name", "CreateDate"]);
    }
    if let Some(order) = &request.sort_order {
        v.one_of(order, "sortOrder", &["Ascending", "Descending"]);
    }
    v.finish()?;
    if let Some(part) = &request.name_contains {
        items.retain(|(name, _, _)| name.contains(part.as_str()));
    }
    if request.sort_by.as_deref() == Some("Name") {
        items.sort_by(|a, b| a.0.cmp(&b.0));
    } else {
        items.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    }
    if request.sort_order.as_deref() == Some("Descending") {
        items.reverse();
    }
    let start = match &request.next_token {
        None => 0,
        Some(token) => token
            .strip_prefix("page-")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= items.len())
            .ok_or_else(|| ApiError::validation(format!("Invalid pagination token {token}")))?,
    };
    let max = usize::try_from(request.max_results.unwrap_or(10)).unwrap_or(10);
    let end = (start + max).min(items.len());
    let next = (end < items.len()).then(|| format!("page-{end}"));
    let page = items
        .into_iter()
        .skip(start)
        .take(end - start)
        .map(|(_, _, v)| v)
        .collect();
    Ok((page, next))
}

fn with_next_token(mut out: Value, next: Option<String>) -> Value {
    if let Some(next) = next {
        out["NextToken"] = json!(next);
    }
    out
}

fn list_workforces(shared: &Shared, region: &str, request: ListRequest) -> Result<Value, ApiError> {
    let items = {
        let mut state = shared.lock();
        state.advance(&shared.options, Instant::now());
        state
            .region(region)
            .workforces
            .values()
            .map(|w| (w.name.clone(), epoch_seconds(w.create_date), w.describe()))
            .collect()
    };
    let (page, next) = list_page(items, &request)?;
    Ok(with_next_token(json!({ "Workforces": page }), next))
}

fn create_workteam(
    shared: &Shared,
    region: &str,
    request: CreateWorkteamRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    check_workteam_name(&mut v, request.workteam_name.as_deref(), "workteamName");
    if request.workforce_name.is_some() {
        check_workforce_name(&mut v, request.workforce_name.as_deref(), "workforceName");
    }
    if let Some(description) = v.required(request.description.as_deref(), "description") {
        v.length(description, "description", 1, 200);
    }
    check_members(&mut v, request.member_definitions.as_deref(), true);
    check_tags(&mut v, request.tags.as_deref());
    v.finish()?;
    let name = request.workteam_name.unwrap_or_default();
    let workforce_name = request
        .workforce_name
        .unwrap_or_else(|| DEFAULT_WORKFORCE.to_owned());
    let members = request.member_definitions.unwrap_or_default();

    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let region_state = state.region(region);
    let workforce = region_state
        .workforces
        .get(&workforce_name)
        .ok_or_else(|| ApiError::no_workforce(&workforce_name))?;
    if !matches!(workforce.phase, Phase::Active) {
        return Err(ApiError::new(
            "ConflictException",
            format!(
                "Workforce {workforce_name} is {}; work teams can be created only in an Active workforce",
                workforce.status()
            ),
        ));
    }
    let members = member_definitions(workforce, &members)?;
    if region_state.workteams.contains_key(&name) {
        return Err(ApiError::new(
            "ResourceInUse",
            format!("The work team {name} already exists"),
        ));
    }
    let arn = workteam_arn(region, &name);
    region_state.workteams.insert(
        name.clone(),
        Workteam {
            name,
            arn: arn.clone(),
            workforce_name,
            members,
            description: request.description.unwrap_or_default(),
            notification: request.notification_configuration,
            worker_access: None,
            create_date: SystemTime::now(),
            last_updated: SystemTime::now(),
        },
    );
    Ok(json!({ "WorkteamArn": arn }))
}

/// 1-10 member definitions, when given.
fn check_members(v: &mut Violations, members: Option<&[MemberDefinitionRequest]>, required: bool) {
    match members {
        None if required => v.fail(None, "memberDefinitions", "Member must not be null"),
        None => {}
        Some(members) if members.is_empty() || members.len() > 10 => v.fail(
            Some(&format!("{} member definitions", members.len())),
            "memberDefinitions",
            "Member must have length between 1 and 10",
        ),
        Some(_) => {}
    }
}

/// UpdateWorkteam: replaces what it is given (members, description,
/// notification, worker access) and answers `{Workteam}`. New member
/// definitions must name the workforce's own user pool and app client, as
/// on create.
fn update_workteam(
    shared: &Shared,
    region: &str,
    request: UpdateWorkteamRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    check_workteam_name(&mut v, request.workteam_name.as_deref(), "workteamName");
    if let Some(description) = request.description.as_deref() {
        v.length(description, "description", 1, 200);
    }
    check_members(&mut v, request.member_definitions.as_deref(), false);
    v.finish()?;
    let name = request.workteam_name.unwrap_or_default();
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let region_state = state.region(region);
    let workforce_name = region_state
        .workteams
        .get(&name)
        .ok_or_else(|| ApiError::no_workteam(&name))?
        .workforce_name
        .clone();
    let members = match (
        &request.member_definitions,
        region_state.workforces.get(&workforce_name),
    ) {
        (Some(members), Some(workforce)) => Some(member_definitions(workforce, members)?),
        (Some(_), None) => return Err(ApiError::no_workforce(&workforce_name)),
        (None, _) => None,
    };
    let Some(team) = region_state.workteams.get_mut(&name) else {
        return Err(ApiError::no_workteam(&name));
    };
    if let Some(members) = members {
        team.members = members;
    }
    if let Some(description) = request.description {
        team.description = description;
    }
    if let Some(notification) = request.notification_configuration {
        team.notification = Some(notification);
    }
    if let Some(access) = request.worker_access_configuration {
        team.worker_access = Some(access);
    }
    team.last_updated = SystemTime::now();
    let workforce = region_state.workforces.get(&workforce_name);
    let Some(team) = region_state.workteams.get(&name) else {
        return Err(ApiError::no_workteam(&name));
    };
    Ok(json!({ "Workteam": team.describe(workforce) }))
}

/// The stored MemberDefinitions; they must be of the workforce's kind and,
/// for Cognito, name the workforce's own user pool and app client.
fn member_definitions(
    workforce: &Workforce,
    members: &[MemberDefinitionRequest],
) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::with_capacity(members.len());
    for member in members {
        match (
            &member.cognito_member_definition,
            &member.oidc_member_definition,
        ) {
            (Some(c), None) => {
                let Some(cognito) = &workforce.cognito else {
                    return Err(ApiError::validation(format!(
                        "Workforce {} uses OIDC; use OidcMemberDefinition",
                        workforce.name
                    )));
                };
                let (Some(pool), Some(group), Some(client)) =
                    (&c.user_pool, &c.user_group, &c.client_id)
                else {
                    return Err(ApiError::validation(
                        "CognitoMemberDefinition needs UserPool, UserGroup and ClientId",
                    ));
                };
                if *pool != cognito.user_pool || *client != cognito.client_id {
                    return Err(ApiError::validation(format!(
                        "CognitoMemberDefinition must use the workforce's user pool {} and app client {}",
                        cognito.user_pool, cognito.client_id
                    )));
                }
                out.push(json!({ "CognitoMemberDefinition": {
                    "UserPool": pool, "UserGroup": group, "ClientId": client,
                }}));
            }
            (None, Some(o)) => {
                if workforce.oidc.is_none() {
                    return Err(ApiError::validation(format!(
                        "Workforce {} uses Amazon Cognito; use CognitoMemberDefinition",
                        workforce.name
                    )));
                }
                out.push(json!({ "OidcMemberDefinition": {
                    "Groups": o.groups.clone().unwrap_or_default(),
                }}));
            }
            _ => {
                return Err(ApiError::validation(
                    "Each MemberDefinition needs exactly one of CognitoMemberDefinition and OidcMemberDefinition",
                ));
            }
        }
    }
    Ok(out)
}

fn check_workteam_name_request(request: &WorkteamNameRequest) -> Result<String, ApiError> {
    let mut v = Violations::default();
    if let Some(name) = v.required(request.workteam_name.as_deref(), "workteamName") {
        v.length(name, "workteamName", 1, 63);
    }
    v.finish()?;
    Ok(request.workteam_name.clone().unwrap_or_default())
}

fn describe_workteam(
    shared: &Shared,
    region: &str,
    request: WorkteamNameRequest,
) -> Result<Value, ApiError> {
    let name = check_workteam_name_request(&request)?;
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let region_state = state.region(region);
    let team = region_state
        .workteams
        .get(&name)
        .ok_or_else(|| ApiError::no_workteam(&name))?;
    let workforce = region_state.workforces.get(&team.workforce_name);
    Ok(json!({ "Workteam": team.describe(workforce) }))
}

fn delete_workteam(
    shared: &Shared,
    region: &str,
    request: WorkteamNameRequest,
) -> Result<Value, ApiError> {
    let name = check_workteam_name_request(&request)?;
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    state
        .region(region)
        .workteams
        .remove(&name)
        .ok_or_else(|| ApiError::no_workteam(&name))?;
    Ok(json!({ "Success": true }))
}

fn list_workteams(shared: &Shared, region: &str, request: ListRequest) -> Result<Value, ApiError> {
    let items = {
        let mut state = shared.lock();
        state.advance(&shared.options, Instant::now());
        let region_state = state.region(region);
        region_state
            .workteams
            .values()
            .map(|team| {
                let workforce = region_state.workforces.get(&team.workforce_name);
                (
                    team.name.clone(),
                    epoch_seconds(team.create_date),
                    team.describe(workforce),
                )
            })
            .collect()
    };
    let (page, next) = list_page(items, &request)?;
    Ok(with_next_token(json!({ "Workteams": page }), next))
}

// ---------------------------------------------------------------------------
// What SageMaker does to a Cognito app client (emulated, not product code)

/// CreateWorkforce with a CognitoConfig: read the app client, then write it
/// back with the labeling portal's callback and logout URLs added. A client
/// that cannot be read fails the create, naming the pool and the client.
async fn register_portal_urls(
    endpoint: &str,
    region: &str,
    cognito: &CognitoConfig,
    sub_domain: &str,
) -> Result<(), ApiError> {
    let config = crate::sdk_config(endpoint, region).await;
    let client = cognito_idp::Client::new(&config);
    let (pool, client_id) = (&cognito.user_pool, &cognito.client_id);
    let described = client
        .describe_user_pool_client()
        .user_pool_id(pool)
        .client_id(client_id)
        .send()
        .await
        .map_err(|e| {
            ApiError::validation(format!(
                "Cannot read the Cognito app client {client_id} of user pool {pool} \
                 (CognitoConfig.ClientId, CognitoConfig.UserPool): {}",
                DisplayErrorContext(&e)
            ))
        })?;
    let Some(app_client) = described.user_pool_client else {
        return Err(ApiError::validation(format!(
            "Cognito app client {client_id} of user pool {pool} was described as empty"
        )));
    };
    portal_client_update(&app_client, sub_domain)
        .send_with(&client)
        .await
        .map_err(|e| {
            ApiError::validation(format!(
                "Cannot update the Cognito app client {client_id} of user pool {pool}: {}",
                DisplayErrorContext(&e)
            ))
        })?;
    Ok(())
}

/// The UpdateUserPoolClient request SageMaker's CreateWorkforce amounts to:
/// every updatable setting of the described client carried over unchanged
/// (an update resets whatever it leaves out, docs/AWS-NOTES.md §2.1, §2.3), plus
/// `https://<SubDomain>/oauth2/idpresponse` in CallbackURLs and
/// `https://<SubDomain>/logout` in LogoutURLs when missing (existing URLs
/// kept, in order). The describe-only members (ClientSecret, CreationDate,
/// LastModifiedDate) are not update members.
fn portal_client_update(
    client: &UserPoolClientType,
    sub_domain: &str,
) -> UpdateUserPoolClientInputBuilder {
    let callback = format!("https://{sub_domain}/oauth2/idpresponse");
    let logout = format!("https://{sub_domain}/logout");
    UpdateUserPoolClientInputBuilder::default()
        .set_user_pool_id(client.user_pool_id.clone())
        .set_client_id(client.client_id.clone())
        .set_client_name(client.client_name.clone())
        .set_refresh_token_validity(Some(client.refresh_token_validity))
        .set_access_token_validity(client.access_token_validity)
        .set_id_token_validity(client.id_token_validity)
        .set_token_validity_units(client.token_validity_units.clone())
        .set_read_attributes(client.read_attributes.clone())
        .set_write_attributes(client.write_attributes.clone())
        .set_explicit_auth_flows(client.explicit_auth_flows.clone())
        .set_supported_identity_providers(client.supported_identity_providers.clone())
        .set_callback_urls(Some(with_url(client.callback_urls.as_deref(), &callback)))
        .set_logout_urls(Some(with_url(client.logout_urls.as_deref(), &logout)))
        .set_default_redirect_uri(client.default_redirect_uri.clone())
        .set_allowed_o_auth_flows(client.allowed_o_auth_flows.clone())
        .set_allowed_o_auth_scopes(client.allowed_o_auth_scopes.clone())
        .set_allowed_o_auth_flows_user_pool_client(client.allowed_o_auth_flows_user_pool_client)
        .set_analytics_configuration(client.analytics_configuration.clone())
        .set_prevent_user_existence_errors(client.prevent_user_existence_errors.clone())
        .set_enable_token_revocation(client.enable_token_revocation)
        .set_enable_propagate_additional_user_context_data(
            client.enable_propagate_additional_user_context_data,
        )
        .set_auth_session_validity(client.auth_session_validity)
        .set_refresh_token_rotation(client.refresh_token_rotation.clone())
}

/// `urls` with `url` appended unless already present.
fn with_url(urls: Option<&[String]>, url: &str) -> Vec<String> {
    let mut out = urls.unwrap_or_default().to_vec();
    if !out.iter().any(|u| u == url) {
        out.push(url.to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognito_idp::types::{OAuthFlowType, TimeUnitsType, TokenValidityUnitsType};

    #[test]
    fn workforce_names_follow_the_model_pattern() {
        for ok in ["a", "default", "My-Workforce-1", &"a".repeat(63), "0-"] {
            assert!(is_workforce_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a_b", "a b", "é", &"a".repeat(64), "a.b"] {
            assert!(!is_workforce_name(bad), "{bad}");
        }
    }

    #[test]
    fn workteam_names_have_no_hyphen_at_either_end() {
        assert!(is_workteam_name("team-1"));
        assert!(is_workteam_name("a--b"));
        assert!(!is_workteam_name("team-"));
        assert!(!is_workteam_name("-team"));
        assert!(!is_workteam_name(""));
    }

    #[test]
    fn user_pool_ids_need_a_region_and_an_alphanumeric_suffix() {
        assert!(is_user_pool_id("us-east-1_AbC123"));
        assert!(is_user_pool_id("a_b_c"));
        assert!(!is_user_pool_id("us-east-1"));
        assert!(!is_user_pool_id("_abc"));
        assert!(!is_user_pool_id("us-east-1_"));
        assert!(!is_user_pool_id("us-east-1_ab-c"));
        assert!(!is_user_pool_id("us east-1_abc"));
    }

    #[test]
    fn cidrs_are_parsed_for_both_families() {
        for ok in [
            "10.0.0.0/16",
            "192.168.1.7/32",
            "0.0.0.0/0",
            "2001:db8::/32",
            "::/0",
            "::1/128",
        ] {
            assert!(is_cidr(ok), "{ok}");
        }
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "2001:db8::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "example.com/8",
            "10.0.0.0/8/8",
        ] {
            assert!(!is_cidr(bad), "{bad}");
        }
    }

    #[test]
    fn ec2_ids_need_their_prefix() {
        assert!(is_ec2_id("vpc-", "vpc-", false));
        assert!(is_ec2_id("vpc-0a1b", "vpc-", false));
        assert!(!is_ec2_id("sg-", "sg-", true));
        assert!(!is_ec2_id("sg-ABC", "sg-", true));
        assert!(!is_ec2_id("subnet_1", "subnet-", true));
    }

    #[test]
    fn the_region_comes_from_the_credential_scope() {
        let header = "AWS4-HMAC-SHA256 Credential=testing/20260101/eu-west-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        assert_eq!(region_from_authorization(header), Some("eu-west-1"));
        let no_space = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-west-2/sagemaker/aws4_request,SignedHeaders=host";
        assert_eq!(region_from_authorization(no_space), Some("us-west-2"));
        assert_eq!(region_from_authorization("Bearer token"), None);
        assert_eq!(
            region_from_authorization("AWS4-HMAC-SHA256 Credential=AKID/20260101/sagemaker"),
            None
        );
        assert_eq!(
            region_from_authorization(
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/EU!/s/aws4_request"
            ),
            None
        );
    }

    #[test]
    fn violations_are_counted_and_joined_like_aws() {
        let mut v = Violations::default();
        check_workforce_name(&mut v, Some("bad_name"), "workforceName");
        let one = v.finish().unwrap_err();
        assert_eq!(one.code, "ValidationException");
        assert_eq!(
            one.message,
            "1 validation error detected: Value 'bad_name' at 'workforceName' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9]([a-zA-Z0-9\\-]){0,62}$"
        );
        let mut v = Violations::default();
        check_workforce_name(&mut v, None, "workforceName");
        check_source_ip(
            &mut v,
            &SourceIpConfigRequest {
                cidrs: Some(vec!["10.0.0.0/8".into(), "1.2.3.4/40".into()]),
            },
        );
        let two = v.finish().unwrap_err().message;
        assert!(two.starts_with("2 validation errors detected: Value null at 'workforceName'"));
        assert!(two.contains("Value '1.2.3.4/40' at 'sourceIpConfig.cidrs.2.member'"));
    }

    #[test]
    fn vpc_config_needs_all_three_members_unless_empty() {
        let mut v = Violations::default();
        check_vpc(&mut v, &VpcConfigRequest::default());
        assert!(v.finish().is_ok());
        let mut v = Violations::default();
        check_vpc(
            &mut v,
            &VpcConfigRequest {
                vpc_id: Some("vpc-1".into()),
                security_group_ids: Some(vec![]),
                subnets: None,
            },
        );
        let message = v.finish().unwrap_err().message;
        assert!(message.starts_with("2 validation errors"), "{message}");
        assert!(message.contains("'workforceVpcConfig.securityGroupIds'"));
        assert!(message.contains("Value null at 'workforceVpcConfig.subnets'"));
    }

    #[test]
    fn lists_page_with_tokens() {
        let items: Vec<(String, f64, Value)> = (0..5)
            .map(|i| (format!("n{i}"), f64::from(5 - i), json!(i)))
            .collect();
        let request = ListRequest {
            max_results: Some(2),
            ..Default::default()
        };
        // Default order: CreateDate ascending.
        let (page, next) = list_page(items.clone(), &request).unwrap();
        assert_eq!(page, vec![json!(4), json!(3)]);
        let request = ListRequest {
            max_results: Some(2),
            sort_by: Some("Name".into()),
            next_token: next,
            ..Default::default()
        };
        let (page, next) = list_page(items.clone(), &request).unwrap();
        assert_eq!(page, vec![json!(2), json!(3)]);
        assert_eq!(next.as_deref(), Some("page-4"));
        let bad = ListRequest {
            next_token: Some("nope".into()),
            ..Default::default()
        };
        assert_eq!(
            list_page(items, &bad).unwrap_err().code,
            "ValidationException"
        );
    }

    #[test]
    fn the_portal_urls_are_added_once_and_everything_else_is_carried() {
        let client = UserPoolClientType::builder()
            .user_pool_id("us-east-1_abc")
            .client_id("client")
            .client_name("name")
            .refresh_token_validity(5)
            .access_token_validity(60)
            .token_validity_units(
                TokenValidityUnitsType::builder()
                    .access_token(TimeUnitsType::Minutes)
                    .build(),
            )
            .callback_urls("https://placeholder.example.com")
            .callback_urls("https://x.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse")
            .logout_urls("https://placeholder.example.com/logout")
            .default_redirect_uri("https://placeholder.example.com")
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("openid")
            .allowed_o_auth_flows_user_pool_client(true)
            .enable_token_revocation(false)
            .auth_session_validity(7)
            .build();
        let input = portal_client_update(&client, "x.labeling.us-east-1.sagemaker.aws")
            .build()
            .unwrap();
        assert_eq!(
            input.callback_urls(),
            [
                "https://placeholder.example.com",
                "https://x.labeling.us-east-1.sagemaker.aws/oauth2/idpresponse"
            ]
        );
        assert_eq!(
            input.logout_urls(),
            [
                "https://placeholder.example.com/logout",
                "https://x.labeling.us-east-1.sagemaker.aws/logout"
            ]
        );
        assert_eq!(input.user_pool_id(), Some("us-east-1_abc"));
        assert_eq!(input.client_id(), Some("client"));
        assert_eq!(input.client_name(), Some("name"));
        assert_eq!(input.refresh_token_validity(), Some(5));
        assert_eq!(input.access_token_validity(), Some(60));
        assert_eq!(input.token_validity_units(), client.token_validity_units());
        assert_eq!(
            input.default_redirect_uri(),
            Some("https://placeholder.example.com")
        );
        assert_eq!(input.allowed_o_auth_flows(), [OAuthFlowType::Code]);
        assert_eq!(input.allowed_o_auth_scopes(), ["openid"]);
        assert_eq!(input.allowed_o_auth_flows_user_pool_client(), Some(true));
        assert_eq!(input.enable_token_revocation(), Some(false));
        assert_eq!(input.auth_session_validity(), Some(7));
    }

    #[test]
    fn sub_domains_look_like_the_observed_ones() {
        let sub = new_sub_domain("eu-west-1");
        let (host, rest) = sub.split_once('.').unwrap();
        assert_eq!(rest, "labeling.eu-west-1.sagemaker.aws");
        assert_eq!(host.len(), 10);
        assert!(
            host.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
    }

    #[test]
    fn workforces_settle_lazily() {
        let now = Instant::now();
        let mut workforce = Workforce {
            name: "w".into(),
            arn: workforce_arn("us-east-1", "w"),
            sub_domain: new_sub_domain("us-east-1"),
            cognito: None,
            oidc: None,
            cidrs: vec![],
            vpc: None,
            ip_address_type: "ipv4".into(),
            create_date: SystemTime::now(),
            last_updated: SystemTime::now(),
            phase: Phase::Active,
        };
        workforce.start_settling("Initializing", Some("no capacity".into()));
        let settle = Duration::from_secs(60);
        workforce.settle(settle, false, now);
        assert_eq!(workforce.status(), "Initializing");
        workforce.settle(settle, true, now + settle * 2);
        assert_eq!(workforce.status(), "Initializing");
        workforce.settle(settle, false, now + settle * 2);
        assert_eq!(workforce.status(), "Failed");
        assert_eq!(workforce.describe()["FailureReason"], "no capacity");
    }
}

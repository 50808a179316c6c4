//! A `ResponseURL` that behaves like the presigned S3 PUT URL CloudFormation
//! hands to a custom resource.
//!
//! The URL is signed for the `host` header only (as CloudFormation's is), so
//! S3 refuses a request whose `Content-Type` is present and non-empty with
//! `403 SignatureDoesNotMatch`. CloudFormation reads at most 4096 bytes of the
//! response object; a longer body is refused here with `400` ("Response object
//! is too long."), which is how CloudFormation reports it.
//!
//! The checks, in order:
//!
//! 1. a method other than `PUT` -> `405 MethodNotAllowed`;
//! 2. a status queued with [`ResponseSink::script_for`] for the request's
//!    key, or else with [`ResponseSink::script`] -> that status (a transient
//!    S3 failure happens before any other check);
//! 3. a path outside `/cloudformation-responses/` -> `404 NoSuchBucket`;
//! 4. a missing or wrong `X-Amz-Signature` -> `403 SignatureDoesNotMatch`;
//! 5. a non-empty `Content-Type` -> `403 SignatureDoesNotMatch`;
//! 6. no `Content-Length` (a chunked upload) -> `411 MissingContentLength`,
//!    as S3 answers a PUT without a length;
//! 7. a body over 4096 bytes -> `400 EntityTooLarge`;
//! 8. otherwise `200` with an empty body.
//!
//! Every request is recorded, refused ones included.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rand::RngExt;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// CloudFormation's limit on the response object, inclusive.
pub const MAX_RESPONSE_BYTES: usize = 4096;

/// Path prefix every presigned URL of the sink lives under (the "bucket").
pub const PATH_PREFIX: &str = "/cloudformation-responses/";

/// Largest body the sink reads at all; anything above is refused unread.
const READ_LIMIT: usize = 1024 * 1024;

/// Access key id that appears in the presigned URLs' credential scope.
const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";

/// One request the sink received.
#[derive(Debug, Clone)]
pub struct RecordedPut {
    /// The object key (percent-decoded path after `/cloudformation-responses/`),
    /// or the whole path for a request outside that prefix.
    pub key: String,
    /// The HTTP method, e.g. `PUT`.
    pub method: String,
    /// The `Content-Type` header as sent; `Some("")` for an empty one.
    pub content_type: Option<String>,
    /// The `Content-Length` header, if any.
    pub content_length: Option<u64>,
    /// The body received (empty if it was too large to read).
    pub body: Vec<u8>,
    /// The status the sink answered with.
    pub status: u16,
    /// When the request was complete (its body read), just before the
    /// answer.
    pub at: Instant,
}

impl RecordedPut {
    /// The body parsed as JSON, `Null` if it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// Whether the sink accepted the request (a 2xx answer).
    pub fn accepted(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

struct Shared {
    signature: String,
    puts: Mutex<Vec<RecordedPut>>,
    script: Mutex<VecDeque<u16>>,
    /// Statuses queued for one key ([`ResponseSink::script_for`]).
    keyed: Mutex<HashMap<String, VecDeque<u16>>>,
    /// Bumped (to the number of recorded requests) after every request.
    recorded: watch::Sender<usize>,
}

/// A local stand-in for CloudFormation's presigned S3 `ResponseURL`.
/// Dropping it stops the server.
pub struct ResponseSink {
    shared: Arc<Shared>,
    addr: SocketAddr,
    /// `http`, or `https` for a sink started with [`ResponseSink::start_https`].
    scheme: &'static str,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl ResponseSink {
    /// Starts the sink on 127.0.0.1 on a free port, plain http.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        Self::serve(crate::without_nagle(listener), "http")
    }

    /// Starts the sink on 127.0.0.1 on a free port, https with `ca`'s server
    /// certificate: what CloudFormation hands out, verified by the function
    /// only if it trusts `ca` (`SSL_CERT_FILE`).
    pub async fn start_https(ca: &crate::tls::LocalCa) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        Self::serve(ca.listener(listener), "https")
    }

    fn serve(
        listener: impl axum::serve::Listener<Addr = SocketAddr>,
        scheme: &'static str,
    ) -> std::io::Result<Self> {
        let addr = listener.local_addr()?;
        let (recorded, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            signature: random_hex(32),
            puts: Mutex::new(Vec::new()),
            script: Mutex::new(VecDeque::new()),
            keyed: Mutex::new(HashMap::new()),
            recorded,
        });
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let (shutdown, task) = crate::spawn_server(listener, app, "response sink");
        Ok(Self {
            shared,
            addr,
            scheme,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The address the sink listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A presigned-looking PUT URL for `key`, shaped like CloudFormation's:
    /// `http://127.0.0.1:<port>/cloudformation-responses/<key>?X-Amz-Algorithm=...&X-Amz-Signature=<64 hex>`
    /// (`https://` for a sink started with [`ResponseSink::start_https`]).
    pub fn presigned_url(&self, key: &str) -> String {
        let (year, month, day, hour, minute, second) = utc_parts(SystemTime::now());
        let date = format!("{year:04}{month:02}{day:02}");
        let stamp = format!("{date}T{hour:02}{minute:02}{second:02}Z");
        let credential = format!("{ACCESS_KEY_ID}/{date}/{}/s3/aws4_request", crate::REGION);
        format!(
            "{scheme}://{addr}{PATH_PREFIX}{key}?X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential={credential}&X-Amz-Date={stamp}&X-Amz-Expires=7200\
             &X-Amz-SignedHeaders=host&X-Amz-Signature={signature}",
            scheme = self.scheme,
            addr = self.addr,
            key = uri_encode(key, false),
            credential = uri_encode(&credential, true),
            signature = self.shared.signature,
        )
    }

    /// The secret part of every presigned URL of this sink (64 hex
    /// characters), so tests can assert that logs never contain it.
    pub fn signature(&self) -> String {
        self.shared.signature.clone()
    }

    /// The next PUT requests (any key), one per status, are answered with
    /// these statuses (e.g. 500, 503) instead of being checked and accepted.
    /// They are recorded with that status.
    pub fn script(&self, statuses: impl IntoIterator<Item = u16>) {
        lock(&self.shared.script).extend(statuses);
    }

    /// The next PUT requests to `key`, one per status, are answered with
    /// these statuses; other keys are not affected. For one event's response
    /// when others may be sent meanwhile.
    pub fn script_for(&self, key: &str, statuses: impl IntoIterator<Item = u16>) {
        lock(&self.shared.keyed)
            .entry(key.to_owned())
            .or_default()
            .extend(statuses);
    }

    /// Every request received so far, in order, refused ones included.
    pub fn puts(&self) -> Vec<RecordedPut> {
        lock(&self.shared.puts).clone()
    }

    /// The requests received for `key`, in order.
    pub fn puts_for(&self, key: &str) -> Vec<RecordedPut> {
        lock(&self.shared.puts)
            .iter()
            .filter(|put| put.key == key)
            .cloned()
            .collect()
    }

    /// Waits at most `timeout` for an accepted PUT to `key` and returns the
    /// first one; `None` if none arrived in time.
    pub async fn wait_for_accepted(&self, key: &str, timeout: Duration) -> Option<RecordedPut> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.shared.recorded.subscribe();
        loop {
            let found = lock(&self.shared.puts)
                .iter()
                .find(|put| put.key == key && put.accepted())
                .cloned();
            if found.is_some() {
                return found;
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                // Timed out, or the sender is gone (it lives as long as `self`).
                Ok(Err(_)) | Err(_) => return None,
            }
        }
    }
}

impl Drop for ResponseSink {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        // Graceful shutdown ends the task once in-flight requests finish;
        // nothing to wait for here.
        drop(self.task.take());
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = uri.path();
    let in_bucket = path.strip_prefix(PATH_PREFIX);
    let key = match in_bucket {
        Some(rest) => uri_decode(rest),
        None => uri_decode(path),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let content_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    let (body, read_ok) = match axum::body::to_bytes(body, READ_LIMIT).await {
        Ok(bytes) => (bytes.to_vec(), true),
        Err(_) => (Vec::new(), false),
    };
    // Complete now: what the sink answers (and a benchmark times) is the
    // whole PUT, however late its body came.
    let at = Instant::now();
    let body_len = if read_ok {
        body.len() as u64
    } else {
        content_length.unwrap_or(u64::MAX)
    };

    let (status, response) = decide(
        &shared,
        &key,
        &method,
        &uri,
        in_bucket.is_some(),
        content_type.as_deref(),
        content_length,
        body_len,
    );

    let count = {
        let mut puts = lock(&shared.puts);
        puts.push(RecordedPut {
            key,
            method: method.as_str().to_owned(),
            content_type,
            content_length,
            body,
            status: status.as_u16(),
            at,
        });
        puts.len()
    };
    shared.recorded.send_replace(count);
    response
}

#[allow(clippy::too_many_arguments)]
fn decide(
    shared: &Shared,
    key: &str,
    method: &Method,
    uri: &Uri,
    in_bucket: bool,
    content_type: Option<&str>,
    content_length: Option<u64>,
    body_len: u64,
) -> (StatusCode, Response) {
    let resource = uri.path();
    if method != Method::PUT {
        let extra = format!(
            "<Method>{}</Method><ResourceType>OBJECT</ResourceType>",
            xml_escape(method.as_str())
        );
        return s3_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
            &extra,
        );
    }
    let keyed = lock(&shared.keyed)
        .get_mut(key)
        .and_then(VecDeque::pop_front);
    let scripted = keyed.or_else(|| lock(&shared.script).pop_front());
    if let Some(code) = scripted {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_success() {
            return accepted(status);
        }
        let (code, message) = match status.as_u16() {
            500 => (
                "InternalError",
                "We encountered an internal error. Please try again.",
            ),
            503 => ("SlowDown", "Please reduce your request rate."),
            _ => (
                "ServiceUnavailable",
                "Scripted failure of the local response sink.",
            ),
        };
        return s3_error(status, code, message, "");
    }
    if !in_bucket {
        let extra = format!("<BucketName>{}</BucketName>", xml_escape(resource));
        return s3_error(
            StatusCode::NOT_FOUND,
            "NoSuchBucket",
            "The specified bucket does not exist",
            &extra,
        );
    }
    let signature_ok = query_value(uri.query().unwrap_or(""), "X-Amz-Signature")
        .is_some_and(|given| given == shared.signature);
    let content_type_set = content_type.is_some_and(|value| !value.trim().is_empty());
    if !signature_ok || content_type_set {
        return s3_error(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. \
             Check your key and signing method.",
            "<AWSAccessKeyId>AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId>",
        );
    }
    if content_length.is_none() {
        return s3_error(
            StatusCode::LENGTH_REQUIRED,
            "MissingContentLength",
            "You must provide the Content-Length HTTP header.",
            "",
        );
    }
    if body_len > MAX_RESPONSE_BYTES as u64 {
        let extra = format!(
            "<ProposedSize>{body_len}</ProposedSize><MaxSizeAllowed>{MAX_RESPONSE_BYTES}</MaxSizeAllowed>"
        );
        return s3_error(
            StatusCode::BAD_REQUEST,
            "EntityTooLarge",
            "Response object is too long.",
            &extra,
        );
    }
    accepted(StatusCode::OK)
}

fn accepted(status: StatusCode) -> (StatusCode, Response) {
    let mut response = status.into_response();
    let headers = response.headers_mut();
    headers.insert("x-amz-request-id", request_id_header());
    headers.insert(
        header::ETAG,
        HeaderValue::from_static("\"d41d8cd98f00b204e9800998ecf8427e\""),
    );
    (status, response)
}

fn s3_error(status: StatusCode, code: &str, message: &str, extra: &str) -> (StatusCode, Response) {
    let request_id = random_hex(8).to_uppercase();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>\
         {extra}<RequestId>{request_id}</RequestId><HostId>local-response-sink</HostId></Error>",
        message = xml_escape(message),
    );
    let mut response = (status, xml).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    headers.insert("x-amz-request-id", request_id_header());
    (status, response)
}

fn request_id_header() -> HeaderValue {
    HeaderValue::from_str(&random_hex(8).to_uppercase())
        .unwrap_or_else(|_| HeaderValue::from_static("0000000000000000"))
}

fn query_value(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(key, _)| uri_decode(key) == name)
        .map(|(_, value)| uri_decode(value))
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

/// S3-style URI encoding: unreserved characters stay, everything else is
/// `%XX`; `/` stays unless `encode_slash`.
fn uri_encode(text: &str, encode_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'.' | b'~')
            || (byte == b'/' && !encode_slash);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn uri_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' && index + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).ok();
            if let Some(value) = hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                out.push(value);
                index += 3;
                continue;
            }
        }
        out.push(byte);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `n_bytes` random bytes as lowercase hex.
pub(crate) fn random_hex(n_bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..n_bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// `(year, month, day, hour, minute, second)` of `time` in UTC.
pub(crate) fn utc_parts(time: SystemTime) -> (i64, u32, u32, u32, u32, u32) {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let to_u32 = |value: i64| u32::try_from(value).unwrap_or(0);
    let rem = u32::try_from(rem).unwrap_or(0);
    (
        year,
        to_u32(month),
        to_u32(day),
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
    )
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        let at = |secs: u64| utc_parts(UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(at(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(at(951_782_400), (2000, 2, 29, 0, 0, 0));
        assert_eq!(at(1_785_628_799), (2026, 8, 1, 23, 59, 59));
    }

    #[test]
    fn encoding_round_trips() {
        let key = "arn:aws:cloudformation:us-east-1:1:stack/a b|Logical|req-1";
        let encoded = uri_encode(key, false);
        assert!(!encoded.contains('|') && !encoded.contains(' '));
        assert_eq!(uri_decode(&encoded), key);
        assert_eq!(uri_decode("%zz%4"), "%zz%4");
    }
}

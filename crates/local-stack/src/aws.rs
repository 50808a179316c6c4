//! A small client for the emulators' wire protocols: awsJson1_1 (Cognito,
//! CloudWatch Logs, WAFv2, SageMaker, Secrets Manager) and the query
//! protocol (IAM, SNS).
//!
//! Why not the service SDKs: CloudFormation properties are, almost member
//! for member, the API request shapes, so sending them as JSON keeps the
//! property-to-request mapping a short, visible list of renames instead of
//! hundreds of builder calls, and it adds no SDK crate to the build. moto
//! does not check signatures; the Authorization header carries the
//! credential scope it reads the service and region from.

use serde_json::Value;

/// A failed call, as the service reported it.
#[derive(Debug, thiserror::Error)]
#[error("{service} {operation} failed: {code}: {message}")]
pub struct AwsError {
    pub service: &'static str,
    pub operation: String,
    pub code: String,
    pub message: String,
}

impl AwsError {
    /// The resource is gone (deleting it again is fine).
    pub fn is_not_found(&self) -> bool {
        self.code.contains("NotFound")
            || self.code.contains("NonexistentItem")
            || self.code == "NoSuchEntity"
            || self.message.contains("does not exist")
            || self.message.contains("not found")
    }
}

/// A JSON-protocol service.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    pub name: &'static str,
    target_prefix: &'static str,
    signing_name: &'static str,
    sagemaker: bool,
}

pub const COGNITO: Service = Service {
    name: "Cognito",
    target_prefix: "AWSCognitoIdentityProviderService",
    signing_name: "cognito-idp",
    sagemaker: false,
};
pub const LOGS: Service = Service {
    name: "CloudWatch Logs",
    target_prefix: "Logs_20140328",
    signing_name: "logs",
    sagemaker: false,
};
pub const WAFV2: Service = Service {
    name: "WAFv2",
    target_prefix: "AWSWAF_20190729",
    signing_name: "wafv2",
    sagemaker: false,
};
pub const SSM: Service = Service {
    name: "SSM",
    target_prefix: "AmazonSSM",
    signing_name: "ssm",
    sagemaker: false,
};
pub const SECRETS_MANAGER: Service = Service {
    name: "Secrets Manager",
    target_prefix: "secretsmanager",
    signing_name: "secretsmanager",
    sagemaker: false,
};
pub const SAGEMAKER: Service = Service {
    name: "SageMaker",
    target_prefix: "SageMaker",
    signing_name: "sagemaker",
    sagemaker: true,
};

/// A query-protocol service (form-encoded request, XML answer).
#[derive(Debug, Clone, Copy)]
pub struct QueryService {
    pub name: &'static str,
    signing_name: &'static str,
    version: &'static str,
}

pub const IAM: QueryService = QueryService {
    name: "IAM",
    signing_name: "iam",
    version: "2010-05-08",
};
pub const SNS: QueryService = QueryService {
    name: "SNS",
    signing_name: "sns",
    version: "2010-03-31",
};

/// Where the emulators listen.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Endpoints {
    /// moto: Cognito, SSM, IAM, CloudWatch Logs, WAFv2, SNS, Secrets Manager.
    pub moto: String,
    /// The project's SageMaker emulator.
    pub sagemaker: String,
}

/// The local AWS a stack runs on: moto, and the SageMaker emulator wired to
/// it (CreateWorkforce's side effect on the Cognito app client), and where
/// they listen. Both stop when this is dropped.
pub struct LocalAws {
    pub moto: local_aws::moto::MotoServer,
    pub sagemaker: local_aws::sagemaker::SageMakerEmulator,
    pub endpoints: Endpoints,
}

impl LocalAws {
    /// Starts both on 127.0.0.1; `options.cognito_endpoint` is set to moto.
    pub async fn start(
        options: local_aws::sagemaker::EmulatorOptions,
    ) -> Result<Self, std::io::Error> {
        let moto = local_aws::moto::MotoServer::start()
            .await
            .map_err(|e| std::io::Error::other(format!("cannot start moto: {e}")))?;
        let sagemaker =
            local_aws::sagemaker::SageMakerEmulator::start(local_aws::sagemaker::EmulatorOptions {
                cognito_endpoint: Some(moto.endpoint_url()),
                ..options
            })
            .await
            .map_err(|e| {
                std::io::Error::other(format!("cannot start the SageMaker emulator: {e}"))
            })?;
        let endpoints = Endpoints {
            moto: moto.endpoint_url(),
            sagemaker: sagemaker.endpoint_url(),
        };
        Ok(Self {
            moto,
            sagemaker,
            endpoints,
        })
    }
}

/// A secret's ARN and the id of the version just written (no value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretVersion {
    pub arn: String,
    pub version_id: String,
}

impl SecretVersion {
    fn from_answer(answer: &Value) -> Self {
        let text = |key: &str| answer[key].as_str().unwrap_or_default().to_owned();
        Self {
            arn: text("ARN"),
            version_id: text("VersionId"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoints: Endpoints,
}

fn authorization(signing_name: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=testing/20260101/{}/{signing_name}/aws4_request, SignedHeaders=host, Signature=00",
        local_aws::REGION
    )
}

impl Client {
    pub fn new(endpoints: Endpoints) -> std::io::Result<Self> {
        Ok(Self {
            http: local_aws::http_client()?,
            endpoints,
        })
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// Calls `operation` with `body` and returns the response document.
    pub async fn json(
        &self,
        service: Service,
        operation: &str,
        body: Value,
    ) -> Result<Value, AwsError> {
        let failed = |code: String, message: String| AwsError {
            service: service.name,
            operation: operation.to_owned(),
            code,
            message,
        };
        let url = if service.sagemaker {
            &self.endpoints.sagemaker
        } else {
            &self.endpoints.moto
        };
        let response = self
            .http
            .post(url.as_str())
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                format!("{}.{operation}", service.target_prefix),
            )
            .header("authorization", authorization(service.signing_name))
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| {
                failed(
                    "Unreachable".into(),
                    format!("{e} (is the emulator running?)"),
                )
            })?;
        let status = response.status();
        let header_code = response
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(':').next().unwrap_or(v).to_owned());
        let text = response
            .text()
            .await
            .map_err(|e| failed("Unreadable".into(), e.to_string()))?;
        let document: Value = if text.trim().is_empty() {
            Value::Object(Default::default())
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        if status.is_success() {
            return Ok(document);
        }
        let code = document["__type"]
            .as_str()
            .map(|t| t.rsplit('#').next().unwrap_or(t).to_owned())
            .or(header_code)
            .unwrap_or_else(|| status.to_string());
        let message = document["message"]
            .as_str()
            .or(document["Message"].as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| document.to_string());
        Err(failed(code, message))
    }

    /// Creates the Secrets Manager secret `name` holding `value` (as its
    /// SecretString); a secret of that name that exists gets `value` as its
    /// new current version instead (PutSecretValue, as a rotation does).
    /// The value goes to moto and nowhere else: it is never logged or
    /// returned, and an error names the secret, never the value.
    pub async fn put_secret(&self, name: &str, value: &str) -> Result<SecretVersion, AwsError> {
        let created = self
            .json(
                SECRETS_MANAGER,
                "CreateSecret",
                serde_json::json!({
                    "Name": name,
                    "SecretString": value,
                    "ClientRequestToken": local_aws::harness::new_request_id(),
                }),
            )
            .await;
        match created {
            Ok(answer) => Ok(SecretVersion::from_answer(&answer)),
            Err(error) if error.code == "ResourceExistsException" => {
                self.put_secret_value(name, value).await
            }
            Err(error) => Err(error),
        }
    }

    /// PutSecretValue: `value` becomes the current version of the secret
    /// `secret_id` (name or ARN).
    pub async fn put_secret_value(
        &self,
        secret_id: &str,
        value: &str,
    ) -> Result<SecretVersion, AwsError> {
        let answer = self
            .json(
                SECRETS_MANAGER,
                "PutSecretValue",
                serde_json::json!({
                    "SecretId": secret_id,
                    "SecretString": value,
                    "ClientRequestToken": local_aws::harness::new_request_id(),
                }),
            )
            .await?;
        Ok(SecretVersion::from_answer(&answer))
    }

    /// The ARN of the secret `secret_id` (name or ARN), if it exists.
    pub async fn secret_arn(&self, secret_id: &str) -> Result<Option<String>, AwsError> {
        let described = self
            .json(
                SECRETS_MANAGER,
                "DescribeSecret",
                serde_json::json!({"SecretId": secret_id}),
            )
            .await;
        match described {
            Ok(answer) => Ok(answer["ARN"].as_str().map(str::to_owned)),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// An IAM query-protocol call; returns the XML response text.
    pub async fn iam(&self, action: &str, params: &[(&str, String)]) -> Result<String, AwsError> {
        self.query(IAM, action, params).await
    }

    /// A query-protocol call (IAM, SNS); returns the XML response text.
    pub async fn query(
        &self,
        service: QueryService,
        action: &str,
        params: &[(&str, String)],
    ) -> Result<String, AwsError> {
        let failed = |code: String, message: String| AwsError {
            service: service.name,
            operation: action.to_owned(),
            code,
            message,
        };
        let mut form = format!("Action={action}&Version={}", service.version);
        for (key, value) in params {
            form.push('&');
            form.push_str(&encode(key));
            form.push('=');
            form.push_str(&encode(value));
        }
        let response = self
            .http
            .post(self.endpoints.moto.as_str())
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .header("authorization", authorization(service.signing_name))
            .body(form)
            .send()
            .await
            .map_err(|e| {
                failed(
                    "Unreachable".into(),
                    format!("{e} (is the emulator running?)"),
                )
            })?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| failed("Unreadable".into(), e.to_string()))?;
        if status.is_success() {
            return Ok(text);
        }
        Err(failed(
            xml_text(&text, "Code").unwrap_or_else(|| status.to_string()),
            xml_text(&text, "Message").unwrap_or(text),
        ))
    }
}

/// The text of the first `<tag>` element.
pub fn xml_text(xml: &str, tag: &str) -> Option<String> {
    xml_texts(xml, tag).into_iter().next()
}

/// The text of every `<tag>` element, in order (a query-protocol list).
pub fn xml_texts(xml: &str, tag: &str) -> Vec<String> {
    let close = format!("</{tag}>");
    xml.split(&format!("<{tag}>"))
        .skip(1)
        .filter_map(|part| part.find(&close).map(|end| &part[..end]))
        .map(|text| {
            text.replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

/// application/x-www-form-urlencoded, byte by byte.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_forms_and_reads_xml() {
        assert_eq!(encode("a b/{\"x\"}"), "a%20b%2F%7B%22x%22%7D");
        let xml = "<R><Role><Arn>arn:aws:iam::1:role/r</Arn><RoleId>AROA1</RoleId></Role></R>";
        assert_eq!(xml_text(xml, "RoleId").as_deref(), Some("AROA1"));
        assert_eq!(xml_text(xml, "Nope"), None);
        let topics = "<Topics><member><TopicArn>arn:a</TopicArn></member>\
                      <member><TopicArn>arn:b&amp;c</TopicArn></member></Topics>";
        assert_eq!(xml_texts(topics, "TopicArn"), ["arn:a", "arn:b&c"]);
        assert!(xml_texts(topics, "Nope").is_empty());
    }
}

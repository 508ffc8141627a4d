//! A trigger event: the common parameters every Cognito trigger event carries, read and checked,
//! and the event itself, which the handler returns with its `response` filled in ("Amazon Cognito
//! passes event information to your Lambda function. The function then returns the same event object
//! back to Amazon Cognito with any changes in the response", the common parameters of
//! https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html#cognito-user-pools-lambda-trigger-syntax-shared).
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

/// The common parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Common {
    /// The event version ("1"; pre token generation V2_0 events say "2").
    pub version: String,
    pub trigger_source: String,
    pub region: String,
    pub user_pool_id: String,
    /// The user's username (in a pool signing in with email, the generated id Cognito gives the user).
    #[serde(default)]
    pub user_name: Option<String>,
    pub caller_context: CallerContext,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallerContext {
    pub aws_sdk_version: String,
    /// The app client; `CLIENT_ID_NOT_APPLICABLE` on admin operations.
    pub client_id: String,
}

/// The event as received, with its common parameters read.
#[derive(Debug, Clone)]
pub struct TriggerEvent {
    pub common: Common,
    raw: Value,
}

/// What a deserialisation failure says without quoting the event: the path of the field only (the
/// value could be an address or an attribute, which never goes to logs or errors).
fn where_(e: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = e.path().to_string();
    let inner = e.inner().to_string();
    // serde's "missing field `name`" names one of our fields, never a value of the event.
    if inner.starts_with("missing field") {
        let at = if path == "." || path.is_empty() { String::new() } else { format!(" in {path}") };
        return format!("{}{at}", inner.split(" at line").next().unwrap_or(&inner));
    }
    if path == "." || path.is_empty() {
        "the event is not a JSON object with the documented fields".into()
    } else {
        format!("field {path} is missing or has the wrong type")
    }
}

impl TriggerEvent {
    /// Reads the common parameters; the event must also carry a `request` object.
    pub fn parse(raw: Value) -> Result<Self, String> {
        let common: Common = serde_path_to_error::deserialize(&raw).map_err(|e| where_(&e))?;
        if !raw.get("request").is_some_and(Value::is_object) {
            return Err("field request is missing or is not an object".into());
        }
        Ok(TriggerEvent { common, raw })
    }

    /// The `request` object, as the trigger's own type.
    pub fn request<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_path_to_error::deserialize(&self.raw["request"]).map_err(|e| format!("request: {}", where_(&e)))
    }

    /// The event to return: the one received, with `response` replaced by the trigger's answer.
    pub fn answer(&self, response: Value) -> Value {
        let mut out = self.raw.clone();
        out["response"] = response;
        out
    }
}

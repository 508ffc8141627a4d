//! GET /auth/openapi.json: the API's OpenAPI 3.1 document (`cdk/openapi.json`, generated from the
//! route definition and these handlers' types; a test fails when it is stale).
use crate::error::ApiError;
use crate::http::ApiResponse;
use crate::context::{Ctx, Reply};
use http::header::HeaderValue;
use http::StatusCode;

/// The checked-in document, embedded at build time.
pub const DOCUMENT: &str = include_str!("../../../../cdk/openapi.json");

/// Any JSON object: the OpenAPI document itself.
pub type Response = serde_json::Map<String, serde_json::Value>;
pub const STATUS: u16 = 200;
pub const ERRORS: &[&str] = &[];

pub async fn handle(_ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let mut response = ApiResponse::empty(StatusCode::OK);
    response.headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.body = bytes::Bytes::from_static(DOCUMENT.as_bytes());
    Ok(Reply { response, outcome: "success" })
}

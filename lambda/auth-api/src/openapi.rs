//! Generates the OpenAPI 3.1 document from the route definition (methods, paths, bearer
//! requirement, summaries) and the handlers' request/response types (schemars). The result is
//! checked in as `cdk/openapi.json`; `tests/openapi.rs` fails when that file is stale.
use crate::config::MAX_BODY_BYTES;
use crate::definition::definition;
use crate::error::ApiError;
use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Error codes any route may answer.
const COMMON_ERRORS: &[&str] =
    &["payload_too_large", "invalid_parameter", "limit_exceeded", "too_many_requests", "forbidden", "service_unavailable", "internal_error"];
const BODY_ERRORS: &[&str] = &["invalid_json", "validation_error", "unsupported_media_type"];
const BEARER_ERRORS: &[&str] = &["missing_token", "invalid_token"];
/// Error codes of the calling app's check (apps.rs), on every route that calls Cognito.
const APP_ERRORS: &[&str] = &["unknown_app", "app_mismatch"];

pub fn document() -> Value {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas/".into())
        .into_generator();
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut all_codes: Vec<&str> = Vec::new();

    for route in &definition().routes {
        let doc = crate::routes::doc(&route.name, &mut g).expect("every route has a handler (unit-tested)");
        let mut codes: Vec<&str> = doc.errors.to_vec();
        if doc.request.is_some() {
            codes.extend(BODY_ERRORS);
        }
        if route.bearer_token {
            codes.extend(BEARER_ERRORS);
        }
        if !route.cognito_actions.is_empty() {
            codes.extend(COMMON_ERRORS);
            codes.extend(APP_ERRORS);
        } else {
            codes.extend(["payload_too_large", "forbidden", "internal_error"]);
        }
        let mut by_status: BTreeMap<u16, Vec<&str>> = BTreeMap::new();
        for c in codes {
            let status = ApiError::by_code(c).expect("documented codes exist (unit-tested)").status().as_u16();
            let list = by_status.entry(status).or_default();
            if !list.contains(&c) {
                list.push(c);
            }
            if !all_codes.contains(&c) {
                all_codes.push(c);
            }
        }

        let mut responses = Map::new();
        responses.insert(
            doc.status.to_string(),
            json!({
                "description": if doc.status == 202 { "Accepted" } else { "OK" },
                "content": {"application/json": {"schema": doc.response}}
            }),
        );
        for (status, codes) in by_status {
            let mut resp = json!({
                "description": format!("Error: {}", codes.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")),
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                // The same codes as data: the frontend client's per-route error unions are generated from it.
                "x-error-codes": codes
            });
            if ApiError::by_code(codes[0]).and_then(|e| e.retry_after()).is_some() {
                resp["headers"] = json!({"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}});
            }
            responses.insert(status.to_string(), resp);
        }

        let mut op = json!({
            "operationId": route.name,
            "summary": route.summary,
            "tags": ["auth"],
            "responses": responses,
            "x-cognito-actions": route.cognito_actions,
        });
        if let Some(schema) = doc.request {
            op["requestBody"] = json!({
                "required": doc.request_required,
                "content": {"application/json": {"schema": schema}}
            });
        }
        if route.bearer_token {
            op["security"] = json!([{"bearer": []}]);
        }
        if !route.cognito_actions.is_empty() {
            op["parameters"] = json!([{
                "name": "X-App-Id",
                "in": "header",
                "required": false,
                "description": "The calling app's id (docs/api.md \"Which app is calling\"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's",
                "schema": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,31}$"}
            }]);
        }
        // The Cognito triggers the route's operations run (cdk/triggers.json runsOn), each on by a prop.
        let triggers: Vec<&crate::definition::Trigger> = crate::definition::triggers()
            .triggers
            .iter()
            .filter(|t| t.runs_on.iter().any(|o| route.cognito_actions.contains(o)))
            .collect();
        if !triggers.is_empty() {
            op["x-cognito-triggers"] = json!(triggers.iter().map(|t| json!({"name": t.name, "prop": t.prop, "effect": t.caller_effect})).collect::<Vec<_>>());
            op["description"] = json!(triggers
                .iter()
                .map(|t| format!("Cognito trigger {} (on with the `{}` prop): {}", t.name, t.prop, t.caller_effect))
                .collect::<Vec<_>>()
                .join("\n\n"));
        }
        crate::session_cookie::document_operation(&route.name, &mut op, doc.status);
        crate::federation::openapi::document_operation(&route.name, &mut op);
        paths.entry(route.path.clone()).or_default().insert(route.method.to_lowercase(), op);
    }

    let mut schemas: Map<String, Value> = g.take_definitions(true).into_iter().collect();
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "required": ["error", "message", "requestId"],
            "properties": {
                "error": {"type": "string", "enum": all_codes, "description": "Stable machine-readable code (see the error table of docs/api.md)"},
                "message": {"type": "string", "description": "Human-readable explanation; never contains secrets"},
                "requestId": {"type": "string", "description": "Quote it when reporting a problem"},
                "field": {"type": "string", "description": "The request field a validation error is about"}
            }
        }),
    );

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Auth API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "JSON authentication API in front of Amazon Cognito. Request bodies are JSON (Content-Type: application/json), at most {MAX_BODY_BYTES} bytes. Every error is a JSON object with `error`, `message` and `requestId`."
            )
        },
        "servers": [{"url": "/", "description": "The API's own origin (CloudFront or API Gateway URL, or http://127.0.0.1:3000 with make dev)"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "The accessToken from /auth/login"}}
        }
    })
}

/// The document as checked in: pretty JSON with a final newline.
pub fn document_text() -> String {
    let mut s = serde_json::to_string_pretty(&document()).expect("a JSON value serialises");
    s.push('\n');
    s
}

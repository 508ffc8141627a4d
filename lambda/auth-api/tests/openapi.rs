//! `cdk/openapi.json` must be exactly what the generator makes from the route definition and the
//! handlers' types. `make openapi` (UPDATE_OPENAPI=1) rewrites it.
#[test]
fn the_checked_in_openapi_document_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cdk/openapi.json");
    let generated = auth_api::openapi::document_text();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap();
    assert!(checked_in == generated, "cdk/openapi.json is stale: run `make openapi` and commit it");
}

#[test]
fn the_document_covers_every_route_with_bodies_security_and_errors() {
    let doc = auth_api::openapi::document();
    assert_eq!(doc["openapi"], "3.1.0");
    for r in &auth_api::definition::definition().routes {
        let op = &doc["paths"][&r.path][r.method.to_lowercase()];
        assert!(op.is_object(), "{} {} missing", r.method, r.path);
        assert_eq!(op["security"].is_array(), r.bearer_token, "{}", r.name);
        let responses = op["responses"].as_object().unwrap();
        // Success: a 2xx, or the browser routes' 302 (federated sign-in), whose error codes travel on the
        // return address and are listed as data too.
        assert!(responses.keys().any(|k| k.starts_with('2') || k == "302"), "{}: no success response", r.name);
        if let Some(redirect) = responses.get("302") {
            let codes: Vec<&str> = redirect["x-redirect-error-codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
            let want: Vec<&str> = auth_api::federation::outcome::CODES.iter().map(|(c, _)| *c).collect();
            assert_eq!(codes, want, "{}", r.name);
            assert!(redirect.get("content").is_none() && redirect["headers"]["Location"].is_object(), "{}: a redirect has no body", r.name);
        }
        assert!(responses.contains_key("500"), "{}", r.name);
        if r.bearer_token {
            assert!(responses["401"]["description"].as_str().unwrap().contains("missing_token"), "{}", r.name);
        }
        // Every error response lists its codes as data (`x-error-codes`, which the client is generated
        // from), each one a code of the Error schema that answers with this status.
        let all_codes = doc["components"]["schemas"]["Error"]["properties"]["error"]["enum"].as_array().unwrap();
        for (status, resp) in responses.iter().filter(|(s, _)| !s.starts_with('2') && !s.starts_with('3')) {
            let codes = resp["x-error-codes"].as_array().unwrap_or_else(|| panic!("{} {status}: no x-error-codes", r.name));
            assert!(!codes.is_empty(), "{} {status}", r.name);
            for c in codes {
                assert!(all_codes.contains(c), "{} {status}: {c} is not in the Error schema", r.name);
                let code = auth_api::error::ApiError::by_code(c.as_str().unwrap()).unwrap();
                assert_eq!(code.status().as_u16().to_string(), *status, "{} {c}", r.name);
            }
        }
    }
    let login = &doc["paths"]["/auth/login"]["post"];
    let schema_ref = login["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str().unwrap();
    let name = schema_ref.rsplit('/').next().unwrap();
    let required = doc["components"]["schemas"][name]["required"].as_array().unwrap();
    assert!(required.contains(&"email".into()) && required.contains(&"password".into()));
}

//! The route and error tables of docs/api.md (the API for frontend teams) must match the code: every
//! route of the definition and every error code (with its status) appears, and the page names no code
//! that does not exist.
use auth_api::error::ApiError;

fn api_doc() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/api.md")).unwrap()
}

#[test]
fn every_error_code_is_in_the_api_doc_error_table_with_its_status() {
    let text = api_doc();
    // The table is the block of `|` lines right after the marker comment.
    let table: Vec<&str> =
        text.lines().skip_while(|l| !l.contains("<!-- error-table")).skip(1).take_while(|l| l.starts_with('|')).collect();
    assert!(table.len() > 20, "error table not found after its marker");
    for e in ApiError::catalogue() {
        let row = format!("| {} | `{}` |", e.status().as_u16(), e.code());
        assert!(table.iter().any(|l| l.starts_with(&row)), "docs/api.md error table lacks {row}");
    }
    for line in table.iter().skip(2) {
        if let Some(code) = line.split('`').nth(1) {
            assert!(ApiError::by_code(code).is_some(), "docs/api.md lists unknown error code {code}");
        }
    }
}

#[test]
fn every_route_is_in_the_api_doc() {
    let text = api_doc();
    for r in &auth_api::definition::definition().routes {
        assert!(text.contains(&format!("| `{} {}` |", r.method, r.path)), "docs/api.md lacks route {} {}", r.method, r.path);
    }
}

#[test]
fn every_trigger_is_in_the_api_doc_trigger_table_with_its_prop_and_routes() {
    let text = api_doc();
    let table: Vec<&str> =
        text.lines().skip_while(|l| !l.contains("<!-- trigger-table")).skip(1).take_while(|l| l.starts_with('|')).collect();
    let rows = &table[2.min(table.len())..];
    let triggers = &auth_api::definition::triggers().triggers;
    assert_eq!(rows.len(), triggers.len(), "one row per trigger of cdk/triggers.json: {rows:?}");
    for t in triggers {
        let routes: Vec<String> = auth_api::definition::definition()
            .routes
            .iter()
            .filter(|r| t.runs_on.iter().any(|o| r.cognito_actions.contains(o)))
            .map(|r| format!("`{}`", r.name))
            .collect();
        let row = format!("| `{}` | `{}` | {} |", t.name, t.prop, routes.join(", "));
        assert!(rows.iter().any(|l| l.starts_with(&row)), "docs/api.md trigger table lacks {row}");
    }
}

#[test]
fn every_federation_error_code_is_in_the_api_doc_and_no_other() {
    let text = api_doc();
    let table: Vec<&str> =
        text.lines().skip_while(|l| !l.contains("<!-- federation-error-table")).skip(1).take_while(|l| l.starts_with('|')).skip(2).collect();
    let documented: Vec<&str> = table.iter().filter_map(|l| l.split('`').nth(1)).collect();
    let codes: Vec<&str> = auth_api::federation::outcome::CODES.iter().map(|(c, _)| *c).collect();
    assert_eq!(documented, codes, "docs/api.md's federation error table and federation::outcome::CODES differ");
}

//! The README's route and error tables must match the code: every route of the definition and
//! every error code (with its status) appears, and the README names no code that does not exist.
use auth_api::error::ApiError;

fn readme() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap()
}

#[test]
fn every_error_code_is_in_the_readme_table_with_its_status() {
    let text = readme();
    // The table is the block of `|` lines right after the marker comment.
    let table: Vec<&str> =
        text.lines().skip_while(|l| !l.contains("<!-- error-table")).skip(1).take_while(|l| l.starts_with('|')).collect();
    assert!(table.len() > 20, "error table not found after its marker");
    for e in ApiError::catalogue() {
        let row = format!("| {} | `{}` |", e.status().as_u16(), e.code());
        assert!(table.iter().any(|l| l.starts_with(&row)), "README error table lacks {row}");
    }
    for line in table.iter().skip(2) {
        if let Some(code) = line.split('`').nth(1) {
            assert!(ApiError::by_code(code).is_some(), "README lists unknown error code {code}");
        }
    }
}

#[test]
fn every_route_is_in_the_readme() {
    let text = readme();
    for r in &auth_api::definition::definition().routes {
        assert!(text.contains(&format!("| `{} {}` |", r.method, r.path)), "README lacks route {} {}", r.method, r.path);
    }
}

//! Validation of request fields: clear 400s before anything reaches Cognito.
use crate::error::ApiError;
use crate::password_policy::PasswordPolicy;

pub const MAX_EMAIL: usize = 254;
/// Cognito's own maximum password length.
pub const MAX_PASSWORD: usize = 256;
pub const MAX_CODE: usize = 16;
pub const MAX_TOKEN: usize = 8192;
/// The longest sealed challenge session ([`crate::routes::challenge_session::MAX_SEALED`]).
pub const MAX_SESSION: usize = crate::routes::challenge_session::MAX_SEALED;

// The same rules as JSON Schema patterns, for the OpenAPI document (ECMA-262 syntax).
/// The email rule, exactly (with `maxLength` [`MAX_EMAIL`]): a local part of 1 to 64 characters
/// other than white space, control characters, `@`, `"`, `<` and `>`; then `@` and a host name of
/// two or more dot-separated labels of ASCII letters, digits and inner hyphens, each 1 to 63 long
/// (an internationalised domain in its `xn--` form). Nothing is trimmed: surrounding white space
/// is invalid, so the length the document states is the length that is checked.
pub const EMAIL_PATTERN: &str = r#"^[^\s@"<>\u0000-\u001f\u007f-\u009f]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"#;
pub const PASSWORD_PATTERN: &str = r"^[^\u0000-\u001f\u007f-\u009f]*$";
pub const CODE_PATTERN: &str = r"^\s*[A-Za-z0-9]{1,16}\s*$";
pub const OPAQUE_PATTERN: &str = r"^[!-~]+$";
pub const USERNAME_PATTERN: &str = r"^[^\s\u0000-\u001f\u007f-\u009f]+$";

/// A syntactically valid email address: [`EMAIL_PATTERN`] and at most [`MAX_EMAIL`] characters,
/// checked as given (no trimming), returned lower-cased: `Me@Example.com` and `me@example.com`
/// are one account on every route, whatever the pool's case setting (the stack's pool is also
/// case-insensitive, cdk/user-pool.json `signInCaseSensitive`). Lower-casing the local part too is
/// a product decision: mail providers treat it case-insensitively in practice. Deliverability is
/// Cognito's business.
pub fn email(v: &str) -> Result<String, ApiError> {
    let bad = |m: &str| Err(ApiError::validation("email", m));
    if v.is_empty() {
        return bad("is required");
    }
    if v.chars().count() > MAX_EMAIL {
        return bad("must be at most 254 characters");
    }
    let Some((local, domain)) = v.rsplit_once('@') else { return bad("must be a valid email address") };
    let local_ok = |c: char| !c.is_whitespace() && !c.is_control() && !matches!(c, '@' | '"' | '<' | '>');
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let labels: Vec<&str> = domain.split('.').collect();
    if local.is_empty()
        || local.chars().count() > 64
        || !local.chars().all(local_ok)
        || labels.len() < 2
        || !labels.iter().all(|l| label_ok(l))
    {
        return bad("must be a valid email address");
    }
    Ok(v.to_lowercase())
}

/// A password: present, at most 256 characters, no control characters. Strength is the pool's
/// password policy, enforced by Cognito (`invalid_password`).
pub fn password(field: &'static str, v: &str) -> Result<(), ApiError> {
    if v.is_empty() {
        return Err(ApiError::validation(field, "is required"));
    }
    if v.chars().count() > MAX_PASSWORD {
        return Err(ApiError::validation(field, "must be at most 256 characters"));
    }
    if v.chars().any(char::is_control) {
        return Err(ApiError::validation(field, "must not contain control characters"));
    }
    Ok(())
}

/// A new password (sign-up, reset, change, the new-password challenge) against the pool's policy
/// ([`PasswordPolicy`], when the functions have it): a 400 `invalid_password` in Cognito's words for
/// one the pool would refuse, whether or not the address has an account.
pub fn new_password(policy: Option<&PasswordPolicy>, password: &str) -> Result<(), ApiError> {
    match policy.and_then(|p| p.violation(password)) {
        Some(rule) => Err(ApiError::InvalidPassword(format!("Password did not conform with policy: {rule}"))),
        None => Ok(()),
    }
}

/// A confirmation, reset or TOTP code: 1 to 16 letters or digits.
pub fn code(field: &'static str, v: &str) -> Result<String, ApiError> {
    let v = v.trim();
    if v.is_empty() || v.len() > MAX_CODE || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::validation(field, "must be 1 to 16 letters or digits"));
    }
    Ok(v.to_string())
}

/// An opaque token or session string: printable ASCII, bounded.
pub fn opaque(field: &'static str, v: &str, max: usize) -> Result<(), ApiError> {
    if v.is_empty() {
        return Err(ApiError::validation(field, "is required"));
    }
    if v.len() > max || !v.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::validation(field, "is malformed"));
    }
    Ok(())
}

/// A Cognito username (the `username` returned by login): 1 to 128 visible characters.
pub fn username(v: &str) -> Result<(), ApiError> {
    if v.is_empty() || v.chars().count() > 128 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ApiError::validation("username", "must be the username returned by login (1 to 128 characters)"));
    }
    Ok(())
}

/// Masks an address as Cognito does (`j***@e***`), from our side so that the answer is the same
/// whether or not the account exists.
pub fn mask_email(email: &str) -> String {
    let (local, domain) = email.rsplit_once('@').unwrap_or((email, ""));
    let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    format!("{}***@{}***", first(local), first(domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email("a.b+c@example.co.uk").unwrap(), "a.b+c@example.co.uk");
        assert_eq!(email("Case.X@Example.COM").unwrap(), "case.x@example.com");
        assert!(email("o'neil@xn--bcher-kva.example").is_ok());
        for bad in [
            "", "plain", "@x.io", "a@", "a@b", "a@.io", "a@io.", "a b@x.io", "a@x..io", "a@x\n.io", " a@x.io", "a@x.io ",
            "a@x/y.io", "a@x}.io", "a@-x.io", "a@x-.io", "a@x_y.io", "a@b\u{e9}.io",
        ] {
            assert!(email(bad).is_err(), "{bad:?}");
        }
        assert!(email(&format!("{}@x.io", "a".repeat(65))).is_err());
        assert!(email(&format!("a@{}.io", "b".repeat(260))).is_err());
    }

    #[test]
    fn passwords_codes_masks() {
        assert!(password("password", "").is_err());
        assert!(password("password", &"x".repeat(257)).is_err());
        assert!(password("password", &"x".repeat(256)).is_ok());
        assert!(password("password", "ab\u{0}cd").is_err());
        assert_eq!(code("code", " 123456 ").unwrap(), "123456");
        assert!(code("code", "12 34").is_err());
        assert!(code("code", &"1".repeat(17)).is_err());
        assert_eq!(mask_email("jane@example.com"), "j***@e***");
        let policy = PasswordPolicy::from_json(
            r#"{"minLength":12,"requireLowercase":true,"requireUppercase":true,"requireDigits":true,"requireSymbols":true}"#,
        )
        .unwrap();
        assert!(new_password(None, "x").is_ok());
        assert_eq!(new_password(Some(&policy), "x").unwrap_err().code(), "invalid_password");
        assert!(new_password(Some(&policy), "Corr3ct-Horse-Battery!").is_ok());
    }
}

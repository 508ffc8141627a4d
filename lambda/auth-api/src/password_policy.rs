//! The user pool's password policy, checked here before Cognito is called so that a weak password
//! gets the same 400 whether or not the address has an account (Cognito checks existence first on
//! SignUp). The policy is not written in Rust: it comes from `cdk/user-pool.json`, which the stack
//! passes to the functions as `PASSWORD_POLICY` (JSON) and `make dev` / the tests pass from the
//! emulator's pool, created from the same file.
//!
//! The 400 a refused password gets is the routes' ([`crate::routes::input::new_password`]).
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub require_lowercase: bool,
    pub require_uppercase: bool,
    pub require_digits: bool,
    pub require_symbols: bool,
}

/// Cognito's password special characters: `^ $ * . [ ] { } ( ) ? " ! @ # % & / \ , > < ' : ; | _ ~ ` = + -`
/// and a non-leading, non-trailing space
/// (https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html).
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

impl PasswordPolicy {
    pub fn from_json(v: &str) -> Result<Self, String> {
        serde_json::from_str(v).map_err(|e| format!("must be the pool's password policy as JSON ({e})"))
    }

    /// The first rule `password` breaks, in Cognito's words, or None. Letters and digits count only
    /// in their ASCII forms, so whatever passes here also passes Cognito's check.
    pub fn violation(&self, password: &str) -> Option<&'static str> {
        let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
        if password.chars().count() < self.min_length {
            Some("Password not long enough")
        } else if self.require_lowercase && !has(char::is_ascii_lowercase) {
            Some("Password must have lowercase characters")
        } else if self.require_uppercase && !has(char::is_ascii_uppercase) {
            Some("Password must have uppercase characters")
        } else if self.require_digits && !has(char::is_ascii_digit) {
            Some("Password must have numeric characters")
        } else if self.require_symbols && !password.trim_matches(' ').chars().any(|c| SYMBOLS.contains(c)) {
            Some("Password must have symbol characters")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> PasswordPolicy {
        PasswordPolicy::from_json(
            r#"{"minLength":12,"requireLowercase":true,"requireUppercase":true,"requireDigits":true,"requireSymbols":true}"#,
        )
        .unwrap()
    }

    #[test]
    fn each_rule_is_enforced() {
        let p = policy();
        assert_eq!(p.violation("Sh0rt!pass"), Some("Password not long enough"));
        assert_eq!(p.violation("NOLOWERCASE1!X"), Some("Password must have lowercase characters"));
        assert_eq!(p.violation("nouppercase1!x"), Some("Password must have uppercase characters"));
        assert_eq!(p.violation("NoDigitsHere!x"), Some("Password must have numeric characters"));
        assert_eq!(p.violation("NoSymbols1234x"), Some("Password must have symbol characters"));
        assert_eq!(p.violation(" NoSymbols1234x "), Some("Password must have symbol characters"));
        assert_eq!(p.violation("Corr3ct-Horse-Battery!"), None);
        assert_eq!(p.violation("Has a space 1A"), None);
    }

    #[test]
    fn the_repository_pool_definition_parses() {
        // The stack passes exactly these keys (lib/user-pool-definition.ts passwordPolicyEnv).
        let file: serde_json::Value =
            serde_json::from_str(include_str!("../../../cdk/user-pool.json")).unwrap();
        let mut rules = file["passwordPolicy"].clone();
        rules.as_object_mut().unwrap().remove("tempPasswordValidityDays");
        let p = PasswordPolicy::from_json(&rules.to_string()).unwrap();
        assert_eq!(p.min_length, file["passwordPolicy"]["minLength"].as_u64().unwrap() as usize);
        assert!(PasswordPolicy::from_json(r#"{"minLength":8}"#).is_err());
    }
}

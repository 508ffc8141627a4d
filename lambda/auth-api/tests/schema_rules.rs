//! The OpenAPI document states the same input rules the handlers enforce: for random strings, the
//! Rust validators accept exactly what the documented patterns and lengths accept.
use auth_api::routes::input::{self, CODE_PATTERN, EMAIL_PATTERN, OPAQUE_PATTERN, PASSWORD_PATTERN, USERNAME_PATTERN};
use proptest::prelude::*;
use regex::Regex;

fn matches(pattern: &str, s: &str, min: usize, max: usize) -> bool {
    let n = s.chars().count();
    Regex::new(pattern).unwrap().is_match(s) && n >= min && n <= max
}

fn emailish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ a-z0-9.@\"<>\t\u{1}\u{85}é-]{0,20}",
        "[a-z0-9.+-]{0,70}@[a-z0-9.-]{0,20}",
        " ?[a-z]{1,8}@[a-z]{1,8}\\.[a-z]{2,4} ?",
        "[a-z]{60,70}@example\\.com",
        "a@[a-z]{250,260}\\.io",
        // What an outside fuzzer found: surrounding white space around a maximal address, and
        // characters no host name has.
        " ?[a-z]{60,64}@[a-z]{60,63}\\.[a-z]{60,63}\\.[a-z]{60,63}\\.[a-z]{0,3} ?",
        "[a-z]{1,4}@[a-z/}_{é-]{1,6}\\.[a-z-]{1,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, .. ProptestConfig::default() })]

    #[test]
    fn email_rule(s in emailish()) {
        let documented = matches(EMAIL_PATTERN, &s, 0, input::MAX_EMAIL);
        prop_assert_eq!(input::email(&s).is_ok(), documented, "{:?}", s);
    }

    #[test]
    fn password_rule(s in "[a-zA-Z0-9 !\u{0}\u{1f}\u{7f}\u{85}é]{0,260}") {
        prop_assert_eq!(input::password("p", &s).is_ok(), matches(PASSWORD_PATTERN, &s, 1, 256), "{:?}", s);
    }

    #[test]
    fn code_rule(s in "[ 0-9a-zA-Z!é\t]{0,20}") {
        prop_assert_eq!(input::code("c", &s).is_ok(), matches(CODE_PATTERN, &s, 0, usize::MAX), "{:?}", s);
    }

    #[test]
    fn opaque_rule(s in "[ -~\t\u{80}é]{0,40}") {
        prop_assert_eq!(input::opaque("t", &s, 30).is_ok(), matches(OPAQUE_PATTERN, &s, 1, 30), "{:?}", s);
    }

    #[test]
    fn username_rule(s in "[ a-z0-9\t\u{1}é-]{0,130}") {
        prop_assert_eq!(input::username(&s).is_ok(), matches(USERNAME_PATTERN, &s, 1, 128), "{:?}", s);
    }
}

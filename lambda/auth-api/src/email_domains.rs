//! The sign-up allow-list of email domains (`SIGN_UP_EMAIL_DOMAINS`, comma-separated; the construct's
//! `signUpEmailDomains` prop). The pre sign-up trigger refuses any sign-up outside it (every door into
//! the pool: SignUp, AdminCreateUser, a first federated sign-in), and `POST /auth/register` checks it
//! before calling Cognito, so the refusal is the same answer for every address of a refused domain,
//! whether or not it has an account. Exact domains: `example.com` does not admit `mail.example.com`
//! (list each one). A leaf module: it depends on nothing of the crate.

/// The allowed domains, lower-cased, each a DNS name of at least two labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailDomains(Vec<String>);

impl EmailDomains {
    /// Parses the variable's value; an empty value is no allow-list (`None`).
    pub fn parse(value: &str) -> Result<Option<Self>, String> {
        let mut domains = Vec::new();
        for raw in value.split(',').map(str::trim).filter(|d| !d.is_empty()) {
            let d = raw.to_ascii_lowercase();
            if !is_domain(&d) {
                return Err(format!("{raw:?} is not a domain name like example.com (no @, wildcard, scheme or port)"));
            }
            if !domains.contains(&d) {
                domains.push(d);
            }
        }
        Ok((!domains.is_empty()).then_some(EmailDomains(domains)))
    }

    /// Whether `email`'s domain (after its last `@`, compared without case and without a final dot) is
    /// one of the list. An address with no `@` or an empty domain is not allowed.
    pub fn allows(&self, email: &str) -> bool {
        let Some((local, domain)) = email.rsplit_once('@') else { return false };
        let domain = domain.strip_suffix('.').unwrap_or(domain).to_ascii_lowercase();
        !local.is_empty() && self.0.iter().any(|d| *d == domain)
    }

    pub fn domains(&self) -> &[String] {
        &self.0
    }
}

/// A DNS name: two or more labels of letters, digits and inner hyphens, each 1-63 characters, at most
/// 253 in all (IDNs in their `xn--` form).
fn is_domain(d: &str) -> bool {
    let labels: Vec<&str> = d.split('.').collect();
    d.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_list_and_refuses_what_is_not_a_domain() {
        assert_eq!(EmailDomains::parse("").unwrap(), None);
        assert_eq!(EmailDomains::parse(" , ").unwrap(), None);
        let d = EmailDomains::parse(" Example.com,example.org , example.com").unwrap().unwrap();
        assert_eq!(d.domains(), ["example.com", "example.org"]);
        for bad in ["*.example.com", "@example.com", "example", "https://example.com", "example.com:443", "exa mple.com", "-x.com", "x..com"] {
            assert!(EmailDomains::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn allows_exactly_the_listed_domains() {
        let d = EmailDomains::parse("example.com").unwrap().unwrap();
        for ok in ["jane@example.com", "Jane@EXAMPLE.COM", "jane@example.com.", "a@b@example.com"] {
            assert!(d.allows(ok), "{ok}");
        }
        for no in ["jane@mail.example.com", "jane@example.com.evil.test", "jane@evilexample.com", "jane@", "@example.com", "example.com", ""] {
            assert!(!d.allows(no), "{no}");
        }
    }
}

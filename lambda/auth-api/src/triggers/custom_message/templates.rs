//! The message templates of `cdk/messages.json` and `cdk/messages/`, compiled into the binary (one
//! `bootstrap` for every function: nothing is read at run time), and how one is filled in.
//!
//! A placeholder is `{{name}}`: `code` and `username` become the event's `codeParameter` and
//! `usernameParameter` as they are (Cognito's own placeholders, `{####}` and `{username}`, which
//! Cognito then replaces with the code or temporary password and the user name); every other value
//! (`email`, `productName`, `signInUrl`, `supportUrl`) is HTML-escaped in the HTML body (`& < > " '`
//! by the `html-escape` crate, and `{ }`, so that no value can smuggle in a placeholder of Cognito's).
//! A line naming a link the configuration leaves unset is left out. The construct holds the same
//! files to the same rules at synth (lib/custom-messages.ts).
use super::MessageConfig;
use serde::Deserialize;
use std::sync::OnceLock;

/// `cdk/messages.json`, as compiled in.
pub const MESSAGES_JSON: &str = include_str!("../../../../../cdk/messages.json");

/// The template files `cdk/messages.json` names, by the path it names them with.
const FILES: &[(&str, &str)] = &[
    ("messages/sign-up.html", include_str!("../../../../../cdk/messages/sign-up.html")),
    ("messages/sign-up.txt", include_str!("../../../../../cdk/messages/sign-up.txt")),
    ("messages/resend-code.html", include_str!("../../../../../cdk/messages/resend-code.html")),
    ("messages/resend-code.txt", include_str!("../../../../../cdk/messages/resend-code.txt")),
    ("messages/forgot-password.html", include_str!("../../../../../cdk/messages/forgot-password.html")),
    ("messages/forgot-password.txt", include_str!("../../../../../cdk/messages/forgot-password.txt")),
    ("messages/sign-in-code.html", include_str!("../../../../../cdk/messages/sign-in-code.html")),
    ("messages/sign-in-code.txt", include_str!("../../../../../cdk/messages/sign-in-code.txt")),
    ("messages/invitation.html", include_str!("../../../../../cdk/messages/invitation.html")),
    ("messages/invitation.txt", include_str!("../../../../../cdk/messages/invitation.txt")),
    ("messages/verify-email.html", include_str!("../../../../../cdk/messages/verify-email.html")),
    ("messages/verify-email.txt", include_str!("../../../../../cdk/messages/verify-email.txt")),
];

/// The trigger source whose message must name the user as well as the code: "Because an admin-created
/// user must receive both their user name and code, the response from your function must include
/// placeholder variables for the username and code"
/// (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html).
pub const INVITATION_SOURCE: &str = "CustomMessage_AdminCreateUser";

/// The placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &["code", "username", "email", "productName", "signInUrl", "supportUrl"];

#[derive(Debug, Deserialize)]
struct File {
    limits: Limits,
    templates: Vec<Entry>,
}

/// Cognito's sizes, in characters, with the code in (cdk/messages.json `limits`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    pub email_message: usize,
    pub email_subject: usize,
    pub sms_message: usize,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    name: String,
    trigger_sources: Vec<String>,
    subject: String,
    html: String,
    text: String,
}

/// One message template.
#[derive(Debug)]
pub struct Template {
    pub name: String,
    pub trigger_sources: Vec<String>,
    pub subject: String,
    pub html: &'static str,
    pub text: &'static str,
}

/// The templates and limits.
#[derive(Debug)]
pub struct Templates {
    pub limits: Limits,
    pub templates: Vec<Template>,
}

/// The compiled-in templates (a unit test proves the file parses and names only compiled-in files).
pub fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| parse(MESSAGES_JSON).expect("cdk/messages.json names its templates"))
}

fn file(path: &str) -> Result<&'static str, String> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, text)| *text).ok_or_else(|| format!("{path} is not compiled in (templates.rs FILES)"))
}

fn parse(json: &str) -> Result<Templates, String> {
    let f: File = serde_json::from_str(json).map_err(|e| format!("cdk/messages.json: {e}"))?;
    let templates = f
        .templates
        .into_iter()
        .map(|e| Ok(Template { html: file(&e.html)?, text: file(&e.text)?, name: e.name, trigger_sources: e.trigger_sources, subject: e.subject }))
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Templates { limits: f.limits, templates })
}

impl Templates {
    /// The template of a trigger source.
    pub fn for_source(&self, source: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.trigger_sources.iter().any(|s| s == source))
    }
}

/// What fills a template in: the event's placeholders and the user's address, and the configuration.
pub struct Values<'a> {
    pub code: &'a str,
    pub username: Option<&'a str>,
    pub email: &'a str,
    pub config: &'a MessageConfig,
}

/// A filled-in message: the answer's `emailSubject`, `emailMessage` and `smsMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// HTML-escapes a value for text and quoted attributes alike, braces included.
pub fn escape(value: &str) -> String {
    html_escape::encode_quoted_attribute(value).replace('{', "&#123;").replace('}', "&#125;")
}

/// Fills in one template text; `html` escapes the values. Errs on an unknown or unclosed placeholder,
/// or `username` without a usernameParameter.
fn fill(template: &str, v: &Values<'_>, html: bool) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 256);
    'lines: for line in template.split_inclusive('\n') {
        let mut filled = String::with_capacity(line.len());
        let mut rest = line;
        while let Some(start) = rest.find("{{") {
            filled.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find("}}").ok_or_else(|| "a {{ placeholder is not closed".to_string())?;
            let name = &after[..end];
            let value: Option<String> = match name {
                "code" => Some(v.code.to_string()),
                "username" => Some(v.username.ok_or("the template names {{username}}, but the event has no usernameParameter")?.to_string()),
                "email" => Some(v.email.to_string()),
                "productName" => Some(v.config.product_name.clone()),
                "signInUrl" => v.config.sign_in_url.clone(),
                "supportUrl" => v.config.support_url.clone(),
                other => return Err(format!("unknown placeholder {{{{{other}}}}}")),
            };
            let Some(value) = value else { continue 'lines };
            let raw = matches!(name, "code" | "username");
            filled.push_str(&if html && !raw { escape(&value) } else { value });
            rest = &after[end + 2..];
        }
        filled.push_str(rest);
        out.push_str(&filled);
    }
    Ok(out)
}

impl Template {
    /// The message for these values, held to Cognito's rules: the code placeholder (and for the
    /// invitation the username's) in the HTML body and the text, and Cognito's sizes.
    pub fn render(&self, v: &Values<'_>, limits: &Limits) -> Result<Message, String> {
        let subject = fill(&self.subject, v, false)?.trim().to_string();
        let html = fill(self.html, v, true)?;
        let text = fill(self.text, v, false)?.trim().to_string();
        let invitation = self.trigger_sources.iter().any(|s| s == INVITATION_SOURCE);
        for (part, body) in [("HTML body", &html), ("text", &text)] {
            if !body.contains(v.code) {
                return Err(format!("the {part} of template {} lacks the code placeholder", self.name));
            }
            if invitation && !v.username.is_some_and(|u| body.contains(u)) {
                return Err(format!("the {part} of template {} lacks the username placeholder", self.name));
            }
        }
        let count = |s: &str| s.chars().count();
        if subject.is_empty() || count(&subject) > limits.email_subject {
            return Err(format!("the subject of template {} is {} characters (1 to {})", self.name, count(&subject), limits.email_subject));
        }
        if count(&html) > limits.email_message {
            return Err(format!("the HTML body of template {} is {} characters (at most {})", self.name, count(&html), limits.email_message));
        }
        if count(&text) > limits.sms_message {
            return Err(format!("the text of template {} is {} characters (at most {})", self.name, count(&text), limits.sms_message));
        }
        Ok(Message { subject, html, text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_file_is_compiled_in_and_every_compiled_in_file_is_named() {
        let f: File = serde_json::from_str(MESSAGES_JSON).unwrap();
        let mut named: Vec<&str> = f.templates.iter().flat_map(|e| [e.html.as_str(), e.text.as_str()]).collect();
        let mut compiled: Vec<&str> = FILES.iter().map(|(p, _)| *p).collect();
        named.sort();
        compiled.sort();
        assert_eq!(named, compiled);
        assert!(parse(MESSAGES_JSON).is_ok());
        let mut names: Vec<&str> = f.templates.iter().map(|e| e.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), f.templates.len(), "two templates share a name");
    }

    #[test]
    fn a_template_naming_an_unknown_placeholder_or_leaving_one_open_is_refused() {
        let config = MessageConfig { product_name: "P".into(), sign_in_url: None, support_url: None };
        let v = Values { code: "{####}", username: None, email: "a@example.com", config: &config };
        assert!(fill("{{nope}}", &v, true).unwrap_err().contains("unknown placeholder {{nope}}"));
        assert!(fill("{{code", &v, true).is_err());
        assert!(fill("{{username}}", &v, true).unwrap_err().contains("usernameParameter"));
        // A line naming an unset link is left out; the others stay.
        assert_eq!(fill("a {{code}}\nb {{signInUrl}}\nc\n", &v, true).unwrap(), "a {####}\nc\n");
    }
}

//! Custom message (`CustomMessage_*` sources): "The custom message Lambda receives the contents of all
//! email and SMS messages before your user pool sends them. Your Lambda function then has the
//! opportunity to modify the message contents and subject"
//! (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html).
//!
//! Each trigger source has its template in `cdk/messages.json` ([`templates`]): the sign-up code
//! (`SignUp`), a new one (`ResendCode`), the password-reset code (`ForgotPassword`), the emailed sign-in
//! code (`Authentication`: Cognito sends email one-time codes and MFA codes under this source), the
//! administrator's invitation with the user name and temporary password (`AdminCreateUser`), and an
//! address change (`UpdateUserAttribute`, `VerifyUserAttribute`). The API has no route that changes an
//! address, but a user's access token carries `aws.cognito.signin.user.admin`, with which the user can
//! call Cognito's UpdateUserAttributes and GetUserAttributeVerificationCode directly: the pool can send
//! those too, so they are branded as well.
//!
//! The answer sets `emailSubject`, `emailMessage` (the HTML body) and `smsMessage` (the text). Cognito
//! takes `emailMessage` and `emailSubject` only from a pool that sends with Amazon SES (EmailSendingAccount
//! `DEVELOPER`; otherwise it throws InvalidLambdaResponseException: the same page), which the construct
//! requires at synth. Without `CUSTOM_MESSAGES` the answer leaves every message to Cognito (all three
//! null: Cognito's own message is sent). Should a message break Cognito's rules for this event (the code
//! placeholder missing, or an email attribute so long the body passes 20,000 characters), the answer is
//! the same null one, logged: the user still gets Cognito's default message with the code, rather than
//! no message at all.
pub mod templates;

use super::{TriggerCtx, TriggerError};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// `CUSTOM_MESSAGES`: the product's name and links in the emails (the construct's `customMessages`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MessageConfig {
    pub product_name: String,
    #[serde(default)]
    pub sign_in_url: Option<String>,
    #[serde(default)]
    pub support_url: Option<String>,
}

/// The longest product name: it appears in subjects and texts, whose limits are 140 characters.
pub const MAX_PRODUCT_NAME: usize = 64;
/// The longest link.
pub const MAX_URL: usize = 1024;

fn check_url(name: &str, url: &str) -> Result<(), String> {
    let ok = url.len() <= MAX_URL
        && url.strip_prefix("https://").is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '{' | '}' | '\\' | '`'));
    if ok {
        Ok(())
    } else {
        Err(format!("{name} must be an https:// URL of at most {MAX_URL} characters, without spaces, quotes, <, >, braces or backslashes"))
    }
}

impl MessageConfig {
    pub fn parse(json: &str) -> Result<Self, String> {
        let c: MessageConfig = serde_json::from_str(json).map_err(|e| format!("not the documented JSON ({e})"))?;
        let n = c.product_name.chars().count();
        if n == 0 || n > MAX_PRODUCT_NAME || c.product_name.trim() != c.product_name || c.product_name.chars().any(|ch| ch.is_control() || ch == '{' || ch == '}') {
            return Err(format!("productName must be 1 to {MAX_PRODUCT_NAME} characters, without braces, control characters or surrounding spaces"));
        }
        if let Some(u) = &c.sign_in_url {
            check_url("signInUrl", u)?;
        }
        if let Some(u) = &c.support_url {
            check_url("supportUrl", u)?;
        }
        Ok(c)
    }
}

/// The request parameters this trigger reads (`linkParameter` and `clientMetadata` are not used).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    /// Strings in real events; the Developer Guide's example shows booleans for the `*_verified` ones.
    #[serde(default)]
    user_attributes: HashMap<String, Value>,
    code_parameter: String,
    #[serde(default)]
    username_parameter: Option<String>,
}

/// The answer that leaves the message to Cognito ("when returned as null, the value from the Cognito
/// settings is used").
fn cognitos_own() -> Value {
    json!({ "smsMessage": null, "emailMessage": null, "emailSubject": null })
}

/// A placeholder of Cognito's as the event carries it (`{####}`, `{username}`): put into the HTML as it
/// is, so it must be one that escaping would not change.
fn check_placeholder(name: &str, value: &str) -> Result<(), String> {
    if value.is_empty() || value.chars().count() > 64 || value.chars().any(|c| c.is_control() || c.is_whitespace() || matches!(c, '<' | '>' | '&' | '"' | '\'')) {
        return Err(format!("request.{name} is not a placeholder (1 to 64 characters, no spaces or HTML characters)"));
    }
    Ok(())
}

pub async fn handle(ctx: &TriggerCtx<'_>) -> Result<Value, TriggerError> {
    let malformed = |reason: String| TriggerError::MalformedEvent { trigger: ctx.trigger.name.clone(), reason };
    let request: Request = ctx.event.request().map_err(malformed)?;
    check_placeholder("codeParameter", &request.code_parameter).map_err(malformed)?;
    let source = ctx.event.common.trigger_source.as_str();
    let invitation = source == templates::INVITATION_SOURCE;
    match (&request.username_parameter, invitation) {
        (Some(u), _) => check_placeholder("usernameParameter", u).map_err(malformed)?,
        (None, true) => return Err(malformed("request.usernameParameter is missing on an invitation".into())),
        (None, false) => {}
    }
    let Some(config) = &ctx.state.custom_messages else {
        tracing::warn!(trigger_source = source, "the custom message trigger runs without CUSTOM_MESSAGES: Cognito's own message is sent");
        return Ok(ctx.event.answer(cognitos_own()));
    };
    let all = templates::templates();
    let Some(template) = all.for_source(source) else {
        // Every source of cdk/triggers.json has a template (a unit test); `invoke` refused any other.
        return Err(TriggerError::Failed(format!("no message template for {source}")));
    };
    let email = request.user_attributes.get("email").and_then(Value::as_str).unwrap_or("");
    let values = templates::Values {
        code: &request.code_parameter,
        username: if invitation { request.username_parameter.as_deref() } else { None },
        email,
        config,
    };
    match template.render(&values, &all.limits) {
        Ok(m) => Ok(ctx.event.answer(json!({ "smsMessage": m.text, "emailMessage": m.html, "emailSubject": m.subject }))),
        Err(reason) => {
            // The reason names a template and a size, never a value of the event.
            tracing::warn!(trigger_source = source, template = %template.name, reason = %reason, "custom message left to Cognito's default");
            Ok(ctx.event.answer(cognitos_own()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition;

    #[test]
    fn every_trigger_source_has_exactly_one_template_and_every_template_a_source() {
        let t = definition::triggers().by_name("customMessage").unwrap();
        let all = templates::templates();
        for s in &t.trigger_sources {
            let n = all.templates.iter().filter(|x| x.trigger_sources.contains(s)).count();
            assert_eq!(n, 1, "{s} has {n} templates");
        }
        for x in &all.templates {
            for s in &x.trigger_sources {
                assert!(t.trigger_sources.contains(s), "template {} names {s}, which cdk/triggers.json does not list", x.name);
            }
        }
    }

    #[test]
    fn the_configuration_is_checked() {
        assert_eq!(
            MessageConfig::parse(r#"{"productName":"Acme <Notes>","signInUrl":"https://app.example.com/sign-in"}"#).unwrap(),
            MessageConfig { product_name: "Acme <Notes>".into(), sign_in_url: Some("https://app.example.com/sign-in".into()), support_url: None }
        );
        for bad in [
            r#"{"productName":""}"#,
            r#"{"productName":"{####}"}"#,
            r#"{"productName":" Acme"}"#,
            r#"{"productName":"Acme","signInUrl":"http://app.example.com"}"#,
            r#"{"productName":"Acme","signInUrl":"javascript:alert(1)"}"#,
            r#"{"productName":"Acme","supportUrl":"https://x.example/\"onmouseover=\"alert(1)"}"#,
            r#"{"productName":"Acme","other":1}"#,
            "not json",
        ] {
            assert!(MessageConfig::parse(bad).is_err(), "{bad}");
        }
        assert!(MessageConfig::parse(&format!(r#"{{"productName":"{}"}}"#, "a".repeat(65))).is_err());
    }
}

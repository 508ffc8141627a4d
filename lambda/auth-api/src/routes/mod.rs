//! One module per route of `cdk/routes.json`, named after the route. `dispatch` is the only table
//! that ties a route name to its handler; a unit test proves every defined route has one.
use crate::context::{Ctx, Reply};
use crate::error::ApiError;

pub mod challenge_session;
pub mod first_factor;
pub mod input;
pub mod output;

mod delete_user;
mod federation_callback;
mod federation_start;
mod federation_token;
mod login;
mod login_challenge;
mod login_start;
mod logout;
mod openapi;
mod password_change;
mod password_forgot;
mod password_reset;
mod passkey_delete;
mod passkey_register_complete;
mod passkey_register_start;
mod passkeys_list;
mod reauth;
mod refresh;
mod register;
mod resend;
mod totp_setup;
mod totp_verify;
mod userinfo;
mod verify;

/// What the OpenAPI document says about one route (from the handler's own types).
pub struct RouteDoc {
    pub request: Option<schemars::Schema>,
    pub request_required: bool,
    pub response: schemars::Schema,
    pub status: u16,
    /// Error codes particular to the route (the common ones are added by the generator).
    pub errors: &'static [&'static str],
}

macro_rules! handlers {
    ($($name:literal => $module:ident [$($body:tt)*]),* $(,)?) => {
        /// Route names that have a handler.
        pub const HANDLED: &[&str] = &[$($name),*];

        /// Runs the route's handler; `None` when the definition names a route with no handler. Each
        /// handler's future is boxed: unboxed, this one would be as large as the largest of them, on the
        /// stack of every request (a debug build's test thread overflowed its 2 MiB).
        pub async fn dispatch(ctx: &Ctx<'_>) -> Option<Result<Reply, ApiError>> {
            match ctx.route.name.as_str() {
                $($name => Some(Box::pin($module::handle(ctx)).await),)*
                _ => None,
            }
        }

        /// The route's request and response schemas, status and errors, for the OpenAPI document.
        pub fn doc(name: &str, g: &mut schemars::SchemaGenerator) -> Option<RouteDoc> {
            match name {
                $($name => {
                    let (request, request_required) = handlers!(@body g $module $($body)*);
                    Some(RouteDoc {
                        request,
                        request_required,
                        response: g.subschema_for::<$module::Response>(),
                        status: $module::STATUS,
                        errors: $module::ERRORS,
                    })
                })*
                _ => None,
            }
        }
    };
    (@body $g:ident $module:ident) => { (None, false) };
    (@body $g:ident $module:ident body) => { (Some($g.subschema_for::<$module::Request>()), true) };
    (@body $g:ident $module:ident optional body) => { (Some($g.subschema_for::<$module::Request>()), false) };
}

handlers! {
    "register" => register [body],
    "verify" => verify [body],
    "resend" => resend [body],
    "login" => login [body],
    "loginChallenge" => login_challenge [body],
    "refresh" => refresh [optional body],
    "userinfo" => userinfo [],
    "logout" => logout [optional body],
    "passwordForgot" => password_forgot [body],
    "passwordReset" => password_reset [body],
    "passwordChange" => password_change [body],
    "totpSetup" => totp_setup [body],
    "totpVerify" => totp_verify [body],
    "deleteUser" => delete_user [body],
    "loginStart" => login_start [body],
    "passkeyRegisterStart" => passkey_register_start [body],
    "passkeyRegisterComplete" => passkey_register_complete [body],
    "passkeysList" => passkeys_list [],
    "passkeyDelete" => passkey_delete [body],
    "federationStart" => federation_start [],
    "federationCallback" => federation_callback [],
    "federationToken" => federation_token [body],
    "openapi" => openapi [],
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_defined_route_has_a_handler_and_every_handler_a_route() {
        let def = crate::definition::definition();
        for r in &def.routes {
            assert!(super::HANDLED.contains(&r.name.as_str()), "route {} has no handler", r.name);
        }
        for h in super::HANDLED {
            assert!(def.by_name(h).is_some(), "handler {h} has no route in cdk/routes.json");
        }
    }
}

//! One module per route of `cdk/routes.json`, named after the route. `dispatch` is the only table
//! that ties a route name to its handler; a unit test proves every defined route has one.
use crate::router::{Ctx, Reply};
use crate::error::ApiError;

pub mod input;
pub mod output;

mod delete_user;
mod login;
mod login_challenge;
mod logout;
mod password_change;
mod password_forgot;
mod password_reset;
mod refresh;
mod register;
mod resend;
mod totp_setup;
mod totp_verify;
mod userinfo;
mod verify;

macro_rules! handlers {
    ($($name:literal => $module:ident),* $(,)?) => {
        /// Route names that have a handler.
        pub const HANDLED: &[&str] = &[$($name),*];

        /// Runs the route's handler; `None` when the definition names a route with no handler.
        pub async fn dispatch(ctx: &Ctx<'_>) -> Option<Result<Reply, ApiError>> {
            match ctx.route.name.as_str() {
                $($name => Some($module::handle(ctx).await),)*
                _ => None,
            }
        }
    };
}

handlers! {
    "register" => register,
    "verify" => verify,
    "resend" => resend,
    "login" => login,
    "loginChallenge" => login_challenge,
    "refresh" => refresh,
    "userinfo" => userinfo,
    "logout" => logout,
    "passwordForgot" => password_forgot,
    "passwordReset" => password_reset,
    "passwordChange" => password_change,
    "totpSetup" => totp_setup,
    "totpVerify" => totp_verify,
    "deleteUser" => delete_user,
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

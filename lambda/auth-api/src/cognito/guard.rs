//! The declared-actions guard: an SDK interceptor that refuses any Cognito operation the running
//! route or trigger does not declare in `cdk/routes.json` / `cdk/triggers.json` (the local twin of
//! the IAM policy the stack generates from the same lists).
use crate::definition::{Route, Trigger};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// What is running on this task: a route's handler or a trigger's, each with its declared actions.
#[derive(Debug, Clone, Copy)]
pub enum Declared {
    Route(&'static Route),
    Trigger(&'static Trigger),
}

impl Declared {
    /// The route's or trigger's name (`login`, `preSignUp`).
    pub fn name(&self) -> &'static str {
        match self {
            Declared::Route(r) => &r.name,
            Declared::Trigger(t) => &t.name,
        }
    }

    pub fn cognito_actions(&self) -> &'static [String] {
        match self {
            Declared::Route(r) => &r.cognito_actions,
            Declared::Trigger(t) => &t.cognito_actions,
        }
    }

    /// For messages: `route POST /auth/login`, `trigger preSignUp`.
    pub fn label(&self) -> String {
        match self {
            Declared::Route(r) => format!("route {}", r.key()),
            Declared::Trigger(t) => format!("trigger {}", t.name),
        }
    }
}

tokio::task_local! {
    static CURRENT: Declared;
}

/// Runs `fut` as the handler of `route`: Cognito calls inside it are checked against the route's
/// declared actions.
pub async fn with_route<F: std::future::Future>(route: &'static Route, fut: F) -> F::Output {
    CURRENT.scope(Declared::Route(route), fut).await
}

/// Runs `fut` as the handler of `trigger`, checked against the trigger's declared actions.
pub async fn with_trigger<F: std::future::Future>(trigger: &'static Trigger, fut: F) -> F::Output {
    CURRENT.scope(Declared::Trigger(trigger), fut).await
}

/// The route or trigger whose handler is running on this task, if any.
pub fn current() -> Option<Declared> {
    CURRENT.try_with(|d| *d).ok()
}

/// The route whose handler is running on this task, if any.
pub fn current_route() -> Option<&'static Route> {
    match current()? {
        Declared::Route(r) => Some(r),
        Declared::Trigger(_) => None,
    }
}

/// For an SDK interceptor: the running route or trigger and the Cognito operation about to be
/// called (available from `read_before_serialization` on, once the operation's config is in the bag).
pub fn current_call(cfg: &ConfigBag) -> Option<(Declared, &str)> {
    Some((current()?, cfg.load::<Metadata>()?.name()))
}

#[derive(Debug, thiserror::Error)]
#[error("{route} called Cognito {operation}, which it does not declare in cdk/routes.json or cdk/triggers.json")]
pub struct UndeclaredOperation {
    /// `route POST /auth/login` or `trigger preSignUp`.
    pub route: String,
    pub operation: String,
}

/// SDK interceptor that refuses an operation the running route or trigger does not declare.
#[derive(Debug, Default)]
pub struct DeclaredActionsGuard;

impl Intercept for DeclaredActionsGuard {
    fn name(&self) -> &'static str {
        "DeclaredActionsGuard"
    }

    // Not `read_before_execution`: client interceptors run that before the operation's
    // configuration (and so its `Metadata`) is in the bag.
    fn read_before_serialization(
        &self,
        _ctx: &BeforeSerializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some((running, operation)) = current_call(cfg) else {
            return Ok(());
        };
        if running.cognito_actions().iter().any(|a| a == operation) {
            Ok(())
        } else {
            let err = UndeclaredOperation { route: running.label(), operation: operation.to_string() };
            tracing::error!(function = %err.route, operation = %err.operation, "undeclared Cognito operation refused");
            Err(Box::new(err))
        }
    }
}

//! The declared-actions guard: an SDK interceptor that refuses any Cognito operation the running
//! route does not declare in `cdk/routes.json` (the local twin of the IAM policy the stack
//! generates from the same list).
use crate::definition::Route;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

tokio::task_local! {
    static CURRENT_ROUTE: &'static Route;
}

/// Runs `fut` as the handler of `route`: Cognito calls inside it are checked against the route's
/// declared actions.
pub async fn with_route<F: std::future::Future>(route: &'static Route, fut: F) -> F::Output {
    CURRENT_ROUTE.scope(route, fut).await
}

/// The route whose handler is running on this task, if any.
pub fn current_route() -> Option<&'static Route> {
    CURRENT_ROUTE.try_with(|r| *r).ok()
}

/// For an SDK interceptor: the running route and the Cognito operation about to be called
/// (available from `read_before_serialization` on, once the operation's config is in the bag).
pub fn current_call(cfg: &ConfigBag) -> Option<(&'static Route, &str)> {
    Some((current_route()?, cfg.load::<Metadata>()?.name()))
}

#[derive(Debug, thiserror::Error)]
#[error("route {route} called Cognito {operation}, which it does not declare in cdk/routes.json")]
pub struct UndeclaredOperation {
    pub route: String,
    pub operation: String,
}

/// SDK interceptor that refuses an operation the running route does not declare.
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
        let Some((route, operation)) = current_call(cfg) else {
            return Ok(());
        };
        if route.cognito_actions.iter().any(|a| a == operation) {
            Ok(())
        } else {
            let err = UndeclaredOperation { route: route.key().to_string(), operation: operation.to_string() };
            tracing::error!(route = %err.route, operation = %err.operation, "undeclared Cognito operation refused");
            Err(Box::new(err))
        }
    }
}

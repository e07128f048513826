//! civic-server: the REST backend Civic's apps sync with and officials work through.
//!
//! `router(state)` builds the whole HTTP surface so tests can drive it; `serve` runs it
//! until a shutdown signal.

pub mod admin;
pub mod api;
pub mod auth;
pub mod catalog;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod reports;
pub mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};

use crate::error::ApiError;
use crate::state::{AppState, Metrics};

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    use api::{citizen, officials, ops, public};
    let v1 = Router::new()
        .route("/devices", post(citizen::register))
        .route("/me", put(citizen::update_profile))
        .route("/auth/login", post(officials::login))
        .route("/admin/officials", post(officials::create_official))
        .route("/admin/categories/{code}", put(admin::change_category))
        .route("/admin/units/{code}", put(admin::change_unit))
        .route("/catalog", get(public::catalog))
        .route("/photos/{hash}", put(citizen::put_photo).get(public::photo))
        .route("/reports", post(citizen::submit))
        .route("/reports/mine", get(citizen::mine))
        .route("/reports/nearby", get(public::nearby))
        .route("/reports/{id}", get(citizen::detail))
        .route("/reports/{id}/support", post(citizen::support))
        .route("/reports/{id}/rating", post(citizen::rate))
        .route("/reports/{id}/reopen", post(citizen::reopen))
        .route("/reports/{id}/status", post(officials::change_status))
        .route("/reports/{id}/replies", post(officials::reply))
        .route("/reply-templates", get(officials::templates).post(officials::add_template))
        .route("/work/inbox", get(officials::inbox))
        .route("/public/reports", get(public::list))
        .route("/public/reports/{number}", get(public::detail))
        .route("/public/stats", get(public::stats))
        .route("/sync", get(citizen::sync));
    let body_limit = state.limits.max_body_bytes;
    Router::new()
        .nest(civic_core::protocol::API_PREFIX, v1)
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .fallback(|| async { ApiError::NotFound("no such endpoint".into()) })
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), rate_limit))
        .layer(middleware::from_fn_with_state(state.clone(), count))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

async fn count(State(st): State<AppState>, req: Request, next: Next) -> Response {
    Metrics::inc(&st.metrics.requests);
    let response = next.run(req).await;
    match response.status().as_u16() {
        400..=499 => Metrics::inc(&st.metrics.responses_4xx),
        500..=599 => Metrics::inc(&st.metrics.responses_5xx),
        _ => {}
    }
    response
}

/// Per-token (or, without one, per-address) request budget; 429 with Retry-After past it.
async fn rate_limit(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path == "/healthz" || path == "/metrics" {
        return next.run(req).await;
    }
    let key = match req.headers().get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        Some(token) => format!("t:{}", auth::token_hash(token)),
        None => match req.extensions().get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(addr)) => format!("a:{}", addr.ip()),
            None => "a:unknown".to_owned(),
        },
    };
    match st.limiter.check(&key) {
        Ok(()) => next.run(req).await,
        Err(retry_after_s) => {
            Metrics::inc(&st.metrics.rate_limited);
            ApiError::RateLimited { retry_after_s }.into_response()
        }
    }
}

/// Builds the state from a configuration: opens the database, creates the first admin
/// and the demo data if asked.
pub async fn prepare(config: &config::Config) -> Result<AppState, String> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| format!("data directory {}: {e}", config.data_dir.display()))?;
    let city = match &config.city_dir {
        Some(dir) => civic_core::City::load(dir),
        None => civic_core::City::hue(),
    }
    .map_err(|e| format!("city configuration: {e}"))?;
    let db_path = config.database_path()?;
    let db = db::Db::open(&db_path)?;
    let limits = config.limits();
    let live = catalog::LiveCatalog::load(&db, city.catalog.clone()).await.map_err(|e| format!("catalog: {e}"))?;
    let state = AppState {
        db,
        catalog: Arc::new(live),
        city: Arc::new(city),
        photos: state::PhotoDir::new(config.data_dir.join("photos")).map_err(|e| format!("photo folder: {e}"))?,
        limiter: Arc::new(state::RateLimiter::new(limits.requests_per_minute)),
        limits: Arc::new(limits),
        metrics: Arc::new(Metrics::default()),
        photo_permits: Arc::new(tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, |n| n.get()) * 2,
        )),
    };
    demo::seed_units_and_templates(&state).await.map_err(|e| e.to_string())?;
    if let (Some(user), Some(password)) = (&config.admin_username, &config.admin_password) {
        let account = api::officials::NewOfficial {
            username: user.clone(),
            password: password.clone(),
            roles: vec![civic_core::protocol::Role::Admin, civic_core::protocol::Role::Operator],
            units: vec![],
        };
        match api::officials::create_account(&state, account).await {
            Ok(()) => tracing::info!(username = %user, "created the first admin account"),
            Err(ApiError::Conflict { .. }) => tracing::info!(username = %user, "admin account already exists"),
            Err(e) => return Err(format!("admin account: {e}")),
        }
    }
    if config.demo {
        demo::seed(&state).await.map_err(|e| format!("demo data: {e}"))?;
    }
    Ok(state)
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

//! civic-server: the REST backend Civic's apps sync with and officials work through.
//!
//! `router(state)` builds the whole HTTP surface so tests can drive it; `serve` runs it
//! until a shutdown signal.
//!
//! Three layers, each depending only on the one below it (and on `civic_core`):
//! - the edge: `api` (`/api/v1`, the CAP feed, Open311) and `web` (the public pages and the
//!   console) parse a request, call a service and render its answer; `error` gives the
//!   services' errors their HTTP status, once;
//! - `service`: the rules, and the transactions they run in (`AppState` is what they share);
//! - `db`: the store, every SQL statement, knowing nothing of HTTP nor of the rules.
//!
//! Beside them: `state` (limits, photo store, metrics), `push` (the push gateways), `outbound`
//! (requests made on a client's behalf), `city`, `config` and `demo` (seed data, made
//! through the services).

pub mod api;
pub mod city;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod idempotent;
pub mod outbound;
pub mod push;
pub mod service;
pub mod state;
pub mod web;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};

use crate::error::ApiError;
use crate::service::{AppState, ServiceError};
use crate::state::Metrics;

/// The whole HTTP surface.
///
/// `/api/v1` is built from an `OpenApiRouter` that only takes `routes!` of handlers with
/// their `#[utoipa::path]`: the axum router and the OpenAPI document served at
/// `/api/v1/openapi.json` come out of it together, so neither can name a route the other lacks.
pub fn router(state: AppState) -> Router {
    use api::{admin, alerts, campaigns, citizen, officials, openapi, ops, public};
    use utoipa::OpenApi;
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;
    // One `routes!` per path (it registers every handler it lists on every path they name).
    let v1 = [
        routes!(citizen::register),
        routes!(citizen::update_profile),
        routes!(officials::login),
        routes!(officials::create_official),
        routes!(admin::change_category),
        routes!(admin::change_unit),
        routes!(public::catalog),
        routes!(public::city),
        routes!(public::city_wards),
        routes!(citizen::put_photo, public::photo),
        routes!(citizen::submit),
        routes!(citizen::mine),
        routes!(public::nearby),
        routes!(citizen::detail),
        routes!(citizen::support),
        routes!(citizen::rate),
        routes!(citizen::reopen),
        routes!(officials::change_status),
        routes!(officials::reply),
        routes!(officials::templates, officials::add_template),
        routes!(officials::inbox),
        routes!(public::list),
        routes!(public::detail),
        routes!(public::stats),
        routes!(citizen::sync),
        routes!(alerts::publish, alerts::list),
        routes!(alerts::update, alerts::detail),
        routes!(alerts::cancel),
        routes!(alerts::import),
        routes!(alerts::tagged_reports),
        routes!(alerts::register_push),
        routes!(campaigns::create, campaigns::list),
        routes!(campaigns::detail, campaigns::reschedule),
        routes!(campaigns::join),
        routes!(campaigns::report_spot, campaigns::spots),
        routes!(campaigns::claim),
        routes!(campaigns::clean),
        routes!(campaigns::summary),
        routes!(campaigns::cancel),
        routes!(openapi::document),
    ]
    .into_iter()
    .fold(OpenApiRouter::new(), OpenApiRouter::routes);
    let (api, doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi()).nest(civic_core::protocol::API_PREFIX, v1).split_for_parts();
    let body_limit = state.limits.max_body_bytes;
    // Every POST and PATCH of /api/v1 may carry an Idempotency-Key (the routes below do not).
    // A route layer: a method the path does not take gets its 405 before any key is looked at.
    let api = api.route_layer(middleware::from_fn_with_state(state.clone(), api::idempotency::layer));
    api.route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/cap/alerts.atom", get(api::feed::atom))
        .route("/cap/alerts/{identifier}", get(api::feed::message))
        .nest(api::open311::PREFIX, api::open311::router())
        .merge(web::router(state.clone()))
        .fallback(|| async { ApiError::NotFound("no such endpoint".into()) })
        .layer(axum::Extension(openapi::finish(doc)))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), refuse_oversized))
        // JSON, pages and scripts gzipped for phones on slow data when they ask for it (a
        // campaign's live map shrinks about twentyfold); photos are JPEG already and stay as they are.
        // A body under 512 bytes (a receipt, an error) fits one packet either way: not worth either
        // side's CPU.
        .layer(tower_http::compression::CompressionLayer::new().compress_when(DefaultPredicate::new().and(SizeAbove::new(512))))
        // Public reads from memory between writes, compressed once (see `api::cache`).
        .layer(middleware::from_fn_with_state((state.clone(), Arc::new(api::cache::ResponseCache::default())), api::cache::layer))
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

/// A body whose declared length is past the limit is refused before any handler runs, and
/// read to its end first (up to twice the limit, for at most 10 s): a client that is still
/// writing when the server answers and closes gets a broken pipe instead of the 413 it needs
/// to see, and a phone would then retry the same upload as if the network had failed.
async fn refuse_oversized(State(st): State<AppState>, req: Request, next: Next) -> Response {
    use futures_util::StreamExt;
    let limit = st.limits.max_body_bytes as u64;
    let declared = req.headers().get(axum::http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let Some(declared) = declared.filter(|&n| n > limit) else {
        return next.run(req).await;
    };
    let uri = req.uri().clone();
    if declared <= limit.saturating_mul(2) {
        let mut body = req.into_body().into_data_stream();
        let drain = async { while let Some(Ok(_)) = body.next().await {} };
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), drain).await;
    }
    let e = ApiError::TooLarge(format!("the request body is {declared} bytes; at most {limit} are accepted"));
    if uri.path().starts_with(api::open311::PREFIX) { api::open311::layer_error(&uri, e) } else { e.into_response() }
}

/// Per-token (or, without one, per-address) request budget; 429 with Retry-After past it.
async fn rate_limit(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path == "/healthz" || path == "/metrics" {
        return next.run(req).await;
    }
    let key = match req.headers().get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        Some(token) => format!("t:{}", service::accounts::token_hash(token)),
        None => match req.extensions().get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(addr)) => format!("a:{}", addr.ip()),
            None => "a:unknown".to_owned(),
        },
    };
    match st.limiter.check(&key) {
        Ok(()) => next.run(req).await,
        Err(retry_after_s) => {
            Metrics::inc(&st.metrics.rate_limited);
            let e = ApiError::RateLimited { retry_after_s };
            if path.starts_with(api::open311::PREFIX) { api::open311::layer_error(req.uri(), e) } else { e.into_response() }
        }
    }
}

/// Builds the state from a configuration: opens the database, creates the first admin
/// and the demo data if asked.
pub async fn prepare(config: &config::Config) -> Result<AppState, String> {
    prepare_with_gateways(config, config.gateways(config.clock())?).await
}

/// `prepare`, with these push gateways instead of the configured ones (tests record pushes).
pub async fn prepare_with_gateways(config: &config::Config, gateways: push::Gateways) -> Result<AppState, String> {
    prepare_with_parts(config, gateways, config.clock()).await
}

/// `prepare`, with these push gateways and this clock (in-process tests move time with it).
pub async fn prepare_with_parts(
    config: &config::Config,
    gateways: push::Gateways,
    clock: civic_core::clock::SharedClock,
) -> Result<AppState, String> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| format!("data directory {}: {e}", config.data_dir.display()))?;
    let city = match &config.city_dir {
        Some(dir) => civic_core::City::load(dir),
        None => civic_core::City::hue(),
    }
    .map_err(|e| format!("city configuration: {e}"))?;
    let sender = config.alert_sender.clone().unwrap_or_else(|| format!("ioc.{}@civic.invalid", city.code.to_lowercase()));
    let (url, pool) = (config.database_url(), config.database_pool);
    // PostgreSQL's client blocks: connect and migrate off the async threads.
    let db = tokio::task::spawn_blocking(move || db::Db::open_url(&url, pool)).await.map_err(|e| e.to_string())??;
    let moved = service::places::move_to_current_units(&db, &city).await.map_err(|e| format!("placing stored reports in wards: {e}"))?;
    if moved != service::places::Moved::default() {
        tracing::info!(
            reports = moved.reports,
            spots = moved.spots,
            campaigns = moved.campaigns,
            unplaced = moved.unplaced,
            "moved what was stored under former units to today's wards and communes"
        );
    }
    let metrics = Arc::new(Metrics::default());
    let warnings = service::warnings::Warnings::load(sender, &city, gateways, metrics.push.clone(), &db).await?;
    let limits = config.limits();
    let photo_workers = limits.photo_workers.max(1);
    let live = service::catalog::LiveCatalog::load(&db, city.catalog.clone()).await.map_err(|e| format!("catalog: {e}"))?;
    let state = AppState::new(service::SharedState {
        db,
        catalog: Arc::new(live),
        city: Arc::new(city.clone()),
        city_files: Arc::new(city::CityFiles::new(&city, &limits.tile_url)),
        photos: state::PhotoStore::open(config.photo_store.as_deref(), &config.data_dir)?,
        limiter: Arc::new(state::RateLimiter::new(limits.requests_per_minute)),
        limits: Arc::new(limits),
        metrics,
        photo_permits: Arc::new(tokio::sync::Semaphore::new(photo_workers)),
        photo_uploads: Arc::default(),
        warnings: Arc::new(warnings),
        clock,
        known_devices: Arc::default(),
        sync_head: Arc::default(),
    });
    demo::seed_units_and_templates(&state).await.map_err(|e| e.to_string())?;
    if let (Some(user), Some(password)) = (&config.admin_username, &config.admin_password) {
        let account = service::accounts::NewOfficial {
            username: user.clone(),
            password: password.clone(),
            roles: vec![civic_core::protocol::Role::Admin, civic_core::protocol::Role::Operator],
            units: vec![],
        };
        match service::accounts::create_account(&state, account).await {
            Ok(()) => tracing::info!(username = %user, "created the first admin account"),
            Err(ServiceError::Conflict { .. }) => tracing::info!(username = %user, "admin account already exists"),
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
    // Ended clean-up campaigns hand their spots left to the city, checked every so often.
    let sweeper = {
        let st = state.clone();
        let every = std::time::Duration::from_secs(st.limits.campaign_sweep_secs.max(1));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                if let Err(e) = service::spots::hand_over_ended(&st).await {
                    tracing::warn!(error = %e, "handing over ended campaigns failed; trying again later");
                }
            }
        })
    };
    let served =
        axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown).await;
    sweeper.abort();
    served
}

//! Web edge: signing in to the console and out, and its language.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::super::page::{WebLang, html_response};
use super::{LANG_COOKIE, SESSION_COOKIE, console_frame, failure, lang_of, session};
use crate::service::accounts;
use crate::service::{AppState, ServiceError};

#[derive(Deserialize)]
pub(super) struct LoginForm {
    username: String,
    password: String,
}

pub(super) async fn login_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if session(&st, &headers).await.is_ok() {
        return Redirect::to("/console/queue").into_response();
    }
    login_form(lang_of(&headers), None, "", StatusCode::OK)
}

fn login_form(lang: WebLang, error: Option<&str>, username: &str, status: StatusCode) -> Response {
    let frame = console_frame(lang, lang.t("Đăng nhập", "Sign in"), "/console/login", None);
    html_response(
        status,
        frame.render(html! {
            h1 { (lang.t("Đăng nhập trung tâm điều hành", "Sign in to the operations centre")) }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form.narrow method="post" action="/console/login" {
                div.field {
                    label for="username" { (lang.t("Tên đăng nhập", "Username")) }
                    input #username name="username" type="text" autocomplete="username" required value=(username);
                }
                div.field {
                    label for="password" { (lang.t("Mật khẩu", "Password")) }
                    input #password name="password" type="password" autocomplete="current-password" required;
                }
                button type="submit" { (lang.t("Đăng nhập", "Sign in")) }
            }
        }),
    )
}

pub(super) async fn login(State(st): State<AppState>, headers: HeaderMap, axum::Form(form): axum::Form<LoginForm>) -> Response {
    let lang = lang_of(&headers);
    // The console's session ends when left unused (a shared desk), unlike the API's.
    match accounts::console_login(&st, &form.username, form.password).await {
        Ok(session) => {
            let secure = if st.limits.public_url.as_deref().is_some_and(|u| u.starts_with("https://")) { "; Secure" } else { "" };
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
                session.token,
                accounts::SESSION_HOURS * 3600
            );
            let mut r = Redirect::to("/console/queue").into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(ServiceError::Unauthenticated(_)) => login_form(
            lang,
            Some(lang.t("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.")),
            &form.username,
            StatusCode::UNAUTHORIZED,
        ),
        Err(e) => failure(lang, &e),
    }
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: Option<String>,
}

pub(super) async fn logout(State(st): State<AppState>, headers: HeaderMap, axum::Form(form): axum::Form<CsrfForm>) -> Response {
    let s = signed_in!(st, headers);
    if let Err(r) = s.check_csrf(form.csrf.as_deref()) {
        return r;
    }
    if let Err(e) = accounts::logout(&st, &s.token).await {
        return failure(s.lang, &e);
    }
    let mut r = Redirect::to("/console/login").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_static("civic_console=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0"));
    r
}

#[derive(Deserialize)]
pub(super) struct Back {
    #[serde(default)]
    back: String,
}

/// `/console/lang/{vi|en}?back=…`: remembers the console's language in a cookie.
pub(super) async fn switch_language(Path(code): Path<String>, Query(b): Query<Back>) -> Response {
    let code = if code == "en" { "en" } else { "vi" };
    let safe = b.back.starts_with("/console/") && !b.back.contains("//") && !b.back.contains('\\');
    let mut r = Redirect::to(if safe { &b.back } else { "/console/queue" }).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{LANG_COOKIE}={code}; Path=/console; SameSite=Lax; Max-Age=31536000")) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

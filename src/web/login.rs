//! The pages a browser sees: the login form, the logout button's target and the
//! dashboard. Logging in is rate-limited per account name and per client address,
//! counted in the database so that every instance sees the same failures.

use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Form, extract::RawQuery};
use chrono::TimeDelta;
use serde::Deserialize;

use super::auth::{self, Caller, SESSION_COOKIE, Via};
use super::dashboard::{DashboardPage, LoginPage, PERIODS, render_dashboard, render_login};
use super::error::{ApiError, ApiResult};
use super::{ReaderLanguage, WebState};
use crate::domain::Language;
use crate::store::{self, accounts::Session};

/// The dashboard's period when none is asked for, in days.
const DEFAULT_DAYS: u32 = 30;

pub async fn home() -> Redirect {
    Redirect::to("/dashboard")
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

pub async fn page(
    State(state): State<WebState>,
    language: axum::Extension<ReaderLanguage>,
    caller: Result<Caller, ApiError>,
    Query(query): Query<LoginQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if caller.is_ok() {
        return Redirect::to(next).into_response();
    }
    let language = language.get();
    login_form(&state, language, StatusCode::OK, None, Some(next))
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<WebState>,
    language: axum::Extension<ReaderLanguage>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> ApiResult<Response> {
    auth::check_origin(&headers)?;
    let language = language.get();
    let web = &state.config().web;
    let now = state.desk().now();
    let email = form.email.trim().to_lowercase();
    let address = peer.ip().to_string();
    let next = safe_next(form.next.as_deref()).to_owned();
    let mut conn = state.store().pool().acquire().await?;
    let since = now - TimeDelta::from_std(web.login_window.0).unwrap_or(TimeDelta::minutes(15));
    let (by_account, by_address) =
        store::accounts::failures_since(&mut conn, &email, &address, since).await?;
    if by_account >= u64::from(web.max_failures_per_account)
        || by_address >= u64::from(web.max_failures_per_address)
    {
        tracing::warn!(%email, %address, "web: login refused, too many failures");
        let minutes = web.login_window.0.as_secs().div_ceil(60);
        let message = state.texts().t(
            language,
            "web-login-throttled",
            &[crate::i18n::arg("minutes", minutes)],
        );
        let mut page = login_form(
            &state,
            language,
            StatusCode::TOO_MANY_REQUESTS,
            Some(&message),
            Some(&next),
        );
        page.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(web.login_window.0.as_secs()),
        );
        return Ok(page);
    }
    let found = store::accounts::password_of(&mut conn, &email).await?;
    drop(conn);
    // An unknown account costs the same time as a wrong password.
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, dummy_hash().to_owned()),
    };
    let password = form.password;
    let matches = tokio::task::spawn_blocking(move || auth::verify_password(&hash, &password))
        .await
        .unwrap_or(false);
    let mut tx = state.store().begin().await?;
    let Some(user) = user.filter(|_| matches) else {
        store::accounts::login_failed(&mut tx, &email, &address, now).await?;
        tx.commit().await?;
        tracing::info!(%email, %address, "web: login failed");
        let message = state.texts().t(language, "web-login-failed", &[]);
        return Ok(login_form(
            &state,
            language,
            StatusCode::UNAUTHORIZED,
            Some(&message),
            Some(&next),
        ));
    };
    store::accounts::forget_failures(&mut tx, &email).await?;
    let secret = auth::new_secret();
    let ttl = TimeDelta::from_std(web.session_ttl.0).unwrap_or(TimeDelta::hours(12));
    let session = Session {
        user,
        csrf: auth::new_secret(),
        expires_at: now + ttl,
    };
    store::accounts::open_session(&mut tx, &auth::secret_hash(&secret), &session, now).await?;
    tx.commit().await?;
    tracing::info!(user = %user, "web: logged in");
    let cookie = format!(
        "{SESSION_COOKIE}={secret}; Path=/; Max-Age={}; HttpOnly; Secure; SameSite=Strict",
        ttl.num_seconds()
    );
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|_| ApiError::internal())?,
    );
    Ok(response)
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: Option<String>,
}

pub async fn logout(
    State(state): State<WebState>,
    caller: Caller,
    Form(form): Form<LogoutForm>,
) -> ApiResult<Response> {
    caller.check_csrf(form.csrf.as_deref())?;
    if let Via::Session { secret_hash, .. } = &caller.via {
        let mut tx = state.store().begin().await?;
        store::accounts::close_session(&mut tx, secret_hash).await?;
        tx.commit().await?;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "guichet_session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict",
        ),
    );
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct DashboardQuery {
    days: Option<u32>,
}

pub async fn dashboard(
    State(state): State<WebState>,
    language: axum::Extension<ReaderLanguage>,
    caller: Result<Caller, ApiError>,
    RawQuery(raw): RawQuery,
    Query(query): Query<DashboardQuery>,
) -> ApiResult<Response> {
    let caller = match caller {
        Ok(caller) => caller,
        Err(e) if e.status == StatusCode::UNAUTHORIZED => {
            let here = match raw {
                Some(q) => format!("/dashboard?{q}"),
                None => "/dashboard".to_owned(),
            };
            let to = format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
            );
            return Ok(Redirect::to(&to).into_response());
        }
        Err(e) => return Err(e),
    };
    let scope = super::api::stats::scope_of(&state, &caller)?;
    let days = query
        .days
        .filter(|d| PERIODS.contains(d))
        .unwrap_or(DEFAULT_DAYS);
    let period = super::api::stats::last_days(&state, days);
    let stats = store::stats::summary(
        state.store().pool(),
        period,
        &scope,
        state.desk().time_zone(),
    )
    .await?;
    let csrf = match &caller.via {
        Via::Session { csrf, .. } => csrf.as_str(),
        Via::Token => "",
    };
    // The setup's problems name staff and spaces: for administrators.
    let setup: Vec<_> = if caller.user.role == crate::domain::Role::Admin {
        match crate::doctor::watch::recorded(state.store()).await {
            Ok(recorded) => recorded.into_iter().map(|r| r.finding).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "dashboard: cannot read the setup checks");
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    let html = render_dashboard(&DashboardPage {
        texts: state.texts(),
        language: language.get(),
        catalog: state.desk().catalog(),
        stats: &stats,
        user_name: &caller.user.display_name,
        csrf,
        days,
        setup: &setup,
    });
    Ok(Html(html).into_response())
}

fn login_form(
    state: &WebState,
    language: Language,
    status: StatusCode,
    error: Option<&str>,
    next: Option<&str>,
) -> Response {
    let html = render_login(&LoginPage {
        texts: state.texts(),
        language,
        error,
        next,
    });
    (status, Html(html)).into_response()
}

/// Where to go after logging in: a path of this site only (never `//elsewhere`).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/dashboard",
    }
}

/// A hash of nothing anyone types, verified when the account is unknown.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| auth::hash_password(&auth::new_secret()).unwrap_or_default())
}

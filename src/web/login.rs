//! The pages a browser sees: the login form, the logout button's target and the
//! dashboard. Logging in is rate-limited per account name and per client address,
//! counted in the database so that every instance sees the same failures.

use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::auth::{self, Caller, SESSION_COOKIE, Via};
use super::dashboard::{DashboardPage, LoginPage, PERIODS, render_dashboard, render_login};
use super::error::{ApiError, ApiResult};
use super::extract::{ApiForm, ApiQuery};
use super::openapi::{BadParameter, Changes, FormBody, Internal, NeedsCaller, Restricted, tags};
use super::{ReaderLanguage, WebState};
use crate::domain::{Language, UserId};
use crate::store::{self, accounts::Session};

/// The dashboard's period when none is asked for, in days.
const DEFAULT_DAYS: u32 = 30;

/// Redirects to the dashboard.
#[utoipa::path(get, path = "/", tag = tags::PAGES, security(()),
    responses((status = 303, description = "To /dashboard.")))]
pub async fn home() -> Redirect {
    Redirect::to("/dashboard")
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoginQuery {
    /// Where to go once logged in: a path of this site.
    next: Option<String>,
}

/// The login page.
#[utoipa::path(get, path = "/login", tag = tags::PAGES, security(()), params(LoginQuery),
    responses(
        (status = 200, description = "HTML form.", content_type = "text/html"),
        (status = 303, description = "Logged in already: to `next` or /dashboard."),
        BadParameter))]
pub async fn page(
    State(state): State<WebState>,
    language: axum::Extension<ReaderLanguage>,
    caller: Result<Caller, ApiError>,
    ApiQuery(query): ApiQuery<LoginQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if caller.is_ok() {
        return Redirect::to(next).into_response();
    }
    let language = language.get();
    login_form(&state, language, StatusCode::OK, None, Some(next))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginForm {
    email: String,
    password: String,
    /// Where to go once logged in: a path of this site.
    next: Option<String>,
}

/// Logs in; sets the session cookie.
#[utoipa::path(post, path = "/login", tag = tags::PAGES, security(()),
    request_body(content = LoginForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Logged in; to `next` or /dashboard."),
        (status = 401, description = "Wrong address or password (the form again).",
            content_type = "text/html"),
        (status = 429, description = "Too many failures (the form again); see Retry-After.",
            content_type = "text/html"),
        Changes, FormBody, Internal))]
pub async fn submit(
    State(state): State<WebState>,
    language: axum::Extension<ReaderLanguage>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiForm(form): ApiForm<LoginForm>,
) -> ApiResult<Response> {
    auth::check_origin(&headers)?;
    let attempt = Attempt {
        email: form.email.trim().to_lowercase(),
        address: peer.ip().to_string(),
        next: safe_next(form.next.as_deref()).to_owned(),
        language: language.get(),
        now: state.desk().now(),
    };
    if let Some(refused) = throttled(&state, &attempt).await? {
        return Ok(refused);
    }
    match verify(&state, &attempt.email, form.password).await? {
        Some(user) => open_session(&state, &attempt, user).await,
        None => {
            let mut tx = state.store().begin().await?;
            store::accounts::login_failed(&mut tx, &attempt.email, &attempt.address, attempt.now)
                .await?;
            tx.commit().await?;
            tracing::info!(email = %attempt.email, address = %attempt.address, "web: login failed");
            let message = t!(state.texts(), attempt.language, "web-login-failed");
            Ok(attempt.form_again(&state, StatusCode::UNAUTHORIZED, &message))
        }
    }
}

/// One try at logging in.
struct Attempt {
    /// The account name, as the database compares it.
    email: String,
    /// Failures are counted per client address too.
    address: String,
    /// Where to go once logged in.
    next: String,
    language: Language,
    now: DateTime<Utc>,
}

impl Attempt {
    fn form_again(&self, state: &WebState, status: StatusCode, message: &str) -> Response {
        login_form(
            state,
            self.language,
            status,
            Some(message),
            Some(&self.next),
        )
    }
}

/// The form again with a 429 when the account or the address failed too often
/// within the window.
async fn throttled(state: &WebState, attempt: &Attempt) -> ApiResult<Option<Response>> {
    let web = &state.config().web;
    let since =
        attempt.now - TimeDelta::from_std(web.login_window.0).unwrap_or(TimeDelta::minutes(15));
    let mut conn = state.store().pool().acquire().await?;
    let (by_account, by_address) =
        store::accounts::failures_since(&mut conn, &attempt.email, &attempt.address, since).await?;
    if by_account < u64::from(web.max_failures_per_account)
        && by_address < u64::from(web.max_failures_per_address)
    {
        return Ok(None);
    }
    tracing::warn!(email = %attempt.email, address = %attempt.address, "web: login refused, too many failures");
    let minutes = web.login_window.0.as_secs().div_ceil(60);
    let message = t!(
        state.texts(),
        attempt.language,
        "web-login-throttled",
        minutes = minutes
    );
    let mut page = attempt.form_again(state, StatusCode::TOO_MANY_REQUESTS, &message);
    page.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(web.login_window.0.as_secs()),
    );
    Ok(Some(page))
}

/// The account `email` names, if `password` is its password. An unknown account
/// costs the same time as a wrong password.
async fn verify(state: &WebState, email: &str, password: String) -> ApiResult<Option<UserId>> {
    let found = {
        let mut conn = state.store().pool().acquire().await?;
        store::accounts::password_of(&mut conn, email).await?
    };
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, dummy_hash().to_owned()),
    };
    let matches = tokio::task::spawn_blocking(move || auth::verify_password(&hash, &password))
        .await
        .unwrap_or(false);
    Ok(user.filter(|_| matches))
}

/// Forgets the account's failures, opens a session and sends the browser on with
/// its cookie.
async fn open_session(state: &WebState, attempt: &Attempt, user: UserId) -> ApiResult<Response> {
    let ttl = TimeDelta::from_std(state.config().web.session_ttl.0).unwrap_or(TimeDelta::hours(12));
    let secret = auth::new_secret();
    let session = Session {
        user,
        csrf: auth::new_secret(),
        expires_at: attempt.now + ttl,
    };
    let mut tx = state.store().begin().await?;
    store::accounts::forget_failures(&mut tx, &attempt.email).await?;
    store::accounts::open_session(&mut tx, &auth::secret_hash(&secret), &session, attempt.now)
        .await?;
    tx.commit().await?;
    tracing::info!(user = %user, "web: logged in");
    let cookie = format!(
        "{SESSION_COOKIE}={secret}; Path=/; Max-Age={}; HttpOnly; Secure; SameSite=Strict",
        ttl.num_seconds()
    );
    let mut response = Redirect::to(&attempt.next).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|_| ApiError::internal())?,
    );
    Ok(response)
}

#[derive(Deserialize, ToSchema)]
pub struct LogoutForm {
    /// The session's CSRF token.
    csrf: Option<String>,
}

/// Ends the session.
#[utoipa::path(post, path = "/logout", tag = tags::PAGES,
    request_body(content = LogoutForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "To /login."), NeedsCaller, Changes, FormBody))]
pub async fn logout(
    State(state): State<WebState>,
    caller: Caller,
    ApiForm(form): ApiForm<LogoutForm>,
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// The period: 7, 30, 90 or 365 days.
    days: Option<u32>,
    /// fr or en, kept in a cookie (read by the layer around every request).
    #[allow(dead_code)]
    lang: Option<String>,
}

/// The dashboard page (staff and administrators).
#[utoipa::path(get, path = "/dashboard", tag = tags::PAGES, params(DashboardQuery),
    responses(
        (status = 200, description = "HTML with SVG charts.", content_type = "text/html"),
        (status = 303, description = "Not logged in: to /login."),
        Restricted, BadParameter, Internal))]
pub async fn dashboard(
    State(state): State<WebState>,
    language: axum::Extension<ReaderLanguage>,
    caller: Result<Caller, ApiError>,
    RawQuery(raw): RawQuery,
    ApiQuery(query): ApiQuery<DashboardQuery>,
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
    let setup = setup_problems(&state, &caller).await;
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

/// The setup checks failing now, for administrators: they name staff and spaces.
async fn setup_problems(state: &WebState, caller: &Caller) -> Vec<crate::doctor::Finding> {
    if caller.user.role != crate::domain::Role::Admin {
        return Vec::new();
    }
    match crate::doctor::watch::recorded(state.store()).await {
        Ok(recorded) => recorded.into_iter().map(|r| r.finding).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "dashboard: cannot read the setup checks");
            Vec::new()
        }
    }
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

//! Logging in, sessions, CSRF, tokens, rate limits, health and metrics.

use super::*;
use serde_json::json;

on_both_backends!(crate::WebDesk:
    everything_but_health_needs_a_caller,
    a_login_opens_a_strict_session_guarded_against_other_sites,
    logins_are_rate_limited,
    tokens_work_until_revoked,
    readiness_and_metrics,
    every_answer_carries_its_request_id,
    names_are_shown_as_text_never_run_as_markup,
);

async fn everything_but_health_needs_a_caller(w: WebDesk) {
    let (status, body) = w.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    for path in [
        "/api/v1/openapi.json",
        "/api/v1/me",
        "/api/v1/tickets",
        "/api/v1/tickets/TCK-20250214-001",
        "/api/v1/users",
        "/api/v1/users/1",
        "/api/v1/teams",
        "/api/v1/categories",
        "/api/v1/stats",
        "/api/v1/outbox/dead-letters",
        "/api/v1/failed-events",
        "/metrics",
    ] {
        let (status, body) = w.call(Method::GET, path, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(body["error"]["code"], "unauthenticated", "{path}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Connectez-vous"),
            "{path}"
        );
    }
    let (status, _) = w
        .call(
            Method::PATCH,
            "/api/v1/tickets/TCK-20250214-001",
            Some("not-a-token"),
            Some(json!({"priority": "P1"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The dashboard sends a browser to the login page, and back afterwards.
    let response = w.http.get(w.url("/dashboard?days=7")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/login?next=%2Fdashboard%3Fdays%3D7"
    );
    let page = w.http.get(w.url("/login")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(page.text().await.unwrap().contains("action=\"/login\""));
}

async fn a_login_opens_a_strict_session_guarded_against_other_sites(w: WebDesk) {
    let sami = sami(&w).await;
    let reference = w.screen_ticket().await;
    let response = w
        .http
        .post(w.url("/login"))
        .form(&[
            ("email", "SAMI@example.com"),
            ("password", PASSWORD),
            ("next", "/api/v1/me"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/api/v1/me");
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=43200",
    ] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} in {set_cookie}"
        );
    }
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    // The database keeps the secret's hash, never the secret.
    let secret = cookie.split_once('=').unwrap().1;
    let mut conn = w.c.d.store.pool().acquire().await.unwrap();
    let kept: Vec<String> = sqlx::query_scalar("SELECT secret_hash FROM web_sessions")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert_eq!(kept, [web::secret_hash(secret)]);
    drop(conn);
    let me: Value = w
        .http
        .get(w.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], sami.user.0);
    let csrf = me["csrf_token"].as_str().unwrap().to_owned();
    // A session's change needs its CSRF token, and comes from this site only.
    let path = w.url(&format!("/api/v1/tickets/{reference}"));
    let patch = |csrf: Option<&str>, origin: Option<&str>| {
        let mut request = w
            .http
            .patch(&path)
            .header("cookie", &cookie)
            .json(&json!({ "priority": "P1" }));
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    let refused = patch(None, None).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Jeton CSRF manquant"),
        "{body}"
    );
    assert_eq!(
        patch(Some("0000"), None).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let cross = patch(Some(&csrf), Some("https://evil.example"))
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let host = w.base.trim_start_matches("http://").to_owned();
    let same = patch(Some(&csrf), Some(&format!("http://{host}")))
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::OK);
    // A login posted from another site is refused before any password is checked.
    let response = w
        .http
        .post(w.url("/login"))
        .header("origin", "https://evil.example")
        .form(&[("email", "sami@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Logging out needs the token too, then the cookie opens nothing.
    let response = w
        .http
        .post(w.url("/logout"))
        .header("cookie", &cookie)
        .form(&[("csrf", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = w
        .http
        .post(w.url("/logout"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = w
        .http
        .get(w.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    // An employee without a password cannot log in at all.
    assert_eq!(
        w.login("iheb@example.com", PASSWORD).await,
        Err(StatusCode::UNAUTHORIZED)
    );
}

async fn logins_are_rate_limited(w: WebDesk) {
    w.account("Admin", "admin@example.com", Role::Admin, None)
        .await;
    w.account("Nour Trabelsi", "nour@example.com", Role::Agent, Some("it"))
        .await;
    for _ in 0..5 {
        assert_eq!(
            w.login("admin@example.com", "guess").await,
            Err(StatusCode::UNAUTHORIZED)
        );
    }
    // The sixth try is refused even with the right password, with a delay to wait.
    let response = w
        .http
        .post(w.url("/login"))
        .form(&[("email", "admin@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "900");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Trop de tentatives")
    );
    // Another account is not locked out by it…
    assert!(w.login("nour@example.com", PASSWORD).await.is_ok());
    // …and once the window has passed, the right password works again.
    w.c.d.clock.advance(chrono::TimeDelta::minutes(16));
    assert!(w.login("admin@example.com", PASSWORD).await.is_ok());
}

async fn tokens_work_until_revoked(w: WebDesk) {
    let admin = w
        .account("Admin", "admin@example.com", Role::Admin, None)
        .await;
    let token = w.token(&admin).await;
    assert_eq!(w.get("/api/v1/me", &token).await.0, StatusCode::OK);
    let mut tx = w.c.d.store.begin().await.unwrap();
    let listed = store::accounts::tokens(&mut tx).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some());
    assert!(
        store::accounts::revoke_token(&mut tx, listed[0].id, w.c.d.desk.now())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert_eq!(
        w.get("/api/v1/me", &token).await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn readiness_and_metrics(w: WebDesk) {
    // Telegram is not connected yet: the web endpoint is ready all the same (a
    // load balancer must not take the dashboard away), and the body says why.
    let (status, body) = w.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["checks"],
        json!({ "database": "ok", "migrations": "ok", "telegram": "disconnected", "setup": "ok" })
    );
    // Asked about Telegram itself, it is not ready.
    let (status, body) = w
        .call(Method::GET, "/readyz?part=telegram", None, None)
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("not_ready"))
    );
    w.telegram_up.set(true);
    let (status, body) = w
        .call(Method::GET, "/readyz?part=telegram", None, None)
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ready"))
    );
    let (status, _) = w.call(Method::GET, "/readyz?part=slack", None, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let admin = w
        .account("Admin", "admin@example.com", Role::Admin, None)
        .await;
    let sami = sami(&w).await;
    w.screen_ticket().await;
    let token = w.token(&admin).await;
    assert_eq!(w.get("/api/v1/tickets", &token).await.0, StatusCode::OK);
    assert_eq!(
        w.get("/metrics", &w.token(&sami).await).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, text) = w.get("/metrics", &token).await;
    assert_eq!(status, StatusCode::OK);
    let text = text.as_str().unwrap();
    for line in [
        "# TYPE guichet_tickets gauge",
        "guichet_tickets{status=\"open\",team=\"it\"} 1",
        "guichet_outbox_pending 0",
        "guichet_outbox_dead 0",
        "guichet_setup_problems 0",
        "guichet_scheduler_due_jobs 0",
        "guichet_scheduler_lag_seconds 0",
        "guichet_deliveries_total{channel=\"discord\",outcome=\"delivered\"}",
        "guichet_deliveries_total{channel=\"telegram\",outcome=\"delivered\"}",
        "guichet_http_requests_total{method=\"GET\",route=\"/api/v1/tickets\",status=\"200\"} 1",
        "guichet_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"403\"} 1",
        "guichet_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"503\"} 1",
        "guichet_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 2",
        // Latencies, as histograms: the employee's message handled, the card and
        // the confirmation delivered, the requests answered.
        "# TYPE guichet_event_handling_seconds histogram",
        "guichet_event_handling_seconds_count{platform=\"telegram\"} 1",
        "# TYPE guichet_delivery_seconds histogram",
        "guichet_delivery_seconds_bucket{le=\"+Inf\",channel=\"telegram\"}",
        "guichet_http_request_seconds_count{method=\"GET\",route=\"/readyz\"} 4",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    assert!(
        text.ends_with("# EOF\n"),
        "OpenMetrics text ends with # EOF"
    );
}

async fn every_answer_carries_its_request_id(w: WebDesk) {
    // Drawn here: in the header, and in an error's body to quote to support.
    let response = w.http.get(w.url("/api/v1/tickets")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 16, "{id}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["request_id"], json!(id));
    // Given by the proxy in front: kept, so both logs name the same request.
    let response = w
        .http
        .get(w.url("/healthz"))
        .header("x-request-id", "lb-7f3a-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "lb-7f3a-42");
    // Anything else a client sends is not written to the log: replaced.
    let response = w
        .http
        .get(w.url("/healthz"))
        .header("x-request-id", "x; rm -rf / #")
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert!(
        id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
}

async fn names_are_shown_as_text_never_run_as_markup(w: WebDesk) {
    // An administrator whose name was typed to break the page.
    let admin = w
        .account(
            r#"<script>alert("x")</script> & Cie"#,
            "admin@example.com",
            Role::Admin,
            None,
        )
        .await;
    let token = w.token(&admin).await;
    let (status, page) = w.get("/dashboard?lang=fr", &token).await;
    assert_eq!(status, StatusCode::OK);
    let page = page.as_str().unwrap();
    assert!(
        page.contains(
            "Connecté en tant que &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie"
        ),
        "{page}"
    );
    assert!(!page.contains("<script"), "{page}");
    // A destination written to break out of the login form stays a value.
    let page = w
        .http
        .get(w.url("/login?next=%2Fdashboard%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(
            r#"name="next" value="/dashboard&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;""#
        ),
        "{page}"
    );
    assert!(!page.contains("<script"), "{page}");
}

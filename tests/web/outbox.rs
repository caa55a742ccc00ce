//! What was not delivered, through the API: an administrator lists dead letters
//! and failed events and retries them; nobody else may; the audit trail names
//! the administrator.

use super::*;
use guichet_chat::{DeliveryError, Event, InboundSink, Refusal};
use sqlx::Row;

on_both_backends!(crate::WebDesk:
    an_admin_retries_a_dead_letter_and_it_arrives_once,
    a_failed_event_replayed_after_the_fix_opens_its_ticket,
);

const AKREM: &str = "2002";

/// The employee's confirmation of the screen ticket dies (Telegram refuses it for
/// good); returns the dead letter's id.
pub async fn a_dead_letter(w: &WebDesk) -> i64 {
    w.c.telegram.fail_next(
        1,
        DeliveryError::Permanent {
            reason: "Forbidden: bot was blocked by the user".into(),
            refusal: Refusal::Unreachable,
        },
    );
    w.screen_ticket().await;
    sqlx::query_scalar("SELECT MAX(id) FROM outbox WHERE status = 'dead'")
        .fetch_one(w.c.d.store.pool())
        .await
        .unwrap()
}

/// A failed event kept as the engine keeps one: Akrem's first message. Returns
/// its id.
pub async fn a_failed_event(w: &WebDesk) -> i64 {
    let event = akrem_writes(w);
    let mut tx = w.c.d.store.begin().await.unwrap();
    store::failed_events::record(
        &mut tx,
        Telegram,
        &event.event_id,
        &serde_json::to_string(&event).unwrap(),
        "a defect",
        w.c.d.clock_now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    sqlx::query_scalar("SELECT MAX(id) FROM failed_events")
        .fetch_one(w.c.d.store.pool())
        .await
        .unwrap()
}

fn akrem_writes(w: &WebDesk) -> guichet_chat::Inbound {
    w.c.inbound(
        Telegram,
        AKREM,
        "Akrem Grayaa",
        Event::DirectMessage {
            chat: AKREM.into(),
            message_id: "akrem-1".into(),
            text: SCREEN.into(),
            files: Vec::new(),
            reply_to: None,
        },
    )
}

async fn an_admin_retries_a_dead_letter_and_it_arrives_once(w: WebDesk) {
    let admin = w
        .account("Admin IT", "admin@example.com", Role::Admin, None)
        .await;
    let admin_token = w.token(&admin).await;
    let agent_token = w.token(&sami(&w).await).await;
    let id = a_dead_letter(&w).await;
    let confirmations = || {
        w.c.telegram
            .texts_to(IHEB)
            .iter()
            .filter(|t| t.contains("TCK-20250214-001"))
            .count()
    };
    assert_eq!(confirmations(), 0, "the confirmation died");

    // An agent may neither see nor retry.
    let retry = format!("/api/v1/outbox/{id}/retry");
    for (method, path) in [
        (Method::GET, "/api/v1/outbox/dead-letters"),
        (Method::POST, retry.as_str()),
        (Method::POST, "/api/v1/outbox/dead-letters/retry"),
    ] {
        let (status, body) = w.call(method, path, Some(&agent_token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        assert_eq!(body["error"]["code"], "forbidden");
    }

    // The administrator sees it, with its ticket and why it died.
    let (status, body) = w.get("/api/v1/outbox/dead-letters", &admin_token).await;
    assert_eq!(status, StatusCode::OK);
    let dead = items(&body);
    assert_eq!(dead.len(), 1, "{body}");
    assert_eq!(dead[0]["id"], id);
    assert_eq!(dead[0]["channel"], "telegram");
    assert_eq!(dead[0]["ticket"], "TCK-20250214-001");
    assert_eq!(
        dead[0]["last_error"],
        "Forbidden: bot was blocked by the user"
    );

    // Unknown and malformed ids.
    let (status, body) = w
        .call(
            Method::POST,
            "/api/v1/outbox/99999/retry",
            Some(&admin_token),
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, _) = w
        .call(
            Method::POST,
            "/api/v1/outbox/dix/retry",
            Some(&admin_token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Retried: pending again, then delivered once.
    let (status, body) = w.call(Method::POST, &retry, Some(&admin_token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["id"].as_i64(), body["status"].as_str()),
        (Some(id), Some("pending"))
    );
    let (status, body) = w.call(Method::POST, &retry, Some(&admin_token), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        body["error"]["message"],
        format!(
            "La ligne {id} de la file d'envoi n'est pas une lettre morte (elle est « pending ») : seules les lettres mortes sont renvoyées."
        )
    );
    w.c.deliver().await;
    w.c.deliver().await;
    assert_eq!(confirmations(), 1, "delivered once");
    let (_, body) = w.get("/api/v1/outbox/dead-letters", &admin_token).await;
    assert!(items(&body).is_empty(), "{body}");

    // The ticket's audit trail names the administrator.
    let (_, ticket) = w
        .get("/api/v1/tickets/TCK-20250214-001", &admin_token)
        .await;
    let retried: Vec<_> = ticket["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "delivery_retried")
        .cloned()
        .collect();
    assert_eq!(retried.len(), 1, "{ticket}");
    assert_eq!(retried[0]["actor"]["name"], "Admin IT", "{}", retried[0]);
    assert_eq!(retried[0]["origin"], "web", "{}", retried[0]);
}

async fn a_failed_event_replayed_after_the_fix_opens_its_ticket(w: WebDesk) {
    let admin = w
        .account("Admin IT", "admin@example.com", Role::Admin, None)
        .await;
    let admin_token = w.token(&admin).await;
    let agent_token = w.token(&sami(&w).await).await;
    // A defect: opening this one ticket violates a rule of the database, every time.
    let poison: &[&'static str] = match w.c.d.store.backend() {
        store::Backend::Sqlite => &["CREATE TRIGGER poison BEFORE INSERT ON tickets \
             WHEN NEW.subject LIKE '%écran%' BEGIN SELECT RAISE(ABORT, 'poisoned'); END"],
        store::Backend::Postgres => &[
            "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN \
               IF NEW.subject LIKE '%écran%' THEN RAISE EXCEPTION 'poisoned'; END IF; \
               RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER poison BEFORE INSERT ON tickets \
             FOR EACH ROW EXECUTE FUNCTION poison()",
        ],
    };
    for statement in poison {
        sqlx::query(sqlx::AssertSqlSafe(*statement))
            .execute(w.c.d.store.pool())
            .await
            .unwrap();
    }
    let sink: &dyn InboundSink = &w.c.engine;
    sink.handle(akrem_writes(&w))
        .await
        .expect("set aside, acknowledged");
    assert_eq!(tickets(&w).await, 0);

    let (status, _) = w.get("/api/v1/failed-events", &agent_token).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = w.get("/api/v1/failed-events", &admin_token).await;
    assert_eq!(status, StatusCode::OK);
    let failed = items(&body);
    assert_eq!(failed.len(), 1, "{body}");
    assert!(
        failed[0]["error"].as_str().unwrap().contains("poisoned"),
        "{body}"
    );
    assert_eq!(failed[0]["event"]["author"]["display_name"], "Akrem Grayaa");
    let replay = format!("/api/v1/failed-events/{}/replay", failed[0]["id"]);

    // Replayed before the defect is fixed: it fails again and stays aside.
    let (status, body) = w
        .call(Method::POST, &replay, Some(&admin_token), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("a de nouveau échoué"),
        "{body}"
    );
    assert!(
        !body.to_string().contains("poisoned"),
        "no SQL in the body: {body}"
    );
    let (_, body) = w.get("/api/v1/failed-events", &admin_token).await;
    assert_eq!(items(&body).len(), 1);

    // Fixed, replayed: the ticket is opened and Akrem hears of it.
    let cure: &[&'static str] = match w.c.d.store.backend() {
        store::Backend::Sqlite => &["DROP TRIGGER poison"],
        store::Backend::Postgres => &["DROP TRIGGER poison ON tickets", "DROP FUNCTION poison()"],
    };
    for statement in cure {
        sqlx::query(sqlx::AssertSqlSafe(*statement))
            .execute(w.c.d.store.pool())
            .await
            .unwrap();
    }
    let (status, _) = w
        .call(Method::POST, &replay, Some(&agent_token), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = w
        .call(Method::POST, &replay, Some(&admin_token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["outcome"], "replayed");
    assert_eq!(tickets(&w).await, 1);
    w.c.deliver().await;
    assert!(
        w.c.telegram
            .texts_to(AKREM)
            .iter()
            .any(|t| t.contains("TCK-20250214-001")),
        "{:?}",
        w.c.telegram.texts_to(AKREM)
    );
    // Marked replayed: no longer listed, not replayed twice, audited.
    let (_, body) = w.get("/api/v1/failed-events", &admin_token).await;
    assert!(items(&body).is_empty(), "{body}");
    let (status, body) = w
        .call(Method::POST, &replay, Some(&admin_token), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) = w
        .call(
            Method::POST,
            "/api/v1/failed-events/99999/replay",
            Some(&admin_token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let audit = sqlx::query(
        "SELECT actor_id, origin, old_value FROM audit_events WHERE action = 'delivery_retried'",
    )
    .fetch_all(w.c.d.store.pool())
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        audit[0].get::<Option<i64>, _>("actor_id"),
        Some(admin.user.0)
    );
    assert_eq!(audit[0].get::<String, _>("origin"), "web");
    assert!(
        audit[0]
            .get::<String, _>("old_value")
            .starts_with("telegram event"),
    );
}

async fn tickets(w: &WebDesk) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(w.c.d.store.pool())
        .await
        .unwrap()
}

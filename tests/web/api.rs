//! The JSON API: who sees what, filters and pages, changes that reach the chat,
//! bad input (unreadable bodies: `bodies.rs`; the document: `openapi.rs`).

use std::collections::BTreeSet;

use super::*;
use guichet::domain::Status;
use guichet_chat::Outbound;
use serde_json::json;

on_both_backends!(crate::WebDesk:
    each_role_sees_what_the_matrix_says,
    filters_and_pages,
    an_update_through_the_api_reaches_the_chat,
    a_decision_through_the_api_reaches_the_employee,
    bad_input_is_a_400_with_a_clear_message,
);

async fn each_role_sees_what_the_matrix_says(w: WebDesk) {
    let admin = w
        .account("Admin", "admin@example.com", Role::Admin, None)
        .await;
    let sami = sami(&w).await;
    let hr = w
        .account("Leila Hamdi", "leila@example.com", Role::Hr, Some("hr"))
        .await;
    let iheb = w
        .account("Iheb Issaoui", "iheb@example.com", Role::Employee, None)
        .await;
    let akrem = w.c.d.employee("Akrem Grayaa").await;
    let screen =
        w.c.d
            .open(&iheb, "Écran noir au démarrage", "hardware")
            .await;
    let leave =
        w.c.d
            .open(&akrem, "Demande de congé maternité", "hr_request")
            .await;
    let trip =
        w.c.d
            .open(
                &akrem,
                "Remboursement hôtel Paris 20–25 mars",
                "finance_travel",
            )
            .await;
    let [admin, sami, hr, iheb] = [
        w.token(&admin).await,
        w.token(&sami).await,
        w.token(&hr).await,
        w.token(&iheb).await,
    ];
    let all = |refs: &[&guichet::domain::Ticket]| -> Vec<String> {
        refs.iter().map(|t| t.reference.to_string()).collect()
    };
    for (token, expected) in [
        (&admin, all(&[&trip, &leave, &screen])),
        (&sami, all(&[&screen])),
        (&hr, all(&[&leave])),
        (&iheb, all(&[&screen])),
    ] {
        let (status, body) = w.get("/api/v1/tickets", token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(references(&body), expected);
    }
    // An HR ticket does not exist for IT; a requester reads no internal notes.
    let hr_path = format!("/api/v1/tickets/{}", leave.reference);
    let (status, body) = w.get(&hr_path, &sami).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(
        body["error"]["message"].as_str().unwrap(),
        format!(
            "Je ne trouve pas le ticket {}, ou vous n'y avez pas accès.",
            leave.reference
        )
    );
    let (status, body) = w.get(&hr_path, &hr).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["audit"].is_array());
    let screen_path = format!("/api/v1/tickets/{}", screen.reference);
    let (status, body) = w.get(&screen_path, &iheb).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["audit"].is_null(), "the requester sees no audit trail");
    // People are for admins; one's own record is for oneself.
    assert_eq!(w.get("/api/v1/users", &sami).await.0, StatusCode::FORBIDDEN);
    let (status, body) = w.get("/api/v1/users", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(items(&body).len(), 5);
    let (_, me) = w.get("/api/v1/me", &sami).await;
    assert_eq!(me["role"], "agent");
    assert_eq!(me["teams"], json!(["it"]));
    assert_eq!(me["identities"], json!([format!("discord:{SAMI}")]));
    let own = format!("/api/v1/users/{}", me["id"]);
    assert_eq!(w.get(&own, &sami).await.0, StatusCode::OK);
    let other = format!("/api/v1/users/{}", akrem.user.0);
    assert_eq!(w.get(&other, &sami).await.0, StatusCode::FORBIDDEN);
    // Statistics follow the same matrix: none for employees, their teams for staff.
    assert_eq!(w.get("/api/v1/stats", &iheb).await.0, StatusCode::FORBIDDEN);
    let (status, stats) = w.get("/api/v1/stats", &sami).await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    assert_eq!(stats["opened"], 1);
    assert_eq!(stats["by_team"], json!({ "it": 1 }));
    let (_, stats) = w.get("/api/v1/stats", &admin).await;
    assert_eq!(stats["opened"], 3);
    let (_, stats) = w.get("/api/v1/stats", &hr).await;
    assert_eq!(stats["by_team"], json!({ "hr": 1 }));
    // Teams show their members to staff only; categories to everyone.
    let (_, teams) = w.get("/api/v1/teams", &iheb).await;
    assert!(items(&teams).iter().all(|t| t.get("members").is_none()));
    let (_, teams) = w.get("/api/v1/teams", &sami).await;
    let it = items(&teams)
        .into_iter()
        .find(|t| t["slug"] == "it")
        .unwrap();
    assert_eq!(it["members"][0]["name"], "Sami Ben Ali");
    let (_, categories) = w.get("/api/v1/categories", &iheb).await;
    let travel = items(&categories)
        .into_iter()
        .find(|c| c["slug"] == "finance_travel")
        .unwrap();
    assert_eq!(
        (travel["team"].as_str(), travel["needs_approval"].as_bool()),
        (Some("finance"), Some(true))
    );
}

async fn filters_and_pages(w: WebDesk) {
    let admin = w
        .account("Admin", "admin@example.com", Role::Admin, None)
        .await;
    let iheb = w.c.d.employee("Iheb Issaoui").await;
    let akrem = w.c.d.employee("Akrem Grayaa").await;
    let mut opened = Vec::new();
    for (who, subject, category) in [
        (&iheb, "Écran noir au démarrage", "hardware"),
        (&iheb, "Wifi coupé au 3e étage", "network"),
        (
            &akrem,
            "Remboursement hôtel Paris 20–25 mars",
            "finance_travel",
        ),
        (&akrem, "Licence Office expirée", "software"),
        (&iheb, "Clavier 100% cassé", "hardware"),
        (&akrem, "Accès VPN refusé", "access"),
        (&iheb, "Souris sans fil", "hardware"),
    ] {
        opened.push(w.c.d.open(who, subject, category).await);
    }
    let token = w.token(&admin).await;
    // Pages of 3 cover the 7 tickets once each, newest first.
    let mut seen = Vec::new();
    let mut path = "/api/v1/tickets?limit=3".to_owned();
    loop {
        let (status, body) = w.get(&path, &token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        seen.extend(references(&body));
        match body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/tickets?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    let expected: Vec<String> = opened
        .iter()
        .rev()
        .map(|t| t.reference.to_string())
        .collect();
    assert_eq!(seen, expected);
    let subjects = |body: &Value| -> Vec<String> {
        items(body)
            .iter()
            .map(|t| t["subject"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, body) = w.get("/api/v1/tickets?category=hardware", &token).await;
    assert_eq!(
        subjects(&body),
        [
            "Souris sans fil",
            "Clavier 100% cassé",
            "Écran noir au démarrage"
        ]
    );
    let (_, body) = w.get("/api/v1/tickets?team=finance", &token).await;
    assert_eq!(subjects(&body), ["Remboursement hôtel Paris 20–25 mars"]);
    let path = format!(
        "/api/v1/tickets?requester={}&category=hardware&limit=1",
        iheb.user.0
    );
    let (_, body) = w.get(&path, &token).await;
    assert_eq!(subjects(&body), ["Souris sans fil"]);
    assert!(body["next_cursor"].is_string());
    // Text search: any case, and `%` is a character, not a wildcard.
    let (_, body) = w.get("/api/v1/tickets?q=PARIS", &token).await;
    assert_eq!(subjects(&body), ["Remboursement hôtel Paris 20–25 mars"]);
    let (_, body) = w.get("/api/v1/tickets?q=100%25", &token).await;
    assert_eq!(subjects(&body), ["Clavier 100% cassé"]);
    let (_, body) = w.get("/api/v1/tickets?q=0%25%20c", &token).await;
    assert_eq!(subjects(&body), ["Clavier 100% cassé"]);
    let (_, body) = w
        .get("/api/v1/tickets?status=open&priority=P2&limit=200", &token)
        .await;
    assert_eq!(
        items(&body).len(),
        opened
            .iter()
            .filter(|t| t.priority == guichet::domain::Priority::P2)
            .count()
    );
    let (_, body) = w.get("/api/v1/tickets?status=resolved", &token).await;
    assert!(items(&body).is_empty());
    // Bad filters say what is wrong, in French by default and in English when asked.
    let (status, body) = w.get("/api/v1/tickets?status=ouvert", &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
    assert_eq!(
        body["error"]["message"],
        "Valeur « ouvert » invalide pour « status »."
    );
    let (_, body) = w.get("/api/v1/tickets?statut=open&lang=en", &token).await;
    assert_eq!(
        body["error"]["message"].as_str().unwrap(),
        "Unknown parameter “statut”. Accepted parameters: status, team, priority, category, assignee, requester, q, limit, cursor."
    );
    let (status, body) = w.get("/api/v1/tickets?limit=500", &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"]["message"],
        "« limit » doit être compris entre 1 et 200 (reçu : 500)."
    );
    // Without a caller, the browser's language decides.
    let response = w
        .http
        .get(w.url("/api/v1/tickets"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "Log in first: a session or an API token (Authorization: Bearer …) is required."
    );
}

async fn an_update_through_the_api_reaches_the_chat(w: WebDesk) {
    let sami_actor = sami(&w).await;
    let nour = w
        .account("Nour Trabelsi", "nour@example.com", Role::Agent, Some("it"))
        .await;
    w.c.d.link(&nour, "discord:1002").await;
    let reference = w.screen_ticket().await;
    let thread = w.c.discord.threads().last().unwrap().0.clone();
    let token = w.token(&sami_actor).await;
    let path = format!("/api/v1/tickets/{reference}");
    let (status, body) = w
        .call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({ "priority": "P1", "assignee": nour.user.0, "status": "waiting_on_user" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["priority"].as_str(), body["status"].as_str()),
        (Some("P1"), Some("waiting_on_user"))
    );
    assert_eq!(body["assignee"]["name"], "Nour Trabelsi");
    w.c.deliver().await;
    // The thread says who did what, the card is redrawn, Nour and the requester are told.
    let posts = w.c.discord.posts_in(&thread);
    for expected in [
        "⚡ Sami Ben Ali passe la priorité à P1 Urgent.",
        "👤 Sami Ben Ali confie le ticket à Nour Trabelsi.",
        "🔁 Sami Ben Ali passe le statut à « En attente du demandeur ».",
    ] {
        assert!(
            posts.iter().any(|p| p == expected),
            "{expected:?} not in {posts:?}"
        );
    }
    assert!(
        w.c.discord
            .delivered()
            .iter()
            .any(|a| matches!(a, Outbound::UpdateCard { card, .. }
        if card.fields.iter().any(|f| f.value.contains("Nour Trabelsi"))))
    );
    assert!(
        w.c.discord
            .texts_to("1002")
            .iter()
            .any(|m| m.starts_with("📌 Nouveau ticket pour vous"))
    );
    assert!(
        w.c.telegram
            .texts_to(IHEB)
            .iter()
            .any(|m| m.contains("L'équipe attend votre réponse"))
    );
    // The audit trail says it came from the web.
    let (_, detail) = w.get(&path, &token).await;
    let origins: BTreeSet<(String, String)> = detail["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"]["name"] == "Sami Ben Ali")
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["origin"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for action in ["priority_changed", "assigned", "status_changed"] {
        assert!(
            origins.contains(&(action.to_owned(), "web".to_owned())),
            "{origins:?}"
        );
    }
    // A refused change changes nothing: all or nothing.
    let (status, body) = w
        .call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({ "priority": "P0", "status": "open", "team": "nowhere" })),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(
        body["error"]["message"],
        "Je ne connais pas le service « nowhere »."
    );
    let mut conn = w.c.d.store.pool().acquire().await.unwrap();
    let t = store::tickets::by_reference(&mut conn, &reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (t.priority, t.status),
        (guichet::domain::Priority::P1, Status::WaitingOnUser)
    );
    // An employee may not change a ticket, not even their own.
    let iheb =
        store::users::find_by_identity(&mut conn, &format!("telegram:{IHEB}").parse().unwrap())
            .await
            .unwrap()
            .unwrap();
    let iheb = w.c.d.desk.actor(&mut conn, iheb.id).await.unwrap();
    let employee = w.token(&iheb).await;
    let (status, body) = w
        .call(
            Method::PATCH,
            &path,
            Some(&employee),
            Some(json!({ "priority": "P0" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

async fn a_decision_through_the_api_reaches_the_employee(w: WebDesk) {
    let karim = w
        .account(
            "Karim Mansour",
            "karim@example.com",
            Role::Agent,
            Some("finance"),
        )
        .await;
    w.c.dm(
        Telegram,
        "2002",
        "Akrem Grayaa",
        "Remboursement hôtel et train pour Paris du 20 au 25 mars",
    )
    .await;
    w.c.deliver().await;
    let token = w.token(&karim).await;
    let (_, list) = w
        .get("/api/v1/tickets?category=finance_travel", &token)
        .await;
    let reference = references(&list).remove(0);
    let path = format!("/api/v1/tickets/{reference}");
    // A refusal says why, or it is refused; a note alone means nothing.
    let (status, body) = w
        .call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({ "decision": "refuse" })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Un refus doit être motivé")
    );
    let (status, _) = w
        .call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({ "decision_text": "ok" })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = w
        .call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({ "decision": "refuse", "decision_text": "Budget de déplacement épuisé" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "resolved");
    w.c.deliver().await;
    let told = w.c.telegram.texts_to("2002");
    assert!(
        told.iter().any(|t| t.contains(&format!(
            "Votre demande {reference} est refusée par Karim Mansour"
        )) && t.contains("Motif : Budget de déplacement épuisé")),
        "{told:?}"
    );
    let (_, detail) = w.get(&path, &token).await;
    assert!(
        detail["audit"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "refused"
                && e["origin"] == "web"
                && e["new_value"] == "Budget de déplacement épuisé")
    );
    // Decided already: nothing left to decide.
    let (status, _) = w
        .call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({ "decision": "approve" })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

async fn bad_input_is_a_400_with_a_clear_message(w: WebDesk) {
    let sami = sami(&w).await;
    let reference = w.screen_ticket().await;
    let token = w.token(&sami).await;
    let path = format!("/api/v1/tickets/{reference}");
    let patch = |body: Value| w.call(Method::PATCH, &path, Some(&token), Some(body));
    let (status, body) = patch(json!({ "priority": "P7" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"]["message"],
        "Valeur « P7 » invalide pour « priority »."
    );
    let (status, body) = patch(json!({ "colour": "red" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("colour"),
        "{body}"
    );
    let (status, body) = patch(json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Rien à modifier")
    );
    let (status, body) = patch(json!({ "status": "resolved", "priority": "P3" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = patch(json!({ "status": "waiting_on_user" })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // Not JSON at all, a malformed reference, an unknown one, an unknown address.
    let response = w
        .http
        .patch(w.url(&path))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{priority: P1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Corps de requête invalide"),
        "{body}"
    );
    let (status, body) = w.get("/api/v1/tickets/TICKET-1", &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = w.get("/api/v1/tickets/TCK-20250214-999", &token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = w.get("/api/v1/nothing", &token).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, _) = w.call(Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, body) = w
        .get("/api/v1/stats?from=2025-03-01&to=2025-02-01", &token)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Période invalide")
    );
}

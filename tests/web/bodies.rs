//! Requests the endpoint cannot read: a body of the wrong media type (415), too
//! large (413), or not what the route takes (422) is answered with a code that says
//! so and a sentence in the reader's language, never with serde's English.

use super::*;
use guichet::web::BODY_LIMIT;
use serde_json::json;

on_both_backends!(crate::WebDesk:
    a_body_that_is_not_json_is_a_415_in_the_readers_language,
    a_field_the_api_does_not_take_is_a_422_that_names_it,
    a_body_too_large_is_a_413_that_gives_the_limit,
    a_login_form_sent_as_json_is_a_415,
);

/// The screen ticket, and the token of Sami, who works on it.
struct Screen {
    path: String,
    token: String,
}

async fn screen(w: &WebDesk) -> Screen {
    let sami = sami(w).await;
    let reference = w.screen_ticket().await;
    Screen {
        path: format!("/api/v1/tickets/{reference}"),
        token: w.token(&sami).await,
    }
}

/// Sends `body` as `content_type` to change the screen ticket; the answer's status,
/// code and message.
async fn change(
    w: &WebDesk,
    screen: &Screen,
    query: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> (StatusCode, String, String) {
    let response = w
        .http
        .patch(w.url(&format!("{}{query}", screen.path)))
        .bearer_auth(&screen.token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    let error = |field: &str| body["error"][field].as_str().unwrap_or_default().to_owned();
    (status, error("code"), error("message"))
}

/// What serde or axum would have said, in English, instead of the reader's words.
fn no_internals(message: &str) {
    for internal in [
        "deserialize",
        "invalid type",
        "i64",
        "at line",
        "column",
        "Failed",
        "`",
    ] {
        assert!(!message.contains(internal), "{internal:?} in {message:?}");
    }
}

async fn a_body_that_is_not_json_is_a_415_in_the_readers_language(w: WebDesk) {
    let s = screen(&w).await;
    let (status, code, message) = change(&w, &s, "", "text/plain", "priority=P1").await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
    assert_eq!(
        message,
        "Type de contenu non accepté : envoyez le corps en application/json (en-tête Content-Type)."
    );
    let (status, _, message) = change(&w, &s, "?lang=en", "text/plain", "priority=P1").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        message,
        "Unsupported content type: send the body as application/json (Content-Type header)."
    );
}

async fn a_field_the_api_does_not_take_is_a_422_that_names_it(w: WebDesk) {
    let s = screen(&w).await;
    let (_, before) = w.get(&s.path, &s.token).await;
    let unknown = json!({ "priority": "P0", "colour": "red" }).to_string();
    let (status, code, message) = change(&w, &s, "", "application/json", unknown.clone()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable")
    );
    assert_eq!(
        message,
        "Corps de requête invalide : champ « colour » inconnu. Champs acceptés : \
         assignee, decision, decision_text, priority, status, team."
    );
    let (_, _, message) = change(&w, &s, "?lang=en", "application/json", unknown).await;
    assert_eq!(
        message,
        "Invalid request body: unknown field “colour”. Accepted fields: \
         assignee, decision, decision_text, priority, status, team."
    );
    // A known field of the wrong type: said without serde's words.
    let wrong = json!({ "assignee": "Sami" }).to_string();
    let (status, code, message) = change(&w, &s, "", "application/json", wrong.clone()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable")
    );
    assert!(
        message
            .starts_with("Corps de requête invalide : un champ manque ou n'a pas le type attendu."),
        "{message}"
    );
    no_internals(&message);
    let (_, _, message) = change(&w, &s, "?lang=en", "application/json", wrong).await;
    assert!(
        message.starts_with("Invalid request body: a field is missing or does not have"),
        "{message}"
    );
    no_internals(&message);
    // Not JSON at all: a 400.
    let (status, code, message) = change(&w, &s, "", "application/json", "{priority: P0").await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    assert_eq!(
        message,
        "Corps de requête invalide : ce n'est pas du JSON bien formé."
    );
    // None of them changed the ticket.
    let (_, after) = w.get(&s.path, &s.token).await;
    assert_eq!(after["priority"], before["priority"]);
    assert_ne!(after["priority"], "P0");
}

async fn a_body_too_large_is_a_413_that_gives_the_limit(w: WebDesk) {
    let s = screen(&w).await;
    let too_large = || {
        let mut body = br#"{"team": ""#.to_vec();
        body.resize(BODY_LIMIT + 1, b'x');
        body.extend_from_slice(br#""}"#);
        body
    };
    let (status, code, message) = change(&w, &s, "", "application/json", too_large()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    assert_eq!(
        message,
        "Corps de requête trop volumineux : 2048 Kio au plus."
    );
    let (_, _, message) = change(&w, &s, "?lang=en", "application/json", too_large()).await;
    assert_eq!(message, "Request body too large: 2048 KiB at most.");
}

async fn a_login_form_sent_as_json_is_a_415(w: WebDesk) {
    let response = w
        .http
        .post(w.url("/login?lang=en"))
        .json(&json!({ "email": "sami@example.com", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unsupported_media_type");
    assert_eq!(
        body["error"]["message"],
        "Unsupported content type: send the body as application/x-www-form-urlencoded \
         (Content-Type header)."
    );
}

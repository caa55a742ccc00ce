//! The OpenAPI document, generated from the registration the router is built from
//! (`web::routes`): every route it lists is served with exactly the methods it
//! lists, and whatever a route answers, probed with each kind of bad request, is an
//! answer its document describes, errors in the documented shape.

use std::collections::BTreeSet;

use super::*;
use guichet::web::BODY_LIMIT;

on_both_backends!(crate::WebDesk:
    every_route_is_served_as_documented,
    every_answer_is_documented_in_its_shape,
);

const ERROR: &str = "#/components/schemas/Error";

/// One documented operation: its method, its path and what the document says.
struct Operation {
    method: Method,
    path: String,
    doc: Value,
}

fn operations(spec: &Value) -> Vec<Operation> {
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, doc) in item.as_object().unwrap() {
            found.push(Operation {
                method: method.to_uppercase().parse().unwrap(),
                path: path.clone(),
                doc: doc.clone(),
            });
        }
    }
    found
}

async fn document(w: &WebDesk, token: &str) -> Value {
    let (status, spec) = w.get("/api/v1/openapi.json", token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(spec["openapi"], "3.1.0");
    spec
}

/// Every route the endpoint serves, as `METHOD /path`.
const ROUTES: [&str; 24] = [
    "GET /",
    "GET /healthz",
    "GET /readyz",
    "GET /metrics",
    "GET /login",
    "POST /login",
    "POST /logout",
    "GET /dashboard",
    "GET /api/v1/openapi.json",
    "GET /api/v1/me",
    "GET /api/v1/tickets",
    "GET /api/v1/tickets/{reference}",
    "PATCH /api/v1/tickets/{reference}",
    "GET /api/v1/users",
    "GET /api/v1/users/{id}",
    "GET /api/v1/teams",
    "GET /api/v1/categories",
    "GET /api/v1/stats",
    "GET /api/v1/outbox/dead-letters",
    "POST /api/v1/outbox/dead-letters/retry",
    "POST /api/v1/outbox/{id}/retry",
    "GET /api/v1/failed-events",
    "POST /api/v1/failed-events/replay",
    "POST /api/v1/failed-events/{id}/replay",
];

async fn every_route_is_served_as_documented(w: WebDesk) {
    let admin = w
        .account("Admin", "admin@example.com", Role::Admin, None)
        .await;
    let token = w.token(&admin).await;
    let spec = document(&w, &token).await;
    let documented: BTreeSet<_> = operations(&spec)
        .iter()
        .map(|o| format!("{} {}", o.method, o.path))
        .collect();
    let expected: BTreeSet<_> = ROUTES.map(str::to_owned).into();
    assert_eq!(documented, expected);
    // On each documented path, a method the document does not list is refused.
    let paths: BTreeSet<_> = operations(&spec).into_iter().map(|o| o.path).collect();
    for path in paths {
        let concrete = path
            .replace("{reference}", "TCK-20250214-001")
            .replace("{id}", "1");
        for method in [
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::PUT,
            Method::DELETE,
        ] {
            if documented.contains(&format!("{method} {path}")) {
                continue;
            }
            let (status, body) = w.call(method.clone(), &concrete, Some(&token), None).await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")),
                "{method} {path}"
            );
        }
    }
    // Every API route says what a missing caller and a failing server get, in the
    // error shape.
    for op in operations(&spec)
        .iter()
        .filter(|o| o.path.starts_with("/api/v1/"))
    {
        for status in ["401", "500"] {
            assert_eq!(
                op.doc["responses"][status]["content"]["application/json"]["schema"]["$ref"], ERROR,
                "{} {} {status}",
                op.method, op.path
            );
        }
    }
}

/// A request to try against an operation.
struct Probe {
    what: &'static str,
    path: String,
    token: Option<String>,
    body: Option<(&'static str, Vec<u8>)>,
}

async fn every_answer_is_documented_in_its_shape(w: WebDesk) {
    let admin = w
        .account("Admin", "admin@example.com", Role::Admin, None)
        .await;
    let token = w.token(&admin).await;
    let employee =
        w.c.d
            .person("Iheb Issaoui", Role::Employee, None, &[])
            .await;
    let employee = w.token(&employee).await;
    let reference = w.c.d.open(&admin, "Écran noir", "hardware").await.reference;
    let dead = crate::outbox::a_dead_letter(&w).await;
    let failed = crate::outbox::a_failed_event(&w).await;
    let spec = document(&w, &token).await;
    let mut answered = BTreeSet::new();
    for op in operations(&spec) {
        let id = if op.path.starts_with("/api/v1/outbox/") {
            dead
        } else if op.path.starts_with("/api/v1/failed-events/") {
            failed
        } else {
            admin.user.0
        };
        let path = op
            .path
            .replace("{reference}", &reference.to_string())
            .replace("{id}", &id.to_string());
        for probe in probes(&op, &path, &token, &employee) {
            let status = check(&w, &op, &probe).await;
            answered.insert(status);
        }
    }
    // The probes reached every kind of answer, errors included.
    for status in [200, 303, 400, 401, 403, 404, 409, 413, 415, 422] {
        assert!(
            answered.contains(&status),
            "{status} never answered: {answered:?}"
        );
    }
}

/// The operation called as it is meant to be, then in every wrong way that applies
/// to it.
fn probes(op: &Operation, path: &str, token: &str, employee: &str) -> Vec<Probe> {
    let probe = |what, path: &str, token: Option<&str>, body| Probe {
        what,
        path: path.to_owned(),
        token: token.map(str::to_owned),
        body,
    };
    let mut probes = vec![
        probe("as an administrator", path, Some(token), None),
        probe("without a caller", path, None, None),
        probe("as an employee", path, Some(employee), None),
    ];
    if op.path.contains('{') {
        for wrong in ["TICKET-1", "abc", "TCK-20250214-999", "999999"] {
            let wrong_path = op.path.replace("{reference}", wrong).replace("{id}", wrong);
            probes.push(probe("with a wrong path", &wrong_path, Some(token), None));
        }
    }
    for parameter in op.doc["parameters"].as_array().into_iter().flatten() {
        if parameter["in"] == "query" {
            let name = parameter["name"].as_str().unwrap();
            let wrong = format!("{path}?{name}=not-a-value");
            probes.push(probe("with a wrong parameter", &wrong, Some(token), None));
        }
    }
    probes.push(probe(
        "with an unknown parameter",
        &format!("{path}?bogus=1"),
        Some(token),
        None,
    ));
    probes.extend(body_probes(op, path, token));
    probes
}

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// What may be sent to a route that reads JSON: `(what, media type, body)`.
const JSON_BODIES: [(&str, &str, &[u8]); 5] = [
    ("with nothing to change", JSON, b"{}"),
    ("with a form", FORM, b"priority=P1"),
    ("with broken JSON", JSON, b"{priority: P1"),
    ("with an unknown field", JSON, br#"{"colour": "red"}"#),
    ("with a wrong type", JSON, br#"{"assignee": "Sami"}"#),
];

/// What may be sent to a route that reads a form.
const FORM_BODIES: [(&str, &str, &[u8]); 3] = [
    (
        "with a wrong password",
        FORM,
        b"email=admin%40example.com&password=wrong",
    ),
    ("with JSON", JSON, br#"{"email": "admin@example.com"}"#),
    ("with fields missing", FORM, b"next=%2F"),
];

/// The bodies a route that reads one may be sent: right, of the wrong media type,
/// broken, unfit, and one byte too large.
fn body_probes(op: &Operation, path: &str, token: &str) -> Vec<Probe> {
    let content = &op.doc["requestBody"]["content"];
    let (bodies, media, prefix, suffix): (&[_], _, _, _) = if content.get(JSON).is_some() {
        (&JSON_BODIES, JSON, r#"{"team": ""#, r#""}"#)
    } else if content.get(FORM).is_some() {
        (&FORM_BODIES, FORM, "email=", "")
    } else {
        return Vec::new();
    };
    let mut too_large = prefix.as_bytes().to_vec();
    too_large.resize(BODY_LIMIT + 1, b'x');
    too_large.extend_from_slice(suffix.as_bytes());
    bodies
        .iter()
        .map(|&(what, media, body)| (what, media, body.to_vec()))
        .chain([("too large", media, too_large)])
        .map(|(what, media, body)| Probe {
            what,
            path: path.to_owned(),
            token: Some(token.to_owned()),
            body: Some((media, body)),
        })
        .collect()
}

/// Sends the probe; its answer must be one the operation documents, with the
/// documented media type, and an error in the documented shape. Returns its status.
async fn check(w: &WebDesk, op: &Operation, probe: &Probe) -> u16 {
    let mut request = w.http.request(op.method.clone(), w.url(&probe.path));
    if let Some(token) = &probe.token {
        request = request.bearer_auth(token);
    }
    if let Some((content_type, body)) = &probe.body {
        request = request
            .header("content-type", *content_type)
            .body(body.clone());
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (media, request_id) = (header("content-type"), header("x-request-id"));
    let text = response.text().await.unwrap();
    let context = format!(
        "{} {} {}: {status} {}",
        op.method,
        probe.path.chars().take(120).collect::<String>(),
        probe.what,
        text.chars().take(300).collect::<String>()
    );
    let documented = &op.doc["responses"][status.as_str()];
    assert!(documented.is_object(), "not documented: {context}");
    let media = media.split(';').next().unwrap().trim();
    if let Some(content) = documented["content"].as_object() {
        assert!(
            content.contains_key(media),
            "{media} not documented: {context}"
        );
    }
    let schema = &documented["content"]["application/json"]["schema"]["$ref"];
    if status.as_u16() >= 400 && op.path.starts_with("/api/v1/") {
        assert_eq!(
            schema, ERROR,
            "an API error not in the error shape: {context}"
        );
    }
    if schema == ERROR {
        let body: Value = serde_json::from_str(&text).unwrap();
        let error = &body["error"];
        for field in ["code", "message"] {
            let value = error[field].as_str().unwrap_or_default();
            assert!(!value.is_empty(), "{field}: {context}");
        }
        assert!(
            !error["message"].as_str().unwrap().starts_with("web-"),
            "a key, not a sentence: {context}"
        );
        assert_eq!(error["request_id"], request_id.as_str(), "{context}");
    }
    status.as_u16()
}

//! The OpenAPI 3.1 document of every route the endpoint serves, written by hand
//! next to the router (a test checks that the two list the same routes).

use axum::Json;
use serde_json::{Value, json};

use super::auth::Caller;

pub async fn document(_caller: Caller) -> Json<Value> {
    Json(spec())
}

fn error_responses(codes: &[&str]) -> Value {
    let mut map = serde_json::Map::new();
    for code in codes {
        map.insert(
            (*code).to_owned(),
            json!({ "description": describe(code), "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
        );
    }
    Value::Object(map)
}

fn describe(code: &str) -> &'static str {
    match code {
        "400" => "Bad input; the message says what.",
        "401" => "No valid session or token.",
        "403" => "Not allowed for this caller.",
        "404" => "Unknown, or not visible to this caller.",
        "409" => "Not possible in the ticket's current state.",
        "429" => "Too many attempts; see Retry-After.",
        _ => "Error.",
    }
}

fn ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn with_errors(mut responses: Value, codes: &[&str]) -> Value {
    if let (Value::Object(map), Value::Object(errors)) = (&mut responses, error_responses(codes)) {
        map.extend(errors);
    }
    responses
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

pub fn spec() -> Value {
    let auth = json!([{ "bearer": [] }, { "session": [] }]);
    let string = json!({ "type": "string" });
    let integer = json!({ "type": "integer" });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "guichet admin API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Tickets, people and figures of the helpdesk. Authenticate with an API token (`guichet token create`) as a bearer, or with the session cookie of the login page; session requests that change something carry the session's CSRF token in X-CSRF-Token (see /api/v1/me). Errors are {\"error\": {\"code\", \"message\"}} with the message in the reader's language (?lang=fr|en, else the user's, else Accept-Language)."
        },
        "security": auth,
        "paths": {
            "/healthz": { "get": {
                "summary": "The process answers.", "security": [],
                "responses": { "200": ok("Alive.", json!({ "type": "object" })) }
            }},
            "/readyz": { "get": {
                "summary": "Readiness of one part: by default the web endpoint (database reachable, migrations applied); the chat platforms and the setup checks are detailed in the body and answered for with `part`.", "security": [],
                "parameters": [{ "name": "part", "in": "query", "required": false,
                    "description": "web (default), discord, telegram (the adapter is connected) or setup (no setup check failing).",
                    "schema": string }],
                "responses": {
                    "200": ok("Ready.", json!({ "$ref": "#/components/schemas/Readiness" })),
                    "400": ok("No such part; `parts` lists them.", json!({ "type": "object" })),
                    "503": ok("Not ready; `checks` and `problems` say what fails.", json!({ "$ref": "#/components/schemas/Readiness" }))
                }
            }},
            "/metrics": { "get": {
                "summary": "Prometheus metrics (administrators).",
                "responses": with_errors(json!({ "200": { "description": "Prometheus text format.", "content": { "text/plain": { "schema": string } } } }), &["401", "403"])
            }},
            "/": { "get": { "summary": "Redirects to the dashboard.", "security": [], "responses": { "303": { "description": "To /dashboard." } } } },
            "/login": {
                "get": { "summary": "The login page.", "security": [], "responses": { "200": { "description": "HTML form.", "content": { "text/html": {} } } } },
                "post": {
                    "summary": "Logs in; sets the session cookie.", "security": [],
                    "requestBody": { "required": true, "content": { "application/x-www-form-urlencoded": { "schema": {
                        "type": "object", "required": ["email", "password"],
                        "properties": { "email": string, "password": string, "next": string }
                    }}}},
                    "responses": {
                        "303": { "description": "Logged in; to `next` or /dashboard." },
                        "401": { "description": "Wrong address or password (the form again).", "content": { "text/html": {} } },
                        "429": { "description": "Too many failures (the form again); see Retry-After.", "content": { "text/html": {} } }
                    }
                }
            },
            "/logout": { "post": {
                "summary": "Ends the session.",
                "requestBody": { "required": true, "content": { "application/x-www-form-urlencoded": { "schema": {
                    "type": "object", "required": ["csrf"], "properties": { "csrf": string } } } } },
                "responses": with_errors(json!({ "303": { "description": "To /login." } }), &["401", "403"])
            }},
            "/dashboard": { "get": {
                "summary": "The dashboard page (staff and administrators).",
                "parameters": [ query("days", "The period: 7, 30, 90 or 365 days.", integer.clone()), query("lang", "fr or en.", string.clone()) ],
                "responses": with_errors(json!({
                    "200": { "description": "HTML with SVG charts.", "content": { "text/html": {} } },
                    "303": { "description": "Not logged in: to /login." }
                }), &["403"])
            }},
            "/api/v1/openapi.json": { "get": {
                "summary": "This document.",
                "responses": with_errors(json!({ "200": ok("OpenAPI 3.1.", json!({ "type": "object" })) }), &["401"])
            }},
            "/api/v1/me": { "get": {
                "summary": "The caller, with the CSRF token of their session (null with a token).",
                "responses": with_errors(json!({ "200": ok("The caller.", json!({ "$ref": "#/components/schemas/User" })) }), &["401"])
            }},
            "/api/v1/tickets": { "get": {
                "summary": "Tickets the caller may see, newest first.",
                "parameters": [
                    query("status", "open, in_progress, waiting_on_user, resolved, closed.", string.clone()),
                    query("team", "A team's slug.", string.clone()),
                    query("priority", "P0, P1, P2 or P3.", string.clone()),
                    query("category", "A category's slug.", string.clone()),
                    query("assignee", "A user id.", integer.clone()),
                    query("requester", "A user id.", integer.clone()),
                    query("q", "Words in the reference, subject or description.", string.clone()),
                    query("limit", "1 to 200; 50 by default.", integer.clone()),
                    query("cursor", "`next_cursor` of the previous page.", string.clone())
                ],
                "responses": with_errors(json!({ "200": ok("A page of tickets.", json!({
                    "type": "object", "properties": {
                        "items": { "type": "array", "items": { "$ref": "#/components/schemas/Ticket" } },
                        "next_cursor": { "type": ["string", "null"] }
                    }
                })) }), &["400", "401"])
            }},
            "/api/v1/tickets/{reference}": {
                "parameters": [ { "name": "reference", "in": "path", "required": true, "schema": string, "example": "TCK-20250214-002" } ],
                "get": {
                    "summary": "One ticket, its messages (internal notes for its team) and, for its team, the audit trail.",
                    "responses": with_errors(json!({ "200": ok("The ticket.", json!({ "$ref": "#/components/schemas/TicketDetail" })) }), &["400", "401", "404"])
                },
                "patch": {
                    "summary": "Changes the team, priority, assignee or status, or decides on a request that needs approval, as the chat commands do: the thread, the card and the requester are told.",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": {
                        "type": "object", "additionalProperties": false,
                        "properties": {
                            "team": { "type": "string", "description": "A team's slug: transfers the ticket." },
                            "priority": { "type": "string", "enum": ["P0", "P1", "P2", "P3"] },
                            "assignee": { "type": "integer", "description": "A member of the ticket's team." },
                            "status": { "type": "string", "enum": ["open", "in_progress", "waiting_on_user", "resolved", "closed"] },
                            "decision": { "type": "string", "enum": ["approve", "ask_info", "refuse"], "description": "On a request that needs approval (finance & travel): approve resolves, ask_info sends decision_text to the requester and waits on them, refuse resolves and needs decision_text." },
                            "decision_text": { "type": "string", "description": "The approval's note, the question, or the refusal's justification." }
                        }
                    }}}},
                    "responses": with_errors(json!({ "200": ok("The ticket as changed.", json!({ "$ref": "#/components/schemas/Ticket" })) }), &["400", "401", "403", "404", "409"])
                }
            },
            "/api/v1/users": { "get": {
                "summary": "Every user (administrators).",
                "responses": with_errors(json!({ "200": ok("Users.", json!({ "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/User" } } } })) }), &["401", "403"])
            }},
            "/api/v1/users/{id}": {
                "parameters": [ { "name": "id", "in": "path", "required": true, "schema": integer } ],
                "get": {
                    "summary": "One user (administrators, or oneself).",
                    "responses": with_errors(json!({ "200": ok("The user.", json!({ "$ref": "#/components/schemas/User" })) }), &["400", "401", "403", "404"])
                }
            },
            "/api/v1/teams": { "get": {
                "summary": "The teams; their members for staff.",
                "responses": with_errors(json!({ "200": ok("Teams.", json!({ "type": "object" })) }), &["401"])
            }},
            "/api/v1/categories": { "get": {
                "summary": "The categories and the team of each.",
                "responses": with_errors(json!({ "200": ok("Categories.", json!({ "type": "object" })) }), &["401"])
            }},
            "/api/v1/stats": { "get": {
                "summary": "The figures of a period, for the caller's teams (administrators: all).",
                "parameters": [
                    query("days", "The last N company-local days, today included (default 30).", integer.clone()),
                    query("from", "First day, YYYY-MM-DD (with `to`).", string.clone()),
                    query("to", "Last day, YYYY-MM-DD (with `from`).", string.clone())
                ],
                "responses": with_errors(json!({ "200": ok("Figures.", json!({ "$ref": "#/components/schemas/Stats" })) }), &["400", "401", "403"])
            }},
            "/api/v1/outbox/dead-letters": { "get": {
                "summary": "Deliveries given up (dead letters), the latest to die first (administrators).",
                "parameters": [ query("limit", "1 to 200; 50 by default.", integer.clone()) ],
                "responses": with_errors(json!({ "200": ok("Dead letters.", json!({ "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/DeadLetter" } } } })) }), &["400", "401", "403"])
            }},
            "/api/v1/outbox/dead-letters/retry": { "post": {
                "summary": "Sends every dead letter back to its conversation (administrators); audited as delivery_retried.",
                "responses": with_errors(json!({ "200": ok("The ids sent back.", json!({ "type": "object", "properties": { "retried": { "type": "array", "items": integer } } })) }), &["401", "403"])
            }},
            "/api/v1/outbox/{id}/retry": {
                "parameters": [ { "name": "id", "in": "path", "required": true, "schema": integer } ],
                "post": {
                    "summary": "Sends one dead letter back to its conversation, in its place, to be delivered once (administrators); audited as delivery_retried.",
                    "responses": with_errors(json!({ "200": ok("The row, now pending.", json!({ "$ref": "#/components/schemas/DeadLetter" })) }), &["400", "401", "403", "404", "409"])
                }
            },
            "/api/v1/failed-events": { "get": {
                "summary": "Inbound events that failed for good and were set aside, not replayed yet, the latest first (administrators).",
                "parameters": [ query("limit", "1 to 200; 50 by default.", integer.clone()) ],
                "responses": with_errors(json!({ "200": ok("Failed events.", json!({ "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/FailedEvent" } } } })) }), &["400", "401", "403"])
            }},
            "/api/v1/failed-events/replay": { "post": {
                "summary": "Hands every failed event not replayed to the helpdesk again, oldest first (administrators).",
                "responses": with_errors(json!({ "200": ok("Each event's outcome.", json!({ "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/Replay" } } } })) }), &["401", "403"])
            }},
            "/api/v1/failed-events/{id}/replay": {
                "parameters": [ { "name": "id", "in": "path", "required": true, "schema": integer } ],
                "post": {
                    "summary": "Hands one failed event to the helpdesk again; marked replayed when taken (administrators). 409 when replayed already, or when it fails again (it stays set aside).",
                    "responses": with_errors(json!({ "200": ok("Its outcome.", json!({ "$ref": "#/components/schemas/Replay" })) }), &["400", "401", "403", "404", "409"])
                }
            }
        },
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "An API token from `guichet token create`." },
                "session": { "type": "apiKey", "in": "cookie", "name": "guichet_session" }
            },
            "schemas": {
                "Error": { "type": "object", "properties": { "error": { "type": "object", "properties": {
                    "code": string, "message": string,
                    "request_id": { "type": "string", "description": "The request's id, also in the X-Request-Id header and in the server's log." } } } } },
                "Readiness": { "type": "object", "properties": { "status": string, "part": string, "checks": { "type": "object" }, "problems": { "type": "array", "items": { "type": "object", "properties": { "check": string, "since": string, "troubles": { "type": "array", "items": { "type": "object" } } } } } } },
                "Person": { "type": ["object", "null"], "properties": { "id": integer, "name": string } },
                "User": { "type": "object", "properties": {
                    "id": integer, "name": string, "email": { "type": ["string", "null"] },
                    "role": { "type": "string", "enum": ["admin", "agent", "hr", "employee"] },
                    "language": { "type": "string", "enum": ["fr", "en"] },
                    "department": { "type": ["string", "null"] },
                    "teams": { "type": "array", "items": string },
                    "identities": { "type": "array", "items": string },
                    "capacity": integer, "available": { "type": "boolean" },
                    "created_at": { "type": "string", "format": "date-time" }
                } },
                "Ticket": { "type": "object", "properties": {
                    "reference": string, "subject": string, "description": string,
                    "status": string, "priority": string, "category": string, "team": string,
                    "requester": { "$ref": "#/components/schemas/Person" },
                    "assignee": { "$ref": "#/components/schemas/Person" },
                    "created_at": { "type": "string", "format": "date-time" },
                    "updated_at": { "type": "string", "format": "date-time" },
                    "first_response_at": { "type": ["string", "null"], "format": "date-time" },
                    "resolved_at": { "type": ["string", "null"], "format": "date-time" },
                    "closed_at": { "type": ["string", "null"], "format": "date-time" },
                    "sla": { "type": "object" }
                } },
                "TicketDetail": { "allOf": [ { "$ref": "#/components/schemas/Ticket" }, { "type": "object", "properties": {
                    "messages": { "type": "array", "items": { "type": "object" } },
                    "audit": { "type": ["array", "null"], "items": { "type": "object" } }
                } } ] },
                "DeadLetter": { "type": "object", "properties": {
                    "id": integer, "channel": { "type": "string", "enum": ["discord", "telegram", "email"] },
                    "kind": string, "conversation": string, "ticket": { "type": ["string", "null"] },
                    "attempts": integer, "last_error": { "type": ["string", "null"] },
                    "died_at": { "type": "string", "format": "date-time" },
                    "status": { "type": "string", "enum": ["dead", "pending"] }
                } },
                "FailedEvent": { "type": "object", "properties": {
                    "id": integer, "platform": string, "event_id": string,
                    "event": { "type": ["object", "null"], "description": "The event as the adapter handed it." },
                    "error": string, "failed_at": { "type": "string", "format": "date-time" },
                    "replayed_at": { "type": ["string", "null"], "format": "date-time" }
                } },
                "Replay": { "type": "object", "properties": {
                    "id": integer,
                    "outcome": { "type": "string", "enum": ["replayed", "seen_before", "failed"], "description": "seen_before: it had been taken since it failed (marked replayed)." }
                } },
                "Stats": { "type": "object", "properties": {
                    "period": { "type": "object" }, "opened": integer, "resolved": integer,
                    "first_response": { "type": "object" }, "resolution": { "type": "object" },
                    "satisfaction": { "type": "object" }, "by_status": { "type": "object" },
                    "by_category": { "type": "object" }, "by_priority": { "type": "object" },
                    "by_team": { "type": "object" }, "backlog": { "type": "object" },
                    "sla_breached": { "type": "object" }, "first_contact_resolution": { "type": "object" },
                    "per_day": { "type": "array" }, "leaderboard": { "type": "array" }
                } }
            }
        }
    })
}

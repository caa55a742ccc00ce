//! The HTTP side: the REST routes under `/api/v10`, the CDN, and request bodies.

use super::*;

impl Fake {
    /// Answers one REST request (the path is after `/api/v10`).
    pub(super) fn route(
        &mut self,
        method: &str,
        path: &str,
        query: &str,
        body: &Value,
        uploads: &[Upload],
    ) -> Reply {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        if let Some(reply) = self.by_permissions(method, &segments, body) {
            return reply;
        }
        match (method, segments.as_slice()) {
            ("GET", ["gateway"]) => Reply::ok(json!({ "url": self.gateway_url() })),
            ("GET", ["gateway", "bot"]) => Reply::ok(json!({
                "url": self.gateway_url(),
                "shards": 1,
                "session_start_limit": {
                    "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1
                }
            })),
            ("GET", ["users", "@me"]) => Reply::ok(bot_user()),
            ("GET", ["users", id]) => match self.users.get(*id) {
                Some(user) => Reply::ok(user_json(user)),
                None => Reply::not_found(10013, "Unknown User"),
            },
            ("POST", ["users", "@me", "channels"]) => {
                let Some(recipient) = id_field(&body["recipient_id"]) else {
                    return Reply::invalid_form(
                        "recipient_id",
                        "BASE_TYPE_REQUIRED",
                        "This field is required",
                    );
                };
                let channel = self.dm_channel(&recipient);
                Reply::ok(self.channel_or_text(&channel))
            }
            ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
                Reply::ok(application())
            }
            ("GET", ["guilds", _, "members", user]) => match self.users.get(*user) {
                Some(user) => {
                    let joined_at = timestamp_at(0);
                    Reply::ok(json!({
                        "user": user_json(user), "roles": [], "joined_at": joined_at,
                        "deaf": false, "mute": false, "flags": 0, "pending": false,
                        "nick": null, "avatar": null, "premium_since": null,
                    }))
                }
                None => Reply::not_found(10007, "Unknown Member"),
            },
            ("POST", ["channels", channel, "messages"]) => {
                match self.create_message(channel, body, uploads) {
                    Ok(message) => Reply::ok(message),
                    Err(reply) => reply,
                }
            }
            ("GET", ["channels", channel, "messages"]) => self.list_messages(channel, query),
            ("GET", ["channels", channel, "messages", message]) => {
                match self.message_in(channel, message).cloned() {
                    Some(message) => Reply::ok(self.fresh_links(&message)),
                    None => Reply::not_found(10008, "Unknown Message"),
                }
            }
            ("PATCH", ["channels", channel, "messages", message]) => {
                match self.edit_message(channel, message, body, uploads) {
                    Ok(message) => Reply::ok(message),
                    Err(reply) => reply,
                }
            }
            ("DELETE", ["channels", channel, "messages", message]) => {
                self.delete_message(channel, message)
            }
            (
                "PUT" | "DELETE",
                [
                    "channels",
                    channel,
                    "messages",
                    message,
                    "reactions",
                    _,
                    "@me",
                ],
            ) => match self.message_in(channel, message) {
                Some(_) => Reply::no_content(),
                None => Reply::not_found(10008, "Unknown Message"),
            },
            ("POST", ["channels", _, "typing"]) => Reply::no_content(),
            ("POST", ["channels", channel, "threads"]) => self.create_thread(channel, None, body),
            ("POST", ["channels", channel, "messages", message, "threads"]) => {
                self.create_thread(channel, Some(message), body)
            }
            ("GET", ["channels", channel]) => Reply::ok(self.channel_or_text(channel)),
            ("PATCH", ["channels", channel]) => self.edit_channel(channel, body),
            ("PUT", ["channels", thread, "thread-members", user]) => {
                self.thread_member(thread, user, true)
            }
            ("DELETE", ["channels", thread, "thread-members", user]) => {
                self.thread_member(thread, user, false)
            }
            ("POST", ["interactions", id, token, "callback"]) => {
                self.callback(id, token, body, uploads)
            }
            ("POST", ["webhooks", app, token]) => self.followup(app, token, body, uploads),
            (_, ["webhooks", app, token, "messages", message]) => {
                self.webhook_message(method, app, token, message, body, uploads)
            }
            ("PUT", ["applications", app, "commands"]) => self.overwrite_commands(app, None, body),
            ("PUT", ["applications", app, "guilds", guild, "commands"]) => {
                self.overwrite_commands(app, Some(guild), body)
            }
            ("POST", ["applications", app, "commands"]) => self.upsert_command(app, None, body),
            ("POST", ["applications", app, "guilds", guild, "commands"]) => {
                self.upsert_command(app, Some(guild), body)
            }
            ("GET", ["applications", app, "commands"]) if *app == APP_ID => Reply::ok(json!(
                self.commands.get(GLOBAL).cloned().unwrap_or_default()
            )),
            ("GET", ["applications", app, "guilds", guild, "commands"]) if *app == APP_ID => {
                Reply::ok(json!(
                    self.commands.get(*guild).cloned().unwrap_or_default()
                ))
            }
            _ => Reply::not_found(0, "Unknown route"),
        }
    }
}

impl Fake {
    /// The CDN: an attachment's bytes (whatever the query, as expiry is not modelled).
    pub(super) fn cdn(&self, path: &str) -> Reply {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let found = match segments.as_slice() {
            ["cdn", "attachments", _, id, _] => self.files.get(*id),
            _ => None,
        };
        match found {
            Some(file) => Reply {
                status: StatusCode::OK,
                body: Payload::Bytes {
                    content_type: file.content_type.clone(),
                    bytes: file.bytes.clone(),
                },
                headers: vec![(
                    "content-disposition",
                    format!("attachment; filename=\"{}\"", file.filename),
                )],
            },
            None => Reply {
                status: StatusCode::NOT_FOUND,
                body: Payload::Bytes {
                    content_type: "text/plain".to_owned(),
                    bytes: b"This content is no longer available.".to_vec(),
                },
                headers: Vec::new(),
            },
        }
    }
}

/// Every HTTP request: the API under `/api/v10`, the CDN under `/cdn`.
pub(super) async fn rest(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let at = Instant::now();
    let method = request.method().as_str().to_owned();
    let full_path = request.uri().path().to_owned();
    let query = request
        .uri()
        .query()
        .unwrap_or_default()
        .trim_start_matches('&')
        .to_owned();
    let read = read_body(request).await;
    let (body, uploads, unreadable) = match read {
        Ok((body, uploads)) => (body, uploads, None),
        Err(why) => (json!({ "unreadable": why }), Vec::new(), Some(why)),
    };
    let api_path = full_path.strip_prefix("/api/v10").map(str::to_owned);
    let (reply, cut) = {
        let mut fake = shared.lock();
        let fault = match &api_path {
            Some(path) if unreadable.is_none() => fake.message_fault(&method, path),
            _ => None,
        };
        // A 429 queued for message creates goes before `fail_next`'s failures.
        let too_many = match fault {
            Some(MessageFault::TooMany { retry_after_secs }) => {
                Some(Failure::TooMany { retry_after_secs })
            }
            _ => None,
        };
        let (path, reply, injected) = match &api_path {
            _ if unreadable.is_some() => (
                api_path.clone().unwrap_or_else(|| full_path.clone()),
                Reply::invalid_form(
                    "_root",
                    "BODY_UNREADABLE",
                    unreadable.as_deref().unwrap_or_default(),
                ),
                None,
            ),
            Some(path) => {
                let exempt = method == "GET" && (path == "/gateway" || path == "/gateway/bot");
                let queued = || fake.failures.front().copied().filter(|_| !exempt);
                match too_many.or_else(queued) {
                    Some(failure) => {
                        if too_many.is_none() {
                            fake.failures.pop_front();
                        }
                        (path.clone(), Reply::failure(failure), Some(failure))
                    }
                    None => {
                        let reply = fake.route(&method, path, &query, &body, &uploads);
                        (path.clone(), reply, None)
                    }
                }
            }
            None if method == "GET" => (full_path.clone(), fake.cdn(&full_path), None),
            None => (
                full_path.clone(),
                Reply::not_found(0, "Unknown route"),
                None,
            ),
        };
        let cut = fault == Some(MessageFault::StoredThenCut);
        fake.calls.push(Call {
            at,
            method,
            path,
            query,
            body,
            files: uploads
                .into_iter()
                .map(|upload| (upload.filename, upload.bytes))
                .collect(),
            status: reply.status.as_u16(),
            injected,
            cut,
        });
        (reply, cut)
    };
    // A route may have queued a dispatch (echoed messages).
    shared.wake.notify_waiters();
    if cut {
        // The message is stored; the client must get no answer at all, not even an
        // error status. Unwinding ends the task serving this connection, which
        // closes the socket under the request (`resume_unwind` skips the panic
        // hook: nothing is printed, and the server keeps accepting).
        std::panic::resume_unwind(Box::new("fake Discord: connection cut on purpose"));
    }
    reply.into_response()
}

impl Fake {
    /// The fault waiting for this request, taken from the queue: only a message
    /// create in a channel with one queued.
    pub(super) fn message_fault(&mut self, method: &str, path: &str) -> Option<MessageFault> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let ["channels", channel, "messages"] = segments.as_slice() else {
            return None;
        };
        if method != "POST" {
            return None;
        }
        let index = self.message_faults.iter().position(|(c, _)| c == channel)?;
        self.message_faults.remove(index).map(|(_, fault)| fault)
    }
}

/// The JSON body, or for `multipart/form-data` the parsed `payload_json` and the files.
pub(super) async fn read_body(request: Request) -> Result<(Value, Vec<Upload>), String> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, &())
            .await
            .map_err(|why| why.to_string())?;
        let mut body = json!({});
        let mut uploads = Vec::new();
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|why| why.to_string())?
        {
            let name = field.name().unwrap_or_default().to_owned();
            let filename = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(str::to_owned);
            let bytes = field.bytes().await.map_err(|why| why.to_string())?;
            if name == "payload_json" {
                let payload: Value = serde_json::from_slice(&bytes)
                    .map_err(|why| format!("payload_json is not JSON: {why}"))?;
                if let (Some(body), Some(payload)) = (body.as_object_mut(), payload.as_object()) {
                    body.extend(payload.clone());
                } else {
                    body = payload;
                }
            } else if let Some(filename) = filename {
                let index = name
                    .strip_prefix("files[")
                    .and_then(|rest| rest.strip_suffix(']'))
                    .and_then(|n| n.parse().ok());
                uploads.push(Upload {
                    index,
                    filename,
                    content_type,
                    bytes: bytes.to_vec(),
                });
            } else if let Some(body) = body.as_object_mut() {
                body.insert(name, json!(String::from_utf8_lossy(&bytes)));
            }
        }
        Ok((body, uploads))
    } else {
        let bytes = Bytes::from_request(request, &())
            .await
            .map_err(|why| why.to_string())?;
        if bytes.is_empty() {
            return Ok((Value::Null, Vec::new()));
        }
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)));
        Ok((body, Vec::new()))
    }
}

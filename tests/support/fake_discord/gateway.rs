//! The gateway websocket: HELLO, IDENTIFY → READY, RESUME, heartbeats, and the
//! dispatch queue filtered by intents.

use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::*;

impl Fake {
    pub(super) fn gateway_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.gateway_port)
    }
}

impl Fake {
    /// The next frame of a session: the dispatch with the session's next sequence,
    /// kept for a RESUME.
    pub(super) fn frame(&mut self, session_id: &str, t: &str, d: Value) -> String {
        let session = self.sessions.entry(session_id.to_owned()).or_default();
        session.seq += 1;
        let text = json!({ "op": 0, "s": session.seq, "t": t, "d": d }).to_string();
        session.sent.push((session.seq, text.clone()));
        text
    }

    pub(super) fn ready(&mut self, session_id: &str) -> String {
        let d = json!({
            "v": 10,
            "user": {
                "id": BOT_ID,
                "username": BOT_NAME,
                "discriminator": "0",
                "global_name": null,
                "avatar": null,
                "bot": true,
                "verified": true,
                "mfa_enabled": false,
                "flags": 0,
            },
            "guilds": [],
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["fake"],
            "session_type": "normal",
            "session_id": session_id,
            "resume_gateway_url": self.gateway_url(),
            "shard": [0, 1],
            "application": { "id": APP_ID, "flags": 0 },
            "_trace": ["[\"fake-discord\"]"],
        });
        if let Err(why) = check_dispatch("READY", &d) {
            eprintln!("{why}");
        }
        self.frame(session_id, "READY", d)
    }
}

/// Resolves once the handle is dropped. (The guard `wait_for` returns is not `Send`:
/// it must not live across the caller's awaits.)
pub(super) async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Accepts gateway connections until the fake stops.
pub(super) async fn accept_gateway(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(gateway_connection(stream, shared.clone(), stop.clone()));
                }
                Err(why) => eprintln!("fake Discord: gateway accept failed: {why}"),
            },
            () = stopped(&mut stop) => return,
        }
    }
}

/// One gateway connection: HELLO, then IDENTIFY → READY or RESUME → replay + RESUMED,
/// heartbeats acknowledged, queued dispatches sent in order.
pub(super) async fn gateway_connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let hello = json!({ "op": 10, "s": null, "t": null, "d": { "heartbeat_interval": HEARTBEAT_INTERVAL_MS } });
    if ws.send(WsMessage::Text(hello.to_string())).await.is_err() {
        return;
    }
    let me = {
        let mut fake = shared.lock();
        fake.connections += 1;
        fake.connections
    };
    let mut session: Option<String> = None;
    let mut closing = false;
    loop {
        // Registered before looking at the queue, so that a push in between still wakes us.
        let wake = shared.wake.notified();
        tokio::pin!(wake);
        wake.as_mut().enable();
        if session.is_some() && !closing && end_session(&shared, me) {
            let frame = CloseFrame {
                code: CloseCode::from(4009),
                reason: "Session timed out".into(),
            };
            let _ = ws.send(WsMessage::Close(Some(frame))).await;
            closing = true;
        }
        if let (Some(id), false) = (&session, closing)
            && deliver(&mut ws, &shared, me, id).await.is_err()
        {
            break;
        }
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(WsMessage::Text(text))) => {
                    let replies = handle_op(&shared, me, &text, &mut session);
                    for reply in replies {
                        if ws.send(WsMessage::Text(reply)).await.is_err() {
                            closing = true;
                        }
                    }
                }
                // tungstenite answers the close frame on the next read, which then ends.
                Some(Ok(WsMessage::Close(_))) => closing = true,
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            () = &mut wake => {}
            () = stopped(&mut stop) => {
                let _ = ws.close(None).await;
                break;
            }
        }
    }
    let mut fake = shared.lock();
    if fake.current == Some(me) {
        fake.current = None;
    }
}

/// Whether this connection must end its session now ([`FakeDiscord::end_session`]):
/// it is then no longer the one that delivers.
fn end_session(shared: &Shared, me: u64) -> bool {
    let mut fake = shared.lock();
    if fake.current != Some(me) || fake.end_sessions == 0 {
        return false;
    }
    fake.end_sessions -= 1;
    fake.current = None;
    true
}

/// Sends what is queued, if this is the current connection: dispatches the client's
/// intents allow, and RECONNECT requests.
pub(super) async fn deliver(
    ws: &mut WebSocketStream<TcpStream>,
    shared: &Shared,
    me: u64,
    session_id: &str,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    loop {
        let next = {
            let mut fake = shared.lock();
            if fake.current != Some(me) {
                return Ok(());
            }
            let intents = fake.intents.unwrap_or(0);
            let mut next = None;
            while let Some(dispatch) = fake.pending.pop_front() {
                match filter_for_intents(&dispatch.t, dispatch.d, intents) {
                    Ok(d) => {
                        next = Some(fake.frame(session_id, &dispatch.t, d));
                        break;
                    }
                    Err(why) => fake.dropped.push(why),
                }
            }
            if next.is_none() && fake.reconnects > 0 {
                fake.reconnects -= 1;
                next = Some(json!({ "op": 7, "d": null, "s": null, "t": null }).to_string());
            }
            next
        };
        let Some(text) = next else {
            return Ok(());
        };
        ws.send(WsMessage::Text(text)).await?;
    }
}

/// Answers one frame from the client; returns the frames to send back.
pub(super) fn handle_op(
    shared: &Shared,
    me: u64,
    text: &str,
    session: &mut Option<String>,
) -> Vec<String> {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let d = &frame["d"];
    match frame["op"].as_u64() {
        Some(1) => vec![json!({ "op": 11, "s": null, "t": null, "d": null }).to_string()],
        Some(2) => {
            let mut fake = shared.lock();
            fake.intents = d["intents"].as_u64();
            let n = fake.sessions.len() + 1;
            let id = format!("fake-session-{n}");
            fake.sessions.insert(id.clone(), Session::default());
            let ready = fake.ready(&id);
            fake.readies += 1;
            fake.current = Some(me);
            *session = Some(id);
            vec![ready]
        }
        Some(6) => {
            let mut fake = shared.lock();
            let id = d["session_id"].as_str().unwrap_or_default().to_owned();
            let seen = d["seq"].as_u64().unwrap_or(0);
            let Some(known) = fake.sessions.get(&id) else {
                return vec![json!({ "op": 9, "d": false, "s": null, "t": null }).to_string()];
            };
            let mut frames: Vec<String> = known
                .sent
                .iter()
                .filter(|(seq, _)| *seq > seen)
                .map(|(_, text)| text.clone())
                .collect();
            frames.push(fake.frame(&id, "RESUMED", json!({ "_trace": ["fake-discord"] })));
            fake.current = Some(me);
            *session = Some(id);
            frames
        }
        // Presence, voice state and member requests need no answer here.
        _ => Vec::new(),
    }
}

/// What the client receives of a dispatch given its intents: message events need
/// GUILD_MESSAGES or DIRECT_MESSAGES, and without MESSAGE_CONTENT a guild message
/// arrives with its content, embeds, attachments and components emptied (unless it
/// mentions the bot or is the bot's own).
pub(super) fn filter_for_intents(t: &str, mut d: Value, intents: u64) -> Result<Value, String> {
    if !t.starts_with("MESSAGE_CREATE") && !t.starts_with("MESSAGE_UPDATE") {
        return Ok(d);
    }
    let in_guild = d.get("guild_id").is_some_and(|g| !g.is_null());
    let (needed, name) = if in_guild {
        (GUILD_MESSAGES, "GUILD_MESSAGES")
    } else {
        (DIRECT_MESSAGES, "DIRECT_MESSAGES")
    };
    if intents & needed == 0 {
        return Err(format!(
            "{t} {} in channel {}: the client identified without {name}",
            d["id"], d["channel_id"]
        ));
    }
    let own = d["author"]["id"] == BOT_ID;
    let mentions_bot = d["mentions"]
        .as_array()
        .is_some_and(|m| m.iter().any(|u| u["id"] == BOT_ID));
    if in_guild && intents & MESSAGE_CONTENT == 0 && !own && !mentions_bot {
        d["content"] = json!("");
        for key in ["embeds", "attachments", "components"] {
            d[key] = json!([]);
        }
    }
    Ok(d)
}

/// Whether serenity can read this dispatch: it drops what it cannot deserialize with
/// only a DEBUG line, so the fake checks first and names the missing field.
pub(super) fn check_dispatch(t: &str, d: &Value) -> Result<(), String> {
    use serenity::model::event::Event;
    let event = json!({ "t": t, "d": d });
    match serde_json::from_value::<Event>(event) {
        Ok(Event::Unknown(_)) | Err(_) => {}
        Ok(_) => return Ok(()),
    }
    let why = match t {
        "MESSAGE_CREATE" => {
            serde_json::from_value::<serenity::model::channel::Message>(d.clone()).err()
        }
        "INTERACTION_CREATE" => {
            serde_json::from_value::<serenity::model::application::Interaction>(d.clone()).err()
        }
        "READY" => serde_json::from_value::<serenity::model::gateway::Ready>(d.clone()).err(),
        _ => None,
    };
    Err(match why {
        Some(why) => format!("fake Discord: serenity would drop this {t}: {why}\n{d:#}"),
        None => format!("fake Discord: serenity does not know this {t}\n{d:#}"),
    })
}

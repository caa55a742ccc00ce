//! Builders of Discord JSON objects and small helpers: users, channels, embeds, CDN
//! URLs, timestamps.

use super::*;

pub(super) fn is_thread_kind(kind: &Value) -> bool {
    matches!(kind.as_u64(), Some(10..=12))
}

/// An id given as a string or a number.
pub(super) fn id_field(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn user_json(user: &FakeUser) -> Value {
    json!({
        "id": user.id,
        "username": user.username,
        "discriminator": "0",
        "global_name": user.username,
        "avatar": null,
        "public_flags": 0,
        "flags": 0,
    })
}

pub(super) fn bot_user() -> Value {
    json!({
        "id": BOT_ID,
        "username": BOT_NAME,
        "discriminator": "0",
        "global_name": null,
        "avatar": null,
        "bot": true,
        "verified": true,
        "mfa_enabled": false,
        "public_flags": 0,
        "flags": 0,
    })
}

pub(super) fn application() -> Value {
    json!({
        "id": APP_ID,
        "name": "Guichet",
        "icon": null,
        "description": "",
        "summary": "",
        "type": null,
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "flags": 0,
        "team": null,
        "owner": {
            "id": "1300000000000000009",
            "username": "owner",
            "discriminator": "0",
            "global_name": "Owner",
            "avatar": null,
            "public_flags": 0,
            "flags": 0,
        },
        "bot": bot_user(),
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "integration_types_config": { "0": {} },
    })
}

pub(super) fn text_channel(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "type": 0,
        "guild_id": GUILD_ID,
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "parent_id": null,
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "flags": 0,
    })
}

/// What a guild channel's partial object in an interaction carries besides the basics.
pub(super) fn partial_guild_fields(channel: &mut Value) {
    channel["guild_id"] = json!(GUILD_ID);
    channel["permissions"] = json!(MEMBER_PERMISSIONS);
}

/// Embeds as Discord returns them: `type` is `rich` unless given.
pub(super) fn rich_embeds(embeds: &Value) -> Vec<Value> {
    embeds
        .as_array()
        .into_iter()
        .flatten()
        .map(|embed| {
            let mut embed = embed.clone();
            if embed.get("type").is_none_or(Value::is_null) {
                embed["type"] = json!("rich");
            }
            embed
        })
        .collect()
}

pub(super) fn cdn_url(port: u16, channel_id: &str, attachment_id: &str, filename: &str) -> String {
    format!("http://127.0.0.1:{port}/cdn/attachments/{channel_id}/{attachment_id}/{filename}")
}

/// Discord keeps file names URL-safe: anything but letters, digits, `.`, `-` and `_`
/// becomes `_`.
pub(super) fn url_safe(filename: &str) -> String {
    let safe: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() {
        "unknown".to_owned()
    } else {
        safe
    }
}

pub(super) fn guess_content_type(filename: &str) -> &'static str {
    let extension = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        Some("txt" | "log") => "text/plain; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        Some("zip") => "application/zip",
        Some("mp4") => "video/mp4",
        _ => "application/octet-stream",
    }
}

/// The fake's time `tick` seconds after 2025-01-01T12:00:00Z, in Discord's format. A
/// test would need millions of objects to leave January.
pub(super) fn timestamp_at(tick: u64) -> String {
    let seconds = 12 * 3600 + tick;
    let day = 1 + seconds / 86_400;
    let hour = seconds % 86_400 / 3600;
    let minute = seconds % 3600 / 60;
    let second = seconds % 60;
    format!("2025-01-{day:02}T{hour:02}:{minute:02}:{second:02}.000000+00:00")
}

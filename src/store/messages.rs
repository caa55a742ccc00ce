//! What is said on tickets, with the metadata of attached files.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Conn, Result, millis, parsed, time};
use crate::domain::{Attachment, Message, NewAttachment, Platform, TicketId, UserId, Visibility};

/// A message to store; the store gives it an id.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub ticket: TicketId,
    pub author: Option<UserId>,
    pub visibility: Visibility,
    pub body: &'a str,
    pub origin: Option<(Platform, &'a str)>,
    pub attachments: &'a [NewAttachment],
    pub at: DateTime<Utc>,
}

/// Returns the message's id and its attachments' ids.
pub async fn insert(conn: &mut Conn, new: &NewMessage<'_>) -> Result<(i64, Vec<i64>)> {
    let id: i64 = sqlx::query(
        "INSERT INTO ticket_messages (ticket_id, author_id, internal, body, platform, \
         platform_message_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.ticket.0)
    .bind(new.author.map(|u| u.0))
    .bind(i64::from(new.visibility == Visibility::Internal))
    .bind(new.body)
    .bind(new.origin.map(|(p, _)| p.as_str()))
    .bind(new.origin.map(|(_, id)| id))
    .bind(millis(new.at))
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    let mut files = Vec::with_capacity(new.attachments.len());
    for file in new.attachments {
        let row = sqlx::query(
            "INSERT INTO attachments (message_id, file_name, content_type, size_bytes, platform, \
             platform_ref, url) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(id)
        .bind(&file.file_name)
        .bind(file.content_type.as_deref())
        .bind(
            file.size_bytes
                .map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
        )
        .bind(file.platform.as_str())
        .bind(&file.platform_ref)
        .bind(file.url.as_deref())
        .fetch_one(&mut *conn)
        .await?;
        files.push(row.try_get("id")?);
    }
    Ok((id, files))
}

/// One attachment's metadata, to send the file on.
pub async fn attachment(conn: &mut Conn, id: i64) -> Result<Option<NewAttachment>> {
    let Some(row) = sqlx::query(
        "SELECT file_name, content_type, size_bytes, platform, platform_ref, url FROM attachments WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let size: Option<i64> = row.try_get("size_bytes")?;
    Ok(Some(NewAttachment {
        file_name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        size_bytes: size.and_then(|n| u64::try_from(n).ok()),
        platform: parsed(&row, "platform")?,
        platform_ref: row.try_get("platform_ref")?,
        url: row.try_get("url")?,
    }))
}

fn message(row: &AnyRow) -> Result<Message> {
    let author: Option<i64> = row.try_get("author_id")?;
    let platform: Option<String> = row.try_get("platform")?;
    let platform_id: Option<String> = row.try_get("platform_message_id")?;
    let origin = match (platform, platform_id) {
        (Some(p), Some(id)) => p.parse::<Platform>().ok().map(|p| (p, id)),
        _ => None,
    };
    Ok(Message {
        id: row.try_get("id")?,
        ticket: TicketId(row.try_get("ticket_id")?),
        author: author.map(UserId),
        visibility: if row.try_get::<i64, _>("internal")? != 0 {
            Visibility::Internal
        } else {
            Visibility::Public
        },
        body: row.try_get("body")?,
        origin,
        created_at: time(row, "created_at")?,
        attachments: Vec::new(),
    })
}

/// A ticket's messages in the order they were written, with their attachments;
/// internal notes only when asked for.
pub async fn for_ticket(
    conn: &mut Conn,
    ticket: TicketId,
    with_internal: bool,
) -> Result<Vec<Message>> {
    let mut messages: Vec<Message> = sqlx::query(
        "SELECT id, ticket_id, author_id, internal, body, platform, platform_message_id, created_at \
         FROM ticket_messages WHERE ticket_id = $1 AND (internal = 0 OR $2 = 1) ORDER BY id",
    )
    .bind(ticket.0)
    .bind(i64::from(with_internal))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(message)
    .collect::<Result<_>>()?;
    let files = sqlx::query(
        "SELECT a.id, a.message_id, a.file_name, a.content_type, a.size_bytes, a.platform, \
         a.platform_ref, a.url FROM attachments a JOIN ticket_messages m ON m.id = a.message_id \
         WHERE m.ticket_id = $1 ORDER BY a.id",
    )
    .bind(ticket.0)
    .fetch_all(&mut *conn)
    .await?;
    for row in &files {
        let message_id: i64 = row.try_get("message_id")?;
        let Some(message) = messages.iter_mut().find(|m| m.id == message_id) else {
            continue; // an internal note's file, not asked for
        };
        let size: Option<i64> = row.try_get("size_bytes")?;
        message.attachments.push(Attachment {
            id: row.try_get("id")?,
            file: NewAttachment {
                file_name: row.try_get("file_name")?,
                content_type: row.try_get("content_type")?,
                size_bytes: size.and_then(|n| u64::try_from(n).ok()),
                platform: parsed(row, "platform")?,
                platform_ref: row.try_get("platform_ref")?,
                url: row.try_get("url")?,
            },
        });
    }
    Ok(messages)
}

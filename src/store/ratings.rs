//! Ratings of resolved tickets, one per ticket; rating again replaces the first.

use sqlx::Row;

use super::{Conn, Result, StoreError, millis, time};
use crate::domain::{Rating, Stars, TicketId, UserId};

pub async fn upsert(conn: &mut Conn, rating: &Rating) -> Result<()> {
    sqlx::query(
        "INSERT INTO ratings (ticket_id, stars, comment, rated_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id) DO UPDATE SET \
         stars = excluded.stars, comment = excluded.comment, rated_by = excluded.rated_by, \
         created_at = excluded.created_at",
    )
    .bind(rating.ticket.0)
    .bind(i64::from(rating.stars.get()))
    .bind(rating.comment.as_deref())
    .bind(rating.rated_by.0)
    .bind(millis(rating.at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, ticket: TicketId) -> Result<Option<Rating>> {
    let Some(row) = sqlx::query(
        "SELECT ticket_id, stars, comment, rated_by, created_at FROM ratings WHERE ticket_id = $1",
    )
    .bind(ticket.0)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let stars: i64 = row.try_get("stars")?;
    Ok(Some(Rating {
        ticket,
        stars: Stars::new(stars).map_err(|_| StoreError::Corrupt {
            column: "ratings.stars",
            value: stars.to_string(),
        })?,
        comment: row.try_get("comment")?,
        rated_by: UserId(row.try_get("rated_by")?),
        at: time(&row, "created_at")?,
    }))
}

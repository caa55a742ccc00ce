//! `/indisponible` and `/disponible`: an agent stops or resumes receiving new
//! tickets. `/redistribuer <agent>`: a team lead hands that agent's tickets to the
//! others. Each moved ticket's thread says so, its card is redrawn, the new
//! assignee is notified and the agent who lost it is told.

use super::{Ctx, Result};
use crate::domain::User;
use crate::store::audit::Origin;

pub(super) async fn availability(cx: &mut Ctx<'_>, available: bool) -> Result<String> {
    cx.engine
        .desk()
        .set_own_availability(cx.conn, &cx.who.actor, available, Origin::Chat)
        .await?;
    let key = if available {
        key!("answer-available")
    } else {
        key!("answer-unavailable")
    };
    Ok(cx.t(key, &[]))
}

/// Hands `agent`'s tickets to the others of their teams.
pub(super) async fn redistribute(cx: &mut Ctx<'_>, agent: User) -> Result<String> {
    let (engine, who) = (cx.engine, cx.who);
    let moved = engine
        .desk()
        .redistribute(cx.conn, &who.actor, agent.id, Origin::Chat)
        .await?;
    let staff_language = engine.staff_language();
    let mut queued = 0;
    for m in &moved {
        let t = &m.ticket;
        let new_name = match m.to {
            Some(to) => crate::store::users::get(cx.conn, to)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default(),
            None => {
                queued += 1;
                t!(engine, staff_language, "thread-queue")
            }
        };
        let line = t!(
            engine,
            staff_language,
            "thread-redistributed",
            name = who.user.display_name.clone(),
            agent = agent.display_name.clone(),
            to = new_name
        );
        engine
            .post_in_thread(cx.conn, t.id, line, Vec::new())
            .await?;
        engine.refresh_card(cx.conn, t.id).await?;
        if let Some(to) = m.to {
            engine.notify_assignee(cx.conn, t, to).await?;
        }
        let lead = who.user.display_name.clone();
        engine
            .alert(cx.conn, t, agent.id, |language| {
                t!(
                    engine,
                    language,
                    "ticket-redistributed-away",
                    reference = t.reference.to_string(),
                    name = lead
                )
            })
            .await?;
    }
    Ok(t!(
        cx,
        "answer-redistributed",
        agent = agent.display_name.clone(),
        count = moved.len(),
        queued = queued
    ))
}

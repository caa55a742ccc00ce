//! `/indisponible` and `/disponible`: an agent stops or resumes receiving new
//! tickets. `/redistribuer <agent>`: a team lead hands that agent's tickets to the
//! others. Each moved ticket's thread says so, its card is redrawn, the new
//! assignee is notified and the agent who lost it is told.

use super::intake::notify_assignee;
use super::{Engine, Result, Who, staff};
use crate::i18n::arg;
use crate::store::{Conn, audit::Origin};

pub(super) async fn availability(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    available: bool,
) -> Result<String> {
    engine
        .desk()
        .set_own_availability(conn, &who.actor, available, Origin::Chat)
        .await?;
    let key = if available {
        "answer-available"
    } else {
        "answer-unavailable"
    };
    Ok(engine.t(who.language(), key, &[]))
}

pub(super) async fn redistribute(
    engine: &Engine,
    conn: &mut Conn,
    who: &Who,
    target: &str,
) -> Result<String> {
    let agent = staff::named_user(engine, conn, who, target).await?;
    let moved = engine
        .desk()
        .redistribute(conn, &who.actor, agent.id, Origin::Chat)
        .await?;
    let staff_language = engine.staff_language();
    let mut queued = 0;
    for m in &moved {
        let t = &m.ticket;
        let new_name = match m.to {
            Some(to) => crate::store::users::get(conn, to)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default(),
            None => {
                queued += 1;
                engine.t(staff_language, "thread-queue", &[])
            }
        };
        let line = engine.t(
            staff_language,
            "thread-redistributed",
            &[
                arg("name", who.user.display_name.clone()),
                arg("agent", agent.display_name.clone()),
                arg("to", new_name),
            ],
        );
        engine.post_in_thread(conn, t.id, line, Vec::new()).await?;
        engine.refresh_card(conn, t.id).await?;
        if let Some(to) = m.to {
            notify_assignee(engine, conn, t, to).await?;
        }
        let lead = who.user.display_name.clone();
        engine
            .alert(conn, t, agent.id, |language| {
                engine.t(
                    language,
                    "ticket-redistributed-away",
                    &[arg("reference", t.reference.to_string()), arg("name", lead)],
                )
            })
            .await?;
    }
    Ok(engine.t(
        who.language(),
        "answer-redistributed",
        &[
            arg("agent", agent.display_name.clone()),
            arg("count", moved.len()),
            arg("queued", queued),
        ],
    ))
}

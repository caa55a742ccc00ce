//! The overdue e-mail: a ticket still not resolved a threshold after its creation
//! is mailed to the person in charge (the assignee, else the team's address), in
//! their language and in the team's words; what prevents the e-mail is reported.
//! A step of the scheduler (`scheduled.rs`), in its transaction.

use super::{Engine, Result};
use crate::domain::{AuditAction, Email, Language, Ticket, Visibility};
use crate::outbox::{self, Envelope};
use crate::store::audit::Origin;
use crate::store::{self, Conn};
use crate::text::shorten;

/// How many of the latest messages the overdue e-mail quotes, and how much of each.
const MAIL_MESSAGES: usize = 5;
const MAIL_MESSAGE_CHARS: usize = 600;

/// The ticket is still not resolved a threshold after its creation: an e-mail to
/// the person in charge (the assignee, else the team's address), in their
/// language, and a word to the requester. What prevents the e-mail is reported.
pub(super) async fn overdue(engine: &Engine, conn: &mut Conn, t: &Ticket) -> Result<()> {
    let desk = engine.desk();
    let (mut in_charge, mut problems) = person_in_charge(engine, conn, t).await?;
    if engine.config().mail.host.trim().is_empty() {
        problems.push("e-mail is not configured (mail.host)".to_owned());
        in_charge = None;
    }
    for problem in &problems {
        tracing::warn!(ticket = %t.reference, problem, "overdue e-mail");
        desk.audit(
            conn,
            t,
            None,
            AuditAction::OverdueNotMailed,
            None,
            Some(problem),
            Origin::Scheduler,
        )
        .await?;
    }
    let created = t.times.created.unwrap_or(desk.now());
    let staff = engine.staff_language();
    let Some(to) = in_charge else {
        let line = t!(
            engine.for_staff(),
            "overdue-thread-not-mailed",
            age = engine.age(staff, created)
        );
        return engine.post_in_thread(conn, t.id, line, Vec::new()).await;
    };
    let mail = overdue_mail(engine, conn, t, &to).await?;
    outbox::enqueue_mail(conn, &mail, desk.now()).await?;
    let address = to.address.to_string();
    desk.audit(
        conn,
        t,
        None,
        AuditAction::OverdueMailed,
        None,
        Some(&address),
        Origin::Scheduler,
    )
    .await?;
    let line = t!(
        engine.for_staff(),
        "overdue-thread-mailed",
        age = engine.age(staff, created),
        to = address
    );
    engine.post_in_thread(conn, t.id, line, Vec::new()).await?;
    let requester = engine.requester(conn, t).await?;
    let text = t!(
        engine,
        requester.language,
        "ticket-overdue",
        reference = t.reference.to_string(),
        age = engine.age(requester.language, created)
    );
    engine
        .send_to(conn, &requester, text, Vec::new(), Some(t.id), false)
        .await
}

/// Who the overdue e-mail goes to.
struct InCharge {
    address: Email,
    language: Language,
    /// Whom the e-mail greets: the assignee, or the team.
    name: String,
}

/// The assignee when they have an address, else the team's address (in the
/// company's language); with what stood in the way, to report.
async fn person_in_charge(
    engine: &Engine,
    conn: &mut Conn,
    t: &Ticket,
) -> Result<(Option<InCharge>, Vec<String>)> {
    let mut problems = Vec::new();
    if let Some(user) = t.assignee {
        match store::users::get(conn, user).await? {
            Some(user) => match user.email {
                Some(address) => {
                    let found = InCharge {
                        address,
                        language: user.language,
                        name: user.display_name,
                    };
                    return Ok((Some(found), problems));
                }
                None => problems.push(format!(
                    "the assignee {} (user {}) has no e-mail address",
                    user.display_name, user.id
                )),
            },
            None => problems.push(format!("the assignee (user {user}) is unknown")),
        }
    }
    let staff = engine.staff_language();
    let team = engine.desk().catalog().team(t.team);
    let found = team.and_then(|team| {
        Some(InCharge {
            address: team.email.clone()?,
            language: staff,
            name: team.name.get(staff).to_owned(),
        })
    });
    if found.is_none() {
        let slug = team.map_or("?", |t| t.slug.as_str());
        problems.push(format!("the team {slug} has no e-mail address"));
    }
    Ok((found, problems))
}

async fn overdue_mail(
    engine: &Engine,
    conn: &mut Conn,
    t: &Ticket,
    to: &InCharge,
) -> Result<Envelope> {
    let language = to.language;
    let catalog = engine.desk().catalog();
    let created = t.times.created.unwrap_or(engine.desk().now());
    let messages = store::messages::for_ticket(conn, t.id, true).await?;
    let mut quoted = Vec::new();
    for m in messages.iter().rev().take(MAIL_MESSAGES).rev() {
        let author = match m.author {
            Some(user) => engine.display_name(conn, user).await?,
            None => "guichet".to_owned(),
        };
        let note = if m.visibility == Visibility::Internal {
            t!(engine, language, "mail-internal-note")
        } else {
            String::new()
        };
        quoted.push(format!(
            "[{}] {author}{note} :\n{}",
            engine.local_time(language, m.created_at),
            shorten(m.body.trim(), MAIL_MESSAGE_CHARS)
        ));
    }
    let messages = if quoted.is_empty() {
        t!(engine, language, "mail-no-messages")
    } else {
        quoted.join("\n\n")
    };
    let requester = engine.display_name(conn, t.requester).await?;
    let team = catalog
        .team(t.team)
        .map(|team| team.name.get(language).to_owned())
        .unwrap_or_default();
    let age = engine.age(language, created);
    let subject = t!(
        engine,
        language,
        "mail-overdue-subject",
        reference = t.reference.to_string(),
        age = age.clone(),
        subject = t.subject.clone()
    );
    let body = t!(
        engine,
        language,
        "mail-overdue-body",
        name = to.name.clone(),
        reference = t.reference.to_string(),
        age = age,
        subject = t.subject.clone(),
        requester = requester,
        priority = engine.priority_label(language, t.priority),
        team = team,
        // The team's wording ("waiting for the requester"), not the requester's.
        status = engine.staff_status_label_in(language, t.status),
        created = engine.local_time(language, created),
        messages = messages,
    );
    Ok(Envelope::Mail {
        to: to.address.to_string(),
        subject,
        body,
        ticket: Some(t.id.0),
    })
}

//! What the scheduler's steps do and say: reminders to the team, SLA escalation,
//! the overdue e-mail, the rating reminder, and closing tickets left resolved or
//! waiting. Each runs in the scheduler's transaction, on a locked ticket, and only
//! writes to the outbox: nothing leaves before the step is recorded as done.

use chrono::{DateTime, TimeDelta, Utc};

use super::intake::notify_assignee;
use super::{Engine, Result};
use crate::domain::{
    AuditAction, Email, Language, Role, SlaTarget, Status, Ticket, UserId, Visibility,
};
use crate::i18n::arg;
use crate::outbox::{self, Envelope};
use crate::permissions::Action;
use crate::scheduler::Rule;
use crate::store::audit::Origin;
use crate::store::{self, Conn};
use crate::text::shorten;

/// How many of the latest messages the overdue e-mail quotes, and how much of each.
const MAIL_MESSAGES: usize = 5;
const MAIL_MESSAGE_CHARS: usize = 600;

impl Engine {
    pub(crate) fn wake_dispatcher(&self) {
        self.inner.wake.notify_one();
    }

    /// Carries out step `step` (from 0) of `rule` for `ticket`, locked by the caller.
    /// `late`: when the step was due, if it comes well after (an outage); an
    /// escalation level then says so.
    pub(crate) async fn scheduled(
        &self,
        conn: &mut Conn,
        rule: Rule,
        step: u32,
        ticket: Ticket,
        late: Option<DateTime<Utc>>,
    ) -> Result<()> {
        match rule {
            Rule::Unanswered => unanswered(self, conn, &ticket).await,
            Rule::Unassigned => {
                let remind = self.desk().policy().reminds(rule, step);
                unassigned(self, conn, ticket, remind).await.map(|_| ())
            }
            Rule::FirstResponse => {
                let level = Level::new(step, late);
                escalate(self, conn, ticket, SlaTarget::FirstResponse, level).await
            }
            Rule::Resolution => {
                let level = Level::new(step, late);
                escalate(self, conn, ticket, SlaTarget::Resolution, level).await
            }
            Rule::Overdue => overdue(self, conn, &ticket).await,
            Rule::RatingReminder => rating_reminder(self, conn, &ticket).await,
            Rule::CloseResolved => {
                close(
                    self,
                    conn,
                    &ticket,
                    "thread-auto-closed",
                    "ticket-auto-closed",
                )
                .await
            }
            Rule::Waiting if step == 0 => waiting_warning(self, conn, &ticket).await,
            Rule::Waiting => {
                close(
                    self,
                    conn,
                    &ticket,
                    "thread-waiting-closed",
                    "ticket-waiting-closed",
                )
                .await
            }
        }
    }

    /// The team's queue was offered again (someone became available, or joined,
    /// or has more room): the ticket is given to whoever the assignment rule
    /// picks now, announced as any automatic assignment; nobody fits, nothing is
    /// said. Returns whether it was assigned.
    pub(crate) async fn offered(&self, conn: &mut Conn, ticket: Ticket) -> Result<bool> {
        unassigned(self, conn, ticket, false).await
    }

    /// `3 j 4 h`, `45 min`: how long something has lasted, for people.
    pub(crate) fn age(&self, language: Language, since: DateTime<Utc>) -> String {
        let age = (self.desk().now() - since).max(TimeDelta::zero());
        let (days, hours, minutes) = (age.num_days(), age.num_hours() % 24, age.num_minutes() % 60);
        let n = |key: &str, value: i64| self.t(language, key, &[arg("n", value)]);
        match (days, hours) {
            (0, 0) => n("duration-minutes", minutes.max(1)),
            (0, _) => n("duration-hours", hours),
            (_, 0) => n("duration-days", days),
            _ => format!(
                "{} {}",
                n("duration-days", days),
                n("duration-hours", hours)
            ),
        }
    }

    /// A moment in the company's time zone: `23/11/2026 14:30` or `2026-11-23 14:30`.
    pub(crate) fn local_time(&self, language: Language, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&self.desk().time_zone());
        match language {
            Language::Fr => local.format("%d/%m/%Y %H:%M").to_string(),
            Language::En => local.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// `text`, followed by when it should have been said when it comes late.
    fn late_note(&self, language: Language, text: String, late: Option<DateTime<Utc>>) -> String {
        match late {
            Some(due) => {
                let at = self.local_time(language, due);
                format!(
                    "{text}\n{}",
                    self.t(language, "escalation-late", &[arg("at", at)])
                )
            }
            None => text,
        }
    }

    /// A line for the ticket's thread, in the staff's language.
    fn staff_line(&self, key: &str, args: &[crate::i18n::Arg<'_>]) -> String {
        self.t(self.staff_language(), key, args)
    }

    async fn display_name(&self, conn: &mut Conn, user: UserId) -> Result<String> {
        Ok(store::users::get(conn, user)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_else(|| format!("#{user}")))
    }
}

/// The requester wrote and nobody answered: the assignee is reminded in private,
/// and the thread says so (the team's queue, when nobody has the ticket).
async fn unanswered(engine: &Engine, conn: &mut Conn, t: &Ticket) -> Result<()> {
    let since = t
        .times
        .last_requester_message
        .unwrap_or(engine.desk().now());
    let name = engine.display_name(conn, t.requester).await?;
    let staff = engine.staff_language();
    let line = engine.staff_line(
        "reminder-unanswered-thread",
        &[
            arg("name", name.clone()),
            arg("age", engine.age(staff, since)),
        ],
    );
    engine.post_in_thread(conn, t.id, line, Vec::new()).await?;
    if let Some(assignee) = t.assignee {
        engine
            .alert(conn, t, assignee, |language| {
                engine.t(
                    language,
                    "reminder-unanswered",
                    &[
                        arg("reference", t.reference.to_string()),
                        arg("subject", t.subject.clone()),
                        arg("name", name),
                        arg("age", engine.age(language, since)),
                    ],
                )
            })
            .await?;
    }
    Ok(())
}

/// Nobody took the ticket: automatic assignment is tried again (someone may be
/// back, or have room now); if nobody fits, the team is reminded in the thread
/// when `remind`. Returns whether it was assigned.
async fn unassigned(engine: &Engine, conn: &mut Conn, mut t: Ticket, remind: bool) -> Result<bool> {
    let desk = engine.desk();
    if let Some(assignee) = desk.auto_assign(conn, &mut t, Origin::Scheduler).await? {
        let name = engine.display_name(conn, assignee).await?;
        let line = engine.staff_line("thread-auto-assigned", &[arg("name", name)]);
        engine.post_in_thread(conn, t.id, line, Vec::new()).await?;
        engine.refresh_card(conn, t.id).await?;
        notify_assignee(engine, conn, &t, assignee).await?;
        return Ok(true);
    }
    if remind {
        let since = t.times.created.unwrap_or(desk.now());
        let line = engine.staff_line(
            "reminder-unassigned-thread",
            &[arg("age", engine.age(engine.staff_language(), since))],
        );
        engine.post_in_thread(conn, t.id, line, Vec::new()).await?;
    }
    Ok(false)
}

/// An escalation level (1 to 3) to announce, and when it was due if it comes late.
#[derive(Debug, Clone, Copy)]
struct Level {
    number: u32,
    late: Option<DateTime<Utc>>,
}

impl Level {
    fn new(step: u32, late: Option<DateTime<Utc>>) -> Level {
        Level {
            number: step + 1,
            late,
        }
    }
}

/// An SLA target reached `level`: 1 tells the assignee it is about to be missed, 2
/// the team's escalation contacts that it is missed, 3 the admins. Recorded in the
/// audit trail; from level 2 the card shows the breach. A level announced late
/// (after an outage) says when it was reached.
async fn escalate(
    engine: &Engine,
    conn: &mut Conn,
    mut t: Ticket,
    target: SlaTarget,
    Level {
        number: level,
        late,
    }: Level,
) -> Result<()> {
    let desk = engine.desk();
    desk.escalate(conn, &mut t, target, level, Origin::Scheduler)
        .await?;
    let due = match target {
        SlaTarget::FirstResponse => t.sla.first_response_due,
        SlaTarget::Resolution => t.sla.resolution_due,
    }
    .unwrap_or(desk.now());
    let target_key = match target {
        SlaTarget::FirstResponse => "sla-first-response",
        SlaTarget::Resolution => "sla-resolution",
    };
    let people = match level {
        1 => t.assignee.into_iter().collect(),
        2 => escalation_contacts(engine, conn, &t).await?,
        _ => store::users::with_role(conn, Role::Admin).await?,
    };
    // Never a word of a ticket to someone it is hidden from (an HR ticket).
    let scope = desk.scope_of(&t)?;
    let mut told = Vec::new();
    for user in people {
        if !desk.actor(conn, user).await?.may(Action::View, &scope) {
            tracing::warn!(ticket = %t.reference, %user, "an escalation contact may not see this ticket: not told");
            continue;
        }
        engine
            .alert(conn, &t, user, |language| {
                let text = engine.t(
                    language,
                    &format!("escalation-{}", level.min(3)),
                    &[
                        arg("reference", t.reference.to_string()),
                        arg("subject", t.subject.clone()),
                        arg("target", engine.t(language, target_key, &[])),
                        arg("due", engine.local_time(language, due)),
                    ],
                );
                engine.late_note(language, text, late)
            })
            .await?;
        told.push(engine.display_name(conn, user).await?);
    }
    let staff = engine.staff_language();
    let names = if told.is_empty() {
        engine.t(staff, "escalation-nobody", &[])
    } else {
        told.join(", ")
    };
    if told.is_empty() && level >= 2 {
        tracing::warn!(ticket = %t.reference, level, "an SLA target is missed and nobody could be told in private");
    }
    let line = engine.staff_line(
        &format!("escalation-{}-thread", level.min(3)),
        &[
            arg("target", engine.t(staff, target_key, &[])),
            arg("due", engine.local_time(staff, due)),
            arg("names", names),
        ],
    );
    let line = engine.late_note(staff, line, late);
    engine.post_in_thread(conn, t.id, line, Vec::new()).await?;
    if level >= 2 {
        engine.refresh_card(conn, t.id).await?;
    }
    Ok(())
}

/// Level 2 of a team: its leads and the users its configuration names.
async fn escalation_contacts(engine: &Engine, conn: &mut Conn, t: &Ticket) -> Result<Vec<UserId>> {
    let Some(team) = engine.desk().catalog().team(t.team) else {
        return Ok(Vec::new());
    };
    let Some(config) = engine.config().teams.get(&team.slug) else {
        return Ok(Vec::new());
    };
    let mut people = Vec::new();
    if config.escalation.leads {
        people.extend(
            store::catalog::members(conn, team.id)
                .await?
                .into_iter()
                .filter(|m| m.lead)
                .map(|m| m.user),
        );
    }
    for email in &config.escalation.users {
        match store::users::find_by_email(conn, email).await? {
            Some(user) => people.push(user.id),
            None => {
                tracing::warn!(team = %team.slug, %email, "an escalation contact is not a known user")
            }
        }
    }
    people.sort();
    people.dedup();
    Ok(people)
}

/// The ticket is still not resolved a threshold after its creation: an e-mail to
/// the person in charge (the assignee, else the team's address), in their
/// language, and a word to the requester. What prevents the e-mail is reported.
async fn overdue(engine: &Engine, conn: &mut Conn, t: &Ticket) -> Result<()> {
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
        let line = engine.staff_line(
            "overdue-thread-not-mailed",
            &[arg("age", engine.age(staff, created))],
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
    let line = engine.staff_line(
        "overdue-thread-mailed",
        &[arg("age", engine.age(staff, created)), arg("to", address)],
    );
    engine.post_in_thread(conn, t.id, line, Vec::new()).await?;
    let requester = engine.requester(conn, t).await?;
    let text = engine.t(
        requester.language,
        "ticket-overdue",
        &[
            arg("reference", t.reference.to_string()),
            arg("age", engine.age(requester.language, created)),
        ],
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
            engine.t(language, "mail-internal-note", &[])
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
        engine.t(language, "mail-no-messages", &[])
    } else {
        quoted.join("\n\n")
    };
    let requester = engine.display_name(conn, t.requester).await?;
    let team = catalog
        .team(t.team)
        .map(|team| team.name.get(language).to_owned())
        .unwrap_or_default();
    let age = engine.age(language, created);
    let subject = engine.t(
        language,
        "mail-overdue-subject",
        &[
            arg("reference", t.reference.to_string()),
            arg("age", age.clone()),
            arg("subject", t.subject.clone()),
        ],
    );
    let body = engine.t(
        language,
        "mail-overdue-body",
        &[
            arg("name", to.name.clone()),
            arg("reference", t.reference.to_string()),
            arg("age", age),
            arg("subject", t.subject.clone()),
            arg("requester", requester),
            arg("priority", engine.priority_label(language, t.priority)),
            arg("team", team),
            // The team's wording ("waiting for the requester"), not the requester's.
            arg("status", engine.staff_status_label_in(language, t.status)),
            arg("created", engine.local_time(language, created)),
            arg("messages", messages),
        ],
    );
    Ok(Envelope::Mail {
        to: to.address.to_string(),
        subject,
        body,
        ticket: Some(t.id.0),
    })
}

/// The stars asked once more, unless given meanwhile.
async fn rating_reminder(engine: &Engine, conn: &mut Conn, t: &Ticket) -> Result<()> {
    if store::ratings::get(conn, t.id).await?.is_some() {
        return Ok(());
    }
    let to = engine.requester(conn, t).await?;
    engine.ask_rating(conn, t, &to, "rating-reminder").await
}

/// The requester has not answered for a while: they are told when the ticket will
/// close without news, and the thread too.
async fn waiting_warning(engine: &Engine, conn: &mut Conn, t: &Ticket) -> Result<()> {
    let desk = engine.desk();
    let closes = desk.now()
        + TimeDelta::from_std(engine.config().follow_up.close_waiting_after.0)
            .unwrap_or(TimeDelta::days(7));
    let to = engine.requester(conn, t).await?;
    let text = engine.t(
        to.language,
        "ticket-waiting-warning",
        &[
            arg("reference", t.reference.to_string()),
            arg("subject", t.subject.clone()),
            arg("date", engine.local_time(to.language, closes)),
        ],
    );
    engine
        .send_to(conn, &to, text, Vec::new(), Some(t.id), true)
        .await?;
    let name = engine.display_name(conn, t.requester).await?;
    let line = engine.staff_line(
        "thread-waiting-warned",
        &[
            arg("name", name),
            arg("date", engine.local_time(engine.staff_language(), closes)),
        ],
    );
    engine.post_in_thread(conn, t.id, line, Vec::new()).await
}

/// Closes a ticket nobody answered: the thread says why and is archived, the
/// requester is told.
async fn close(
    engine: &Engine,
    conn: &mut Conn,
    t: &Ticket,
    thread_key: &str,
    requester_key: &str,
) -> Result<()> {
    let since = match t.status {
        Status::Resolved => t.times.resolved,
        _ => t.times.updated,
    }
    .unwrap_or(engine.desk().now());
    let closed = engine
        .desk()
        .set_status_unattended(conn, t.id, Status::Closed, Origin::Scheduler)
        .await?;
    let line = engine.staff_line(
        thread_key,
        &[arg("age", engine.age(engine.staff_language(), since))],
    );
    engine
        .post_in_thread(conn, closed.id, line, Vec::new())
        .await?;
    engine.refresh_card(conn, closed.id).await?;
    engine.set_thread_open(conn, closed.id, false).await?;
    let to = engine.requester(conn, &closed).await?;
    let text = engine.t(
        to.language,
        requester_key,
        &[arg("reference", closed.reference.to_string())],
    );
    engine
        .send_to(conn, &to, text, Vec::new(), Some(closed.id), false)
        .await
}

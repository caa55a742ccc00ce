//! What the scheduler's steps do and say: reminders to the team, SLA escalation,
//! the overdue e-mail, the rating reminder, and closing tickets left resolved or
//! waiting. Each runs in the scheduler's transaction, on a locked ticket, and only
//! writes to the outbox: nothing leaves before the step is recorded as done.

use chrono::{DateTime, TimeDelta, Utc};

use super::{Engine, Result, overdue};
use crate::domain::{Decision, Language, Role, SlaTarget, Status, Ticket, UserId};
use crate::i18n::Key;
use crate::i18n::arg;
use crate::permissions::Action;
use crate::planning::Rule;
use crate::store::audit::Origin;
use crate::store::{self, Conn};

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
            Rule::Overdue => overdue::overdue(self, conn, &ticket).await,
            Rule::RatingReminder => rating_reminder(self, conn, &ticket).await,
            Rule::CloseResolved => {
                close(
                    self,
                    conn,
                    &ticket,
                    key!("thread-auto-closed"),
                    key!("ticket-auto-closed"),
                )
                .await
            }
            Rule::Waiting if step == 0 => waiting_warning(self, conn, &ticket).await,
            Rule::Waiting => {
                close(
                    self,
                    conn,
                    &ticket,
                    key!("thread-waiting-closed"),
                    key!("ticket-waiting-closed"),
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
        let n = |key: Key, value: i64| self.t(language, key, &[arg("n", value)]);
        match (days, hours) {
            (0, 0) => n(key!("duration-minutes"), minutes.max(1)),
            (0, _) => n(key!("duration-hours"), hours),
            (_, 0) => n(key!("duration-days"), days),
            _ => format!(
                "{} {}",
                n(key!("duration-days"), days),
                n(key!("duration-hours"), hours)
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
                format!("{text}\n{}", t!(self, language, "escalation-late", at = at))
            }
            None => text,
        }
    }

    pub(super) async fn display_name(&self, conn: &mut Conn, user: UserId) -> Result<String> {
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
    let line = t!(
        engine.for_staff(),
        "reminder-unanswered-thread",
        name = name.clone(),
        age = engine.age(staff, since)
    );
    engine.post_in_thread(conn, t.id, line, Vec::new()).await?;
    if let Some(assignee) = t.assignee {
        engine
            .alert(conn, t, assignee, |language| {
                t!(
                    engine,
                    language,
                    "reminder-unanswered",
                    reference = t.reference.to_string(),
                    subject = t.subject.clone(),
                    name = name,
                    age = engine.age(language, since)
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
        let line = t!(engine.for_staff(), "thread-auto-assigned", name = name);
        engine.post_in_thread(conn, t.id, line, Vec::new()).await?;
        engine.refresh_card(conn, t.id).await?;
        engine.notify_assignee(conn, &t, assignee).await?;
        return Ok(true);
    }
    if remind {
        let since = t.times.created.unwrap_or(desk.now());
        let line = t!(
            engine.for_staff(),
            "reminder-unassigned-thread",
            age = engine.age(engine.staff_language(), since)
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
    level: Level,
) -> Result<()> {
    let desk = engine.desk();
    desk.escalate(conn, &mut t, target, level.number, Origin::Scheduler)
        .await?;
    let due = match target {
        SlaTarget::FirstResponse => t.sla.first_response_due,
        SlaTarget::Resolution => t.sla.resolution_due,
    }
    .unwrap_or(desk.now());
    let breach = Breach {
        ticket: &t,
        target,
        due,
        level,
    };
    let told = tell_in_private(engine, conn, &breach).await?;
    let line = breach.thread_line(engine, &told);
    engine.post_in_thread(conn, t.id, line, Vec::new()).await?;
    if level.number >= 2 {
        engine.refresh_card(conn, t.id).await?;
    }
    Ok(())
}

/// An SLA target of a ticket, missed (or about to be) at an escalation level.
struct Breach<'a> {
    ticket: &'a Ticket,
    target: SlaTarget,
    due: DateTime<Utc>,
    level: Level,
}

impl Breach<'_> {
    /// The private alert to one person, in their language.
    fn alert(&self, engine: &Engine, language: Language) -> String {
        let text = engine.t(
            language,
            match self.level.number {
                0 | 1 => key!("escalation-1"),
                2 => key!("escalation-2"),
                _ => key!("escalation-3"),
            },
            &[
                arg("reference", self.ticket.reference.to_string()),
                arg("subject", self.ticket.subject.clone()),
                arg("target", self.target_name(engine, language)),
                arg("due", engine.local_time(language, self.due)),
            ],
        );
        engine.late_note(language, text, self.level.late)
    }

    /// The line in the ticket's thread, naming who was `told` in private.
    fn thread_line(&self, engine: &Engine, told: &[String]) -> String {
        let staff = engine.staff_language();
        let names = if told.is_empty() {
            t!(engine, staff, "escalation-nobody")
        } else {
            told.join(", ")
        };
        if told.is_empty() && self.level.number >= 2 {
            tracing::warn!(ticket = %self.ticket.reference, level = self.level.number, "an SLA target is missed and nobody could be told in private");
        }
        let line = engine.for_staff().t(
            match self.level.number {
                0 | 1 => key!("escalation-1-thread"),
                2 => key!("escalation-2-thread"),
                _ => key!("escalation-3-thread"),
            },
            &[
                arg("target", self.target_name(engine, staff)),
                arg("due", engine.local_time(staff, self.due)),
                arg("names", names),
            ],
        );
        engine.late_note(staff, line, self.level.late)
    }

    /// The target, in words, in `language`.
    fn target_name(&self, engine: &Engine, language: Language) -> String {
        match self.target {
            SlaTarget::FirstResponse => t!(engine, language, "sla-first-response"),
            SlaTarget::Resolution => t!(engine, language, "sla-resolution"),
        }
    }
}

/// Tells in private whoever the level names and may see the ticket; returns the
/// names of those told.
async fn tell_in_private(
    engine: &Engine,
    conn: &mut Conn,
    breach: &Breach<'_>,
) -> Result<Vec<String>> {
    let t = breach.ticket;
    let people = match breach.level.number {
        1 => t.assignee.into_iter().collect(),
        2 => escalation_contacts(engine, conn, t).await?,
        _ => store::users::with_role(conn, Role::Admin).await?,
    };
    // Never a word of a ticket to someone it is hidden from (an HR ticket).
    let desk = engine.desk();
    let scope = desk.scope_of(t)?;
    let mut told = Vec::new();
    for user in people {
        if !desk.actor(conn, user).await?.may(Action::View, &scope) {
            tracing::warn!(ticket = %t.reference, %user, "an escalation contact may not see this ticket: not told");
            continue;
        }
        engine
            .alert(conn, t, user, |language| breach.alert(engine, language))
            .await?;
        told.push(engine.display_name(conn, user).await?);
    }
    Ok(told)
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

/// The stars asked once more, unless given meanwhile, or unless the request was
/// refused (a refusal is not asked to be rated, `decisions::decide`).
async fn rating_reminder(engine: &Engine, conn: &mut Conn, t: &Ticket) -> Result<()> {
    if store::ratings::get(conn, t.id).await?.is_some() {
        return Ok(());
    }
    let decisions = Decision::ALL.map(Decision::audit_action);
    if let Some(last) = store::audit::last_of(conn, t.id, &decisions).await?
        && last.action == Decision::Refuse.audit_action()
    {
        return Ok(());
    }
    let to = engine.requester(conn, t).await?;
    engine
        .ask_rating(conn, t, &to, key!("rating-reminder"))
        .await
}

/// The requester has not answered for a while: they are told when the ticket will
/// close without news, and the thread too.
async fn waiting_warning(engine: &Engine, conn: &mut Conn, t: &Ticket) -> Result<()> {
    let desk = engine.desk();
    let closes = desk.now()
        + TimeDelta::from_std(engine.config().follow_up.close_waiting_after.0)
            .unwrap_or(TimeDelta::days(7));
    let to = engine.requester(conn, t).await?;
    let text = t!(
        engine,
        to.language,
        "ticket-waiting-warning",
        reference = t.reference.to_string(),
        subject = t.subject.clone(),
        date = engine.local_time(to.language, closes)
    );
    engine
        .send_to(conn, &to, text, Vec::new(), Some(t.id), true)
        .await?;
    let name = engine.display_name(conn, t.requester).await?;
    let line = t!(
        engine.for_staff(),
        "thread-waiting-warned",
        name = name,
        date = engine.local_time(engine.staff_language(), closes)
    );
    engine.post_in_thread(conn, t.id, line, Vec::new()).await
}

/// Closes a ticket nobody answered: the thread says why and is archived, the
/// requester is told.
async fn close(
    engine: &Engine,
    conn: &mut Conn,
    t: &Ticket,
    thread_key: Key,
    requester_key: Key,
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
    let line = engine.for_staff().t(
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

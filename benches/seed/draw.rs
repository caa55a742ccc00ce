//! One ticket of the seeded database and everything about it, drawn from its number:
//! times, status, SLA, the scheduler's jobs, the conversation, the rating and the
//! points. Nothing here touches the database.

use std::collections::HashMap;

use chrono::{Datelike, TimeZone, Timelike, Weekday};
use chrono_tz::Tz;
use guichet::domain::{Category, Platform, Priority, TeamId, UserId};
use guichet::planning::Rule;

use super::{DAY, DAYS, DUE_FROM, DUE_SPREAD, HOUR, MINUTE, RECENT, Seeded, TICKETS, now_ms};

/// A reproducible stream of numbers (SplitMix64), one per ticket or person.
pub struct Draws(u64);

impl Draws {
    pub fn new(seed: u64) -> Draws {
        Draws(seed.wrapping_mul(0x2545_F491_4F6C_DD1D))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: i64) -> i64 {
        (self.next() % n.unsigned_abs()) as i64
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// A duration in `0..max`, most of them short: `max · u^power`.
    fn skewed(&mut self, max: i64, power: i32) -> i64 {
        (max as f64 * self.unit().powi(power)) as i64
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as i64) as usize]
    }
}

/// What the tickets are drawn from.
pub struct World {
    pub categories: Vec<Category>,
    pub staff: HashMap<TeamId, Vec<UserId>>,
    pub spaces: HashMap<TeamId, (Platform, String)>,
    pub employees: Vec<(UserId, Platform)>,
    /// First response and resolution targets, by priority, in milliseconds.
    pub sla: [(i64, i64); 4],
    pub overdue_after: i64,
    pub rating_reminder: i64,
    pub close_resolved: i64,
    /// How busy each hour of the seeded year is, added up from its first hour.
    pub busy: Busy,
}

/// When people write to the helpdesk: working hours on weekdays mostly, a little in
/// the evening and at weekends, half as much in August and at Christmas. Tickets are
/// spread by this weight, in creation order (ticket references need that).
pub struct Busy {
    start: i64,
    /// `cumulative[h]`: the weight of the hours before hour `h`.
    cumulative: Vec<f64>,
}

impl Busy {
    pub fn new(tz: Tz) -> Busy {
        let start = now_ms() - DAYS * DAY;
        let hours = (DAYS * 24) as usize;
        let mut cumulative = Vec::with_capacity(hours + 1);
        let mut total = 0.0;
        for h in 0..hours as i64 {
            cumulative.push(total);
            let local = tz.timestamp_millis_opt(start + h * HOUR).unwrap();
            let weekend = matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
            let weight = match (weekend, local.hour()) {
                (false, 8..=17) => 10.0,
                (false, 7 | 18 | 19) => 3.0,
                (false, _) => 0.3,
                (true, 9..=18) => 1.0,
                (true, _) => 0.2,
            };
            let holidays = local.month() == 8 || (local.month() == 12 && local.day() >= 22);
            total += if holidays { weight * 0.5 } else { weight };
        }
        cumulative.push(total);
        Busy { start, cumulative }
    }

    /// The moment a share `u` (in `[0, 1)`) of the year's work has arrived.
    fn moment(&self, u: f64) -> i64 {
        let target = u * self.cumulative[self.cumulative.len() - 1];
        let hour = self.cumulative.partition_point(|c| *c <= target) - 1;
        let within =
            (target - self.cumulative[hour]) / (self.cumulative[hour + 1] - self.cumulative[hour]);
        self.start + hour as i64 * HOUR + (within * HOUR as f64) as i64
    }
}

pub struct Job {
    pub rule: Rule,
    pub anchor: i64,
    pub step: i64,
    pub live: bool,
    pub due: Option<i64>,
}

pub struct Message {
    pub author: UserId,
    pub internal: bool,
    pub body: &'static str,
    pub at: i64,
}

pub struct Drawn {
    pub id: i64,
    subject: &'static str,
    pub requester: UserId,
    origin: Platform,
    category: i64,
    pub team: TeamId,
    priority: Priority,
    status: &'static str,
    assignee: Option<UserId>,
    pub created: i64,
    pub updated: i64,
    first_response: Option<i64>,
    last_requester: i64,
    last_agent: Option<i64>,
    resolved: Option<i64>,
    closed: Option<i64>,
    sla: (i64, i64),
    breached: (Option<i64>, Option<i64>),
    pub jobs: Vec<Job>,
    pub messages: Vec<Message>,
    /// Stars and when.
    pub rating: Option<(i64, i64)>,
    /// Agent, event key, points, when.
    pub points: Vec<(UserId, String, i64, i64)>,
}

impl Drawn {
    pub fn row(&self, reference: &str) -> String {
        let resolution = if self.resolved.is_some() {
            "'Réglé, merci de confirmer.'"
        } else {
            "NULL"
        };
        format!(
            "({}, '{reference}', {}, '', {}, {}, {}, '{}', '{}', {}, {resolution}, {}, {}, {}, {}, {}, {}, {}, '{}', {}, {}, {}, {})",
            self.id,
            quoted(self.subject),
            self.requester.0,
            self.category,
            self.team.0,
            self.priority.as_str(),
            self.status,
            opt(self.assignee.map(|u| u.0)),
            self.created,
            self.updated,
            opt(self.first_response),
            self.last_requester,
            opt(self.last_agent),
            opt(self.resolved),
            opt(self.closed),
            self.origin.as_str(),
            self.created + self.sla.0,
            self.created + self.sla.1,
            opt(self.breached.0),
            opt(self.breached.1),
        )
    }

    /// The rows of `ticket_messages`, `ratings` and `points_ledger`.
    pub fn message_rows(&self) -> impl Iterator<Item = String> + '_ {
        self.messages.iter().map(|m| {
            let platform = if m.author == self.requester {
                format!("'{}'", self.origin.as_str())
            } else {
                "NULL".to_owned()
            };
            format!(
                "({}, {}, {}, {}, {platform}, NULL, {})",
                self.id,
                m.author.0,
                i64::from(m.internal),
                quoted(m.body),
                m.at
            )
        })
    }

    pub fn rating_row(&self) -> Option<String> {
        let (stars, at) = self.rating?;
        let comment = if stars >= 4 && self.id % 7 == 0 {
            "'Rapide, merci'"
        } else {
            "NULL"
        };
        Some(format!(
            "({}, {stars}, {comment}, {}, {at})",
            self.id, self.requester.0
        ))
    }

    pub fn points_rows(&self) -> impl Iterator<Item = String> + '_ {
        self.points.iter().map(|(agent, key, points, at)| {
            let reason = key.split(':').next().unwrap_or(key);
            format!(
                "({}, {}, '{reason}', {points}, '{key}', {at})",
                agent.0, self.id
            )
        })
    }
}

/// Ticket number `i` (from 0), its times and its jobs, from arithmetic on `i`.
pub fn draw(world: &World, i: i64, seeded: &mut Seeded) -> Drawn {
    let now = now_ms();
    let id = i + 1;
    let mut r = Draws::new(id as u64);
    let created = world
        .busy
        .moment((i as f64 + r.unit()) / TICKETS as f64)
        .min(now - MINUTE);
    let age = now - created;
    // Durations are kept within half the ticket's age, so every time is in the past.
    let within = |d: i64| d.min(age / 2).max(1);
    let category = r.pick(&world.categories);
    let priority = match r.below(100) {
        0..=2 => Priority::P0,
        3..=14 => Priority::P1,
        90.. => Priority::P3,
        _ => category.default_priority,
    };
    let (requester, origin) = *r.pick(&world.employees);
    let agent = *r.pick(&world.staff[&category.team]);
    let sla = world.sla[priority_index(priority)];
    // Most answers come within the hour, a few take the day.
    let first_response_delay = within(5 * MINUTE + r.skewed(8 * HOUR, 3));
    let subject = *r.pick(&SUBJECTS);
    let mut t = Drawn {
        id,
        subject,
        requester,
        origin,
        category: category.id.0,
        team: category.team,
        priority,
        status: "closed",
        assignee: Some(agent),
        created,
        updated: created,
        first_response: None,
        last_requester: created,
        last_agent: None,
        resolved: None,
        closed: None,
        sla,
        breached: (None, None),
        jobs: Vec::new(),
        messages: vec![Message {
            author: requester,
            internal: false,
            body: "Bonjour, pouvez-vous m'aider ?",
            at: created,
        }],
        rating: None,
        points: Vec::new(),
    };
    let open = i >= TICKETS - RECENT && matches!(i % 5, 1 | 3);
    if open {
        seeded.open += 1;
        t.status = match r.below(100) {
            0..35 => "open",
            35..80 => "in_progress",
            _ => "waiting_on_user",
        };
        let assigned = t.status != "open" || r.below(100) >= 45;
        let answered = t.status != "open" || (assigned && r.below(2) == 0);
        if !assigned {
            t.assignee = None;
        }
        if answered {
            let at = created + first_response_delay;
            t.first_response = Some(at);
            t.last_agent = Some(at);
            t.updated = at;
            t.messages.push(answer(t.assignee.unwrap_or(agent), at));
        }
        let unanswered = t.status == "in_progress" && r.below(3) == 0;
        if let (true, Some(answer)) = (unanswered, t.first_response) {
            t.last_requester = answer + (now - answer) / 2;
            t.updated = t.last_requester;
            t.messages.push(Message {
                author: requester,
                internal: false,
                body: "Toujours pas résolu de mon côté.",
                at: t.last_requester,
            });
        }
        if let (true, Some(answer)) = (t.status == "waiting_on_user", t.first_response) {
            t.updated = answer + (now - answer) / 3;
        }
        let live = |rule: Rule, anchor: i64| Job {
            rule,
            anchor,
            step: 0,
            live: true,
            due: Some(open_due(id, rule)),
        };
        t.jobs.push(live(Rule::Resolution, created));
        t.jobs.push(live(Rule::Overdue, created));
        if t.first_response.is_none() {
            t.jobs.push(live(Rule::FirstResponse, created));
        }
        if t.assignee.is_none() {
            t.jobs.push(live(Rule::Unassigned, created));
        }
        if t.status == "waiting_on_user" {
            t.jobs.push(live(Rule::Waiting, t.updated));
        }
        if unanswered {
            t.jobs.push(live(Rule::Unanswered, t.last_requester));
        }
        return t;
    }
    // Half are fixed within a day, one in seven misses a three-day target.
    let resolve_delay = within(30 * MINUTE + r.skewed(96 * HOUR, 2));
    let answer_delay = first_response_delay.min(resolve_delay / 2).max(1);
    let resolved = created + resolve_delay;
    t.first_response = Some(created + answer_delay);
    t.last_agent = Some(resolved);
    t.resolved = Some(resolved);
    t.updated = resolved;
    let close_delay = r.below(6 * DAY).min(world.close_resolved);
    if resolved + close_delay <= now {
        seeded.closed += 1;
        t.closed = Some(resolved + close_delay);
        t.updated = resolved + close_delay;
    } else {
        seeded.resolved += 1;
        t.status = "resolved";
    }
    t.breached = (
        (answer_delay >= sla.0).then_some(created + sla.0),
        (resolve_delay >= sla.1).then_some(created + sla.1),
    );
    let asleep = |rule: Rule, step: i64| Job {
        rule,
        anchor: created,
        step,
        live: false,
        due: None,
    };
    t.jobs
        .push(asleep(Rule::FirstResponse, levels(answer_delay, sla.0)));
    t.jobs
        .push(asleep(Rule::Resolution, levels(resolve_delay, sla.1)));
    t.jobs.push(asleep(
        Rule::Overdue,
        i64::from(resolve_delay >= world.overdue_after),
    ));
    if t.status == "resolved" {
        let reminder = resolved + world.rating_reminder;
        let reminded = reminder <= now;
        t.jobs.push(Job {
            rule: Rule::RatingReminder,
            anchor: resolved,
            step: i64::from(reminded),
            live: true,
            due: (!reminded).then_some(reminder),
        });
        t.jobs.push(Job {
            rule: Rule::CloseResolved,
            anchor: resolved,
            step: 0,
            live: true,
            due: Some(resolved + world.close_resolved),
        });
    }
    aftermath(world, &mut t, agent, answer_delay);
    t
}

/// The conversation of a resolved ticket, its rating and the points it earned.
/// From a stream of its own, so the ticket's other values do not depend on it.
fn aftermath(world: &World, t: &mut Drawn, agent: UserId, answer_delay: i64) {
    let mut r = Draws::new((1 << 40) + t.id as u64);
    let (answered, resolved) = (t.created + answer_delay, t.resolved.unwrap_or(t.created));
    // One answer did it for a little more than half; the others took a question
    // from the requester and another answer, or two.
    let rounds = match r.below(100) {
        0..55 => 0,
        55..85 => 1,
        _ => 2,
    };
    t.messages.push(answer(agent, answered));
    for k in 1..=rounds {
        let at = answered + (resolved - answered) * k / (rounds + 1);
        t.messages.push(Message {
            author: t.requester,
            internal: false,
            body: "Merci, mais le problème revient.",
            at,
        });
        t.messages.push(answer(agent, at + (resolved - at) / 4));
    }
    if r.below(10) == 0 {
        t.messages.push(Message {
            author: agent,
            internal: true,
            body: "Vu avec le fournisseur, pièce commandée.",
            at: answered + (resolved - answered) / 2,
        });
    }
    let now = now_ms();
    // Two in five rate, mostly within a day of the resolution, mostly well.
    if r.below(5) < 2 {
        let at = resolved + 1 + r.skewed(2 * world.rating_reminder, 2);
        let stars = match r.below(100) {
            0..7 => 1,
            7..13 => 2,
            13..25 => 3,
            25..55 => 4,
            _ => 5,
        };
        if at < now {
            t.rating = Some((stars, at));
        }
    }
    let id = t.id;
    // One in fifty was reopened: its first resolution's points were taken back.
    let round = if r.below(50) == 0 {
        let first = t.created + (resolved - t.created) / 2;
        t.points
            .push((agent, format!("resolved:{id}:1"), 10, first));
        let reopened = first + (resolved - first) / 4;
        t.points
            .push((agent, format!("reopened:{id}:1"), -10, reopened));
        2
    } else {
        1
    };
    t.points
        .push((agent, format!("resolved:{id}:{round}"), 10, resolved));
    if answer_delay * 2 <= t.sla.0 {
        t.points
            .push((agent, format!("fast_first_response:{id}"), 5, answered));
    }
    if let Some((4.., at)) = t.rating {
        t.points.push((agent, format!("good_rating:{id}"), 5, at));
    }
}

fn answer(agent: UserId, at: i64) -> Message {
    Message {
        author: agent,
        internal: false,
        body: "Je m'en occupe, pouvez-vous réessayer ?",
        at,
    }
}

fn priority_index(p: Priority) -> usize {
    match p {
        Priority::P0 => 0,
        Priority::P1 => 1,
        Priority::P2 => 2,
        Priority::P3 => 3,
    }
}

/// SLA escalation levels reached when the target took `took`: warn, missed, admins.
fn levels(took: i64, target: i64) -> i64 {
    if took * 100 >= target * 150 {
        3
    } else if took >= target {
        2
    } else if took * 100 >= target * 80 {
        1
    } else {
        0
    }
}

fn kind_number(rule: Rule) -> i64 {
    Rule::ALL.iter().position(|r| *r == rule).unwrap() as i64
}

/// When a live job of an open ticket is due: in the future, spread over a month.
fn open_due(ticket: i64, rule: Rule) -> i64 {
    now_ms() + DUE_FROM + (ticket * 2_654_435_761 + kind_number(rule) * 40_503) % DUE_SPREAD
}

/// The same, in SQL over `jobs.ticket_id`.
pub fn open_due_sql(rule: Rule) -> String {
    format!(
        "({} + {DUE_FROM} + (ticket_id * 2654435761 + {} * 40503) % {DUE_SPREAD})",
        now_ms(),
        kind_number(rule)
    )
}

pub fn opt(v: Option<i64>) -> String {
    v.map_or_else(|| "NULL".to_owned(), |v| v.to_string())
}

pub fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

const SUBJECTS: [&str; 14] = [
    "Écran noir au démarrage",
    "Imprimante du 2e étage hors service",
    "Accès VPN refusé depuis ce matin",
    "Mot de passe expiré",
    "Excel plante à l'ouverture du fichier",
    "Le wifi coupe toutes les dix minutes",
    "Note de frais du déplacement à Lyon",
    "Remboursement hôtel Paris 20–25 mars",
    "Hôtel pour la formation de mars",
    "Attestation employeur",
    "Question sur ma fiche de paie",
    "Installer une licence Visio",
    "Clavier qui ne répond plus",
    "Demande de congés d'été",
];

pub const FIRST_NAMES: [&str; 10] = [
    "Sami", "Nour", "Yasmine", "Karim", "Lina", "Mehdi", "Salma", "Amine", "Rania", "Youssef",
];
pub const LAST_NAMES: [&str; 8] = [
    "Ben Ali", "Trabelsi", "Haddad", "Mansour", "Jebali", "Gharbi", "Chaabane", "Issaoui",
];

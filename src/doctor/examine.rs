//! Running the checks.

use std::sync::Arc;
use std::time::Duration;

use guichet_chat::{DeliveryError, Outlet};

use super::{Check, Finding, Trouble};
use crate::config::Config;
use crate::desk::{self, Desk};
use crate::domain::Platform;
use crate::mail::Mailer;
use crate::store::{self, Store};

/// How long one question to a platform or the mail server may take.
const PATIENCE: Duration = Duration::from_secs(15);

/// What an examination found; `complete` when every check could run (a read that
/// failed leaves its subjects out, and they must not be taken as gone).
#[derive(Debug, Clone)]
pub struct Examination {
    pub findings: Vec<Finding>,
    pub complete: bool,
}

/// What the checks need: the database, the configuration, and the platforms and
/// mail server as this process reaches them.
#[derive(Clone)]
pub struct Examiner {
    store: Store,
    config: Arc<Config>,
    desk: Desk,
    outlets: Vec<Arc<dyn Outlet>>,
    mailer: Option<Arc<Mailer>>,
}

impl Examiner {
    pub fn new(
        store: Store,
        config: Arc<Config>,
        desk: Desk,
        outlets: Vec<Arc<dyn Outlet>>,
        mailer: Option<Arc<Mailer>>,
    ) -> Self {
        Examiner {
            store,
            config,
            desk,
            outlets,
            mailer,
        }
    }

    fn outlet(&self, platform: Platform) -> Option<&Arc<dyn Outlet>> {
        self.outlets.iter().find(|o| o.platform() == platform)
    }

    /// Every check, in the order they are printed: the database first (nothing
    /// else can be checked without it), then the mail server, each platform's bot,
    /// the teams' spaces, the staff's private chats, the escalation contacts.
    pub async fn examine(&self) -> Examination {
        let mut findings = Vec::new();
        let database = sqlx::query("SELECT 1").execute(self.store.pool()).await;
        if let Err(e) = database {
            findings.push(Finding {
                check: Check::Database,
                troubles: vec![Trouble::Unreachable {
                    error: e.to_string(),
                }],
            });
            return Examination {
                findings,
                complete: false,
            };
        }
        findings.push(Finding::passed(Check::Database));
        findings.push(self.migrations().await);
        if let Some(mailer) = &self.mailer {
            findings.push(self.mail(mailer).await);
        }
        for outlet in &self.outlets {
            findings.push(bot(outlet.as_ref()).await);
        }
        // One examination per space, whichever teams share it.
        let mut spaces: Vec<((Platform, String), Vec<String>)> = Vec::new();
        for team in self.desk.catalog().teams().filter(|t| t.active) {
            let Some(space) = &team.staff_space else {
                continue;
            };
            match spaces.iter_mut().find(|(s, _)| s == space) {
                Some((_, teams)) => teams.push(team.slug.clone()),
                None => spaces.push((space.clone(), vec![team.slug.clone()])),
            }
        }
        for ((platform, space), teams) in &spaces {
            let check = Check::Space {
                platform: *platform,
                team: teams.join(", "),
                space: space.clone(),
            };
            let troubles = match self.outlet(*platform) {
                None => vec![Trouble::PlatformOff],
                Some(outlet) => match ask(outlet.inspect_space(space)).await {
                    Ok(problems) => problems
                        .into_iter()
                        .map(|problem| Trouble::Space { problem })
                        .collect(),
                    Err(error) => vec![Trouble::Unreachable { error }],
                },
            };
            findings.push(Finding { check, troubles });
        }
        let mut complete = true;
        let mut platforms: Vec<Platform> = spaces.iter().map(|((p, _), _)| *p).collect();
        platforms.dedup();
        for platform in platforms {
            if self.outlet(platform).is_some() {
                match self.staff(platform).await {
                    Some(staff) => findings.extend(staff),
                    None => complete = false,
                }
            }
        }
        match self.contacts().await {
            Some(contacts) => findings.extend(contacts),
            None => complete = false,
        }
        Examination { findings, complete }
    }

    /// Escalation contacts who could not see the tickets they would be alerted
    /// about (`desk::blind_escalation_contacts`).
    async fn contacts(&self) -> Option<Vec<Finding>> {
        let blind = match self.store.pool().acquire().await {
            Ok(mut conn) => {
                desk::blind_escalation_contacts(&mut conn, self.desk.catalog(), &self.config.teams)
                    .await
            }
            Err(e) => Err(e.into()),
        };
        let blind = match blind {
            Ok(blind) => blind,
            Err(e) => {
                tracing::warn!(error = %e, "doctor: cannot read the escalation contacts");
                return None;
            }
        };
        if blind.is_empty() {
            return Some(vec![Finding::passed(Check::Contacts)]);
        }
        let blind = blind
            .into_iter()
            .map(|contact| Finding {
                check: Check::Contact {
                    team: contact.team_slug,
                    user: contact.user.map_or(0, |u| u.0),
                    name: contact.name,
                },
                troubles: vec![Trouble::CannotSee {
                    reason: contact.reason,
                }],
            })
            .collect();
        Some(blind)
    }

    async fn migrations(&self) -> Finding {
        let troubles = match self.store.pending_migrations().await {
            Ok(0) => Vec::new(),
            Ok(count) => vec![Trouble::MigrationsPending { count }],
            Err(e) => vec![Trouble::Unreachable {
                error: e.to_string(),
            }],
        };
        Finding {
            check: Check::Migrations,
            troubles,
        }
    }

    async fn mail(&self, mailer: &Mailer) -> Finding {
        let check = Check::Mail {
            host: self.config.mail.host.trim().to_owned(),
        };
        let troubles = match tokio::time::timeout(PATIENCE, mailer.check()).await {
            Ok(Ok(())) => Vec::new(),
            Ok(Err(error)) => vec![Trouble::Unreachable { error }],
            Err(_) => vec![Trouble::Unreachable {
                error: format!("no answer in {} s", PATIENCE.as_secs()),
            }],
        };
        Finding { check, troubles }
    }

    /// Staff members can be written to privately. Telegram lets a bot write only to
    /// who opened a private chat with it: not known yet is a problem there.
    async fn staff(&self, platform: Platform) -> Option<Vec<Finding>> {
        let mut conn = match self.store.pool().acquire().await {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "doctor: cannot read the staff");
                return None;
            }
        };
        let staff = match store::reach::staff_on(&mut conn, platform).await {
            Ok(staff) => staff,
            Err(e) => {
                tracing::warn!(error = %e, "doctor: cannot read the staff");
                return None;
            }
        };
        let findings = staff
            .into_iter()
            .map(|member| {
                let trouble = match (member.reachable, platform) {
                    (Some(false), _) => Some(Trouble::RefusesPrivate),
                    (None, Platform::Telegram) => Some(Trouble::NeverStarted),
                    _ => None,
                };
                Finding {
                    check: Check::Staff {
                        platform,
                        user: member.user.0,
                        name: member.name,
                    },
                    troubles: trouble.into_iter().collect(),
                }
            })
            .collect();
        Some(findings)
    }
}

async fn bot(outlet: &dyn Outlet) -> Finding {
    let check = Check::Bot {
        platform: outlet.platform(),
    };
    let troubles = match ask(outlet.inspect_setup()).await {
        Ok(problems) => problems
            .into_iter()
            .map(|problem| Trouble::Setup { problem })
            .collect(),
        Err(error) => vec![Trouble::Unreachable { error }],
    };
    Finding { check, troubles }
}

/// A platform's answer, or why there is none.
async fn ask<T>(
    question: impl std::future::Future<Output = Result<T, DeliveryError>>,
) -> Result<T, String> {
    match tokio::time::timeout(PATIENCE, question).await {
        Ok(answer) => answer.map_err(|e| e.to_string()),
        Err(_) => Err(format!("no answer in {} s", PATIENCE.as_secs())),
    }
}

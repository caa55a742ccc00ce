//! `serve`'s side of the doctor: examine at start-up and every `doctor.every`,
//! record every finding, log each once per change, and hasten the threads owed to
//! a space that was just fixed.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Check, Examination, Examiner, Finding, line};
use crate::domain::Language;
use crate::i18n::Texts;
use crate::store::setup_checks::Change;
use crate::store::{self, Store, StoreError};

/// Records what the examination found; a space found fixed gets the threads owed
/// to it tried again now. Returns the subjects whose finding changed (what
/// `serve` logs).
pub async fn record(
    store: &Store,
    examination: &Examination,
    now: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let findings = &examination.findings;
    let mut changed = Vec::new();
    let mut tx = store.begin().await?;
    let mut subjects = Vec::new();
    for finding in findings {
        let subject = finding.check.subject();
        if finding.ok() && refused_unseen(&mut tx, &subject).await? {
            // The platform refused a thread there for a reason the examination
            // cannot see: that stands until a thread opens there.
            subjects.push(subject);
            continue;
        }
        let problem = if finding.ok() {
            None
        } else {
            Some(
                serde_json::to_string(finding)
                    .map_err(|e| StoreError::Unexpected(e.to_string()))?,
            )
        };
        let change =
            store::setup_checks::record(&mut tx, &subject, problem.as_deref(), now).await?;
        if change == Change::Changed {
            changed.push(subject.clone());
            if let (
                true,
                Check::Space {
                    platform, space, ..
                },
            ) = (finding.ok(), &finding.check)
            {
                let hastened =
                    store::outbox::hasten_owed_in(&mut tx, *platform, space, now).await?;
                if hastened > 0 {
                    tracing::info!(%subject, hastened, "setup: the threads owed to this space are tried again now");
                }
            }
        }
        subjects.push(subject);
    }
    if examination.complete {
        store::setup_checks::keep_only(&mut tx, &subjects).await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// Whether the problem recorded for `subject` is a refusal the dispatcher met,
/// which only a thread opened there clears.
async fn refused_unseen(conn: &mut crate::store::Conn, subject: &str) -> Result<bool, StoreError> {
    let Some(problem) = store::setup_checks::problem(conn, subject).await? else {
        return Ok(false);
    };
    Ok(serde_json::from_str::<Finding>(&problem).is_ok_and(|f| f.only_refused()))
}

/// A problem as recorded, and since when.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub finding: Finding,
    pub since: DateTime<Utc>,
}

/// The problems recorded now by any instance, oldest first. A record that does
/// not parse (written by another version) is left out.
pub async fn recorded(store: &Store) -> Result<Vec<Recorded>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    Ok(store::setup_checks::failing(&mut conn)
        .await?
        .into_iter()
        .filter_map(|f| {
            let finding = serde_json::from_str(&f.problem).ok()?;
            Some(Recorded {
                finding,
                since: f.since,
            })
        })
        .collect())
}

/// Examines now and every `every` until `stop`.
pub async fn run(
    examiner: Examiner,
    store: Store,
    texts: std::sync::Arc<Texts>,
    clock: crate::clock::SharedClock,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    let mut first = true;
    loop {
        let examination = examiner.examine().await;
        let findings = &examination.findings;
        match record(&store, &examination, clock.now()).await {
            // Each change is said once; at start-up, what was wrong already too.
            Ok(changed) => {
                for finding in findings {
                    if first && !finding.ok() || changed.contains(&finding.check.subject()) {
                        log(&texts, finding);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "setup: the findings could not be recorded"),
        }
        first = false;
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}

/// A finding in the log, in English.
fn log(texts: &Texts, finding: &Finding) {
    let subject = finding.check.subject();
    let said = line(texts, Language::En, finding);
    if finding.ok() {
        tracing::info!(%subject, "setup: fixed: {said}");
    } else {
        tracing::error!(%subject, "setup: {said}");
    }
}

//! The engine as the adapters' [`InboundSink`]: an event handled for good or
//! handed back to be tried again, and an event that failed for good set aside in
//! `failed_events` rather than holding its chat back.

use guichet_chat::{BoxFuture, HandleError, Inbound, InboundSink};

use super::Engine;
use crate::domain::Platform;
use crate::store::{self, StoreError};

impl InboundSink for Engine {
    fn handle(&self, event: Inbound) -> BoxFuture<'_, Result<(), HandleError>> {
        Box::pin(async move {
            let failure = match Engine::handle(self, event.clone()).await {
                Ok(()) => return Ok(()),
                Err(e) => e,
            };
            if failure.is_retryable() {
                tracing::warn!(platform = %event.platform, id = %event.event_id, error = %error_chain(&failure), "an inbound event could not be handled yet; it will be retried");
                return Err(HandleError {
                    retryable: true,
                    reason: failure.to_string(),
                });
            }
            // Trying again would fail the same way and hold the chat's later events
            // back: keep the event aside, acknowledged.
            self.set_aside(&event, &failure)
                .await
                .map_err(|e| HandleError {
                    retryable: true,
                    reason: format!("{failure}; and it could not be set aside: {e}"),
                })
        })
    }

    /// The chats active within `store::catch_up::WINDOW` (no longer than
    /// `retention.inbound_events`, beyond which events are no longer recognised),
    /// each with the message to read after; see `store::catch_up`.
    fn resume_points(
        &self,
        platform: Platform,
    ) -> BoxFuture<'_, Result<Vec<guichet_chat::ResumePoint>, HandleError>> {
        Box::pin(async move {
            let me = &self.inner;
            let window = store::catch_up::WINDOW.min(me.config.retention.inbound_events.0);
            let read = async {
                let mut conn = me.store.pool().acquire().await?;
                store::catch_up::resume_points(&mut conn, platform, me.desk.now(), window).await
            };
            let points = read.await.map_err(|e: StoreError| {
                tracing::warn!(%platform, error = %error_chain(&e), "where to catch up from could not be read");
                HandleError {
                    retryable: true,
                    reason: e.to_string(),
                }
            })?;
            Ok(points
                .into_iter()
                .map(|p| guichet_chat::ResumePoint {
                    channel: p.chat,
                    space: p.space,
                    after: p.after.to_string(),
                })
                .collect())
        })
    }
}

impl Engine {
    /// Keeps an event that failed for good in `failed_events`, logged once.
    async fn set_aside(&self, event: &Inbound, failure: &StoreError) -> Result<(), StoreError> {
        let me = &self.inner;
        let payload =
            serde_json::to_string(event).map_err(|e| StoreError::Unexpected(e.to_string()))?;
        let cause = error_chain(failure);
        let mut tx = me.store.begin().await?;
        let first = store::failed_events::record(
            &mut tx,
            event.platform,
            &event.event_id,
            &payload,
            &cause,
            me.desk.now(),
        )
        .await?;
        tx.commit().await?;
        if first {
            tracing::error!(platform = %event.platform, id = %event.event_id, error = %cause, "an inbound event failed for good; set aside in failed_events");
        }
        Ok(())
    }
}

/// An error with its causes, for the log and the failed events' table.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

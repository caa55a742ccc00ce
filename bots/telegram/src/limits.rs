//! Telegram's sending limits, kept on our side so the Bot API rarely has to say
//! 429: about one message a second into a private chat, twenty a minute into a
//! group (all the topics of a staff supergroup share it), thirty a second overall.
//! A sender waits for its turn; a 429 holds the chat for the time Telegram asks.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// How many messages fit in which window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub per_private_chat: (usize, Duration),
    pub per_group: (usize, Duration),
    pub overall: (usize, Duration),
}

impl Default for Limits {
    /// The Bot API FAQ's figures.
    fn default() -> Self {
        Limits {
            per_private_chat: (1, Duration::from_secs(1)),
            per_group: (20, Duration::from_secs(60)),
            overall: (30, Duration::from_secs(1)),
        }
    }
}

#[derive(Default)]
struct Windows {
    /// When recent messages went, per chat and overall (key `None`).
    sent: HashMap<Option<i64>, VecDeque<Instant>>,
    /// Chats Telegram asked us to leave alone until then.
    held: HashMap<i64, Instant>,
}

/// Shared by every send of one bot.
#[derive(Clone, Default)]
pub struct Limiter {
    limits: Limits,
    windows: Arc<Mutex<Windows>>,
}

impl Limiter {
    pub fn new(limits: Limits) -> Self {
        Limiter {
            limits,
            windows: Arc::default(),
        }
    }

    /// Waits until a message may go to `chat` (negative ids are groups), then counts
    /// it. Returns the moment it was counted at, for [`Limiter::sent`].
    pub async fn turn(&self, chat: i64) -> Instant {
        match self.turn_within(chat, Duration::MAX).await {
            Ok(counted) => counted,
            Err(_) => unreachable!("any wait is within Duration::MAX"),
        }
    }

    /// As [`Limiter::turn`], but waits at most `patience`: a longer wait is returned
    /// as `Err(wait)`, for the caller to come back then (nothing is counted).
    pub async fn turn_within(&self, chat: i64, patience: Duration) -> Result<Instant, Duration> {
        loop {
            let wait = {
                let mut windows = self.windows.lock().await;
                let now = Instant::now();
                let own = if chat < 0 {
                    self.limits.per_group
                } else {
                    self.limits.per_private_chat
                };
                let held = windows
                    .held
                    .get(&chat)
                    .copied()
                    .filter(|until| *until > now);
                let wait = [
                    held.map(|until| until - now),
                    free_in(&mut windows.sent, Some(chat), own, now),
                    free_in(&mut windows.sent, None, self.limits.overall, now),
                ]
                .into_iter()
                .flatten()
                .max();
                if wait.is_none() {
                    windows.sent.entry(Some(chat)).or_default().push_back(now);
                    windows.sent.entry(None).or_default().push_back(now);
                    return Ok(now);
                }
                wait
            };
            if let Some(wait) = wait.filter(|w| *w > patience) {
                return Err(wait);
            }
            if let Some(wait) = wait {
                tokio::time::sleep(wait).await;
            }
        }
    }

    /// The message counted at `counted` has reached Telegram: it counts from now,
    /// since Telegram measures arrivals and a request may take a while.
    pub async fn sent(&self, chat: i64, counted: Instant) {
        let now = Instant::now();
        let mut windows = self.windows.lock().await;
        for key in [Some(chat), None] {
            if let Some(times) = windows.sent.get_mut(&key)
                && let Some(slot) = times.iter_mut().rev().find(|t| **t == counted)
            {
                *slot = now;
            }
        }
    }

    /// Telegram said 429: nothing more goes to `chat` for `wait`.
    pub async fn hold(&self, chat: i64, wait: Duration) {
        let until = Instant::now() + wait;
        let mut windows = self.windows.lock().await;
        let held = windows.held.entry(chat).or_insert(until);
        *held = (*held).max(until);
    }
}

/// How long until one more message fits in `key`'s window; `None`: now.
fn free_in(
    sent: &mut HashMap<Option<i64>, VecDeque<Instant>>,
    key: Option<i64>,
    (limit, window): (usize, Duration),
    now: Instant,
) -> Option<Duration> {
    let times = sent.entry(key).or_default();
    while times.front().is_some_and(|t| now - *t >= window) {
        times.pop_front();
    }
    if times.len() < limit {
        None
    } else {
        times.front().map(|oldest| window - (now - *oldest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_group_gets_at_most_its_share_of_the_window() {
        let limiter = Limiter::new(Limits {
            per_private_chat: (1, Duration::from_secs(1)),
            per_group: (20, Duration::from_secs(60)),
            overall: (30, Duration::from_secs(1)),
        });
        let start = Instant::now();
        for _ in 0..45 {
            limiter.turn(-100).await;
        }
        // 20 at once, 20 a minute later, the last 5 two minutes in.
        assert_eq!((Instant::now() - start).as_secs(), 120);
    }

    #[tokio::test(start_paused = true)]
    async fn private_chats_get_one_a_second_and_all_thirty_a_second() {
        let limiter = Limiter::new(Limits::default());
        let start = Instant::now();
        limiter.turn(7).await;
        limiter.turn(7).await;
        assert_eq!((Instant::now() - start).as_secs(), 1);
        let start = Instant::now();
        for chat in 100..160 {
            limiter.turn(chat).await;
        }
        assert!(
            (Instant::now() - start) >= Duration::from_secs(1),
            "60 chats need two seconds' budget"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_holds_the_chat() {
        let limiter = Limiter::new(Limits::default());
        limiter.hold(-100, Duration::from_secs(30)).await;
        let start = Instant::now();
        limiter.turn(-100).await;
        assert_eq!((Instant::now() - start).as_secs(), 30);
        let start = Instant::now();
        limiter.turn(5).await;
        assert_eq!((Instant::now() - start).as_secs(), 0, "other chats go on");
    }
}

//! An in-memory chat platform implementing the port: it records what it is asked to
//! do, answers with ids like a platform would, and fails on demand.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use guichet_chat::{
    BoxFuture, Delivered, DeliveryError, MessageRef, Outbound, Outlet, Platform, Refusal,
    SpaceProblem, ThreadRef,
};

pub struct FakeChat {
    platform: Platform,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    delivered: Vec<Outbound>,
    failures: VecDeque<DeliveryError>,
    attempts: usize,
    /// The key of every attempt, failed ones included.
    keys: Vec<String>,
    /// Users whose private chat answers only after this long (a platform hanging).
    hangs: Vec<(String, std::time::Duration)>,
    /// How many threads open next without their card (held by a sending limit).
    cardless: usize,
    /// How many threads were opened without their card.
    cardless_opened: usize,
    /// Thread openings refused next, with the platform's reason.
    refused_threads: VecDeque<String>,
    /// Private messages to these users refused next, once each.
    refusals_to: Vec<(String, DeliveryError)>,
    /// Staff spaces set up wrong, and how: threads there are refused until fixed.
    misconfigured: Vec<(String, Vec<SpaceProblem>)>,
    next_id: u64,
}

impl FakeChat {
    pub fn new(platform: Platform) -> Arc<FakeChat> {
        Arc::new(FakeChat {
            platform,
            state: Mutex::default(),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// The next `n` deliveries fail with `error`.
    pub fn fail_next(&self, n: usize, error: DeliveryError) {
        self.state().failures.extend(std::iter::repeat_n(error, n));
    }

    /// The next private message to `user` fails with `error`.
    pub fn refuse_next_to(&self, user: &str, error: DeliveryError) {
        self.state().refusals_to.push((user.to_owned(), error));
    }

    /// Deliveries to `user`'s private chat take `how_long` before the platform answers.
    pub fn hang_for(&self, user: &str, how_long: std::time::Duration) {
        self.state().hangs.push((user.to_owned(), how_long));
    }

    /// The next `n` thread openings are refused for good (a missing permission).
    pub fn refuse_threads(&self, n: usize, reason: &str) {
        self.state()
            .refused_threads
            .extend(std::iter::repeat_n(reason.to_owned(), n));
    }

    /// `space` is set up wrong (`problems`, as the platform lets a bot see them):
    /// opening a thread there is refused, as the platform would, until [`Self::fix`].
    pub fn misconfigure(&self, space: &str, problems: Vec<SpaceProblem>) {
        self.fix(space);
        self.state()
            .misconfigured
            .push((space.to_owned(), problems));
    }

    pub fn fix(&self, space: &str) {
        self.state().misconfigured.retain(|(s, _)| s != space);
    }

    /// The next `n` threads open without their card: the platform created the thread,
    /// the card did not go.
    pub fn open_without_card(&self, n: usize) {
        self.state().cardless += n;
    }

    /// The card posted in each thread, in order (a first post, or a thread's card
    /// posted later).
    pub fn cards_posted(&self) -> usize {
        let state = self.state();
        let opened_with = state
            .delivered
            .iter()
            .filter(|a| matches!(a, Outbound::OpenThread { .. }))
            .count()
            - state.cardless_opened;
        let posted_later = state
            .delivered
            .iter()
            .filter(|a| {
                matches!(
                    a,
                    Outbound::UpdateCard {
                        card_message: None,
                        ..
                    }
                )
            })
            .count();
        opened_with + posted_later
    }

    /// Every action delivered so far, in order.
    pub fn delivered(&self) -> Vec<Outbound> {
        self.state().delivered.clone()
    }

    /// Delivery attempts, failed ones included.
    pub fn attempts(&self) -> usize {
        self.state().attempts
    }

    /// The key the dispatcher gave each attempt, in order.
    pub fn keys(&self) -> Vec<String> {
        self.state().keys.clone()
    }

    /// The texts sent privately to the platform user `user` (messages, notifications
    /// and rating prompts).
    pub fn texts_to(&self, user: &str) -> Vec<String> {
        self.delivered()
            .into_iter()
            .filter_map(|a| match a {
                Outbound::DirectMessage { to, text, .. }
                | Outbound::Notify { to, text }
                | Outbound::RatingPrompt { to, text, .. }
                    if to.user == user =>
                {
                    Some(text)
                }
                _ => None,
            })
            .collect()
    }

    /// The texts posted in a thread.
    pub fn posts_in(&self, thread: &ThreadRef) -> Vec<String> {
        self.delivered()
            .into_iter()
            .filter_map(|a| match a {
                Outbound::PostInThread {
                    thread: t, text, ..
                } if &t == thread => Some(text),
                _ => None,
            })
            .collect()
    }

    /// The threads opened, with their title (a thread's id is its action's index).
    pub fn threads(&self) -> Vec<(ThreadRef, String)> {
        self.state()
            .delivered
            .iter()
            .enumerate()
            .filter_map(|(i, a)| match a {
                Outbound::OpenThread { space, title, .. } => Some((
                    ThreadRef {
                        space: space.clone(),
                        thread: format!("thread-{i}"),
                    },
                    title.clone(),
                )),
                _ => None,
            })
            .collect()
    }
}

impl Outlet for FakeChat {
    fn platform(&self) -> Platform {
        self.platform
    }

    fn deliver<'a>(
        &'a self,
        action: &'a Outbound,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Delivered, DeliveryError>> {
        Box::pin(async move {
            let private_to = match action {
                Outbound::DirectMessage { to, .. }
                | Outbound::Notify { to, .. }
                | Outbound::RatingPrompt { to, .. } => Some(to.user.clone()),
                _ => None,
            };
            let hang = private_to.as_ref().and_then(|to| {
                self.state()
                    .hangs
                    .iter()
                    .find(|(user, _)| user == to)
                    .map(|(_, how_long)| *how_long)
            });
            if let Some(how_long) = hang {
                tokio::time::sleep(how_long).await;
            }
            let mut state = self.state();
            state.attempts += 1;
            state.keys.push(key.to_owned());
            if let Some(error) = state.failures.pop_front() {
                return Err(error);
            }
            if let Some(to) = &private_to
                && let Some(at) = state.refusals_to.iter().position(|(user, _)| user == to)
            {
                return Err(state.refusals_to.remove(at).1);
            }
            if matches!(action, Outbound::OpenThread { .. })
                && let Some(reason) = state.refused_threads.pop_front()
            {
                return Err(DeliveryError::refused(reason));
            }
            // Like Discord: a private thread needs Create Private Threads (and the
            // rest); adding its members, Manage Threads, without which the thread
            // opens and its members are left out.
            let mut left_out = Vec::new();
            if let Outbound::OpenThread { space, members, .. } = action
                && let Some((_, problems)) = state.misconfigured.iter().find(|(s, _)| s == space)
            {
                let manage = SpaceProblem::Missing(guichet_chat::Right::ManageThreads);
                if problems.iter().any(|p| *p != manage) {
                    return Err(DeliveryError::Permanent {
                        reason: "403 Missing Permissions".into(),
                        refusal: Refusal::MissingRight,
                    });
                }
                left_out = members.clone();
            }
            state.next_id += 1;
            let message = format!("msg-{}", state.next_id);
            let index = state.delivered.len();
            state.delivered.push(action.clone());
            Ok(match action {
                Outbound::OpenThread { space, .. } => {
                    let with_card = state.cardless == 0;
                    if !with_card {
                        state.cardless -= 1;
                        state.cardless_opened += 1;
                    }
                    Delivered {
                        thread: Some(ThreadRef {
                            space: space.clone(),
                            thread: format!("thread-{index}"),
                        }),
                        message: with_card.then(|| MessageRef {
                            chat: format!("thread-{index}"),
                            message,
                        }),
                        left_out: left_out.clone(),
                    }
                }
                Outbound::UpdateCard {
                    thread,
                    card_message: None,
                    ..
                } => Delivered {
                    thread: None,
                    message: Some(MessageRef {
                        chat: thread.thread.clone(),
                        message,
                    }),
                    ..Delivered::default()
                },
                Outbound::DirectMessage { to, .. }
                | Outbound::Notify { to, .. }
                | Outbound::RatingPrompt { to, .. } => Delivered {
                    thread: None,
                    message: Some(MessageRef {
                        chat: to.chat.clone().unwrap_or_else(|| to.user.clone()),
                        message,
                    }),
                    ..Delivered::default()
                },
                _ => Delivered::default(),
            })
        })
    }

    fn inspect_space<'a>(
        &'a self,
        space: &'a str,
    ) -> BoxFuture<'a, Result<Vec<SpaceProblem>, DeliveryError>> {
        let problems = self
            .state()
            .misconfigured
            .iter()
            .find(|(s, _)| s == space)
            .map(|(_, p)| p.clone())
            .unwrap_or_default();
        Box::pin(async move { Ok(problems) })
    }

    fn fetch_file<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Vec<u8>, DeliveryError>> {
        Box::pin(async move { Ok(format!("bytes of {reference}").into_bytes()) })
    }
}

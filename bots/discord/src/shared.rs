//! What the receiving side and the sending side of the adapter learn from each other.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use serenity::all::{ChannelId, InteractionId};

#[derive(Default)]
pub(crate) struct Shared {
    /// Each channel seen, with its parent when it is a thread (`None`: not a thread),
    /// so a message in a thread names its staff channel without asking Discord.
    parents: Mutex<HashMap<ChannelId, Option<ChannelId>>>,
    /// Interactions acknowledged early because the helpdesk took long: their answer
    /// is a follow-up message, not a response.
    deferred: Mutex<HashSet<InteractionId>>,
}

impl Shared {
    pub fn parent_of(&self, channel: ChannelId) -> Option<Option<ChannelId>> {
        self.parents
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&channel)
            .copied()
    }

    pub fn learn_parent(&self, channel: ChannelId, parent: Option<ChannelId>) {
        self.parents
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(channel, parent);
    }

    pub fn deferred(&self, id: InteractionId) {
        self.deferred
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id);
    }

    /// Whether the interaction was deferred; forgets it (it is answered once).
    pub fn take_deferred(&self, id: InteractionId) -> bool {
        self.deferred
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id)
    }
}

//! The words for the helpdesk's values, in the reader's language.

use super::Engine;
use crate::domain::{Language, Priority, Status};
use crate::present::labels::{priority_label, staff_status_label, status_label};

impl Engine {
    pub(crate) fn status_label(&self, language: Language, status: Status) -> String {
        status_label(&self.inner.texts, language, status)
    }

    pub(crate) fn staff_status_label(&self, status: Status) -> String {
        staff_status_label(&self.inner.texts, self.staff_language(), status)
    }

    /// The team's wording of a status for one of them who reads `language`.
    pub(crate) fn staff_status_label_in(&self, language: Language, status: Status) -> String {
        staff_status_label(&self.inner.texts, language, status)
    }

    pub(crate) fn priority_label(&self, language: Language, priority: Priority) -> String {
        priority_label(&self.inner.texts, language, priority)
    }
}

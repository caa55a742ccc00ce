//! What people say of themselves from the chat: their e-mail address and
//! department, and the joining of their accounts on two platforms with a
//! one-time code.

use chrono::TimeDelta;
use rand::Rng;
use sha2::{Digest, Sha256};

use super::{Desk, DeskError, Result, UserRef};
use crate::domain::{AuditAction, Email, Identity, Role, User};
use crate::permissions::Actor;
use crate::store::{self, Conn, audit::Origin};

/// How long a link code works.
pub const LINK_CODE_LIFETIME: TimeDelta = TimeDelta::minutes(10);

/// Letters and digits that cannot be mistaken for one another.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

impl Desk {
    /// Sets one's own e-mail address and/or department (`Some("")` clears it).
    pub async fn set_own_profile(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        email: Option<&Email>,
        department: Option<&str>,
        origin: Origin,
    ) -> Result<User> {
        let me = self.find_user(conn, &UserRef::Id(actor.user)).await?;
        if let Some(email) = email
            && let Some(owner) = store::users::find_by_email(conn, email).await?
            && owner.id != me.id
        {
            return Err(DeskError::EmailTaken(email.clone()));
        }
        let department = department.map(str::trim);
        store::users::set_profile(conn, me.id, email, department, self.now()).await?;
        let after = self.find_user(conn, &UserRef::Id(me.id)).await?;
        let describe = |u: &User| {
            format!(
                "email {}, department {}",
                u.email.as_ref().map_or("-", Email::as_str),
                u.department.as_deref().unwrap_or("-")
            )
        };
        self.audit_person(
            conn,
            Some(actor),
            me.id,
            AuditAction::ProfileChanged,
            Some(&describe(&me)),
            Some(&describe(&after)),
            origin,
        )
        .await?;
        Ok(after)
    }

    /// A new one-time code joining another account to `actor`'s, shown as
    /// `ABCD-EFGH`; an earlier code of theirs stops working.
    pub async fn new_link_code(&self, conn: &mut Conn, actor: &Actor) -> Result<String> {
        let code: String = {
            let mut rng = rand::rng();
            (0..8)
                .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
                .collect()
        };
        let expires = self.now() + LINK_CODE_LIFETIME;
        store::links::new_code(conn, actor.user, &code_hash(&code), expires).await?;
        Ok(format!("{}-{}", &code[..4], &code[4..]))
    }

    /// Joins the account `identity` (whose user is `actor`) to the user who made
    /// `code`: the account, its tickets, messages and ratings move there, and from
    /// then on the person is one user on both platforms. Returns that user.
    pub async fn link_with_code(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        identity: &Identity,
        code: &str,
        origin: Origin,
    ) -> Result<User> {
        let typed: String = code
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let into = store::links::use_code(conn, &code_hash(&typed), self.now())
            .await?
            .ok_or(DeskError::BadLinkCode)?;
        if into == actor.user {
            return self.find_user(conn, &UserRef::Id(into)).await;
        }
        // Staff accounts carry teams, points and an audit trail: an admin joins
        // them (`guichet user link`).
        if actor.role != Role::Employee {
            return Err(DeskError::LinkNotEmployee);
        }
        let theirs = store::users::identities(conn, into).await?;
        if theirs.iter().any(|i| i.platform == identity.platform) {
            return Err(DeskError::PlatformTaken(identity.platform));
        }
        store::links::merge(conn, actor.user, into).await?;
        let shown = identity.to_string();
        self.audit_person(
            conn,
            Some(actor),
            into,
            AuditAction::IdentityLinked,
            Some(&actor.user.to_string()),
            Some(&shown),
            origin,
        )
        .await?;
        self.find_user(conn, &UserRef::Id(into)).await
    }
}

fn code_hash(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

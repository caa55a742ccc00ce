//! Managing people: users, roles, platform identities, team membership, expertise,
//! capacity and availability. Admin work: the command line (the operator) or an
//! admin may do it.

use std::fmt;
use std::str::FromStr;

use super::{Desk, DeskError, Result};
use crate::domain::{
    AuditAction, Category, Email, Identity, NewUser, ParseError, Role, Team, User, UserId,
};
use crate::permissions::Actor;
use crate::store::audit::{Origin, Record};
use crate::store::{self, Conn};

/// How a person is named on the command line: `42`, `iheb@example.com` or
/// `telegram:123456`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Id(UserId),
    Email(Email),
    Identity(Identity),
}

impl FromStr for UserRef {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Ok(id) = s.parse::<i64>() {
            return Ok(UserRef::Id(UserId(id)));
        }
        if s.contains('@') {
            return Ok(UserRef::Email(Email::parse(s)?));
        }
        s.parse().map(UserRef::Identity).map_err(|_| {
            ParseError::new(
                crate::domain::ValueKind::User,
                s,
                "an id, an e-mail address or platform:id",
            )
        })
    }
}

impl fmt::Display for UserRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserRef::Id(id) => write!(f, "{id}"),
            UserRef::Email(email) => write!(f, "{email}"),
            UserRef::Identity(identity) => write!(f, "{identity}"),
        }
    }
}

impl Desk {
    pub async fn find_user(&self, conn: &mut Conn, who: &UserRef) -> Result<User> {
        let found = match who {
            UserRef::Id(id) => store::users::get(conn, *id).await?,
            UserRef::Email(email) => store::users::find_by_email(conn, email).await?,
            UserRef::Identity(identity) => store::users::find_by_identity(conn, identity).await?,
        };
        found.ok_or_else(|| DeskError::UnknownUser(who.to_string()))
    }

    pub fn find_team(&self, slug: &str) -> Result<Team> {
        self.catalog()
            .team_by_slug(slug)
            .cloned()
            .ok_or_else(|| DeskError::UnknownTeam(slug.to_owned()))
    }

    pub fn find_category(&self, slug: &str) -> Result<Category> {
        self.catalog()
            .category_by_slug(slug)
            .cloned()
            .ok_or_else(|| DeskError::UnknownCategory(slug.to_owned()))
    }

    /// Creates a user with their platform accounts.
    pub async fn add_user(
        &self,
        conn: &mut Conn,
        by: Option<&Actor>,
        new: &NewUser,
        identities: &[Identity],
        origin: Origin,
    ) -> Result<User> {
        admin_only(by)?;
        if let Some(email) = &new.email
            && store::users::find_by_email(conn, email).await?.is_some()
        {
            return Err(DeskError::EmailTaken(email.clone()));
        }
        let user = store::users::insert(conn, new, self.now()).await?;
        let id = user.id;
        self.audit_person(
            conn,
            by,
            id,
            AuditAction::UserCreated,
            None,
            Some(new.role.as_str()),
            origin,
        )
        .await?;
        for identity in identities {
            self.link_identity(conn, by, id, identity, origin).await?;
        }
        Ok(user)
    }

    pub async fn set_role(
        &self,
        conn: &mut Conn,
        by: Option<&Actor>,
        user: UserId,
        role: Role,
        origin: Origin,
    ) -> Result<User> {
        admin_only(by)?;
        let current = self.find_user(conn, &UserRef::Id(user)).await?;
        if current.role != role {
            store::users::set_role(conn, user, role, self.now()).await?;
            self.audit_person(
                conn,
                by,
                user,
                AuditAction::RoleChanged,
                Some(current.role.as_str()),
                Some(role.as_str()),
                origin,
            )
            .await?;
            // A staff role makes them a candidate for their teams' queues.
            self.offer_queues_of(conn, user).await?;
        }
        self.find_user(conn, &UserRef::Id(user)).await
    }

    /// Attaches a platform account to a user. Linking an account the user already
    /// has changes nothing; one that belongs to someone else is refused.
    pub async fn link_identity(
        &self,
        conn: &mut Conn,
        by: Option<&Actor>,
        user: UserId,
        identity: &Identity,
        origin: Origin,
    ) -> Result<()> {
        admin_only(by)?;
        if !store::users::link_identity(conn, user, identity, self.now()).await? {
            let owner = store::users::find_by_identity(conn, identity).await?;
            return match owner {
                Some(owner) if owner.id == user => Ok(()),
                _ => Err(DeskError::IdentityTaken(identity.clone())),
            };
        }
        let shown = identity.to_string();
        self.audit_person(
            conn,
            by,
            user,
            AuditAction::IdentityLinked,
            None,
            Some(&shown),
            origin,
        )
        .await
    }

    /// Adds `user` to `team`, or makes a member a lead (or no longer one). A lead
    /// must be able to see the team's tickets (the permission matrix): they are
    /// its escalation contacts and redistribute its work.
    pub async fn add_member(
        &self,
        conn: &mut Conn,
        by: Option<&Actor>,
        team: &Team,
        user: UserId,
        lead: bool,
        origin: Origin,
    ) -> Result<()> {
        admin_only(by)?;
        let found = self.find_user(conn, &UserRef::Id(user)).await?;
        if lead {
            let mut teams = store::users::teams_of(conn, user).await?;
            teams.push(team.id);
            if let Some(reason) = super::blind_reason(&found, &teams, team) {
                return Err(DeskError::BlindLead {
                    name: found.display_name,
                    team: team.slug.clone(),
                    reason,
                });
            }
        }
        let shown = if lead {
            format!("{} (lead)", team.slug)
        } else {
            team.slug.clone()
        };
        store::catalog::add_member(conn, team.id, user, lead).await?;
        self.audit_person(
            conn,
            by,
            user,
            AuditAction::TeamMemberAdded,
            None,
            Some(&shown),
            origin,
        )
        .await?;
        self.offer_queue(conn, team.id).await?;
        Ok(())
    }

    /// Returns whether they were a member.
    pub async fn remove_member(
        &self,
        conn: &mut Conn,
        by: Option<&Actor>,
        team: &Team,
        user: UserId,
        origin: Origin,
    ) -> Result<bool> {
        admin_only(by)?;
        let removed = store::catalog::remove_member(conn, team.id, user).await?;
        if removed {
            self.audit_person(
                conn,
                by,
                user,
                AuditAction::TeamMemberRemoved,
                Some(&team.slug),
                None,
                origin,
            )
            .await?;
        }
        Ok(removed)
    }

    /// Replaces the categories an agent is expert in.
    pub async fn set_expertise(
        &self,
        conn: &mut Conn,
        by: Option<&Actor>,
        user: UserId,
        categories: &[Category],
        origin: Origin,
    ) -> Result<()> {
        admin_only(by)?;
        self.find_user(conn, &UserRef::Id(user)).await?;
        let ids: Vec<_> = categories.iter().map(|c| c.id).collect();
        store::catalog::set_expertise(conn, user, &ids).await?;
        let slugs: Vec<&str> = categories.iter().map(|c| c.slug.as_str()).collect();
        let shown = format!("expertise: {}", slugs.join(", "));
        self.audit_person(
            conn,
            by,
            user,
            AuditAction::AgentSettingsChanged,
            None,
            Some(&shown),
            origin,
        )
        .await?;
        self.offer_queues_of(conn, user).await?;
        Ok(())
    }

    /// Sets capacity and availability; `None` keeps the current value. Back from
    /// away, or with more room, the agent's teams offer their queues again.
    pub async fn set_agent_settings(
        &self,
        conn: &mut Conn,
        by: Option<&Actor>,
        user: UserId,
        capacity: Option<u32>,
        available: Option<bool>,
        origin: Origin,
    ) -> Result<User> {
        admin_only(by)?;
        let current = self.find_user(conn, &UserRef::Id(user)).await?;
        let capacity = capacity.unwrap_or(current.capacity);
        let available = available.unwrap_or(current.available);
        store::users::set_agent_settings(conn, user, capacity, available, self.now()).await?;
        let describe = |c: u32, a: bool| {
            format!(
                "capacity {c}, {}",
                if a { "available" } else { "unavailable" }
            )
        };
        self.audit_person(
            conn,
            by,
            user,
            AuditAction::AgentSettingsChanged,
            Some(&describe(current.capacity, current.available)),
            Some(&describe(capacity, available)),
            origin,
        )
        .await?;
        if available && (!current.available || capacity > current.capacity) {
            self.offer_queues_of(conn, user).await?;
        }
        self.find_user(conn, &UserRef::Id(user)).await
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn audit_person(
        &self,
        conn: &mut Conn,
        by: Option<&Actor>,
        user: UserId,
        action: AuditAction,
        old_value: Option<&str>,
        new_value: Option<&str>,
        origin: Origin,
    ) -> Result<()> {
        let record = Record {
            ticket: None,
            actor: by.map(|a| a.user),
            subject_user: Some(user),
            action,
            old_value,
            new_value,
            origin,
            at: self.now(),
        };
        Ok(store::audit::append(conn, &record).await?)
    }
}

/// `None` is the operator at the server's command line, who may do anything.
fn admin_only(by: Option<&Actor>) -> Result<()> {
    match by {
        Some(actor) if !actor.may_administer() => Err(DeskError::AdminOnly),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_are_named_by_id_email_or_identity() {
        assert_eq!("42".parse::<UserRef>().unwrap(), UserRef::Id(UserId(42)));
        assert!(matches!(
            "iheb@example.com".parse::<UserRef>().unwrap(),
            UserRef::Email(_)
        ));
        assert!(matches!(
            "discord:80351110224678912".parse::<UserRef>().unwrap(),
            UserRef::Identity(_)
        ));
        assert!("iheb".parse::<UserRef>().is_err());
    }
}

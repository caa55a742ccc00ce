//! Teams, categories, team membership and agents' expertise. Teams and categories
//! are declared in the configuration and synchronised here at start-up; membership
//! and expertise are managed from the command line.

use std::collections::BTreeMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Conn, Result, StoreError, flag, parsed};
use crate::domain::team::Localized;
use crate::domain::{
    Catalog, CatalogDeclaration, Category, CategoryId, Email, Team, TeamId, TeamMember, UserId,
};

fn team_from(row: &AnyRow) -> Result<Team> {
    let email: Option<String> = row.try_get("email")?;
    Ok(Team {
        id: TeamId(row.try_get("id")?),
        slug: row.try_get("slug")?,
        name: Localized {
            fr: row.try_get("name_fr")?,
            en: row.try_get("name_en")?,
        },
        email: email
            .map(|e| {
                Email::parse(&e).map_err(|_| StoreError::Corrupt {
                    column: "teams.email",
                    value: e,
                })
            })
            .transpose()?,
        confidential: flag(row, "confidential")?,
        staff_space: match (
            row.try_get::<Option<String>, _>("staff_platform")?,
            row.try_get::<Option<String>, _>("staff_space")?,
        ) {
            (Some(platform), Some(space)) => Some((
                platform.parse().map_err(|_| StoreError::Corrupt {
                    column: "teams.staff_platform",
                    value: platform,
                })?,
                space,
            )),
            _ => None,
        },
        active: flag(row, "active")?,
    })
}

fn category_from(row: &AnyRow) -> Result<Category> {
    Ok(Category {
        id: CategoryId(row.try_get("id")?),
        slug: row.try_get("slug")?,
        name: Localized {
            fr: row.try_get("name_fr")?,
            en: row.try_get("name_en")?,
        },
        team: TeamId(row.try_get("team_id")?),
        default_priority: parsed(row, "default_priority")?,
        needs_approval: flag(row, "needs_approval")?,
        active: flag(row, "active")?,
    })
}

/// Makes the database's teams and categories those declared: new ones are added,
/// changed ones updated, removed ones deactivated (old tickets keep pointing at them).
pub async fn sync(conn: &mut Conn, declared: &CatalogDeclaration) -> Result<()> {
    sqlx::query("UPDATE teams SET active = 0")
        .execute(&mut *conn)
        .await?;
    let mut team_ids = BTreeMap::new();
    for t in &declared.teams {
        let id: i64 = sqlx::query(
            "INSERT INTO teams (slug, name_fr, name_en, email, confidential, staff_platform, \
             staff_space, active) VALUES ($1, $2, $3, $4, $5, $6, $7, 1) \
             ON CONFLICT (slug) DO UPDATE SET name_fr = excluded.name_fr, \
             name_en = excluded.name_en, email = excluded.email, \
             confidential = excluded.confidential, staff_platform = excluded.staff_platform, \
             staff_space = excluded.staff_space, active = 1 RETURNING id",
        )
        .bind(&t.slug)
        .bind(&t.name.fr)
        .bind(&t.name.en)
        .bind(t.email.as_ref().map(Email::as_str))
        .bind(i64::from(t.confidential))
        .bind(
            t.staff_space
                .as_ref()
                .map(|(platform, _)| platform.as_str()),
        )
        .bind(t.staff_space.as_ref().map(|(_, space)| space.as_str()))
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?;
        team_ids.insert(t.slug.as_str(), id);
    }
    sqlx::query("UPDATE categories SET active = 0")
        .execute(&mut *conn)
        .await?;
    for c in &declared.categories {
        // The configuration was checked: every category names a known team.
        let Some(team_id) = team_ids.get(c.team.as_str()) else {
            continue;
        };
        sqlx::query(
            "INSERT INTO categories (slug, name_fr, name_en, team_id, default_priority, \
             needs_approval, position, active) VALUES ($1, $2, $3, $4, $5, $6, $7, 1) \
             ON CONFLICT (slug) DO UPDATE SET name_fr = excluded.name_fr, \
             name_en = excluded.name_en, team_id = excluded.team_id, \
             default_priority = excluded.default_priority, \
             needs_approval = excluded.needs_approval, position = excluded.position, active = 1",
        )
        .bind(&c.slug)
        .bind(&c.name.fr)
        .bind(&c.name.en)
        .bind(team_id)
        .bind(c.default_priority.as_str())
        .bind(i64::from(c.needs_approval))
        .bind(c.position)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Every team and category, removed ones included; categories in menu order.
pub async fn load(conn: &mut Conn) -> Result<Catalog> {
    let teams = sqlx::query(
        "SELECT id, slug, name_fr, name_en, email, confidential, staff_platform, staff_space, \
         active FROM teams ORDER BY slug",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(team_from)
    .collect::<Result<_>>()?;
    let categories = sqlx::query(
        "SELECT id, slug, name_fr, name_en, team_id, default_priority, needs_approval, active \
         FROM categories ORDER BY active DESC, position, slug",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(category_from)
    .collect::<Result<_>>()?;
    Ok(Catalog::new(teams, categories))
}

/// Adds a member, or updates their lead flag. Returns whether they were new.
pub async fn add_member(conn: &mut Conn, team: TeamId, user: UserId, lead: bool) -> Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO team_members (team_id, user_id, lead) VALUES ($1, $2, $3) \
         ON CONFLICT (team_id, user_id) DO NOTHING",
    )
    .bind(team.0)
    .bind(user.0)
    .bind(i64::from(lead))
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        sqlx::query("UPDATE team_members SET lead = $1 WHERE team_id = $2 AND user_id = $3")
            .bind(i64::from(lead))
            .bind(team.0)
            .bind(user.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(inserted > 0)
}

/// Returns whether they were a member.
pub async fn remove_member(conn: &mut Conn, team: TeamId, user: UserId) -> Result<bool> {
    let removed = sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
        .bind(team.0)
        .bind(user.0)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(removed > 0)
}

pub async fn members(conn: &mut Conn, team: TeamId) -> Result<Vec<TeamMember>> {
    sqlx::query(
        "SELECT team_id, user_id, lead FROM team_members WHERE team_id = $1 ORDER BY user_id",
    )
    .bind(team.0)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        Ok(TeamMember {
            team: TeamId(row.try_get("team_id")?),
            user: UserId(row.try_get("user_id")?),
            lead: flag(row, "lead")?,
        })
    })
    .collect()
}

/// Replaces an agent's categories of expertise.
pub async fn set_expertise(conn: &mut Conn, user: UserId, categories: &[CategoryId]) -> Result<()> {
    sqlx::query("DELETE FROM expertise WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    for category in categories {
        sqlx::query(
            "INSERT INTO expertise (user_id, category_id) VALUES ($1, $2) \
             ON CONFLICT (user_id, category_id) DO NOTHING",
        )
        .bind(user.0)
        .bind(category.0)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn expertise(conn: &mut Conn, user: UserId) -> Result<Vec<CategoryId>> {
    sqlx::query("SELECT category_id FROM expertise WHERE user_id = $1 ORDER BY category_id")
        .bind(user.0)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| Ok(CategoryId(row.try_get("category_id")?)))
        .collect()
}

//! What the bot may learn of a team's channel and of its server before it has to
//! post there, said as [`SpaceProblem`]s and [`SetupProblem`]s.
//!
//! The bot's permissions in a channel are computed as Discord documents it
//! (https://discord.com/developers/docs/topics/permissions#permission-overwrites):
//! the @everyone role's permissions (the role whose id is the server's), with those
//! of the member's roles added; *Administrator* grants everything; then the
//! channel's overwrites in order: @everyone's deny and allow, the member's roles'
//! denies together then their allows together, the member's own deny and allow.
//! A permission implied away is reported as its cause: without *View Channel*
//! nothing else counts ("implicit permissions"). The server owner, who has every
//! permission, is not considered: a bot does not own the server it serves.

use guichet_chat::{DeliveryError, Right, SetupProblem, SpaceProblem};
use serenity::all::{
    Channel, ChannelId, ChannelType, GuildId, Http, PermissionOverwriteType, Permissions, RoleId,
    UserId,
};
use tokio::sync::OnceCell;

use crate::refusal::{MISSING_ACCESS, UNKNOWN_CHANNEL, error_code};

/// What the helpdesk asks of the bot in a team's channel, and the port's name of it.
const NEEDED: [(Permissions, Right); 8] = [
    (Permissions::VIEW_CHANNEL, Right::ViewChannel),
    (Permissions::SEND_MESSAGES, Right::SendMessages),
    (
        Permissions::SEND_MESSAGES_IN_THREADS,
        Right::SendMessagesInThreads,
    ),
    (
        Permissions::CREATE_PRIVATE_THREADS,
        Right::CreatePrivateThreads,
    ),
    (Permissions::MANAGE_THREADS, Right::ManageThreads),
    (Permissions::EMBED_LINKS, Right::EmbedLinks),
    (Permissions::ATTACH_FILES, Right::AttachFiles),
    (Permissions::READ_MESSAGE_HISTORY, Right::ReadMessageHistory),
];

/// What is wrong with the channel `space` for the helpdesk's private threads.
pub(crate) async fn space(
    http: &Http,
    me: &OnceCell<UserId>,
    guild: Option<GuildId>,
    space: &str,
) -> Result<Vec<SpaceProblem>, DeliveryError> {
    let Some(id) = space.trim().parse::<u64>().ok().filter(|n| *n != 0) else {
        return Ok(vec![SpaceProblem::NotFound]);
    };
    let channel = match http.get_channel(ChannelId::new(id)).await {
        Ok(channel) => channel,
        Err(e) if matches!(error_code(&e), Some(UNKNOWN_CHANNEL | MISSING_ACCESS)) => {
            // Unknown, or hidden from the bot: for the bot, it is not there.
            return Ok(vec![SpaceProblem::NotFound]);
        }
        Err(e) => return Err(unasked(e)),
    };
    let Channel::Guild(channel) = channel else {
        return Ok(vec![SpaceProblem::NoThreads]);
    };
    if guild.is_some_and(|g| g != channel.guild_id) {
        return Ok(vec![SpaceProblem::OtherServer]);
    }
    let mut problems = Vec::new();
    if channel.kind != ChannelType::Text {
        problems.push(SpaceProblem::NoThreads);
    }
    let me = *me
        .get_or_try_init(|| async { http.get_current_user().await.map(|me| me.id) })
        .await
        .map_err(unasked)?;
    let roles = http
        .get_guild_roles(channel.guild_id)
        .await
        .map_err(unasked)?;
    let member = http
        .get_member(channel.guild_id, me)
        .await
        .map_err(unasked)?;
    let everyone = RoleId::new(channel.guild_id.get());
    let role = |id: RoleId| {
        roles
            .iter()
            .find(|r| r.id == id)
            .map_or(Permissions::empty(), |r| r.permissions)
    };
    let overwrites = channel
        .permission_overwrites
        .iter()
        .map(|o| (o.kind, o.allow, o.deny));
    let granted = effective(
        role(everyone),
        member.roles.iter().map(|r| role(*r)),
        everyone,
        &member.roles,
        me,
        overwrites,
    );
    problems.extend(missing(granted).into_iter().map(SpaceProblem::Missing));
    Ok(problems)
}

/// The bot's permissions in a channel, by Discord's documented order.
fn effective(
    everyone_role: Permissions,
    member_roles: impl Iterator<Item = Permissions>,
    everyone: RoleId,
    roles: &[RoleId],
    me: UserId,
    overwrites: impl Iterator<Item = (PermissionOverwriteType, Permissions, Permissions)> + Clone,
) -> Permissions {
    let base = member_roles.fold(everyone_role, |all, p| all | p);
    if base.contains(Permissions::ADMINISTRATOR) {
        return Permissions::all();
    }
    let mut granted = base;
    for (kind, allow, deny) in overwrites.clone() {
        if kind == PermissionOverwriteType::Role(everyone) {
            granted = (granted - deny) | allow;
        }
    }
    let (mut allow_roles, mut deny_roles) = (Permissions::empty(), Permissions::empty());
    for (kind, allow, deny) in overwrites.clone() {
        if let PermissionOverwriteType::Role(r) = kind
            && r != everyone
            && roles.contains(&r)
        {
            allow_roles |= allow;
            deny_roles |= deny;
        }
    }
    granted = (granted - deny_roles) | allow_roles;
    for (kind, allow, deny) in overwrites {
        if kind == PermissionOverwriteType::Member(me) {
            granted = (granted - deny) | allow;
        }
    }
    granted
}

/// The needed rights not granted; only *View Channel* when it is missing, since
/// nothing else works without it.
fn missing(granted: Permissions) -> Vec<Right> {
    if !granted.contains(Permissions::VIEW_CHANNEL) {
        return vec![Right::ViewChannel];
    }
    NEEDED
        .iter()
        .filter(|(permission, _)| !granted.contains(*permission))
        .map(|(_, right)| *right)
        .collect()
}

/// The commands the adapter registers (`names`) that the server lacks.
pub(crate) async fn setup(
    http: &Http,
    guild: Option<GuildId>,
    names: &[String],
) -> Result<Vec<SetupProblem>, DeliveryError> {
    let Some(guild) = guild else {
        // No server configured: the commands are not registered anywhere.
        return Ok(if names.is_empty() {
            vec![]
        } else {
            vec![SetupProblem::CommandsMissing(names.to_vec())]
        });
    };
    let registered = http.get_guild_commands(guild).await.map_err(unasked)?;
    let absent: Vec<String> = names
        .iter()
        .filter(|name| !registered.iter().any(|c| &c.name == *name))
        .cloned()
        .collect();
    Ok(if absent.is_empty() {
        vec![]
    } else {
        vec![SetupProblem::CommandsMissing(absent)]
    })
}

fn unasked(e: serenity::Error) -> DeliveryError {
    DeliveryError::Retry {
        after: None,
        reason: format!("Discord could not be asked: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERYONE: RoleId = RoleId::new(1);
    const BOT_ROLE: RoleId = RoleId::new(2);
    const ME: UserId = UserId::new(3);

    fn needed() -> Permissions {
        NEEDED
            .iter()
            .fold(Permissions::empty(), |all, (p, _)| all | *p)
    }

    fn in_channel(
        everyone: Permissions,
        bot_role: Permissions,
        overwrites: &[(PermissionOverwriteType, Permissions, Permissions)],
    ) -> Vec<Right> {
        missing(effective(
            everyone,
            [bot_role].into_iter(),
            EVERYONE,
            &[BOT_ROLE],
            ME,
            overwrites.iter().copied(),
        ))
    }

    #[test]
    fn the_bots_role_grants_what_the_helpdesk_needs() {
        assert_eq!(in_channel(Permissions::VIEW_CHANNEL, needed(), &[]), vec![]);
    }

    #[test]
    fn a_permission_missing_from_every_role_is_named() {
        let role = needed() - Permissions::MANAGE_THREADS;
        assert_eq!(
            in_channel(Permissions::empty(), role, &[]),
            vec![Right::ManageThreads]
        );
    }

    #[test]
    fn overwrites_apply_in_discords_order() {
        let deny_everyone = (
            PermissionOverwriteType::Role(EVERYONE),
            Permissions::empty(),
            Permissions::VIEW_CHANNEL | Permissions::CREATE_PRIVATE_THREADS,
        );
        // The @everyone deny takes the bot's view away...
        assert_eq!(
            in_channel(Permissions::empty(), needed(), &[deny_everyone]),
            vec![Right::ViewChannel],
            "without View Channel nothing else counts"
        );
        // ...a role allow gives it back, but not what it does not allow...
        let allow_role = (
            PermissionOverwriteType::Role(BOT_ROLE),
            Permissions::VIEW_CHANNEL,
            Permissions::empty(),
        );
        assert_eq!(
            in_channel(Permissions::empty(), needed(), &[deny_everyone, allow_role]),
            vec![Right::CreatePrivateThreads]
        );
        // ...and the member's own overwrite comes last.
        let allow_me = (
            PermissionOverwriteType::Member(ME),
            Permissions::CREATE_PRIVATE_THREADS,
            Permissions::ATTACH_FILES,
        );
        assert_eq!(
            in_channel(
                Permissions::empty(),
                needed(),
                &[deny_everyone, allow_role, allow_me]
            ),
            vec![Right::AttachFiles]
        );
    }

    #[test]
    fn administrators_ignore_overwrites() {
        let deny_all = (
            PermissionOverwriteType::Role(BOT_ROLE),
            Permissions::empty(),
            Permissions::all(),
        );
        assert_eq!(
            in_channel(
                Permissions::empty(),
                Permissions::ADMINISTRATOR,
                &[deny_all]
            ),
            vec![]
        );
    }
}

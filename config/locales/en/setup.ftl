## The setup doctor (`guichet doctor`, the dashboard's banner, /readyz): what was
## checked, what is wrong, the fix.

setup-title = Setup check
setup-summary-ok = All is well ({ $count } checks).
setup-summary-failed = { $failed ->
    [one] 1 problem
   *[other] { $failed } problems
} in { $count } checks.
setup-banner-title = { $count ->
    [one] A setup problem keeps guichet from working normally
   *[other] { $count } setup problems keep guichet from working normally
}
setup-banner-more = … and { $count } more: run "guichet doctor".
setup-check-database = Database
setup-check-migrations = Database migrations
setup-check-mail = Mail server { $host }
setup-check-bot = { $platform } bot
setup-check-space = Space of the "{ $team }" team ({ $platform } { $space })
setup-check-staff = Private messages to { $name } ({ $platform })
setup-check-contacts = The teams' escalation contacts
setup-check-contact = { $name }, escalation contact of the "{ $team }" team
setup-unreachable = Unreachable: { $error }
setup-fix-database = Check database.url and that the database server is running.
setup-fix-mail = Check mail.host, mail.port, mail.security and the password (GUICHET_SMTP_PASSWORD).
setup-fix-platform = Check the { $platform } bot's token and the network path to its platform.
setup-migrations-pending = { $count ->
    [one] 1 migration is not applied.
   *[other] { $count } migrations are not applied.
}
setup-fix-migrations = Run "guichet migrate".
setup-platform-off = { $platform } is not connected: this team's threads cannot open.
setup-fix-platform-off = Give the bot's token in the { $variable } variable, or change the team's space.
setup-space-not-found-telegram = The bot cannot find the group { $space }, or is not a member of it.
setup-fix-space-not-found-telegram = Add the bot to the group and check the id in teams.{ $team }.staff_space (a supergroup's id starts with -100).
setup-space-not-found-discord = The bot cannot find the channel { $space }, or cannot see it.
setup-fix-space-not-found-discord = Check the id in teams.{ $team }.staff_space, invite the bot to the server and give it "View Channel".
setup-space-other-server = The channel { $space } is on a server other than the one in discord.guild_id.
setup-fix-space-other-server = Choose a channel of the configured server, or correct discord.guild_id.
setup-space-no-topics = The group { $space } is not a supergroup with topics enabled.
setup-fix-space-no-topics = In Telegram, open the group's settings and turn "Topics" on.
setup-space-not-text = The channel { $space } is not a text channel: threads cannot open there.
setup-fix-space-not-text = Choose a text channel for teams.{ $team }.staff_space.
setup-space-not-admin = The bot is a plain member of the group { $space }.
setup-fix-space-not-admin = Make the bot an administrator of the group with the "Manage Topics" right.
setup-space-missing-right = The bot lacks the "{ $right }" right in { $space }.
setup-fix-right-telegram = In the administrators of the group { $space }, give the bot the "{ $right }" right.
setup-fix-right-discord = Give the bot the "{ $right }" permission on the channel { $space } (the channel's permissions or the bot's role).
setup-right-view-channel = View Channel
setup-right-send-messages = Send Messages
setup-right-send-in-threads = Send Messages in Threads
setup-right-create-private-threads = Create Private Threads
setup-right-manage-threads = Manage Threads
setup-right-embed-links = Embed Links
setup-right-attach-files = Attach Files
setup-right-read-history = Read Message History
setup-right-manage-topics = Manage Topics
setup-right-post-messages = Send Messages
setup-commands-missing = Commands not registered on the server: { $commands }.
setup-fix-commands = Set discord.guild_id and restart guichet: it registers the commands at start-up (the bot must have been invited with the applications.commands scope).
setup-never-started = { $name } never opened a private chat with the bot: the bot cannot write to them.
setup-fix-never-started = Ask { $name } to open a private chat with the bot and send /start.
setup-refuses-private = The platform refused a private message to { $name }.
setup-fix-refuses-private-telegram = Ask { $name } to unblock the bot and send it /start.
setup-fix-refuses-private-discord = Ask { $name } to allow direct messages from the server's members (the server's Privacy Settings).
setup-blind-employee = { $name } is an employee: they cannot see the "{ $team }" tickets they would be alerted about.
setup-blind-not-hr = { $name } does not have the hr role: they cannot see the confidential tickets of "{ $team }".
setup-blind-not-member = { $name } is not in the "{ $team }" team: they cannot see its tickets.
setup-blind-unknown-address = No user has the address { $name }, an escalation contact of "{ $team }".
setup-fix-blind-employee = Give { $name } a team role (guichet user set-role … agent, or hr for a confidential team), or choose another contact.
setup-fix-blind-not-hr = Give { $name } the hr role (guichet user set-role … hr), or choose an hr member of "{ $team }".
setup-fix-blind-not-member = Add { $name } to the team (guichet team add-member { $team } …), or choose another contact.
setup-fix-blind-unknown-address = Give this address to a user (guichet user add … --email), or remove it from teams.{ $team }.escalation.users.
setup-thread-refused = The platform refused to open a ticket's thread there: { $error }
setup-fix-thread-refused = Run "guichet doctor" to learn which setting to correct; the waiting threads then open by themselves.

## What people are told when something could not be delivered.

delivery-quote = "{ $text }"
delivery-undelivered-unreachable-telegram = ⚠️ This message could not be delivered to { $name }: they never opened a private chat with the bot, or blocked it. Ask them to send /start to the bot; an administrator can then send it again (guichet outbox retry { $id }).
delivery-undelivered-unreachable-discord = ⚠️ This message could not be delivered to { $name }: they accept no direct messages from the bot (the server's Privacy Settings). Once they do, an administrator can send it again (guichet outbox retry { $id }).
delivery-undelivered-refused = ⚠️ This message could not be delivered to { $name }: { $platform } refused to deliver it. An administrator can send it again (guichet outbox retry { $id }).
delivery-undelivered-gave-up = ⚠️ This message could not be delivered to { $name }: { $platform } did not answer after { $attempts } tries. An administrator can send it again (guichet outbox retry { $id }).
delivery-left-out = ⚠️ { $count ->
    [one] { $names } could not be added to this private thread and cannot see it
   *[other] { $names } could not be added to this private thread and cannot see it
}: the bot lacks the "Manage Threads" permission on the channel. Give it (guichet doctor checks it); the card's next update adds them.
delivery-thread-undelivered = ⚠️ Your message could not reach the team for ticket { $reference }. The administrators can send it again; you may also write it here again.
delivery-team-not-told = ⚠️ Your request { $reference } is recorded, but the { $team } team could not be told yet. The administrators are warned; you don't need to send it again.
ticket-created-held =
    ✅ Your request { $reference } is recorded.
    Category: { $category } · Priority: { $priority }
    ⚠️ The { $team } team could not be told yet: the administrators are warned. Write to me here to add to your request: I'll pass it on.

# guichet — English texts. Every key also exists in ../fr/guichet.ftl (a test
# checks it). The { $variables } are filled in by the code.

## Statuses and priorities

status-open = Open
status-in-progress = In progress
status-waiting-on-user = Waiting for your answer
status-waiting-on-requester = Waiting for the requester
status-resolved = Resolved
status-closed = Closed
priority-p0 = Critical
priority-p1 = Urgent
priority-p2 = Normal
priority-p3 = Low
priority-p0-help = immediate impact on the business
priority-p1-help = several people blocked
priority-p2-help = one person affected
priority-p3-help = improvement request

## Opening a ticket

dialogue-describe = Describe your request in one message: its first line becomes the title.
dialogue-ask-category = Thanks! What kind of request is it?
dialogue-still-category = I added this message to your request. Choose its kind so I can send it to the right team:
dialogue-ask-priority = How urgent is it?
dialogue-still-priority = I added this message to your request. Tell me how urgent it is so I can send it:
dialogue-which-ticket = You have several open tickets. Which one is this message for?
button-new-ticket = ➕ New ticket
subject-files-only = Attachment sent to support
ticket-created =
    ✅ Your ticket { $reference } is open.
    Category: { $category } · Priority: { $priority }
    { $team } is on it. Write to me here to add anything: I pass it on.
ticket-reopened = 🔄 Your ticket { $reference } is reopened: the team gets your message.
ticket-taken = 🙋 { $name } ({ $team }) is taking care of your ticket { $reference }.
ticket-redistributed-away = 🔀 { $name } handed your ticket { $reference } to a colleague.
ticket-waiting = ⏳ The team is waiting for your answer on ticket { $reference }. Just reply here.
ticket-resolved =
    ✅ Your ticket { $reference } was resolved by { $name }.{ $note }
    If the problem is still there, reply here: the ticket will be reopened.
ticket-closed = 🔒 Your ticket { $reference } is closed.
ticket-transferred = ➡️ Your ticket { $reference } was passed on to: { $team }.
relay-from-agent =
    💬 { $name } ({ $team }) · { $reference }
    { $text }
rating-prompt = How would you rate the resolution of ticket { $reference }?
rating-comment-hint = Thanks! To add a comment: /rate { $reference } { $stars } your comment
my-tickets-title = Your tickets:
my-tickets-line = • { $reference } — { $status } — { $subject }
my-tickets-none = You have no tickets. Write me your problem to open one.
notify-assigned = 📌 New ticket for you: { $reference } · { $subject } ({ $priority })

## The team's thread

card-title = { $reference } · { $subject }
card-status = Status
card-priority = Priority
card-category = Category
card-team = Team
card-requester = Requester
card-assignee = Assignee
card-unassigned = Nobody (team queue)
card-resolution = Resolution
card-follows-up = Follows up ticket
button-claim = 🙋 Claim
button-resolve = ✅ Resolve
button-close = 🔒 Close
thread-opening =
    📝 { $name }:
    { $text }
thread-from-requester =
    💬 { $name }:
    { $text }
thread-note = 🗒️ Internal note from { $name }: { $text }
thread-claimed = 🙋 { $name } claims the ticket.
thread-redistributed = 🔀 { $name } takes the ticket from { $agent }: { $to }.
thread-queue = back in the team's queue
thread-assigned = 👤 { $name } assigns the ticket to { $assignee }.
thread-priority = ⚡ { $name } sets the priority to { $priority }.
thread-status = 🔁 { $name } sets the status to “{ $status }”.
thread-resolved = ✅ Resolved by { $name }.{ $note }
thread-closed = 🔒 Closed by { $name }.
thread-reopened = 🔄 { $name } replied: the ticket is reopened.
thread-transferred = ➡️ { $name } transfers the ticket to: { $team }.
thread-transferred-in =
    ➡️ Ticket transferred by { $name }: { $subject }
    { $description }

## Confirmations

answer-category = Category: { $category }
answer-priority = Priority: { $priority }
answer-new-ticket = All right, a new ticket.
answer-added-to = Message added to ticket { $reference }.
answer-rated = Thanks for your rating { $stars }!
error-already-rated = You have already rated this ticket: { $stars }. Your rating stands; to change it, use the /rate command.
answer-claimed = You are taking care of { $reference }.
answer-unavailable = 🌴 Noted: you receive no new tickets. Your open tickets stay yours; /available when you are back.
answer-available = ✅ Welcome back: you receive tickets again.
answer-link-code = 🔗 On the other platform, send the bot: /link { $code } (valid for { $minutes } minutes).
answer-linked = 🔗 Your accounts are joined: { $accounts }. Your tickets, language and address follow you from one platform to the other.
profile-show =
    👤 { $name }
    E-mail: { $email }
    Language: { $language }
    Department: { $department }
    Accounts: { $accounts }
profile-none = —
language-fr = French
language-en = English
answer-redistributed = 🔀 { $count } ticket(s) of { $agent } shared out, { $queued } of them back in the queue for lack of an available expert.
answer-already-yours = This ticket is already yours.
answer-assigned = Ticket assigned to { $name }.
answer-priority-set = Priority: { $priority }.
answer-status-set = Status: { $status }.
answer-resolved = { $reference } is resolved.
answer-resolved-rated = { $reference } is resolved; the requester is asked to rate it.
answer-closed = { $reference } is closed.
answer-transferred = Ticket transferred to: { $team }.
answer-noted = Internal note saved (the requester does not see it).
answer-cancelled = Cancelled.
answer-language = All right, I will speak English with you.

## Help

help-employee =
    Hello! Write me your problem: I open a ticket and put you in touch with the right team.
    Commands:
    /new — open a new ticket
    /tickets — see your tickets and their status
    /close [TCK-…] — close your ticket
    /rate TCK-… 1-5 [comment] — rate a resolution
    /language fr|en — change language
    /profile — your profile (e-mail, language, department)
    /link — join your Discord and Telegram accounts
    /cancel — drop the request in progress
help-agent =
    In a ticket's thread, your messages are passed on to the requester.
    Start a message with { $note } (or use /note) for an internal note, never passed on.
    /claim — take the ticket
    /assign <user> — hand it to a colleague
    /priority P0|P1|P2|P3
    /status open|in_progress|waiting_on_user|resolved|closed
    /resolve <resolution note>
    /transfer <team> — one of: { $teams }
    /leaderboard [week|month] — the agents' leaderboard
    /unavailable, /available — stop / resume receiving new tickets
    /redistribute <agent> — share out their tickets (team leads)
    /status open — hand the ticket back to the queue
    In a private chat, add the reference: /claim TCK-20250214-002

## Command menus

command-help = Help and the list of commands
command-new = Open a new ticket
command-tickets = See my tickets and their status
command-close = Close a ticket
command-rate = Rate a ticket's resolution (1 to 5)
command-language = Change language (fr or en)
command-cancel = Drop the request in progress
command-claim = Take the ticket
command-assign = Hand the ticket to a colleague
command-priority = Change the priority (P0 to P3)
command-status = Change the status
command-resolve = Resolve, with a resolution note
command-transfer = Transfer to another team
command-note = Add an internal note
command-leaderboard = Agents' leaderboard (week or month)
command-unavailable = Stop receiving new tickets (away)
command-available = Receive new tickets again
command-redistribute = Share an agent's tickets among the others (team leads)
command-profile = See or change my profile (e-mail, language, department)
command-link = Join my Discord and Telegram accounts

## Usage

usage-rate = /rate TCK-YYYYMMDD-NNN 1-5 [comment]
usage-assign = /assign <id, e-mail or platform:id>
usage-transfer = /transfer <team>
usage-note = /note <text>
usage-leaderboard = /leaderboard [week|month]
usage-redistribute = /redistribute <agent: mention, id, e-mail or platform:id>
usage-profile = /profile [email <address> | language fr|en | department <name>]
leaderboard-week = 🏆 This week's leaderboard (since { $since })
leaderboard-month = 🏆 This month's leaderboard (since { $since })
leaderboard-line = { $medal } { $rank }. { $name } — { $points } pts
leaderboard-empty = No points yet.
leaderboard-yours = You: { $points } pts

## Errors

error-internal = Sorry, a technical problem keeps me from handling your request. Please try again in a moment.
error-too-long = Your message is { $length } characters long; the limit is { $max }. Split it into several messages.
error-empty = The message is empty.
error-unknown-command = I don't know the command /{ $command }. Type /help for the list.
error-leaderboard-staff = The leaderboard is for the support teams.
error-staff-only = This command is for the support teams.
error-not-lead = Only a lead of this agent's team (or an administrator) can share out their tickets.
error-link-code = This code is not valid (unknown, already used or expired). Send /link on the other platform to get a new one.
error-link-staff = Support staff accounts are joined by an administrator (guichet user link).
error-link-platform = This profile already has a { $platform } account: one account per platform.
error-usage = Usage: { $usage }
error-unknown-button = This button is not recognised.
error-stale-button = This button is no longer valid: the request was already handled.
error-unknown-ticket = I can't find ticket { $reference }, or you don't have access to it.
error-unseen-ticket = I can't find this ticket, or you don't have access to it.
error-unknown-user = I can't find the user { $user }.
error-unknown-team = I don't know the team “{ $team }”.
error-unknown-category = I don't know the category “{ $category }”.
error-forbidden-staff = Only the team in charge of this ticket can do that.
error-forbidden-note = Internal notes are for the team only.
error-forbidden-rate = Only the requester can rate this ticket.
error-forbidden-close = You cannot close or reopen this ticket.
error-admin-only = Only an administrator can do that.
error-transition = A “{ $from }” ticket cannot become “{ $to }”.
error-already-assigned = Someone else already has this ticket; use /assign to reassign it.
error-not-team-staff = This person is not in the team of this ticket.
error-lead-employee = { $name } cannot lead team { $team }: an employee sees only their own tickets. Give them the agent role first (hr for a confidential team), or choose another lead.
error-lead-not-hr = { $name } cannot lead team { $team }: its tickets are confidential and only its hr members see them. Give them the hr role, or choose an hr member.
error-lead-not-member = { $name } cannot lead team { $team }, whose tickets they cannot see: add them to the team first.
error-not-resolved = A ticket is rated once it is resolved.
error-identity-taken = The account { $identity } already belongs to someone else.
error-email-taken = The address { $email } is already in use.
error-invalid-priority = “{ $value }” is not a priority: P0, P1, P2 or P3.
error-invalid-status = “{ $value }” is not a status: open, in_progress, waiting_on_user, resolved or closed.
error-invalid-reference = “{ $value }” is not a ticket reference (TCK-YYYYMMDD-NNN).
error-invalid-rating = “{ $value }” is not a rating: 1 to 5 stars.
error-invalid-language = “{ $value }” is not an available language: fr or en.
error-invalid-email = “{ $value }” is not a valid e-mail address.
error-invalid-value = “{ $value }” is not a valid value.
error-no-open-ticket = You have no open ticket.
error-which-ticket = Which ticket? { $references }
error-ticket-needed = Give the ticket's reference, for example: /claim TCK-20250214-002
error-not-staff-here = You are not in this ticket's team: your message was not passed on. Ask an administrator to add you.
error-dm-only = This command works in a private chat with the bot.
error-channel-only = This command works in a server channel, where the panel should appear.

## Request form (Discord)
form-title = New request
form-subject = Subject
form-subject-placeholder = My screen won't turn on
form-description = Description
form-description-placeholder = What happens, since when, what you tried…
form-fallback = Write your request to me in a private message.
form-received = Request received: we continue in a private message.
panel-text = 🛎️ **Need help?** IT, finance, HR… Open a ticket: a team answers you in a private message.
button-open-ticket = 📝 Open a ticket
answer-panel-posted = Panel posted.
command-panel = Post the "Open a ticket" panel in this channel
card-priority-placeholder = Change the priority…
option-details = Details (ticket reference, name, priority…)
option-category = Category of the request

## Scheduler: reminders, escalations, closing

duration-minutes = { $n } min
duration-hours = { $n } h
duration-days = { $n } d
reminder-unanswered-thread = ⏰ { $name } has been waiting for an answer for { $age }.
reminder-unanswered = ⏰ { $reference } · { $subject }: { $name } has been waiting for your answer for { $age }.
reminder-unassigned-thread = ⏰ Nobody has taken this ticket yet (open for { $age }): who takes it?
thread-auto-assigned = 🤖 Assigned automatically to { $name }.
sla-first-response = first response
sla-resolution = resolution
escalation-1 = ⚠️ { $reference } · { $subject }: the { $target } target is due on { $due }.
escalation-2 = 🚨 { $reference } · { $subject }: { $target } target missed (due { $due }). You are an escalation contact of the team.
escalation-3 = 🚨 { $reference } · { $subject }: { $target } target missed by far (due { $due }). The admins are told.
escalation-1-thread = ⚠️ The { $target } target is close (due { $due }). Told: { $names }.
escalation-2-thread = 🚨 { $target } target missed (due { $due }). Escalated to: { $names }.
escalation-3-thread = 🚨 { $target } target missed by far (due { $due }). Admins told: { $names }.
escalation-nobody = nobody (no contact could be reached)
escalation-late = ⏱️ Late notice: this level was reached on { $at }.
overdue-thread-mailed = 📨 Open for { $age } without resolution: reminder e-mailed to { $to }.
overdue-thread-not-mailed = 📨 Open for { $age } without resolution, but no e-mail could be sent (see the audit trail).
ticket-overdue = 📨 Your ticket { $reference } has been open for { $age }: we e-mailed the person in charge about it.
mail-overdue-subject = [{ $reference }] Still not resolved after { $age }: { $subject }
mail-overdue-body =
    Hello { $name },

    Ticket { $reference } is still not resolved, { $age } after it was opened.

    Subject: { $subject }
    Requester: { $requester }
    Priority: { $priority }
    Team: { $team }
    Status: { $status }
    Opened: { $created }

    Latest messages:

    { $messages }

    To answer, write in the ticket's thread on Discord or Telegram.
    — Guichet, the internal helpdesk
mail-internal-note = {" "}(internal note)
mail-no-messages = (no messages)
rating-reminder = ⭐ A quick reminder: how was the resolution of ticket { $reference }? A rating from 1 to 5 stars helps us improve.
ticket-waiting-warning = ⏳ We are waiting for your answer on ticket { $reference } · { $subject }. Without news from you, it will be closed on { $date }. Just answer here.
thread-waiting-warned = ⏳ { $name } was reminded; closing on { $date } without an answer.
thread-auto-closed = 🔒 Closed automatically: resolved { $age } ago with no word from the requester.
ticket-auto-closed = 🔒 Your ticket { $reference } is closed. If the problem comes back, write to me: a new ticket will be opened.
thread-waiting-closed = 🔒 Closed automatically: the requester did not answer.
ticket-waiting-closed = 🔒 Your ticket { $reference } is closed for lack of an answer. You can write to us again at any time.
card-sla = SLA
card-sla-first-response-missed = ⏰ First response late (due { $due })
card-sla-resolution-missed = ⏰ Resolution late (due { $due })

## Approval decisions

button-approve = ✅ Approve
button-ask-info = ❓ Ask for information
button-refuse = ❌ Refuse
card-decision = Decision
card-decision-approved = ✅ Approved by { $name }
card-decision-info-requested = ❓ Information asked by { $name }
card-decision-refused = ❌ Refused by { $name }
thread-approved = ✅ { $name } approves the request.{ $note }
thread-info-requested =
    ❓ { $name } asks the requester for information:
    > { $text }
thread-refused =
    ❌ { $name } refuses the request. Reason:
    > { $text }
thread-awaiting-question = ✍️ { $name }: write your question to the requester as one message in this topic (/cancel to give up).
thread-awaiting-justification = ✍️ { $name }: write the reason for the refusal as one message in this topic (/cancel to give up).
ticket-approved =
    ✅ Your request { $reference } was approved by { $name } ({ $team }).{ $note }
ticket-info-requested =
    ❓ { $name } ({ $team }) needs more information about your request { $reference }:
    { $text }
    Just reply here.
ticket-refused =
    ❌ Your request { $reference } was refused by { $name } ({ $team }).
    Reason: { $text }
    If you have any question, reply here.
answer-approved = Request { $reference } approved.
answer-info-requested = Question sent to the requester of { $reference }.
answer-refused = Request { $reference } refused; the requester is told the reason.
answer-awaiting-question = Write your question in the topic, as one message.
answer-awaiting-justification = Write the reason for the refusal in the topic, as one message.
form-ask-info-title = Information · { $reference }
form-ask-info-label = Question to the requester
form-ask-info-placeholder = What information is missing?
form-refuse-title = Refusal · { $reference }
form-refuse-label = Reason for the refusal
form-refuse-placeholder = The requester will read this reason.
form-decision-fallback = Write in the thread: /ask your question, or /refuse your justification.
command-approve = Approve a request (optional note)
command-ask = Ask the requester for information
command-refuse = Refuse a request, with its justification
error-forbidden-decide = Only the team in charge of this request and the admins may decide on it.
error-decision-not-needed = This ticket needs no approval: there is no decision to take.
error-decision-not-pending = This ticket is already resolved or closed: there is no decision left to take.
error-decision-no-justification = A refusal needs a reason: give the justification, for example /refuse Travel budget used up.
error-decision-no-question = Give the question to ask the requester, for example /ask What are your exact dates?
error-decision-own-request = You cannot decide on your own request: a colleague or an admin will.
help-agent-decisions =
    Requests to approve (finance, travel…):
    /approve [note] — approve the request
    /ask <question> — ask the requester for information
    /refuse <justification> — refuse, with a mandatory reason

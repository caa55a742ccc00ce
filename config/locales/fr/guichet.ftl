# guichet — textes en français. Chaque clé existe aussi dans ../en/guichet.ftl
# (un test le vérifie). Les { $variables } sont remplies par le code.

## Statuts et priorités

status-open = Ouvert
status-in-progress = En cours de traitement
status-waiting-on-user = En attente de votre réponse
status-waiting-on-requester = En attente du demandeur
status-resolved = Résolu
status-closed = Fermé
priority-p0 = Critique
priority-p1 = Urgent
priority-p2 = Normal
priority-p3 = Basse
priority-p0-help = impact immédiat sur l'activité
priority-p1-help = plusieurs personnes bloquées
priority-p2-help = une personne gênée
priority-p3-help = demande d'amélioration

## Ouverture d'un ticket

dialogue-describe = Décrivez votre demande en un message : la première ligne servira de titre.
dialogue-ask-category = Merci ! De quel type de demande s'agit-il ?
dialogue-still-category = J'ai ajouté ce message à votre demande. Choisissez son type pour que je l'envoie au bon service :
dialogue-ask-priority = Quelle est l'urgence ?
dialogue-still-priority = J'ai ajouté ce message à votre demande. Indiquez son urgence pour que je l'envoie :
dialogue-which-ticket = Vous avez plusieurs tickets ouverts. Pour lequel est ce message ?
button-new-ticket = ➕ Nouveau ticket
subject-files-only = Pièce jointe envoyée au support
ticket-created =
    ✅ Votre ticket { $reference } est créé.
    Catégorie : { $category } · Priorité : { $priority }
    { $team } s'en occupe. Écrivez-moi ici pour compléter votre demande : je transmets.
ticket-reopened = 🔄 Votre ticket { $reference } est rouvert : l'équipe reçoit votre message.
ticket-taken = 🙋 { $name } ({ $team }) s'occupe de votre ticket { $reference }.
ticket-redistributed-away = 🔀 { $name } a confié votre ticket { $reference } à un collègue.
ticket-waiting = ⏳ L'équipe attend votre réponse sur le ticket { $reference }. Répondez simplement ici.
ticket-resolved =
    ✅ Votre ticket { $reference } est résolu par { $name }.{ $note }
    Si le problème persiste, répondez ici : le ticket sera rouvert.
ticket-closed = 🔒 Votre ticket { $reference } est fermé.
ticket-transferred = ➡️ Votre ticket { $reference } est transmis à : { $team }.
relay-from-agent =
    💬 { $name } ({ $team }) · { $reference }
    { $text }
rating-prompt = Comment évaluez-vous la résolution du ticket { $reference } ?
rating-comment-hint = Merci ! Pour ajouter un commentaire : /noter { $reference } { $stars } votre commentaire
my-tickets-title = Vos tickets :
my-tickets-line = • { $reference } — { $status } — { $subject }
my-tickets-none = Vous n'avez aucun ticket. Écrivez-moi votre problème pour en ouvrir un.
notify-assigned = 📌 Nouveau ticket pour vous : { $reference } · { $subject } ({ $priority })

## Fil de l'équipe

card-title = { $reference } · { $subject }
card-status = Statut
card-priority = Priorité
card-category = Catégorie
card-team = Service
card-requester = Demandeur
card-assignee = Responsable
card-unassigned = Personne (file de l'équipe)
card-resolution = Résolution
card-follows-up = Suite du ticket
button-claim = 🙋 Prendre en charge
button-resolve = ✅ Résoudre
button-close = 🔒 Fermer
thread-opening =
    📝 { $name } :
    { $text }
thread-from-requester =
    💬 { $name } :
    { $text }
thread-note = 🗒️ Note interne de { $name } : { $text }
thread-claimed = 🙋 { $name } prend le ticket en charge.
thread-redistributed = 🔀 { $name } retire le ticket à { $agent } : { $to }.
thread-queue = remis dans la file de l'équipe
thread-assigned = 👤 { $name } confie le ticket à { $assignee }.
thread-priority = ⚡ { $name } passe la priorité à { $priority }.
thread-status = 🔁 { $name } passe le statut à « { $status } ».
thread-resolved = ✅ Résolu par { $name }.{ $note }
thread-closed = 🔒 Fermé par { $name }.
thread-reopened = 🔄 { $name } a répondu : le ticket est rouvert.
thread-transferred = ➡️ { $name } transfère le ticket à : { $team }.
thread-transferred-in =
    ➡️ Ticket transféré par { $name } : { $subject }
    { $description }

## Confirmations

answer-category = Catégorie : { $category }
answer-priority = Priorité : { $priority }
answer-new-ticket = D'accord, un nouveau ticket.
answer-added-to = Message ajouté au ticket { $reference }.
answer-rated = Merci pour votre note { $stars } !
error-already-rated = Vous avez déjà noté ce ticket : { $stars }. Votre note est gardée ; pour la changer, utilisez la commande /noter.
answer-claimed = Vous prenez en charge { $reference }.
answer-unavailable = 🌴 C'est noté : vous ne recevez plus de nouveaux tickets. Vos tickets en cours restent les vôtres ; /disponible à votre retour.
answer-available = ✅ Bon retour : vous recevez de nouveau des tickets.
answer-link-code = 🔗 Sur l'autre plateforme, envoyez au bot : /lier { $code } (valable { $minutes } minutes).
answer-linked = 🔗 Vos comptes sont reliés : { $accounts }. Vos tickets, votre langue et votre adresse vous suivent d'une plateforme à l'autre.
profile-show =
    👤 { $name }
    E-mail : { $email }
    Langue : { $language }
    Service : { $department }
    Comptes : { $accounts }
profile-none = —
language-fr = français
language-en = anglais
answer-redistributed = 🔀 { $count } ticket(s) de { $agent } réparti(s), dont { $queued } remis dans la file faute d'expert disponible.
answer-already-yours = Ce ticket est déjà le vôtre.
answer-assigned = Ticket confié à { $name }.
answer-priority-set = Priorité : { $priority }.
answer-status-set = Statut : { $status }.
answer-resolved = { $reference } est résolu.
answer-resolved-rated = { $reference } est résolu ; le demandeur est invité à le noter.
answer-closed = { $reference } est fermé.
answer-transferred = Ticket transféré à : { $team }.
answer-noted = Note interne enregistrée (le demandeur ne la voit pas).
answer-cancelled = C'est annulé.
answer-language = D'accord, je vous parlerai en français.

## Aide

help-employee =
    Bonjour ! Écrivez-moi votre problème : j'ouvre un ticket et je vous mets en relation avec le bon service.
    Commandes :
    /nouveau — ouvrir un nouveau ticket
    /mestickets — voir vos tickets et leur statut
    /fermer [TCK-…] — fermer votre ticket
    /noter TCK-… 1-5 [commentaire] — noter une résolution
    /langue fr|en — changer de langue
    /profil — votre profil (e-mail, langue, service)
    /lier — relier vos comptes Discord et Telegram
    /annuler — abandonner la demande en cours
help-agent =
    Dans le fil d'un ticket, vos messages sont transmis au demandeur.
    Commencez un message par { $note } (ou utilisez /note) pour une note interne, jamais transmise.
    /prendre — prendre le ticket
    /assigner <utilisateur> — le confier à un collègue
    /priorite P0|P1|P2|P3
    /statut ouvert|en_cours|en_attente|resolu|ferme
    /resoudre <note de résolution>
    /transferer <service> — parmi : { $teams }
    /classement [semaine|mois] — le classement des agents
    /indisponible, /disponible — ne plus recevoir / recevoir de nouveaux tickets
    /redistribuer <agent> — répartir ses tickets (responsables d'équipe)
    /statut ouvert — rendre le ticket à la file
    En message privé, ajoutez la référence : /prendre TCK-20250214-002

## Menus de commandes

command-help = Aide et liste des commandes
command-new = Ouvrir un nouveau ticket
command-tickets = Voir mes tickets et leur statut
command-close = Fermer un ticket
command-rate = Noter la résolution d'un ticket (1 à 5)
command-language = Changer de langue (fr ou en)
command-cancel = Abandonner la demande en cours
command-claim = Prendre le ticket en charge
command-assign = Confier le ticket à un collègue
command-priority = Changer la priorité (P0 à P3)
command-status = Changer le statut
command-resolve = Résoudre, avec une note de résolution
command-transfer = Transférer à un autre service
command-note = Ajouter une note interne
command-leaderboard = Classement des agents (semaine ou mois)
command-unavailable = Ne plus recevoir de nouveaux tickets (absence)
command-available = Recevoir de nouveau des tickets
command-redistribute = Répartir les tickets d'un agent entre les autres (responsable d'équipe)
command-profile = Voir ou changer mon profil (e-mail, langue, service)
command-link = Relier mes comptes Discord et Telegram

## Usages

usage-rate = /noter TCK-AAAAMMJJ-NNN 1-5 [commentaire]
usage-assign = /assigner <id, e-mail ou plateforme:id>
usage-transfer = /transferer <service>
usage-note = /note <texte>
usage-leaderboard = /classement [semaine|mois]
usage-redistribute = /redistribuer <agent : mention, id, e-mail ou plateforme:id>
usage-profile = /profil [email <adresse> | langue fr|en | service <nom>]
leaderboard-week = 🏆 Classement de la semaine (depuis le { $since })
leaderboard-month = 🏆 Classement du mois (depuis le { $since })
leaderboard-line = { $medal } { $rank }. { $name } — { $points } pts
leaderboard-empty = Aucun point pour l'instant.
leaderboard-yours = Vous : { $points } pts

## Erreurs

error-internal = Désolé, un problème technique m'empêche de traiter votre demande. Réessayez dans un instant.
error-too-long = Votre message fait { $length } caractères ; la limite est de { $max }. Découpez-le en plusieurs messages.
error-empty = Le message est vide.
error-unknown-command = Je ne connais pas la commande /{ $command }. Tapez /aide pour la liste.
error-leaderboard-staff = Le classement est réservé aux équipes support.
error-staff-only = Cette commande est réservée aux équipes support.
error-not-lead = Seul un responsable de l'équipe de cet agent (ou un administrateur) peut répartir ses tickets.
error-link-code = Ce code n'est pas valable (inconnu, déjà utilisé ou expiré). Envoyez /lier sur l'autre plateforme pour en obtenir un nouveau.
error-link-staff = Les comptes des équipes support sont reliés par un administrateur (guichet user link).
error-link-platform = Ce profil a déjà un compte { $platform } : un seul compte par plateforme.
error-usage = Utilisation : { $usage }
error-unknown-button = Ce bouton n'est pas reconnu.
error-stale-button = Ce bouton n'est plus valable : la demande a déjà été traitée.
error-unknown-ticket = Je ne trouve pas le ticket { $reference }, ou vous n'y avez pas accès.
error-unseen-ticket = Je ne trouve pas ce ticket, ou vous n'y avez pas accès.
error-unknown-user = Je ne trouve pas l'utilisateur { $user }.
error-unknown-team = Je ne connais pas le service « { $team } ».
error-unknown-category = Je ne connais pas la catégorie « { $category } ».
error-forbidden-staff = Seule l'équipe en charge de ce ticket peut faire cela.
error-forbidden-note = Les notes internes sont réservées à l'équipe.
error-forbidden-rate = Seul le demandeur peut noter ce ticket.
error-forbidden-close = Vous ne pouvez pas fermer ou rouvrir ce ticket.
error-admin-only = Seul un administrateur peut faire cela.
error-transition = Un ticket « { $from } » ne peut pas passer à « { $to } ».
error-already-assigned = Ce ticket est déjà pris en charge par quelqu'un d'autre ; utilisez /assigner pour le réattribuer.
error-not-team-staff = Cette personne ne fait pas partie de l'équipe de ce ticket.
error-lead-employee = { $name } ne peut pas être responsable de l'équipe { $team } : un employé ne voit que ses propres tickets. Donnez-lui d'abord le rôle agent (hr pour une équipe confidentielle), ou choisissez un autre responsable.
error-lead-not-hr = { $name } ne peut pas être responsable de l'équipe { $team } : ses tickets sont confidentiels et seuls ses membres hr les voient. Donnez-lui le rôle hr, ou choisissez un membre hr.
error-lead-not-member = { $name } ne peut pas être responsable de l'équipe { $team }, dont les tickets lui sont invisibles : ajoutez-le d'abord à l'équipe.
error-not-resolved = Un ticket se note une fois résolu.
error-identity-taken = Le compte { $identity } appartient déjà à quelqu'un d'autre.
error-email-taken = L'adresse { $email } est déjà utilisée.
error-invalid-priority = « { $value } » n'est pas une priorité : P0, P1, P2 ou P3.
error-invalid-status = « { $value } » n'est pas un statut : ouvert, en_cours, en_attente, resolu ou ferme.
error-invalid-reference = « { $value } » n'est pas une référence de ticket (TCK-AAAAMMJJ-NNN).
error-invalid-rating = « { $value } » n'est pas une note : de 1 à 5 étoiles.
error-invalid-language = « { $value } » n'est pas une langue disponible : fr ou en.
error-invalid-email = « { $value } » n'est pas une adresse e-mail valide.
error-invalid-value = « { $value } » n'est pas une valeur valide.
error-no-open-ticket = Vous n'avez aucun ticket ouvert.
error-which-ticket = Précisez le ticket : { $references }
error-ticket-needed = Précisez la référence du ticket, par exemple : /prendre TCK-20250214-002
error-not-staff-here = Vous ne faites pas partie de l'équipe de ce ticket : votre message n'a pas été transmis. Demandez à un administrateur de vous y ajouter.
error-dm-only = Cette commande s'utilise en message privé avec le bot.
error-channel-only = Cette commande s'utilise dans un salon du serveur, là où le panneau doit apparaître.

## Formulaire de demande (Discord)
form-title = Nouvelle demande
form-subject = Objet
form-subject-placeholder = Mon écran ne s'allume plus
form-description = Description
form-description-placeholder = Ce qui se passe, depuis quand, ce que vous avez essayé…
form-fallback = Écrivez-moi votre demande en message privé.
form-received = Demande reçue : la suite se passe en message privé avec moi.
panel-text = 🛎️ **Besoin d'aide ?** Informatique, finance, RH… Ouvrez un ticket : une équipe vous répond en message privé.
button-open-ticket = 📝 Ouvrir un ticket
answer-panel-posted = Panneau publié.
command-panel = Publier le panneau « Ouvrir un ticket » dans ce salon
card-priority-placeholder = Changer la priorité…
option-details = Précisions (référence du ticket, nom, priorité…)
option-category = Catégorie de la demande

## Planificateur : relances, escalades, clôtures

duration-minutes = { $n } min
duration-hours = { $n } h
duration-days = { $n } j
reminder-unanswered-thread = ⏰ { $name } attend une réponse depuis { $age }.
reminder-unanswered = ⏰ { $reference } · { $subject } : { $name } attend votre réponse depuis { $age }.
reminder-unassigned-thread = ⏰ Personne n'a encore pris ce ticket (ouvert depuis { $age }) : qui s'en charge ?
thread-auto-assigned = 🤖 Attribué automatiquement à { $name }.
sla-first-response = première réponse
sla-resolution = résolution
escalation-1 = ⚠️ { $reference } · { $subject } : l'objectif de { $target } arrive à échéance le { $due }.
escalation-2 = 🚨 { $reference } · { $subject } : objectif de { $target } dépassé (échéance { $due }). Vous êtes contact d'escalade de l'équipe.
escalation-3 = 🚨 { $reference } · { $subject } : objectif de { $target } largement dépassé (échéance { $due }). Les administrateurs sont prévenus.
escalation-1-thread = ⚠️ Objectif de { $target } bientôt atteint (échéance { $due }). Prévenu : { $names }.
escalation-2-thread = 🚨 Objectif de { $target } dépassé (échéance { $due }). Escalade à : { $names }.
escalation-3-thread = 🚨 Objectif de { $target } largement dépassé (échéance { $due }). Administrateurs prévenus : { $names }.
escalation-nobody = personne (aucun contact joignable)
escalation-late = ⏱️ Annonce en retard : ce palier était atteint le { $at }.
overdue-thread-mailed = 📨 Ouvert depuis { $age } sans résolution : e-mail de relance envoyé à { $to }.
overdue-thread-not-mailed = 📨 Ouvert depuis { $age } sans résolution, mais aucun e-mail n'a pu partir (voir le journal d'audit).
ticket-overdue = 📨 Votre ticket { $reference } est ouvert depuis { $age } : nous l'avons signalé par e-mail à la personne responsable.
mail-overdue-subject = [{ $reference }] Toujours pas résolu après { $age } : { $subject }
mail-overdue-body =
    Bonjour { $name },

    Le ticket { $reference } n'est toujours pas résolu, { $age } après sa création.

    Sujet : { $subject }
    Demandeur : { $requester }
    Priorité : { $priority }
    Service : { $team }
    Statut : { $status }
    Créé le : { $created }

    Derniers messages :

    { $messages }

    Pour répondre, écrivez dans le fil du ticket sur Discord ou Telegram.
    — Guichet, le support interne
mail-internal-note = {" "}(note interne)
mail-no-messages = (aucun message)
rating-reminder = ⭐ Petit rappel : comment s'est passée la résolution du ticket { $reference } ? Une note de 1 à 5 étoiles nous aide à progresser.
ticket-waiting-warning = ⏳ Nous attendons votre réponse sur le ticket { $reference } · { $subject }. Sans nouvelles de votre part, il sera fermé le { $date }. Répondez simplement ici.
thread-waiting-warned = ⏳ { $name } a été relancé ; fermeture prévue le { $date } sans réponse.
thread-auto-closed = 🔒 Fermé automatiquement : résolu depuis { $age } sans nouvelle du demandeur.
ticket-auto-closed = 🔒 Votre ticket { $reference } est fermé. Si le problème revient, écrivez-moi : un nouveau ticket sera ouvert.
thread-waiting-closed = 🔒 Fermé automatiquement : le demandeur n'a pas répondu.
ticket-waiting-closed = 🔒 Votre ticket { $reference } est fermé faute de réponse. Vous pouvez nous réécrire à tout moment.
card-sla = SLA
card-sla-first-response-missed = ⏰ Première réponse en retard (échéance { $due })
card-sla-resolution-missed = ⏰ Résolution en retard (échéance { $due })

## Décisions d'approbation

button-approve = ✅ Approuver
button-ask-info = ❓ Demander des infos
button-refuse = ❌ Refuser
card-decision = Décision
card-decision-approved = ✅ Approuvée par { $name }
card-decision-info-requested = ❓ Informations demandées par { $name }
card-decision-refused = ❌ Refusée par { $name }
thread-approved = ✅ { $name } approuve la demande.{ $note }
thread-info-requested =
    ❓ { $name } demande des informations au demandeur :
    > { $text }
thread-refused =
    ❌ { $name } refuse la demande. Motif :
    > { $text }
thread-awaiting-question = ✍️ { $name } : écrivez votre question au demandeur en un message dans ce sujet (/annuler pour renoncer).
thread-awaiting-justification = ✍️ { $name } : écrivez le motif du refus en un message dans ce sujet (/annuler pour renoncer).
ticket-approved =
    ✅ Votre demande { $reference } est approuvée par { $name } ({ $team }).{ $note }
ticket-info-requested =
    ❓ { $name } ({ $team }) a besoin de précisions sur votre demande { $reference } :
    { $text }
    Répondez simplement ici.
ticket-refused =
    ❌ Votre demande { $reference } est refusée par { $name } ({ $team }).
    Motif : { $text }
    Pour toute question, répondez ici.
answer-approved = Demande { $reference } approuvée.
answer-info-requested = Question envoyée au demandeur de { $reference }.
answer-refused = Demande { $reference } refusée ; le demandeur est informé du motif.
answer-awaiting-question = Écrivez votre question dans le sujet, en un message.
answer-awaiting-justification = Écrivez le motif du refus dans le sujet, en un message.
form-ask-info-title = Précisions · { $reference }
form-ask-info-label = Question au demandeur
form-ask-info-placeholder = Quelles informations vous manquent ?
form-refuse-title = Refus · { $reference }
form-refuse-label = Motif du refus
form-refuse-placeholder = Le demandeur lira ce motif.
form-decision-fallback = Écrivez dans le fil : /infos votre question, ou /refuser votre justification.
command-approve = Approuver une demande (note facultative)
command-ask = Demander des informations au demandeur
command-refuse = Refuser une demande, avec sa justification
error-forbidden-decide = Seuls l'équipe en charge de cette demande et les administrateurs peuvent en décider.
error-decision-not-needed = Ce ticket ne demande pas d'approbation : il n'y a pas de décision à prendre.
error-decision-not-pending = Ce ticket est déjà résolu ou fermé : il n'y a plus de décision à prendre.
error-decision-no-justification = Un refus doit être motivé : donnez la justification, par exemple /refuser Budget de déplacement épuisé.
error-decision-no-question = Donnez la question à poser au demandeur, par exemple /infos Quelles sont vos dates exactes ?
error-decision-own-request = Vous ne pouvez pas décider de votre propre demande : un collègue ou un administrateur s'en charge.
help-agent-decisions =
    Demandes à approuver (prise en charge financière…) :
    /approuver [note] — approuver la demande
    /infos <question> — demander des informations au demandeur
    /refuser <justification> — refuser, motif obligatoire

## The setup doctor (`guichet doctor`, the dashboard's banner, /readyz): what was
## checked, what is wrong, the fix.

setup-title = Vérification de l'installation
setup-summary-ok = Tout est en ordre ({ $count } vérifications).
setup-summary-failed = { $failed ->
    [one] 1 problème
   *[other] { $failed } problèmes
} sur { $count } vérifications.
setup-banner-title = { $count ->
    [one] Un problème d'installation empêche guichet de travailler normalement
   *[other] { $count } problèmes d'installation empêchent guichet de travailler normalement
}
setup-banner-more = … et { $count } autres : lancez « guichet doctor ».
setup-check-database = Base de données
setup-check-migrations = Migrations de la base de données
setup-check-mail = Serveur de courrier { $host }
setup-check-bot = Bot { $platform }
setup-check-space = Espace de l'équipe « { $team } » ({ $platform } { $space })
setup-check-staff = Messages privés à { $name } ({ $platform })
setup-check-contacts = Contacts d'escalade des équipes
setup-check-contact = { $name }, contact d'escalade de l'équipe « { $team } »
setup-unreachable = Injoignable : { $error }
setup-fix-database = Vérifiez database.url et que le serveur de base de données tourne.
setup-fix-mail = Vérifiez mail.host, mail.port, mail.security et le mot de passe (GUICHET_SMTP_PASSWORD).
setup-fix-platform = Vérifiez le jeton du bot { $platform } et l'accès réseau à sa plateforme.
setup-migrations-pending = { $count ->
    [one] 1 migration n'est pas appliquée.
   *[other] { $count } migrations ne sont pas appliquées.
}
setup-fix-migrations = Lancez « guichet migrate ».
setup-platform-off = { $platform } n'est pas connecté : les fils de cette équipe ne peuvent pas s'ouvrir.
setup-fix-platform-off = Donnez le jeton du bot dans la variable { $variable }, ou changez l'espace de l'équipe.
setup-space-not-found-telegram = Le bot ne trouve pas le groupe { $space }, ou n'en est pas membre.
setup-fix-space-not-found-telegram = Ajoutez le bot au groupe et vérifiez l'identifiant dans teams.{ $team }.staff_space (celui d'un supergroupe commence par -100).
setup-space-not-found-discord = Le bot ne trouve pas le salon { $space }, ou ne peut pas le voir.
setup-fix-space-not-found-discord = Vérifiez l'identifiant dans teams.{ $team }.staff_space, invitez le bot sur le serveur et donnez-lui « Voir le salon ».
setup-space-other-server = Le salon { $space } est sur un autre serveur que discord.guild_id.
setup-fix-space-other-server = Choisissez un salon du serveur configuré, ou corrigez discord.guild_id.
setup-space-no-topics = Le groupe { $space } n'est pas un supergroupe avec les sujets (topics) activés.
setup-fix-space-no-topics = Dans Telegram, ouvrez les paramètres du groupe et activez « Sujets ».
setup-space-not-text = Le salon { $space } n'est pas un salon textuel : on ne peut pas y ouvrir de fils.
setup-fix-space-not-text = Choisissez un salon textuel pour teams.{ $team }.staff_space.
setup-space-not-admin = Le bot est un simple membre du groupe { $space }.
setup-fix-space-not-admin = Nommez le bot administrateur du groupe avec le droit « Gérer les sujets ».
setup-space-missing-right = Le bot n'a pas le droit « { $right } » dans { $space }.
setup-fix-right-telegram = Dans les administrateurs du groupe { $space }, donnez au bot le droit « { $right } ».
setup-fix-right-discord = Donnez au bot le droit « { $right } » sur le salon { $space } (permissions du salon ou du rôle du bot).
setup-right-view-channel = Voir le salon
setup-right-send-messages = Envoyer des messages
setup-right-send-in-threads = Envoyer des messages dans les fils
setup-right-create-private-threads = Créer des fils privés
setup-right-manage-threads = Gérer les fils
setup-right-embed-links = Intégrer des liens
setup-right-attach-files = Joindre des fichiers
setup-right-read-history = Voir les anciens messages
setup-right-manage-topics = Gérer les sujets
setup-right-post-messages = Envoyer des messages
setup-commands-missing = Commandes non enregistrées sur le serveur : { $commands }.
setup-fix-commands = Renseignez discord.guild_id et redémarrez guichet : il enregistre les commandes au démarrage (le bot doit avoir été invité avec la portée applications.commands).
setup-never-started = { $name } n'a jamais ouvert de conversation privée avec le bot : le bot ne peut pas lui écrire.
setup-fix-never-started = Demandez à { $name } d'ouvrir une conversation privée avec le bot et d'envoyer /start.
setup-refuses-private = La plateforme a refusé un message privé à { $name }.
setup-fix-refuses-private-telegram = Demandez à { $name } de débloquer le bot et de lui envoyer /start.
setup-fix-refuses-private-discord = Demandez à { $name } d'autoriser les messages privés des membres du serveur (Paramètres de confidentialité du serveur).
setup-blind-employee = { $name } est un employé : il ne voit pas les tickets de « { $team } » dont il serait prévenu.
setup-blind-not-hr = { $name } n'a pas le rôle hr : il ne voit pas les tickets confidentiels de « { $team } ».
setup-blind-not-member = { $name } ne fait pas partie de l'équipe « { $team } » : il ne voit pas ses tickets.
setup-blind-unknown-address = Aucun utilisateur n'a l'adresse { $name }, contact d'escalade de « { $team } ».
setup-fix-blind-employee = Donnez à { $name } un rôle d'équipe (guichet user set-role … agent, ou hr pour une équipe confidentielle), ou choisissez un autre contact.
setup-fix-blind-not-hr = Donnez le rôle hr à { $name } (guichet user set-role … hr), ou choisissez un membre hr de « { $team } ».
setup-fix-blind-not-member = Ajoutez { $name } à l'équipe (guichet team add-member { $team } …), ou choisissez un autre contact.
setup-fix-blind-unknown-address = Donnez cette adresse à un utilisateur (guichet user add … --email), ou retirez-la de teams.{ $team }.escalation.users.
setup-thread-refused = La plateforme a refusé d'y ouvrir le fil d'un ticket : { $error }
setup-fix-thread-refused = Lancez « guichet doctor » pour savoir quel réglage corriger ; les fils en attente s'ouvriront ensuite d'eux-mêmes.

## What people are told when something could not be delivered.

delivery-quote = « { $text } »
delivery-undelivered-unreachable-telegram = ⚠️ Ce message n'a pas pu être remis à { $name } : il n'a jamais ouvert de conversation privée avec le bot, ou l'a bloqué. Qu'il écrive /start au bot ; un administrateur pourra ensuite le renvoyer (guichet outbox retry { $id }).
delivery-undelivered-unreachable-discord = ⚠️ Ce message n'a pas pu être remis à { $name } : il n'accepte pas les messages privés du bot (paramètres de confidentialité du serveur). Une fois ceux-ci ouverts, un administrateur pourra le renvoyer (guichet outbox retry { $id }).
delivery-undelivered-refused = ⚠️ Ce message n'a pas pu être remis à { $name } : { $platform } a refusé de le lui remettre. Un administrateur peut le renvoyer (guichet outbox retry { $id }).
delivery-undelivered-gave-up = ⚠️ Ce message n'a pas pu être remis à { $name } : { $platform } n'a pas répondu après { $attempts } essais. Un administrateur peut le renvoyer (guichet outbox retry { $id }).
delivery-left-out = ⚠️ { $count ->
    [one] { $names } n'a pas pu être ajouté à ce fil privé et ne le voit pas
   *[other] { $names } n'ont pas pu être ajoutés à ce fil privé et ne le voient pas
} : le bot n'a pas le droit « Gérer les fils » sur le salon. Donnez-le-lui (guichet doctor le vérifie) ; la prochaine mise à jour de la fiche { $count ->
    [one] l'ajoutera.
   *[other] les ajoutera.
}
delivery-thread-undelivered = ⚠️ Votre message n'a pas pu être transmis à l'équipe pour le ticket { $reference }. Les administrateurs peuvent le renvoyer ; vous pouvez aussi le réécrire ici.
delivery-team-not-told = ⚠️ Votre demande { $reference } est bien enregistrée, mais l'équipe { $team } n'a pas encore pu en être prévenue. Les administrateurs sont avertis ; vous n'avez rien à refaire.
ticket-created-held =
    ✅ Votre demande { $reference } est enregistrée.
    Catégorie : { $category } · Priorité : { $priority }
    ⚠️ L'équipe { $team } n'a pas encore pu en être prévenue : les administrateurs sont avertis. Écrivez-moi ici pour compléter votre demande : je le transmettrai.

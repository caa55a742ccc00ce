## The web API: errors and messages of /api/v1.
web-error-unauthenticated = Connectez-vous d'abord : une session ou un jeton d'API (Authorization: Bearer …) est nécessaire.
web-error-forbidden = Vous n'avez pas accès à cette ressource.
web-error-not-found = Cette adresse n'existe pas.
web-error-method = Cette méthode n'est pas acceptée à cette adresse.
web-error-csrf = Jeton CSRF manquant ou erroné : renvoyez la requête avec l'en-tête X-CSRF-Token de votre session (voir /api/v1/me).
web-error-cross-site = Requête refusée : elle vient d'un autre site.
web-error-bad-parameter = Valeur « { $value } » invalide pour « { $name } ».
web-error-unknown-parameter = Paramètre « { $name } » inconnu. Paramètres acceptés : { $known }.
web-error-bad-limit = « limit » doit être compris entre 1 et { $max } (reçu : { $value }).
web-error-malformed-body = Corps de requête invalide : ce n'est pas du JSON bien formé.
web-error-unknown-field = Corps de requête invalide : champ « { $name } » inconnu. Champs acceptés : { $known }.
web-error-unfit-body = Corps de requête invalide : un champ manque ou n'a pas le type attendu. Le document /api/v1/openapi.json décrit ce que cette adresse accepte.
web-error-media-type = Type de contenu non accepté : envoyez le corps en { $expected } (en-tête Content-Type).
web-error-too-large = Corps de requête trop volumineux : { $kib } Kio au plus.
web-error-body-cut = Corps de requête incomplet : il n'a pas pu être lu en entier.
web-error-bad-query = Paramètres de l'adresse illisibles : vérifiez leurs valeurs et leur encodage.
web-error-bad-path = Adresse illisible : un de ses segments est mal encodé.
web-error-nothing-to-change = Rien à modifier : indiquez au moins un champ parmi team, priority, assignee, status, decision.
web-error-decision-text-alone = « decision_text » va avec « decision » (approve, ask_info ou refuse).
web-error-not-dead-letter = La ligne { $id } de la file d'envoi n'est pas une lettre morte (elle est « { $status } ») : seules les lettres mortes sont renvoyées.
web-error-already-replayed = L'événement en échec { $id } a déjà été rejoué.
web-error-replay-failed = L'événement en échec { $id } a de nouveau échoué ; il reste de côté. Le journal du serveur en donne la cause.
web-error-bad-period = Période invalide : donnez days=N, ou from et to (AAAA-MM-JJ, from avant to), sur { $max } jours au plus.
web-login-failed = Adresse e-mail ou mot de passe incorrect.
web-login-throttled = Trop de tentatives de connexion. Réessayez dans { $minutes } minutes.

## The dashboard page (/dashboard).

dashboard-page-title = Tableau de bord — guichet
dashboard-heading = Tableau de bord
dashboard-signed-in-as = Connecté en tant que { $name }
dashboard-logout = Se déconnecter
dashboard-language = Langue
dashboard-language-fr = Français
dashboard-language-en = English
dashboard-period = Période affichée
dashboard-period-days = { $days } jours
dashboard-period-range = Du { $from } au { $to }
dashboard-no-data = Aucune donnée pour cette période

## Key figures.
dashboard-kpis = Indicateurs clés
dashboard-kpi-opened = Tickets ouverts
dashboard-kpi-opened-detail = Créés pendant la période
dashboard-kpi-resolved = Tickets résolus
dashboard-kpi-resolved-detail = Résolus pendant la période
dashboard-kpi-backlog = Tickets non résolus
dashboard-kpi-backlog-detail = En cours à ce jour, quelle que soit leur date
dashboard-kpi-first-response = Délai de première réponse
dashboard-kpi-resolution = Délai de résolution
dashboard-kpi-mean = moyenne
dashboard-kpi-duration-detail = { $n ->
    [one] Médiane { $median } · { $count } ticket
   *[other] Médiane { $median } · { $count } tickets
}
dashboard-kpi-satisfaction = Satisfaction
dashboard-kpi-satisfaction-detail = { $n ->
    [one] { $count } avis
   *[other] { $count } avis
}
dashboard-kpi-sla-breach = Dépassement des délais (SLA)
dashboard-kpi-sla-breach-detail = { $n ->
    [one] { $part } sur { $whole } ticket soumis à un délai
   *[other] { $part } sur { $whole } tickets soumis à un délai
}
dashboard-kpi-first-contact = Taux de résolution au premier contact
dashboard-kpi-first-contact-detail = { $n ->
    [one] { $part } sur { $whole } ticket résolu
   *[other] { $part } sur { $whole } tickets résolus
}
dashboard-kpi-not-measured = Rien à mesurer sur la période

## Charts.
dashboard-chart-opened-resolved = Tickets ouverts et résolus par jour
dashboard-chart-opened-resolved-hint = Survolez un jour pour voir ses chiffres
dashboard-series-opened = Ouverts
dashboard-series-resolved = Résolus
dashboard-day-tooltip = { $date } — ouverts : { $opened }, résolus : { $resolved }
dashboard-chart-backlog = Tickets non résolus par statut
dashboard-chart-backlog-hint = Tous les tickets encore en cours à ce jour
dashboard-chart-times = Délais de traitement
dashboard-chart-times-hint = Tickets créés pendant la période
dashboard-times-first-response-mean = Première réponse · moyenne
dashboard-times-first-response-median = Première réponse · médiane
dashboard-times-resolution-mean = Résolution · moyenne
dashboard-times-resolution-median = Résolution · médiane
dashboard-chart-categories = Tickets par catégorie
dashboard-chart-priorities = Tickets par priorité
dashboard-chart-teams = Tickets par équipe
dashboard-chart-created-hint = Tickets créés pendant la période
dashboard-chart-satisfaction = Répartition des notes
dashboard-chart-satisfaction-hint = Notes données pendant la période
dashboard-stars = { $stars } ★
dashboard-unknown-team = Équipe n° { $id }
dashboard-unknown-category = Catégorie n° { $id }

## Leaderboard.
dashboard-leaderboard = Classement des agents
dashboard-leaderboard-hint = Points gagnés pendant la période
dashboard-leaderboard-rank = Rang
dashboard-leaderboard-agent = Agent
dashboard-leaderboard-points = Points
dashboard-leaderboard-resolved = Tickets résolus
dashboard-leaderboard-rating = Note moyenne

## Numbers and dates.
dashboard-duration-under-a-minute = < 1 min
dashboard-duration-minutes = { $minutes } min
dashboard-duration-hours = { $hours } h
dashboard-duration-hours-minutes = { $hours } h { $minutes } min
dashboard-duration-days = { $days } j
dashboard-duration-days-hours = { $days } j { $hours } h
dashboard-date-short = { $day } { $month }
dashboard-date-long = { $day } { $month } { $year }
dashboard-month-1 = janv.
dashboard-month-2 = févr.
dashboard-month-3 = mars
dashboard-month-4 = avr.
dashboard-month-5 = mai
dashboard-month-6 = juin
dashboard-month-7 = juil.
dashboard-month-8 = août
dashboard-month-9 = sept.
dashboard-month-10 = oct.
dashboard-month-11 = nov.
dashboard-month-12 = déc.

## The login page (/login).
login-page-title = Connexion — guichet
login-heading = Connexion
login-intro = Espace réservé aux équipes du support.
login-email = Adresse e-mail
login-password = Mot de passe
login-submit = Se connecter

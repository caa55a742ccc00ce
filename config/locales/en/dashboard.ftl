## The dashboard page (/dashboard).

dashboard-page-title = Dashboard — guichet
dashboard-heading = Dashboard
dashboard-signed-in-as = Signed in as { $name }
dashboard-logout = Sign out
dashboard-language = Language
dashboard-language-fr = Français
dashboard-language-en = English
dashboard-period = Period shown
dashboard-period-days = { $days } days
dashboard-period-range = From { $from } to { $to }
dashboard-no-data = No data for this period

## Key figures.
dashboard-kpis = Key figures
dashboard-kpi-opened = Tickets opened
dashboard-kpi-opened-detail = Created during the period
dashboard-kpi-resolved = Tickets resolved
dashboard-kpi-resolved-detail = Resolved during the period
dashboard-kpi-backlog = Unresolved tickets
dashboard-kpi-backlog-detail = Open right now, whatever their age
dashboard-kpi-first-response = First response time
dashboard-kpi-resolution = Resolution time
dashboard-kpi-mean = average
dashboard-kpi-duration-detail = { $n ->
    [one] Median { $median } · { $count } ticket
   *[other] Median { $median } · { $count } tickets
}
dashboard-kpi-satisfaction = Satisfaction
dashboard-kpi-satisfaction-detail = { $n ->
    [one] { $count } rating
   *[other] { $count } ratings
}
dashboard-kpi-sla-breach = SLA breach rate
dashboard-kpi-sla-breach-detail = { $n ->
    [one] { $part } of { $whole } ticket with a target
   *[other] { $part } of { $whole } tickets with a target
}
dashboard-kpi-first-contact = First-contact resolution rate
dashboard-kpi-first-contact-detail = { $n ->
    [one] { $part } of { $whole } resolved ticket
   *[other] { $part } of { $whole } resolved tickets
}
dashboard-kpi-not-measured = Nothing to measure in this period

## Charts.
dashboard-chart-opened-resolved = Tickets opened and resolved per day
dashboard-chart-opened-resolved-hint = Hover over a day to see its figures
dashboard-series-opened = Opened
dashboard-series-resolved = Resolved
dashboard-day-tooltip = { $date } — opened: { $opened }, resolved: { $resolved }
dashboard-chart-backlog = Backlog by status
dashboard-chart-backlog-hint = Every ticket not resolved yet, whenever it was opened
dashboard-chart-times = Handling times
dashboard-chart-times-hint = Tickets created during the period
dashboard-times-first-response-mean = First response · average
dashboard-times-first-response-median = First response · median
dashboard-times-resolution-mean = Resolution · average
dashboard-times-resolution-median = Resolution · median
dashboard-chart-categories = Tickets per category
dashboard-chart-priorities = Tickets per priority
dashboard-chart-teams = Tickets per team
dashboard-chart-created-hint = Tickets created during the period
dashboard-chart-satisfaction = Ratings
dashboard-chart-satisfaction-hint = Ratings given during the period
dashboard-stars = { $stars } ★
dashboard-unknown-team = Team #{ $id }
dashboard-unknown-category = Category #{ $id }

## Leaderboard.
dashboard-leaderboard = Agent leaderboard
dashboard-leaderboard-hint = Points earned during the period
dashboard-leaderboard-rank = Rank
dashboard-leaderboard-agent = Agent
dashboard-leaderboard-points = Points
dashboard-leaderboard-resolved = Tickets resolved
dashboard-leaderboard-rating = Average rating

## Numbers and dates.
dashboard-duration-under-a-minute = < 1 min
dashboard-duration-minutes = { $minutes } min
dashboard-duration-hours = { $hours } h
dashboard-duration-hours-minutes = { $hours } h { $minutes } min
dashboard-duration-days = { $days } d
dashboard-duration-days-hours = { $days } d { $hours } h
dashboard-date-short = { $month } { $day }
dashboard-date-long = { $month } { $day }, { $year }
dashboard-month-1 = Jan
dashboard-month-2 = Feb
dashboard-month-3 = Mar
dashboard-month-4 = Apr
dashboard-month-5 = May
dashboard-month-6 = Jun
dashboard-month-7 = Jul
dashboard-month-8 = Aug
dashboard-month-9 = Sep
dashboard-month-10 = Oct
dashboard-month-11 = Nov
dashboard-month-12 = Dec

## The login page (/login).
login-page-title = Sign in — guichet
login-heading = Sign in
login-intro = For support staff only.
login-email = Email address
login-password = Password
login-submit = Sign in

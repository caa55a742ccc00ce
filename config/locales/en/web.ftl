## The web API: errors and messages of /api/v1.
web-error-unauthenticated = Log in first: a session or an API token (Authorization: Bearer …) is required.
web-error-forbidden = You do not have access to this resource.
web-error-not-found = There is nothing at this address.
web-error-method = This method is not accepted at this address.
web-error-csrf = Missing or wrong CSRF token: send the request again with your session's X-CSRF-Token header (see /api/v1/me).
web-error-cross-site = Request refused: it comes from another site.
web-error-bad-parameter = “{ $value }” is not a valid value for “{ $name }”.
web-error-unknown-parameter = Unknown parameter “{ $name }”. Accepted parameters: { $known }.
web-error-bad-limit = “limit” must be between 1 and { $max } (got { $value }).
web-error-malformed-body = Invalid request body: it is not well-formed JSON.
web-error-unknown-field = Invalid request body: unknown field “{ $name }”. Accepted fields: { $known }.
web-error-unfit-body = Invalid request body: a field is missing or does not have the expected type. The document /api/v1/openapi.json describes what this address accepts.
web-error-media-type = Unsupported content type: send the body as { $expected } (Content-Type header).
web-error-too-large = Request body too large: { $kib } KiB at most.
web-error-body-cut = Incomplete request body: it could not be read in full.
web-error-bad-query = Unreadable query parameters: check their values and encoding.
web-error-bad-path = Unreadable address: one of its segments is badly encoded.
web-error-nothing-to-change = Nothing to change: give at least one of team, priority, assignee, status, decision.
web-error-decision-text-alone = “decision_text” goes with “decision” (approve, ask_info or refuse).
web-error-not-dead-letter = Outbox row { $id } is not a dead letter (it is “{ $status }”): only dead letters are retried.
web-error-already-replayed = Failed event { $id } was replayed already.
web-error-replay-failed = Failed event { $id } failed again and stays set aside; the server's log gives the cause.
web-error-bad-period = Invalid period: give days=N, or from and to (YYYY-MM-DD, from before to), { $max } days at most.
web-login-failed = Wrong e-mail address or password.
web-login-throttled = Too many login attempts. Try again in { $minutes } minutes.

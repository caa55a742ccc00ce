## The web API: errors and messages of /api/v1.

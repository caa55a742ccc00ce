## The dashboard page (/dashboard).

"""Django's PostgreSQL backend with a health check that skips busy connections (`base.DatabaseWrapper`)."""

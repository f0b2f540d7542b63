"""tasks of the masterplan app."""

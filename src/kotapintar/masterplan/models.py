"""models of the masterplan app."""

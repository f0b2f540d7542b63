"""admin of the masterplan app."""

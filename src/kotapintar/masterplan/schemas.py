"""schemas of the masterplan app."""

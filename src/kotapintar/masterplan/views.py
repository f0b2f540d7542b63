"""views of the masterplan app."""

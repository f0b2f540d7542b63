"""services of the masterplan app."""

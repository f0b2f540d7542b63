"""selectors of the masterplan app."""

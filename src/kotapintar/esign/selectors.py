"""selectors of the esign app."""

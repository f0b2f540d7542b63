"""schemas of the esign app."""

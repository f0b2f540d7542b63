"""tasks of the esign app."""

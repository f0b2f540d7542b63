"""models of the esign app."""

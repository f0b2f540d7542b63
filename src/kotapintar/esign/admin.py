"""admin of the esign app."""

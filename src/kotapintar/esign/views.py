"""views of the esign app."""

"""services of the esign app."""

"""admin of the flood app."""

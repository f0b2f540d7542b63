"""tasks of the flood app."""

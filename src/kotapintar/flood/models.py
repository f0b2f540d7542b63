"""models of the flood app."""

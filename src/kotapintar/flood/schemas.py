"""schemas of the flood app."""

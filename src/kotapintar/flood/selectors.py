"""selectors of the flood app."""

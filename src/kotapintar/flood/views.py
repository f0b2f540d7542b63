"""views of the flood app."""

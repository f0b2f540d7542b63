"""services of the flood app."""

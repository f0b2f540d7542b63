"""schemas of the wallet app."""

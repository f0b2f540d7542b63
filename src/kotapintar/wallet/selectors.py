"""selectors of the wallet app."""

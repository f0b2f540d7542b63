"""tasks of the wallet app."""

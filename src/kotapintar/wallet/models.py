"""models of the wallet app."""

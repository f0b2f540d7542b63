"""views of the wallet app."""

"""admin of the wallet app."""

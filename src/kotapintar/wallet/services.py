"""services of the wallet app."""

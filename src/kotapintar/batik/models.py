"""models of the batik app."""

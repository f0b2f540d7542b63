"""tasks of the batik app."""

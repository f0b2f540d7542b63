"""admin of the batik app."""

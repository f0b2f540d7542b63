"""schemas of the batik app."""

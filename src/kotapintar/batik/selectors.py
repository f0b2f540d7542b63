"""selectors of the batik app."""

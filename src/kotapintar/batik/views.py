"""views of the batik app."""

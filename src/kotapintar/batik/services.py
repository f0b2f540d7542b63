"""services of the batik app."""

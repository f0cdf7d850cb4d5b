"""partnergraph: linked open data on the international relations of municipalities."""

__version__ = "0.1.0"

"""The parts of the endpoint benchmark (``benchmarks/endpoint.py`` runs it)."""

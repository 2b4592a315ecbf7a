"""Advice on a schema: suggestions the architect may apply (indexes, normalisation)."""

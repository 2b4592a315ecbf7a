"""Advice on a schema: index suggestions from queries, normalisation hints."""

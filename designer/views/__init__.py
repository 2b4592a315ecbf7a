"""The designer's views: thin functions; access checks in designer/access.py, work in the models
and in designer/editing.py."""

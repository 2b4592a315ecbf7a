"""Deploying a project's versions to its registered connections, on top of the engine's runner:
the URLs a connection may have (``targets``), the migrations folder a deployment runs
(``folders``), what a deployment would do (``plans``), who may run it (``gate``), the status and
drift of a connection (``status``), and the run itself in a background task (``running``)."""

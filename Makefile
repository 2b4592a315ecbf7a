.PHONY: run test setup clean bench serve

run:
	scripts/run-app

test:
	scripts/run-tests

setup:
	scripts/setup-venv

bench: setup
	.venv/bin/python bench/engine_diff.py
	.venv/bin/python bench/snapshot_diff.py
	.venv/bin/python bench/erd_render.py
	.venv/bin/python bench/migrations_apply.py
	.venv/bin/python bench/designer_editor.py
	.venv/bin/python bench/designer_review.py
	.venv/bin/python bench/deploy.py
	.venv/bin/python bench/import_sql.py
	.venv/bin/python bench/lint.py
	.venv/bin/python bench/erd_cli.py

clean:
	rm -rf .venv staticfiles .hypothesis test-artifacts bench/out bench/.venv-peers
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# Production: gunicorn with DEBUG off and a background worker (docs/production.md says which
# variables to set first).
serve: setup
	scripts/run-production

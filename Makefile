.PHONY: run test setup clean

run:
	scripts/run-app

test:
	scripts/run-tests

setup:
	scripts/setup-venv

clean:
	rm -rf .venv staticfiles .hypothesis test-artifacts bench/out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

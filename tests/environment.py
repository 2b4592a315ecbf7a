"""pytest plugin, loaded by `-p tests.environment` in pyproject.toml before pytest-django
imports the settings.

Tests run with DEBUG off, as in production, where the settings refuse to start without a
SECRET_KEY: give them a throwaway one.
"""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")
# The test client and the browser tests' live server speak plain HTTP: no redirect to HTTPS.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

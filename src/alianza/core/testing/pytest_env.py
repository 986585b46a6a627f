"""Loaded with ``-p alianza.core.testing.pytest_env`` before Django reads its settings, so
tests run with their own master key, key store and task backend whatever the shell has."""

import base64
import os
import tempfile

_tmp = tempfile.mkdtemp(prefix="alianza-test-")
os.environ["ALIANZA_MASTER_KEY"] = base64.urlsafe_b64encode(b"alianza-test-master-key-32-bytes").decode()
os.environ.pop("ALIANZA_MASTER_KEY_FILE", None)
os.environ["ALIANZA_KEY_STORE"] = os.path.join(_tmp, "keys")
os.environ["ALIANZA_VAR_DIR"] = os.path.join(_tmp, "var")
# Whatever the shell exports (perhaps a production configuration), tests use their own
# services: tasks run in-process, the cache is in memory, Redis is a database of its own.
os.environ["TASKS_BACKEND"] = "immediate"
os.environ["CACHE_URL"] = "locmemcache://alianza-tests"
os.environ["REDIS_URL"] = os.environ.get("ALIANZA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ["SECRET_KEY"] = "alianza-tests-only-secret-key-not-for-any-real-site"  # noqa: S105
for name in (
    "ALIANZA_PREVIOUS_MASTER_KEYS",
    "ALIANZA_PREVIOUS_MASTER_KEYS_FILE",
    "SECRET_KEY_FILE",
    "EMAIL_BACKEND",
    "CSRF_TRUSTED_ORIGINS",
    "ALLOWED_HOSTS",
    "ALIANZA_LANGUAGES",
    "TRUSTED_PROXY_COUNT",
    "SMS_BACKEND",  # tests that send text messages start a real gateway of their own
    "ALIANZA_SMS_URL",
    "ALIANZA_SMS_TOKEN",
    "ALIANZA_SMS_TOKEN_FILE",
):
    os.environ.pop(name, None)
os.environ["SECURE_COOKIES"] = "false"
os.environ["DEBUG"] = "false"
os.environ["ALIANZA_STATIC_MANIFEST"] = "false"

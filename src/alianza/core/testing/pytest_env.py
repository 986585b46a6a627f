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
os.environ.setdefault("TASKS_BACKEND", "immediate")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")  # a database of its own
os.environ["SECURE_COOKIES"] = "false"
os.environ["DEBUG"] = "false"
os.environ["ALIANZA_STATIC_MANIFEST"] = "false"

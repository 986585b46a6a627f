"""Browser tests of the events pages, on the browser fixtures of core's browser tests
(Debian's Chromium through Playwright; see ``alianza/core/tests/e2e/conftest.py``). Everything
collected from this folder is marked ``e2e``."""

from __future__ import annotations

from pathlib import Path

import pytest

from alianza.core.tests.e2e.conftest import (  # noqa: F401 — fixtures, registered by being imported here
    assert_only_same_host,
    browser,
    browser_session,
    fresh_totp_code,
    page,
    sign_in,
)

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)

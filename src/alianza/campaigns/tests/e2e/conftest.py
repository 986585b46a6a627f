"""Browser tests of the campaign pages, on the browser fixtures of core's browser tests
(Debian's Chromium through Playwright; see ``alianza/core/tests/e2e/conftest.py``)."""

from alianza.core.tests.e2e.conftest import (  # noqa: F401 — fixtures, registered by being imported here
    assert_only_same_host,
    browser,
    browser_session,
    fresh_totp_code,
    page,
    sign_in,
)

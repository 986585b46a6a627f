"""`manage.py check --deploy`: Alianza's own production checks, beside Django's."""

import stat
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from . import crypto


@register(Tags.security, deploy=True)
def alianza_deploy_checks(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    try:
        crypto.master_keys()
    except ImproperlyConfigured as exc:
        problems.append(Error(str(exc), id="alianza.E001"))
    base = urlsplit(settings.ALIANZA_BASE_URL)
    if base.scheme != "https" or base.hostname in {"127.0.0.1", "localhost"}:
        problems.append(
            Error(
                f"ALIANZA_BASE_URL is {settings.ALIANZA_BASE_URL!r}: links in e-mails must point to the public "
                "https address of this site.",
                id="alianza.E002",
            )
        )
    store = Path(settings.ALIANZA_KEY_STORE)
    if store.exists() and store.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        problems.append(Warning(f"The key store {store} is readable by other users: chmod 700 it.", id="alianza.W001"))
    if settings.DEBUG:
        problems.append(Error("DEBUG is on: the demo settings are not for a real site.", id="alianza.E003"))
    return problems

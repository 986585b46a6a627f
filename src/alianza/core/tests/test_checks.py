"""`manage.py check --deploy` catches a site configured like the demo."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def run_deploy_checks() -> str:
    try:
        call_command("check", "--deploy", "--fail-level", "ERROR")
    except SystemCheckError as exc:
        return str(exc)
    return ""


def test_demo_like_settings_fail_the_deploy_check(settings):
    settings.ALIANZA_BASE_URL = "http://127.0.0.1:8000"
    settings.ALIANZA_MASTER_KEY = ""
    output = run_deploy_checks()
    assert "alianza.E001" in output and "alianza.E002" in output


def test_a_configured_site_passes_alianzas_checks(settings):
    settings.ALIANZA_BASE_URL = "https://alianza.example.org"
    output = run_deploy_checks()
    assert "alianza.E" not in output


@pytest.mark.parametrize("url", ["https://localhost:8000", "http://alianza.example.org"])
def test_base_url_must_be_public_https(settings, url):
    settings.ALIANZA_BASE_URL = url
    assert "alianza.E002" in run_deploy_checks()

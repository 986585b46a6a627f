"""Security headers on every response, and no page that loads anything from another host."""

import re

import pytest


@pytest.fixture
def pages(login, owner):
    client = login(owner)
    return {
        "/": login(None).get("/"),
        "/accounts/login/": login(None).get("/accounts/login/"),
        "/staff/org-a/": client.get("/staff/org-a/"),
        "/staff/org-a/members/": client.get("/staff/org-a/members/"),
        "/staff/org-a/audit/": client.get("/staff/org-a/audit/"),
        "/accounts/2fa/": client.get("/accounts/2fa/"),
    }


def test_every_page_sends_the_security_headers(pages):
    for url, response in pages.items():
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert "frame-ancestors 'none'" in csp, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert "camera=()" in response["Permissions-Policy"], url


def test_signed_in_pages_are_not_cached(pages):
    assert "no-store" in pages["/staff/org-a/"]["Cache-Control"]


def test_hsts_is_sent_over_https(client, db):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=63072000")
    assert "Strict-Transport-Security" not in client.get("/")


def test_no_page_refers_to_another_host(pages):
    for url, response in pages.items():
        html = response.content.decode()
        external = re.findall(r"""(?:src|href|action)=["'](?:https?:)?//[^"']+""", html)
        assert external == [], url
        assert "<script>" not in html and "style=" not in html, url  # nothing inline for CSP to block


def test_the_public_home_page_has_no_javascript(pages):
    assert "<script" not in pages["/"].content.decode()


def test_scripts_on_sign_in_pages_are_only_our_own_files(pages):
    # Passkey sign-in needs allauth's script; the password form works without it.
    html = pages["/accounts/login/"].content.decode()
    assert re.findall(r"<script[^>]*src=\"([^\"]+)\"", html) == [
        "/static/mfa/js/webauthn-json.js",
        "/static/mfa/js/webauthn.js",
        "/static/account/js/onload.js",
    ]


def test_vendored_files_are_the_ones_pinned_in_vendor_json():
    import hashlib
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[4]
    spec = json.loads((root / "vendor.json").read_text())
    for package, info in spec.items():
        assert sorted(info["sha256"]) == sorted(info["files"].values()), f"{package}: pin every vendored file"
        for target, digest in info["sha256"].items():
            assert hashlib.sha256((root / target).read_bytes()).hexdigest() == digest, target
            version = (root / target).parent / "VERSION"
            assert version.read_text().split() == [f"{package}@{info['version']}", info["integrity"]]

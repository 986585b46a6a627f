"""Secret links never reach the logs."""

from alianza.core.log_filters import redact
from alianza.core.memberships import invitation_token
from alianza.core.tests.factories import make_invitation


def test_secret_links_are_redacted():
    assert redact("Bad Request: /invite/eyJpIjo.abc:xyz/") == "Bad Request: /invite/[redacted]/"
    assert redact('"GET /accounts/password/reset/key/1-abc-def/ HTTP/1.1" 200') == (
        '"GET /accounts/password/reset/key/[redacted]/ HTTP/1.1" 200'
    )
    assert redact("/accounts/confirm-email/Mjk:1s:xyz/") == "/accounts/confirm-email/[redacted]/"
    assert redact("Not Found: /staff/org-a/") == "Not Found: /staff/org-a/"


def test_an_invitation_answered_with_an_error_does_not_log_its_token(client, owner, org_a):
    import io
    import logging

    invitation = make_invitation(org_a, invited_by=owner)
    token = invitation_token(invitation)
    from alianza.core.log_filters import RedactSecretLinks

    (handler,) = [  # the configured console handler
        h for h in logging.getLogger("django").handlers if any(isinstance(f, RedactSecretLinks) for f in h.filters)
    ]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        response = client.post(f"/invite/{token}/", {"password1": "12345", "password2": "12345"})
    finally:
        handler.setStream(previous)
    assert response.status_code == 400
    logged = stream.getvalue()
    assert "/invite/[redacted]/" in logged
    assert token not in logged


def test_tracebacks_are_redacted_too():
    import logging

    from alianza.core.log_filters import RedactingFormatter

    try:
        raise RuntimeError("failed for /invite/secret-token-123/")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), exc_info=True)
        import sys

        record.exc_info = sys.exc_info()
    text = RedactingFormatter().format(record)
    assert "secret-token-123" not in text
    assert "/invite/[redacted]/" in text

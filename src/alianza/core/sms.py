"""Text messages (SMS). Sending goes through django-sms (``sms.send_sms``), whose backends
mirror Django's e-mail backends: ``sms.backends.console.SmsBackend`` prints (the demo),
``sms.backends.filebased.SmsBackend`` writes files, and this module adds the one production
gateway Alianza ships: ``TwilioCompatibleBackend``, which speaks the Messages API that Twilio
and SignalWire (its "compatibility API") both offer. Settings (docs/operations.md#text-messages):

- ``SMS_BACKEND``: the dotted path of the backend; empty means no text messages at all, and
  every feature that needs them is not offered (``sms_enabled``).
- ``ALIANZA_SMS_URL``: the Messages endpoint, e.g.
  ``https://api.twilio.com/2010-04-01/Accounts/<AccountSid>/Messages.json``.
- ``ALIANZA_SMS_ACCOUNT`` / ``ALIANZA_SMS_TOKEN`` (or ``ALIANZA_SMS_TOKEN_FILE``): HTTP basic
  authentication (the account SID and auth token).
- ``ALIANZA_SMS_FROM`` (``DEFAULT_FROM_SMS``): the sending number, in E.164.

Only the server talks to the gateway, over HTTPS; no page makes a request to it (DESIGN §5)."""

from __future__ import annotations

import base64
import contextlib
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from sms.backends.base import BaseSmsBackend
from sms.message import Message


class SmsDeliveryError(Exception):
    """The gateway refused a message or could not be reached."""


def sms_enabled() -> bool:
    """Whether text messages can be sent here (a backend is configured)."""
    return bool(getattr(settings, "SMS_BACKEND", ""))


class TwilioCompatibleBackend(BaseSmsBackend):
    """POSTs each message to ``ALIANZA_SMS_URL`` as ``To``/``From``/``Body`` form fields with
    basic authentication, one request per recipient, and expects a 2xx answer. Any other answer
    raises ``SmsDeliveryError`` with the gateway's status and error code (never the message),
    unless ``fail_silently``."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.url = kwargs.get("url") or settings.ALIANZA_SMS_URL
        self.account = kwargs.get("account") or settings.ALIANZA_SMS_ACCOUNT
        self.token = kwargs.get("token") or settings.ALIANZA_SMS_TOKEN
        self.timeout = kwargs.get("timeout") or settings.ALIANZA_SMS_TIMEOUT
        if not self.url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ImproperlyConfigured("ALIANZA_SMS_URL must be an https:// address of the SMS gateway.")

    def _post(self, *, to: str, originator: str, body: str) -> None:
        credentials = base64.b64encode(f"{self.account}:{self.token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 — the scheme is checked in __init__
            self.url,
            data=urlencode({"To": to, "From": originator, "Body": body}).encode(),
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            code = ""
            with contextlib.suppress(ValueError, AttributeError):
                code = str(json.loads(exc.read() or b"{}").get("code", ""))
            raise SmsDeliveryError(f"the SMS gateway answered HTTP {exc.code} {code}".strip()) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsDeliveryError(f"the SMS gateway could not be reached: {exc}") from None

    def send_messages(self, messages: list[Message]) -> int:
        sent = 0
        for message in messages:
            originator = message.originator or settings.DEFAULT_FROM_SMS
            for to in message.recipients:
                try:
                    self._post(to=to, originator=originator, body=message.body)
                except SmsDeliveryError:
                    if not self.fail_silently:
                        raise
                    continue
                sent += 1
        return sent

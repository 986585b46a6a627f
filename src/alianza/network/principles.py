"""The coalition's values and principles: publishing a new version, reading the current one."""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope
from i18nfield.strings import LazyI18nString

from alianza.core.audit import log_action
from alianza.core.models import Organization, User

from .models import PrinciplesVersion, VersionedText

V = TypeVar("V", bound=VersionedText)


class PrinciplesError(Exception):
    """A version that cannot be published; the message is shown to the user."""


def _languages(value: LazyI18nString) -> dict[str, str]:
    data = value.data
    if isinstance(data, dict):
        return {lang: text for lang, text in data.items() if text}
    return {settings.LANGUAGE_CODE: str(data)} if data else {}


def principles_current(*, hub: Organization) -> PrinciplesVersion | None:
    """The version people accept when they join: the newest published one of ``hub``."""
    with scope(organization=hub):
        return PrinciplesVersion.objects.current()


def principles_is_current(*, hub: Organization, principles: PrinciplesVersion) -> bool:
    """Whether ``principles`` (the version someone read and accepted) is still the current one."""
    current = principles_current(hub=hub)
    return principles.organization_id == hub.pk and current is not None and current.pk == principles.pk


def principles_changed_message() -> str:
    return _(
        "The values and principles changed while you were reading them: please read the new version and accept it."
    )


def versioned_text_publish(
    *,
    model: type[V],
    organization: Organization,
    actor: User,
    title: LazyI18nString,
    text: LazyI18nString,
    action: str,
    request: HttpRequest | None = None,
) -> V:
    """Publish a new version of a versioned text (``model`` is a concrete ``VersionedText``); it
    becomes the current one at once. Earlier versions stay as they were, with the acceptances
    that point to them. Raises ``PrinciplesError`` for an empty or unchanged text."""
    if not _languages(title) or not _languages(text):
        raise PrinciplesError(_("Write the title and the text in at least one language."))
    with transaction.atomic(), scope(organization=organization):
        # Serialises publishers, so two admins publishing at once get consecutive numbers.
        Organization.objects.select_for_update().only("pk").get(pk=organization.pk)
        current = model.objects.order_by("-version").first()
        if current and _languages(current.title) == _languages(title) and _languages(current.text) == _languages(text):
            raise PrinciplesError(_("This is the same as the current version: change something first."))
        version = model(
            organization=organization,
            version=(current.version + 1) if current else 1,
            title=LazyI18nString(_languages(title)),
            text=LazyI18nString(_languages(text)),
            published_at=timezone.now(),
            published_by=actor,
        )
        version.full_clean()
        version.save()
        log_action(
            actor=actor,
            organization=organization,
            action=action,
            obj=version,
            data={"version": version.version, "languages": sorted(_languages(text))},
            request=request,
        )
    return version


def principles_publish(
    *,
    organization: Organization,
    actor: User,
    title: LazyI18nString,
    text: LazyI18nString,
    request: HttpRequest | None = None,
) -> PrinciplesVersion:
    """Publish a new version of the values and principles; it becomes the current one at once."""
    if not organization.is_hub:
        raise PrinciplesError(_("Only the coalition hub publishes values and principles."))
    return versioned_text_publish(
        model=PrinciplesVersion,
        organization=organization,
        actor=actor,
        title=title,
        text=text,
        action="network.principles.published",
        request=request,
    )

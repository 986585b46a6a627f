"""The coalition's code of conduct: the hub publishes versions (with the network's versioned-text
machinery, as for the values and principles); events of every organization use the current one."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_scopes import scope
from i18nfield.strings import LazyI18nString

from alianza.core.models import Organization, User
from alianza.network.hub import the_hub
from alianza.network.principles import PrinciplesError, versioned_text_publish

from .models import CodeOfConductVersion


class ConductError(PrinciplesError):
    """A version that cannot be published; the message is shown to the user."""


def conduct_current() -> CodeOfConductVersion | None:
    """The version RSVPs accept today: the hub's newest published one (None without a hub or code)."""
    hub = the_hub()
    if hub is None:
        return None
    with scope(organization=hub):
        current: CodeOfConductVersion | None = CodeOfConductVersion.objects.current()
        return current


def conduct_changed_message() -> str:
    return _("The code of conduct changed while you were reading it: please read the new version and accept it.")


def conduct_publish(
    *,
    organization: Organization,
    actor: User,
    title: LazyI18nString,
    text: LazyI18nString,
    request: HttpRequest | None = None,
) -> CodeOfConductVersion:
    """Publish a new version of the code of conduct; RSVPs accept it from now on. RSVPs that
    accepted an earlier version keep it on record."""
    if not organization.is_hub:
        raise ConductError(_("Only the coalition hub publishes the code of conduct."))
    return versioned_text_publish(
        model=CodeOfConductVersion,
        organization=organization,
        actor=actor,
        title=title,
        text=text,
        action="actions.conduct.published",
        request=request,
    )

"""Individuals joining as members or volunteers from the public "Join us" page. They are kept
for the hub as sign-ups; turning them into people records is the people app's job."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.models import Organization

from .models import IndividualSignup, PrinciplesVersion
from .principles import principles_changed_message, principles_is_current


class SignupError(Exception):
    """A sign-up that cannot be stored; the message is shown to the person."""


def signup_submit(
    *,
    hub: Organization,
    principles: PrinciplesVersion,
    name: str,
    email: str,
    phone: str,
    preferred_language: str,
    county: str,
    joins_as: str,
) -> IndividualSignup | None:
    """Store a sign-up with its acceptance of the current values and principles. Sending the
    same sign-up again (same name, contact and version) stores nothing new and returns None;
    the person sees the same answer either way. No address of the sender is kept."""
    name, email, phone, county = name.strip(), email.strip().lower(), phone.strip(), county.strip()
    with transaction.atomic(), scope(organization=hub):
        if not principles_is_current(hub=hub, principles=principles):
            raise SignupError(principles_changed_message())
        repeated = IndividualSignup.objects.filter(
            principles_version=principles, name__iexact=name, email__iexact=email, phone=phone
        )
        if repeated.exists():
            return None
        signup = IndividualSignup(
            organization=hub,
            name=name,
            email=email,
            phone=phone,
            preferred_language=preferred_language,
            county=county,
            joins_as=joins_as,
            principles_version=principles,
            principles_accepted_at=timezone.now(),
        )
        signup.full_clean()
        signup.save()
        log_action(
            actor=None,
            organization=hub,
            action="network.signup.received",
            obj=signup,
            data={"joins_as": joins_as, "principles_version": principles.version},
        )
    return signup

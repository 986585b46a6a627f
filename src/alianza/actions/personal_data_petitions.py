"""Petition signatures and letters in a person's data export and erasure
(``people.personal_data``). Erasure keeps the counts: a signature stays (the petition's count
does not change) and a letter stays (sent or collected), but both lose the person, their
e-mail, ZIP code and what they wrote or signed with."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from alianza.core.models import User
from alianza.people.models import Person
from alianza.people.personal_data import Contributor, plain, register

from .models import Letter, Signature


def _signatures_export(person: Person) -> list[dict[str, Any]]:
    signatures = Signature.objects.filter(person=person).select_related("petition").order_by("created_at", "id")
    return [
        {
            "petition": str(s.petition.title),
            "signed_at": plain(s.created_at),
            "zip_code": s.zip_code,
            "name_shown_publicly": s.show_name,
            "comment": s.comment,
            "language": s.language,
            "email_for_messages": s.email,
        }
        for s in signatures
    ]


def _signatures_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    count = Signature.objects.filter(person=person).update(
        person=None, email="", zip_code="", comment="", show_name=False
    )
    return {"anonymised": count}


def _letters_export(person: Person) -> list[dict[str, Any]]:
    letters = Letter.objects.filter(person=person).select_related("letter_campaign").order_by("created_at", "id")
    return [
        {
            "to": l.letter_campaign.target_name,
            "written_at": plain(l.created_at),
            "status": l.status,
            "sent_at": plain(l.sent_at),
            "signed_as": l.name,
            "zip_code": l.zip_code,
            "subject": l.subject,
            "letter": l.body,
            "email": l.email,
            "official_may_reply": l.reply_to_signer,
        }
        for l in letters  # noqa: E741
    ]


def _letters_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    count = Letter.objects.filter(person=person).update(
        person=None, name="", email="", zip_code="", body="", reply_to_signer=False
    )
    return {"anonymised": count}


def register_petition_contributors() -> None:
    register(Contributor("actions.signatures", _("Petitions you signed"), _signatures_export, _signatures_erase, 100))
    register(Contributor("actions.letters", _("Letters you wrote to officials"), _letters_export, _letters_erase, 100))

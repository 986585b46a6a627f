"""Legal requests for data (subpoenas, warrants, court orders) recorded by the hub, and the
yearly transparency report built from them (docs/legal-process.md).

The records hold no personal data, and their audit events hold only which fields changed:
the request's own text stays in the organization's files, with its lawyer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import log_action
from .models import LegalRequest, Organization, User

FIELDS = ("received_on", "kind", "agency", "scope_summary", "status", "person_notified", "closed_on")
# Outcomes as the report counts them, in its column order; "received" means still open.
OUTCOMES = [status for status, _label in LegalRequest.Status.choices]


class LegalError(Exception):
    """A legal request that cannot be recorded; the message is translated."""


def _hub_only(organization: Organization) -> None:
    if not organization.is_hub:
        raise LegalError(_("Legal requests are recorded by the coalition's hub."))


def legal_request_create(
    *, organization: Organization, actor: User, data: dict[str, Any], request: HttpRequest | None = None
) -> LegalRequest:
    _hub_only(organization)
    with transaction.atomic():
        legal_request = LegalRequest(organization=organization, recorded_by=actor, **{k: data[k] for k in FIELDS})
        legal_request.full_clean()
        legal_request.save()
        log_action(
            actor=actor,
            organization=organization,
            action="core.legal_request.created",
            obj=legal_request,
            data={"kind": legal_request.kind, "status": legal_request.status},
            request=request,
        )
    return legal_request


def legal_request_update(
    *, legal_request: LegalRequest, actor: User, changes: dict[str, Any], request: HttpRequest | None = None
) -> LegalRequest:
    _hub_only(legal_request.organization)
    with transaction.atomic():
        changed = [name for name in FIELDS if name in changes and getattr(legal_request, name) != changes[name]]
        if not changed:
            return legal_request
        before_status = legal_request.status
        for name in changed:
            setattr(legal_request, name, changes[name])
        legal_request.updated_at = timezone.now()
        legal_request.full_clean()
        legal_request.save(update_fields=[*changed, "updated_at"])
        log_action(
            actor=actor,
            organization=legal_request.organization,
            action="core.legal_request.updated",
            obj=legal_request,
            # Field names and the outcome, never the summary's text.
            data={"fields": changed, "status": [before_status, legal_request.status]},
            request=request,
        )
    return legal_request


@dataclass
class ReportRow:
    kind: str
    label: str
    by_outcome: dict[str, int] = field(default_factory=dict)
    total: int = 0


@dataclass
class TransparencyReport:
    year: int
    rows: list[ReportRow]
    totals: dict[str, int]
    total: int
    notified: dict[str, int]
    years: list[int]

    @property
    def outcome_labels(self) -> list[tuple[str, str]]:
        return [(status, str(label)) for status, label in LegalRequest.Status.choices]


def transparency_report(*, organization: Organization, year: int) -> TransparencyReport:
    """Counts of the requests received in ``year``, per kind and outcome, and whether the
    people concerned were told. Every kind is listed, also with zero: a zero is news too."""
    requests = LegalRequest.objects.filter(organization=organization, received_on__year=year)
    counts: dict[tuple[str, str], int] = {}
    notified: dict[str, int] = {value: 0 for value, _label in LegalRequest.Notified.choices}
    for kind, status, told in requests.values_list("kind", "status", "person_notified"):
        counts[(kind, status)] = counts.get((kind, status), 0) + 1
        notified[told] += 1
    rows = []
    for kind, label in LegalRequest.Kind.choices:
        row = ReportRow(kind=kind, label=str(label), by_outcome={s: counts.get((kind, s), 0) for s in OUTCOMES})
        row.total = sum(row.by_outcome.values())
        rows.append(row)
    totals = {s: sum(r.by_outcome[s] for r in rows) for s in OUTCOMES}
    years = sorted(
        {d.year for d in LegalRequest.objects.filter(organization=organization).dates("received_on", "year")}
        | {timezone.localdate().year, year},
        reverse=True,
    )
    return TransparencyReport(
        year=year, rows=rows, totals=totals, total=sum(totals.values()), notified=notified, years=years
    )

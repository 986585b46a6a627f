"""Retention: every kind of record that holds people's data says how long it is kept, and a
daily task removes what has expired (DESIGN.md §5.4).

An app registers a rule per record kind in its ``AppConfig.ready()``::

    retention.register(RetentionRule(
        code="actions.rsvp_unconfirmed",
        label=gettext_lazy("Cancelled and waitlisted RSVPs"),
        description=gettext_lazy("RSVPs that were cancelled or stayed on the waitlist are deleted ..."),
        queryset=lambda: RSVP.objects.exclude(status=RSVP.Status.CONFIRMED),
        date_field="event__ends_at",
        default_days=90, min_days=7, max_days=730,
        action=DELETE,
    ))

A rule either **deletes** its expired rows or **anonymises** them: its ``anonymise`` callback
removes names, contact points and free text from a batch and keeps the rows, so counts for
reports stay right. ``queryset`` gives the rows that may still need the rule (for an anonymise
rule: not anonymised yet, so a second run finds nothing); the engine adds the organization and
the cut-off (``date_field`` older than now minus the period). A rule that needs more than one
date field gives ``expired(queryset, cutoff, organization)`` instead.

Each organization keeps a record kind for the rule's ``default_days`` unless its admins chose
another period (``RetentionSetting``) within the limits in force. The rule's ``min_days`` and
``max_days`` are the hard floor and ceiling, set here in code, reviewed with the coalition and
documented in ``docs/retention.md``; within them the hub's admins may narrow the network-wide
limits (``RetentionLimit``, ``retention_limit_update``). ``limits_for`` gives the limits in force;
a period chosen before the limits narrowed is kept as chosen but clamped at run time. Rules
with ``per_organization=False`` (sessions) run once for the whole installation with the default
period.

``retention_apply`` works in batches of primary keys (keyset pagination), so memory stays flat
whatever the size of the table, and writes ONE audit event per organization and kind with the
count, never the removed data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from .audit import log_action
from .models import Organization, RetentionLimit, RetentionSetting, User

DELETE: Literal["delete"] = "delete"
ANONYMISE: Literal["anonymise"] = "anonymise"
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
BATCH_SIZE = 2000


@dataclass(frozen=True)
class RetentionRule:
    code: str  # "<app>.<kind>", stored in RetentionSetting: never rename one
    label: str | Promise  # a short name for the record kind
    description: str | Promise  # in plain words: what is removed, what stays
    queryset: Callable[[], QuerySet[Any]]  # rows the rule may still apply to (all organizations)
    date_field: str  # the lookup the period counts from, e.g. "event__ends_at"
    default_days: int
    min_days: int
    max_days: int
    action: Literal["delete", "anonymise"]
    anonymise: Callable[[QuerySet[Any]], None] | None = None  # for ANONYMISE: strip a batch
    expired: Callable[[QuerySet[Any], datetime, Organization | None], QuerySet[Any]] | None = None  # not date_field
    per_organization: bool = True
    applies_to: Callable[[Organization], bool] | None = None  # e.g. only the hub holds sign-ups
    organization_field: str = "organization"

    def __post_init__(self) -> None:
        if not CODE_PATTERN.match(self.code):
            raise ValueError(f"Retention codes look like 'app.kind', not {self.code!r}")
        if not (0 <= self.min_days <= self.default_days <= self.max_days):
            raise ValueError(f"{self.code}: need 0 <= min_days <= default_days <= max_days")
        if self.action not in (DELETE, ANONYMISE):
            raise ValueError(f"{self.code}: action must be 'delete' or 'anonymise'")
        if (self.action == ANONYMISE) != (self.anonymise is not None):
            raise ValueError(f"{self.code}: an anonymise rule needs an anonymise callback, a delete rule none")

    def applies(self, organization: Organization | None) -> bool:
        if organization is None:
            return not self.per_organization
        return self.per_organization and (self.applies_to is None or self.applies_to(organization))


_rules: dict[str, RetentionRule] = {}


def register(rule: RetentionRule) -> None:
    """Add a rule. Registering the same rule again is harmless; another rule under a code
    already taken is an error."""
    existing = _rules.get(rule.code)
    if existing is not None and existing != rule:
        raise ValueError(f"A retention rule {rule.code!r} is already registered")
    _rules[rule.code] = rule


def rules() -> list[RetentionRule]:
    return [_rules[code] for code in sorted(_rules)]


def get(code: str) -> RetentionRule:
    try:
        return _rules[code]
    except KeyError:
        raise LookupError(f"Unknown retention kind {code!r}") from None


def rules_for(organization: Organization | None) -> list[RetentionRule]:
    """The rules that run for ``organization`` (``None``: the installation-wide ones)."""
    return [rule for rule in rules() if rule.applies(organization)]


@dataclass(frozen=True)
class Limits:
    min_days: int
    max_days: int
    set_by_hub: bool  # False: the rule's own limits from code

    def clamp(self, days: int) -> int:
        return max(self.min_days, min(self.max_days, days))


def limits_for(rule: RetentionRule) -> Limits:
    """The shortest and longest period organizations may choose for ``rule`` now: the hub's
    (``RetentionLimit``), never beyond the rule's hard limits in code; the rule's own without one."""
    stored = RetentionLimit.objects.filter(kind=rule.code).values_list("min_days", "max_days").first()
    if stored is None:
        return Limits(min_days=rule.min_days, max_days=rule.max_days, set_by_hub=False)
    low = max(rule.min_days, min(rule.max_days, stored[0]))
    high = max(low, min(rule.max_days, stored[1]))
    return Limits(min_days=low, max_days=high, set_by_hub=True)


def chosen_days(*, organization: Organization, rule: RetentionRule) -> int | None:
    """The period ``organization`` stored for ``rule``, as stored (``None``: it chose none)."""
    with scope(organization=organization):
        days = RetentionSetting.objects.filter(organization=organization, kind=rule.code).values_list("days", flat=True)
        return next(iter(days), None)


def period_days(*, organization: Organization | None, rule: RetentionRule) -> int:
    """The organization's chosen period (the default where it chose none), clamped to the limits
    in force: the hub may have narrowed them since it was chosen."""
    if organization is None or not rule.per_organization:
        return rule.default_days
    chosen = chosen_days(organization=organization, rule=rule)
    return limits_for(rule).clamp(rule.default_days if chosen is None else chosen)


def expired_rows(*, organization: Organization | None, rule: RetentionRule, now: datetime) -> QuerySet[Any]:
    """The rows of ``organization`` that ``rule`` would remove at ``now`` (to be used inside
    the organization's scope, or ``scopes_disabled`` for installation-wide rules)."""
    cutoff = now - timedelta(days=period_days(organization=organization, rule=rule))
    rows = rule.queryset()
    if organization is not None:
        rows = rows.filter(**{rule.organization_field: organization})
    if rule.expired is not None:
        return rule.expired(rows, cutoff, organization)
    return rows.filter(**{f"{rule.date_field}__lt": cutoff})


def _scope_for(organization: Organization | None) -> Any:
    return scope(organization=organization) if organization is not None else scopes_disabled()


def _batches(rows: QuerySet[Any], size: int) -> Iterator[list[Any]]:
    """Primary keys of ``rows`` in batches, by keyset (``pk > last``): each query reads one batch,
    never the whole set, and rows anonymised earlier are not read again."""
    last: Any = None
    while True:
        page = rows.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        pks = list(page.values_list("pk", flat=True)[:size])
        if not pks:
            return
        yield pks
        last = pks[-1]


@dataclass(frozen=True)
class RetentionResult:
    organization: Organization | None
    rule: RetentionRule
    days: int
    count: int
    dry_run: bool


def retention_apply(
    *,
    organization: Organization | None,
    kind: str,
    dry_run: bool,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> RetentionResult:
    """Apply one rule to one organization (``None``: an installation-wide rule). With
    ``dry_run`` only counts. Otherwise deletes or anonymises in batches, in one transaction
    with its audit event (``core.retention.applied``: kind, action, period and count)."""
    rule = get(kind)
    if not rule.applies(organization):
        raise ValueError(f"The retention rule {kind!r} does not apply to {organization or 'the installation'}")
    now = now or timezone.now()
    days = period_days(organization=organization, rule=rule)
    with _scope_for(organization):
        rows = expired_rows(organization=organization, rule=rule, now=now)
        if dry_run:
            return RetentionResult(organization=organization, rule=rule, days=days, count=rows.count(), dry_run=True)
        count = 0
        model = rows.model
        with transaction.atomic():
            for pks in _batches(rows, batch_size):
                # The keys were chosen inside the organization's scope: write by key alone. With
                # the scope's organization filter too, SQLite walks the organization's index
                # instead of the keys, and each batch costs as much as the whole table.
                with scopes_disabled():
                    batch = model._default_manager.filter(pk__in=pks)
                    if rule.action == DELETE:
                        batch.delete()
                    else:
                        assert rule.anonymise is not None
                        rule.anonymise(batch)
                count += len(pks)
            log_action(
                actor=None,
                organization=organization,
                action="core.retention.applied",
                data={
                    "kind": rule.code,
                    "action": rule.action,
                    "days": days,
                    "cutoff": (now - timedelta(days=days)).isoformat(),
                    "count": count,
                },
            )
    return RetentionResult(organization=organization, rule=rule, days=days, count=count, dry_run=False)


def retention_run(
    *, organization: Organization | None = None, dry_run: bool, now: datetime | None = None
) -> Iterator[RetentionResult]:
    """Every rule for every organization (or only ``organization``), then the installation-wide
    rules (only when no organization was named)."""
    now = now or timezone.now()
    organizations = [organization] if organization is not None else list(Organization.objects.order_by("slug"))
    for org in organizations:
        for rule in rules_for(org):
            yield retention_apply(organization=org, kind=rule.code, dry_run=dry_run, now=now)
    if organization is None:
        for rule in rules_for(None):
            yield retention_apply(organization=None, kind=rule.code, dry_run=dry_run, now=now)


class RetentionError(ValidationError):
    pass


def retention_setting_update(
    *, organization: Organization, actor: User, kind: str, days: int, request: Any = None
) -> RetentionSetting:
    """Choose how long ``organization`` keeps ``kind``, within the limits in force (the hub's,
    within the rule's). Audited."""
    rule = get(kind)
    if not rule.applies(organization):
        raise RetentionError(_("This kind of record is not kept by your organization."))
    limits = limits_for(rule)
    if not (limits.min_days <= days <= limits.max_days):
        raise RetentionError(range_message(limits))
    with transaction.atomic(), scope(organization=organization):
        setting = RetentionSetting.objects.filter(organization=organization, kind=kind).first()
        before = setting.days if setting is not None else rule.default_days
        if setting is None:
            setting = RetentionSetting(organization=organization, kind=kind, days=days)
        setting.days = days
        setting.updated_at = timezone.now()
        setting.updated_by = actor
        setting.full_clean()
        setting.save()
        log_action(
            actor=actor,
            organization=organization,
            action="core.retention_setting.updated",
            obj=setting,
            data={"kind": kind, "days": [before, days]},
            request=request,
        )
    return setting


def range_message(limits: Limits) -> str:
    return _("Choose between %(min)d and %(max)d days: the limits the coalition's hub set.") % {
        "min": limits.min_days,
        "max": limits.max_days,
    }


def retention_limit_update(
    *, organization: Organization, actor: User, kind: str, min_days: int, max_days: int, request: Any = None
) -> RetentionLimit:
    """The hub sets the network-wide shortest and longest period organizations may choose for
    ``kind``, within the rule's hard limits in code. Periods already chosen outside them stay
    stored and are clamped at run time. Audited in the hub's trail."""
    if not organization.is_hub:
        raise RetentionError(_("Only the coalition's hub sets the limits."))
    rule = get(kind)
    if not rule.per_organization:
        raise RetentionError(_("Organizations do not choose a period for this kind of record."))
    if not (rule.min_days <= min_days <= max_days <= rule.max_days):
        raise RetentionError(
            _("Choose a shortest period no longer than the longest, both between %(min)d and %(max)d days.")
            % {"min": rule.min_days, "max": rule.max_days}
        )
    with transaction.atomic():
        limit = RetentionLimit.objects.select_for_update().filter(kind=kind).first()
        before = limits_for(rule)
        if limit is None:
            limit = RetentionLimit(kind=kind, min_days=min_days, max_days=max_days)
        limit.min_days = min_days
        limit.max_days = max_days
        limit.updated_at = timezone.now()
        limit.updated_by = actor
        limit.full_clean()
        limit.save()
        log_action(
            actor=actor,
            organization=organization,
            action="core.retention_limit.updated",
            obj=limit,
            data={"kind": kind, "min_days": [before.min_days, min_days], "max_days": [before.max_days, max_days]},
            request=request,
        )
    return limit


def strip_fields(**values: Any) -> Callable[[QuerySet[Any]], None]:
    """An anonymise callback that sets the given fields on a batch (e.g. ``name=""``)."""

    def _anonymise(batch: QuerySet[Any]) -> None:
        batch.update(**values)

    return _anonymise


def model_label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name_plural)

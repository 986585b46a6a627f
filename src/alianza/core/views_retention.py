"""Staff pages of retention (``core/retention.py``): how long this organization keeps each kind
of record, and, in the hub only, the network-wide limits organizations choose within."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import RetentionForm, RetentionLimitsForm
from .models import ScheduledRun
from .retention import (
    Limits,
    RetentionError,
    RetentionRule,
    chosen_days,
    limits_for,
    period_days,
    retention_apply,
    retention_limit_update,
    retention_setting_update,
    rules,
    rules_for,
)
from .tenancy import OrgRequest, has_permission, require_hub_permission, require_permission


@dataclass(frozen=True)
class KindRow:
    rule: RetentionRule
    days: int  # the period in force
    chosen: int | None  # as the organization stored it; differs from ``days`` when clamped
    limits: Limits
    cutoff: datetime
    due: int  # rows the next run would remove

    @property
    def clamped(self) -> bool:
        return self.chosen is not None and self.chosen != self.days


def _next_run() -> datetime | None:
    last = ScheduledRun.objects.filter(name="core.retention").values_list("last_enqueued_at", flat=True).first()
    return last + timedelta(days=1) if last else None


@require_permission("retention:manage")
@require_http_methods(["GET", "POST"])
def retention_settings(request: OrgRequest) -> HttpResponse:
    org = request.organization
    now = timezone.now()
    rules = rules_for(org)
    limits = {rule.code: limits_for(rule) for rule in rules}
    chosen = {rule.code: chosen_days(organization=org, rule=rule) for rule in rules}
    current = {rule.code: period_days(organization=org, rule=rule) for rule in rules}
    form = RetentionForm(
        request.POST if request.method == "POST" else None, rules=rules, current=current, limits=limits
    )
    if request.method == "POST" and form.is_valid():
        changed = 0
        for rule in rules:
            days = form.cleaned_data[rule.code]
            # Against what is stored: saving a clamped period makes the period shown the choice.
            if days != (chosen[rule.code] if chosen[rule.code] is not None else current[rule.code]):
                try:
                    retention_setting_update(
                        organization=org, actor=request.user, kind=rule.code, days=days, request=request
                    )
                except RetentionError as exc:
                    form.add_error(rule.code, exc)
                    continue
                changed += 1
        if not form.errors:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("core:retention_settings", org=org.slug)
    kinds = [
        KindRow(
            rule=rule,
            days=current[rule.code],
            chosen=chosen[rule.code],
            limits=limits[rule.code],
            cutoff=now - timedelta(days=current[rule.code]),
            due=retention_apply(organization=org, kind=rule.code, dry_run=True, now=now).count,
        )
        for rule in rules
    ]
    context = {
        "form": form,
        "kinds": kinds,
        "next_run": _next_run(),
        "can_set_limits": org.is_hub and has_permission(request, "retention:limits"),
    }
    return render(request, "core/retention_settings.html", context, status=400 if form.errors else 200)


@dataclass(frozen=True)
class LimitRow:
    rule: RetentionRule
    limits: Limits
    min_field: str
    max_field: str


@require_hub_permission("retention:limits")
@require_http_methods(["GET", "POST"])
def retention_limits(request: OrgRequest) -> HttpResponse:
    """In the hub: the shortest and longest period every organization may choose, per kind."""
    org = request.organization
    kinds = [rule for rule in rules() if rule.per_organization]
    limits = {rule.code: limits_for(rule) for rule in kinds}
    form = RetentionLimitsForm(request.POST if request.method == "POST" else None, rules=kinds, limits=limits)
    if request.method == "POST" and form.is_valid():
        changed = 0
        for rule in kinds:
            low, high = form.cleaned_data[f"{rule.code}-min"], form.cleaned_data[f"{rule.code}-max"]
            if (low, high) != (limits[rule.code].min_days, limits[rule.code].max_days):
                try:
                    retention_limit_update(
                        organization=org,
                        actor=request.user,
                        kind=rule.code,
                        min_days=low,
                        max_days=high,
                        request=request,
                    )
                except RetentionError as exc:
                    form.add_error(f"{rule.code}-min", exc)
                    continue
                changed += 1
        if not form.errors:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("core:retention_limits", org=org.slug)
    rows = [
        LimitRow(rule=rule, limits=limits[rule.code], min_field=f"{rule.code}-min", max_field=f"{rule.code}-max")
        for rule in kinds
    ]
    context = {"form": form, "rows": rows}
    return render(request, "core/retention_limits.html", context, status=400 if form.errors else 200)

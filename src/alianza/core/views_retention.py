"""Staff page: how long this organization keeps each kind of record (``core/retention.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import RetentionForm
from .models import ScheduledRun
from .retention import RetentionError, RetentionRule, period_days, retention_apply, retention_setting_update, rules_for
from .tenancy import OrgRequest, require_permission


@dataclass(frozen=True)
class KindRow:
    rule: RetentionRule
    days: int
    cutoff: datetime
    due: int  # rows the next run would remove


def _next_run() -> datetime | None:
    last = ScheduledRun.objects.filter(name="core.retention").values_list("last_enqueued_at", flat=True).first()
    return last + timedelta(days=1) if last else None


@require_permission("retention:manage")
@require_http_methods(["GET", "POST"])
def retention_settings(request: OrgRequest) -> HttpResponse:
    org = request.organization
    now = timezone.now()
    rules = rules_for(org)
    current = {rule.code: period_days(organization=org, rule=rule) for rule in rules}
    form = RetentionForm(request.POST if request.method == "POST" else None, rules=rules, current=current)
    if request.method == "POST" and form.is_valid():
        changed = 0
        for rule in rules:
            days = form.cleaned_data[rule.code]
            if days != current[rule.code]:
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
            cutoff=now - timedelta(days=current[rule.code]),
            due=retention_apply(organization=org, kind=rule.code, dry_run=True, now=now).count,
        )
        for rule in rules
    ]
    context = {
        "form": form,
        "kinds": kinds,
        "next_run": _next_run(),
    }
    return render(request, "core/retention_settings.html", context, status=400 if form.errors else 200)

"""The advisory board of directly impacted leaders: seats with a term, and the honoraria the
hub pays them. The leaders are people of the hub (``people.Person``).

DESIGN.md §5.1: no field for tax ids, SSN, ITIN or immigration facts (the privacy-field test
in ``people/tests/test_privacy_fields.py`` covers this app too). Honoraria are seen only by
hub admins (``board:honoraria``); the payment method is encrypted at rest.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from alianza.core.crypto import EncryptedTextField
from alianza.core.models import Organization
from alianza.people.models import Person


class BoardSeat(models.Model):
    """One leader's seat on the advisory board, for one term."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")  # the hub
    # None once the person was erased: the seat and its honoraria stay (the hub's books), anonymous.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="board_seats", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-term_end", "id"]
        verbose_name = _("advisory board seat")
        verbose_name_plural = _("advisory board seats")

    def __str__(self) -> str:
        return f"{self.person or _('(erased)')} ({self.get_role_display()})"

    def clean(self) -> None:
        super().clean()
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            raise ValidationError({"term_end": _("The term must end after it starts.")})
        if self.person is not None and self.organization_id and self.person.organization_id != self.organization_id:
            raise ValidationError({"person": _("Choose one of your organization's people.")})

    def days_left(self, today: date | None = None) -> int:
        """Days until the term ends (0 on its last day; negative once it has ended)."""
        return (self.term_end - (today or timezone.localdate())).days

    def is_current(self, today: date | None = None) -> bool:
        day = today or timezone.localdate()
        return self.term_start <= day <= self.term_end


class Honorarium(models.Model):
    """A payment the hub makes (or plans) to a board member for their time: a meeting, an
    event, a training. Amounts are what the hub's bookkeeping needs; nothing about taxes or
    status is recorded here."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")  # the hub
    seat = models.ForeignKey(BoardSeat, on_delete=models.PROTECT, related_name="honoraria")
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter currency code, for example USD."))],
    )
    date = models.DateField(_("date"))
    purpose = models.CharField(_("for"), max_length=200, help_text=_("The meeting or event it pays for."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    payment_method = EncryptedTextField(
        _("payment method"),
        blank=True,
        help_text=_("For example: check, cash, bank transfer. Encrypted; seen by the hub's admins only."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("honorarium")
        verbose_name_plural = _("honoraria")
        indexes = [models.Index(fields=["organization", "date"])]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.date})"

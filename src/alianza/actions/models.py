"""Events and calls to action: events with shifts, RSVPs (with attendance), and the coalition's
code of conduct. Every row belongs to the organization that runs the event and collected the
RSVP; the code of conduct belongs to the hub, which writes it for the whole coalition."""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from i18nfield.fields import I18nCharField, I18nTextField

from alianza.core.crypto import EncryptedTextField
from alianza.core.models import Organization
from alianza.network.models import VersionedText, validate_language_codes, validate_single_line
from alianza.people.models import Channel, Person


def new_token() -> str:
    return secrets.token_urlsafe(18)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Choose a time zone from the list."))


class CodeOfConductVersion(VersionedText):
    """One published version of the coalition's code of conduct (written by the hub). Events
    that require it show the current version on the RSVP form; each RSVP keeps the version the
    person accepted."""

    class Meta(VersionedText.Meta):
        verbose_name = _("code of conduct")
        verbose_name_plural = _("codes of conduct")
        constraints = [
            models.UniqueConstraint(fields=["organization", "version"], name="unique_code_of_conduct_version"),
        ]


class EventQuerySet(models.QuerySet["Event"]):
    def listed(self) -> EventQuerySet:
        """Published public events, shown on the organization's public list and calendar feed."""
        return self.filter(status=Event.Status.PUBLISHED, visibility=Event.Visibility.PUBLIC)

    def upcoming(self) -> EventQuerySet:
        return self.filter(ends_at__gte=timezone.now())


class Event(models.Model):
    class Kind(models.TextChoices):
        RALLY = "rally", _("Rally")
        VIGIL = "vigil", _("Vigil")
        MARCH = "march", _("March")
        TEACH_IN = "teach_in", _("Teach-in")
        KNOW_YOUR_RIGHTS = "know_your_rights", _("Know-your-rights session")
        TRAINING = "training", _("Training")
        MEETING = "meeting", _("Meeting")
        TOWN_HALL = "town_hall", _("Town hall")
        PHONE_BANK = "phone_bank", _("Phone bank")
        CANVASS = "canvass", _("Canvass")
        COURT_WATCH = "court_watch", _("Court watch")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Online")
        BOTH = "both", _("In person and online")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: listed, anyone can RSVP")
        MEMBERS = "members", _("Members only: staff of the coalition's organizations, signed in")
        PRIVATE = "private", _("Private link: not listed, anyone with the link can RSVP")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed by a volunteer, waiting for approval")
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Proposal declined")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    title = I18nCharField(_("title"), max_length=200)
    description = I18nTextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    format = models.CharField(_("where"), max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/Chicago", validators=[validate_time_zone]
    )
    visibility = models.CharField(
        _("who can see it"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Always public: a general area ("East Austin"), never the street address.
    place_name = models.CharField(
        _("area"), max_length=200, blank=True, validators=[validate_single_line],
        help_text=_("Shown to everyone, e.g. a neighbourhood or city. Never the street address."),
    )  # fmt: skip
    address = EncryptedTextField(_("street address"), blank=True, help_text=_("Encrypted."))
    hide_address = models.BooleanField(
        _("hide the address until the RSVP is confirmed"),
        default=True,
        help_text=_("The address is then only in the confirmation e-mail and on the person's own RSVP page."),
    )
    virtual_link = EncryptedTextField(
        _("online meeting link"), blank=True, help_text=_("Encrypted; given only to confirmed RSVPs.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    waitlist = models.BooleanField(_("waitlist when full"), default=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True, validators=[validate_language_codes])
    interpretation = models.JSONField(
        _("interpretation into"), default=list, blank=True, validators=[validate_language_codes]
    )
    accessibility = I18nTextField(_("accessibility"), blank=True)
    childcare = models.BooleanField(_("childcare offered"), default=False)
    requires_code_of_conduct = models.BooleanField(_("RSVPs must accept the code of conduct"), default=False)
    representatives = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="+",
        verbose_name=_("organizations that may represent the coalition here"),
    )
    # Volunteer-hosted events: who proposed it (the hub reviews it before it is public).
    host_name = models.CharField(_("host"), max_length=200, blank=True, validators=[validate_single_line])
    host_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(organization="organization", _manager_class=models.Manager.from_queryset(EventQuerySet))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["organization", "status", "starts_at"])]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("actions:event_detail", kwargs={"org": self.organization.slug, "event_pk": self.pk})

    def get_public_url(self) -> str:
        return reverse("actions:event_public_page", kwargs={"slug": self.organization.slug, "token": self.token})

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_starts_at(self) -> datetime:
        return timezone.localtime(self.starts_at, self.zone)

    @property
    def local_ends_at(self) -> datetime:
        return timezone.localtime(self.ends_at, self.zone)

    @property
    def is_open_for_rsvp(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.ends_at > timezone.now()

    @property
    def in_person(self) -> bool:
        return self.format in (self.Format.IN_PERSON, self.Format.BOTH)

    @property
    def online(self) -> bool:
        return self.format in (self.Format.VIRTUAL, self.Format.BOTH)

    def _labels(self, codes: list[str]) -> list[str]:
        names = dict(settings.ALL_LANGUAGES)
        return [str(names[c]) for c in codes if c in names]

    @property
    def language_labels(self) -> list[str]:
        return self._labels(self.languages)

    @property
    def interpretation_labels(self) -> list[str]:
        return self._labels(self.interpretation)


class Shift(models.Model):
    class Role(models.TextChoices):
        MARSHAL = "marshal", _("Marshal")
        INTERPRETER = "interpreter", _("Interpreter")
        LEGAL_OBSERVER = "legal_observer", _("Legal observer")
        CHECK_IN = "check_in", _("Check-in")
        OTHER = "other", _("Other volunteer")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shifts")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OTHER)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("volunteers needed"), default=1)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["starts_at", "role", "id"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at, self.event.zone)
        end = timezone.localtime(self.ends_at, self.event.zone)
        return f"{self.get_role_display()} {start:%H:%M}-{end:%H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})


class RSVPQuerySet(models.QuerySet["RSVP"]):
    def confirmed(self) -> RSVPQuerySet:
        return self.filter(status=RSVP.Status.CONFIRMED)

    def waitlisted(self) -> RSVPQuerySet:
        return self.filter(status=RSVP.Status.WAITLISTED).order_by("waitlisted_at", "id")


class RSVP(models.Model):
    """One person's answer to one event (one row per person and event; answering again after
    cancelling reopens it). Attendance is marked on the same row at check-in."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        FORM = "form", _("RSVP form")
        WALK_IN = "walk_in", _("Walk-in")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    # None once the person was erased (``personal_data.py``): the row stays, anonymous, so the
    # event's counts (confirmed, attended) do not change. Staff lists leave such rows out.
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.SET_NULL, related_name="rsvps")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.FORM)
    language = models.CharField(_("language"), max_length=10, default="en")
    email = models.EmailField(_("e-mail for messages"), blank=True)
    conduct_version = models.ForeignKey(
        CodeOfConductVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conduct_accepted_at = models.DateTimeField(_("code of conduct accepted"), null=True, blank=True)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(_("attended"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Each message is claimed here before it is sent (tasks.py), so it goes out once.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    promotion_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedManager(organization="organization", _manager_class=models.Manager.from_queryset(RSVPQuerySet))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="unique_rsvp_per_person")]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(fields=["organization", "created_at"]),
            models.Index(
                fields=["organization", "attended_at"], condition=Q(attended_at__isnull=False), name="rsvp_attended"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.event_id} ({self.status})"

    @property
    def sees_details(self) -> bool:
        """Only a confirmed RSVP sees the street address and the online link."""
        return self.status == self.Status.CONFIRMED


REMINDER_BEFORE = timedelta(hours=24)


# --- Forms built by staff (volunteer sign-ups and surveys) ---------------------------------


def _receipt() -> str:
    return secrets.token_urlsafe(24)


class RSVPSubmission(models.Model):
    """An RSVP form as it was sent, kept until it is allocated (``rsvp_allocation.py``).

    The public form stores what it was sent here in one INSERT, without waiting for the event's
    lock, so nothing accepted is lost and a burst of answers does not queue behind one lock; the
    answers are then allocated in order of arrival, many in one transaction. Once allocated, an
    answer that was taken keeps no personal data here (it is on the person and the RSVP); a
    refused one keeps what was typed so the visitor gets the form back filled in, for a day
    (retention rule ``actions.rsvp_submissions``)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        TAKEN = "taken", _("Taken")
        REFUSED = "refused", _("Refused")

    class Refusal(models.TextChoices):
        CLOSED = "closed", _("Event closed")
        FULL = "full", _("Event full")
        SHIFT_FULL = "shift_full", _("Shift full")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    # The secret of the visitor's receipt page, where they see the outcome: like a password-reset
    # link, it is in a URL (the app does not log it; a reverse proxy's access log may).
    receipt = models.CharField(max_length=40, unique=True, default=_receipt, editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    refusal = models.CharField(max_length=10, choices=Refusal.choices, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    # As the visitor typed them, normalised (the e-mail in lower case, the phone in E.164).
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    language = models.CharField(max_length=10, default="en")
    consents = models.JSONField(default=dict, blank=True)
    shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    wants_shift = models.BooleanField(default=False)  # a shift deleted since is refused, not dropped
    conduct_version = models.ForeignKey(
        CodeOfConductVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)  # for the RSVP's audit event

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["id"]
        verbose_name = _("RSVP form sent")
        verbose_name_plural = _("RSVP forms sent")
        indexes = [
            models.Index(fields=["event", "id"], condition=Q(state="pending"), name="rsvp_submission_pending"),
            models.Index(fields=["organization", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} #{self.pk} ({self.state})"


class Form(models.Model):
    """A form staff build for volunteer sign-ups or surveys. Everyone who answers gives their
    name, an e-mail or a phone, and their language (the built-in contact fields), then the
    form's own fields. Each submission creates or matches a person of the organization."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open: taking answers")
        CLOSED = "closed", _("Closed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    title = I18nCharField(_("title"), max_length=200)
    intro = I18nTextField(_("introduction"), blank=True)
    thanks = I18nTextField(
        _("thank-you message"), blank=True, help_text=_("Shown after sending. Leave empty for a plain thank you.")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_volunteer_signup = models.BooleanField(
        _("volunteer sign-up"),
        default=False,
        help_text=_("People who send it count as volunteers on the engagement ladder."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("form")
        verbose_name_plural = _("forms")

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("actions:form_detail", kwargs={"org": self.organization.slug, "form_id": self.pk})

    def get_public_url(self) -> str:
        return reverse("actions:form_public", kwargs={"slug": self.organization.slug, "token": self.token})

    def clean(self) -> None:
        super().clean()
        if self.campaign_id is not None and self.campaign.organization_id != self.organization_id:  # type: ignore[union-attr]
            raise ValidationError({"campaign": _("Choose one of the campaigns your organization leads.")})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class FormField(models.Model):
    """One question of a form, in the order of ``position``. Choices are stored with a key that
    answers keep; a consent field records consent to one channel of the people app."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("One choice")
        MULTI_CHOICE = "multi_choice", _("Several choices")
        DATE = "date", _("Date")
        CONSENT = "consent", _("Consent to be contacted")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    label = I18nCharField(_("question"), max_length=300)
    help = I18nCharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # [{"key": "1", "label": {"en": "Mornings", "es": "Mañanas"}}, …] for choice fields.
    options = models.JSONField(_("choices"), default=list, blank=True)
    consent_channel = models.CharField(
        _("consent to"), max_length=10, choices=Channel.choices, blank=True,
        help_text=_("For a consent field: the way of contacting the person that they agree to."),
    )  # fmt: skip

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.CHOICE, self.Kind.MULTI_CHOICE)

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.CONSENT and not self.consent_channel:
            raise ValidationError({"consent_channel": _("Choose what the person agrees to.")})
        if self.kind != self.Kind.CONSENT:
            self.consent_channel = ""
        if self.has_options and not self.options:
            raise ValidationError(_("Give at least one choice, one per line."))
        if not self.has_options:
            self.options = []

    def option_label(self, key: str) -> str:
        from i18nfield.strings import LazyI18nString

        for option in self.options:
            if option.get("key") == key:
                return str(LazyI18nString(option.get("label") or {}))
        return key


class FormSubmission(models.Model):
    """One person's answers to one form. The answers (JSON, keyed by field id) are encrypted at
    rest: a survey may ask about anything."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="submissions")
    # None once the person was erased (``personal_data.py``): the row stays, without its answers,
    # so a form's number of answers and the ladder's counts do not change. Merging two people
    # (``people.merging``) moves the submissions.
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="form_submissions")
    answers_json = EncryptedTextField(_("answers"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        indexes = [
            models.Index(fields=["form", "created_at"]),
            models.Index(fields=["organization", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.form_id}"

    @property
    def answers(self) -> dict[str, Any]:
        import json

        raw = self.answers_json
        return json.loads(raw) if raw else {}


# --- Petitions and letters to officials ----------------------------------------------------


class ActionVisibility(models.TextChoices):
    """Who can see a petition or a letter campaign (like events)."""

    PUBLIC = "public", _("Public: shown on campaign pages, anyone can sign")
    MEMBERS = "members", _("Members only: staff of the coalition's organizations, signed in")
    PRIVATE = "private", _("Private link: not listed, anyone with the link can sign")


class ActionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Petition(models.Model):
    """A petition: a text addressed to one or more targets, signed by people without an account.
    ``signature_count`` is kept exact under concurrent signing (``petitions.signature_add``
    locks the petition's row)."""

    Status = ActionStatus
    Visibility = ActionVisibility

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    title = I18nCharField(_("title"), max_length=200)
    text = I18nTextField(_("text of the petition"))
    targets = models.TextField(
        _("addressed to"),
        max_length=1000,
        help_text=_("Who the petition asks, one per line, e.g. “Governor of Texas”."),
    )
    goal = models.PositiveIntegerField(_("goal (signatures)"), default=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(
        _("who can see it"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    signature_count = models.PositiveIntegerField(_("signatures"), default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("actions:petition_detail", kwargs={"org": self.organization.slug, "petition_pk": self.pk})

    def get_public_url(self) -> str:
        return reverse("actions:petition_public", kwargs={"slug": self.organization.slug, "token": self.token})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def target_lines(self) -> list[str]:
        return [line.strip() for line in self.targets.splitlines() if line.strip()]

    @property
    def percent(self) -> int:
        """Progress toward the goal, 0 to 100 (a goal passed shows 100)."""
        if not self.goal:
            return 100
        return min(100, self.signature_count * 100 // self.goal)


class Signature(models.Model):
    """One person's signature of one petition (one per person: signing again counts once).
    ``person`` becomes empty when the person is erased; the signature still counts."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    show_name = models.BooleanField(_("name may be shown publicly"), default=False)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    email = models.EmailField(_("e-mail for messages"), blank=True)
    created_at = models.DateTimeField(_("signed"), default=timezone.now)
    # Claimed before the confirmation is sent (tasks.py), so it goes out once.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [models.UniqueConstraint(fields=["petition", "person"], name="unique_signature_per_person")]
        indexes = [
            models.Index(fields=["petition", "created_at"]),
            models.Index(fields=["organization", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → petition {self.petition_id}"


class LetterCampaign(models.Model):
    """A letter to an official: a subject and a body (per language) that each signer may edit,
    then sent by e-mail to the target, one e-mail per letter, or collected for delivery."""

    Status = ActionStatus
    Visibility = ActionVisibility

    class Delivery(models.TextChoices):
        EMAIL = "email", _("Send each letter by e-mail to the target")
        COLLECT = "collect", _("Collect the letters; we deliver them ourselves")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    title = I18nCharField(_("title"), max_length=200)
    introduction = I18nTextField(
        _("introduction"), blank=True, help_text=_("Why write, shown above the letter on the public page.")
    )
    target_name = models.CharField(
        _("to (name of the official or office)"), max_length=200, validators=[validate_single_line]
    )
    target_email = models.EmailField(
        _("e-mail address of the official or office"),
        blank=True,
        help_text=_("Needed when the letters are sent by e-mail."),
    )
    subject = I18nCharField(_("subject"), max_length=200)
    body = I18nTextField(_("letter"), help_text=_("Each signer may edit it before sending."))
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.EMAIL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(
        _("who can see it"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("letter campaign")
        verbose_name_plural = _("letter campaigns")
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return reverse("actions:letter_detail", kwargs={"org": self.organization.slug, "letter_pk": self.pk})

    def get_public_url(self) -> str:
        return reverse("actions:letter_public", kwargs={"slug": self.organization.slug, "token": self.token})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def sends_email(self) -> bool:
        return self.delivery == self.Delivery.EMAIL

    def clean(self) -> None:
        super().clean()
        if self.delivery == self.Delivery.EMAIL and not self.target_email:
            raise ValidationError({"target_email": _("Give the e-mail address the letters are sent to.")})


class Letter(models.Model):
    """One person's letter (one per person and letter campaign). In e-mail delivery it is sent
    once: ``sent_at`` is claimed before sending. ``person`` becomes empty when the person is
    erased."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent by e-mail")
        COLLECTED = "collected", _("Collected for delivery")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    letter_campaign = models.ForeignKey(LetterCampaign, on_delete=models.CASCADE, related_name="letters")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("signed"), max_length=200, validators=[validate_single_line])
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    subject = models.CharField(_("subject"), max_length=200, validators=[validate_single_line])
    body = models.TextField(_("letter"), max_length=5000)
    language = models.CharField(_("language"), max_length=10, default="en")
    email = models.EmailField(_("e-mail of the signer"), blank=True)
    reply_to_signer = models.BooleanField(_("the official may reply to the signer"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            models.UniqueConstraint(fields=["letter_campaign", "person"], name="unique_letter_per_person"),
        ]
        indexes = [
            models.Index(fields=["letter_campaign", "created_at"]),
            models.Index(fields=["organization", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → letters {self.letter_campaign_id}"

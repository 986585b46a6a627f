"""People an organization works with, their contact points and consent, tags, and the
consent-based grants that let another organization see a person.

DESIGN.md §5.1: there is deliberately no field for immigration status, country of birth,
A-number or SSN (``tests/test_privacy_fields.py`` keeps it that way).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from i18nfield.fields import I18nCharField

from alianza.core.crypto import EncryptedTextField
from alianza.core.models import Organization


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message (SMS)")
    WHATSAPP = "whatsapp", _("WhatsApp")
    CALL = "call", _("Phone call")


class Tag(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=80)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="unique_tag_name")]

    def __str__(self) -> str:
        return self.name


class CustomField(models.Model):
    """A field an organization adds to its people's records (``Person.custom[key]``).

    The key is stable: it never changes once created (segments, exports and imports refer to
    it). Archived fields leave the person form, but their values stay and are exported. Changes
    go through ``custom_fields.py``, which refuses fields about immigration facts (DESIGN §5.1).
    """

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice from a list")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="custom_fields")
    key = models.SlugField(_("key"), max_length=40)
    label = I18nCharField(_("label"), max_length=100)
    field_type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.TEXT)
    # For choices: [{"key": "m", "label": {"en": "Medium", "es": "Mediana"}}, …], keys stable too.
    choices = models.JSONField(_("options"), default=list, blank=True)
    help_text = I18nCharField(_("help text"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="unique_custom_field_key")]

    def __str__(self) -> str:
        return str(self.label) or self.key

    def choice_label(self, key: str) -> str:
        """The option's label in the active language (the key itself for an unknown option)."""
        from i18nfield.strings import LazyI18nString

        for option in self.choices:
            if option.get("key") == key:
                return str(LazyI18nString(option.get("label") or {})) or key
        return key


class Person(models.Model):
    # No index of its own: every index of the table starts with the organization (Meta.indexes).
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="people", db_index=False)
    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=150, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="en")
    other_languages = models.JSONField(_("other languages"), default=list, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    county = models.CharField(_("county"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=50, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, help_text=_("Encrypted; seen by your organization only."))
    tags = models.ManyToManyField(Tag, blank=True, related_name="people", verbose_name=_("tags"))
    # The organization's custom fields (``CustomField``): key → typed JSON value (text, number,
    # ISO date, choice key). One row per person keeps imports simple; a GIN index on PostgreSQL
    # (migration 0007) serves the segments' choice filters. Write it through ``custom_fields``.
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["organization", "family_name", "given_name"]),
            models.Index(fields=["organization", "zip_code"]),
            # Segment filters (docs/performance.md): language, and language with a ZIP prefix
            # (the ZIP is checked in the index, so both counts read the index alone); "added in
            # the last N days". The county filter has a PostgreSQL-only index (migration 0011).
            models.Index(fields=["organization", "preferred_language", "zip_code"], name="people_person_org_lang_zip"),
            models.Index(fields=["organization", "created_at"], name="people_person_org_created"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("people:person_detail", kwargs={"org": self.organization.slug, "person_id": self.pk})

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return " ".join(part for part in (first, self.family_name) if part) or str(_("(no name)"))


class PersonEmail(models.Model):
    # No index of its own: the unique (organization, email) index serves it.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField(_("e-mail"))
    is_primary = models.BooleanField(default=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-is_primary", "email"]
        constraints = [models.UniqueConstraint(fields=["organization", "email"], name="unique_person_email")]

    def __str__(self) -> str:
        return self.email


class PersonPhone(models.Model):
    class Kind(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        LANDLINE = "landline", _("Landline")
        UNKNOWN = "unknown", _("Unknown")

    # No index of its own: the unique (organization, number) index serves it.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone (E.164)"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.UNKNOWN)
    whatsapp = models.BooleanField(_("uses WhatsApp"), default=False)
    is_primary = models.BooleanField(default=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-is_primary", "number"]
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="unique_person_phone")]

    def __str__(self) -> str:
        return self.number


class ConsentRecord(models.Model):
    """One change of a person's consent to be contacted on one channel: history, never updated."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consent_records")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    granted = models.BooleanField(_("consents"))
    recorded_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(_("source"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.channel} {'yes' if self.granted else 'no'}"


class SharingGrantQuerySet(models.QuerySet["SharingGrant"]):
    def active(self) -> SharingGrantQuerySet:
        """Not revoked, not expired, and both organizations still active in the network."""
        now = timezone.now()
        return self.filter(
            revoked_at=None,
            grantee__status=Organization.Status.ACTIVE,
            organization__status=Organization.Status.ACTIVE,
        ).filter(Q(expires_at=None) | Q(expires_at__gt=now))


class SharingGrant(models.Model):
    """The person agreed that ``organization`` (which holds their record) may share it with
    ``grantee``, for ``purpose``, until ``expires_at`` or revocation. Grantees see it read-only."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sharing_grants_given")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sharing_grants")
    grantee = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sharing_grants_received")
    purpose = models.CharField(_("purpose"), max_length=300)
    expires_at = models.DateTimeField(_("until"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager(
        organization="organization", _manager_class=models.Manager.from_queryset(SharingGrantQuerySet)
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.grantee}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class ImportJob(models.Model):
    """One upload of a CSV or XLSX file of people, from mapping to result. The uploaded file is
    deleted when the import ends; rejected rows are kept (with their reasons) for download."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Waiting for the column mapping")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    class OnMatch(models.TextChoices):
        SKIP = "skip", _("Skip them (keep what we have)")
        UPDATE = "update", _("Update them with the file's values")
        CREATE = "create", _("Add them as new people, marked as possible duplicates")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # none when an operator's command imports
    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500, blank=True)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, blank=True)  # column index (as text) → person field
    on_match = models.CharField(
        _("people already in your contacts"), max_length=10, choices=OnMatch.choices, default=OnMatch.SKIP
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ImportRejection(models.Model):
    """A row that was not imported, with why, to download and fix."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rejections")
    row_number = models.PositiveIntegerField()
    reason = models.CharField(max_length=300)
    # The mapped columns of the row only (JSON), encrypted: they may hold anything the file had.
    row_values = EncryptedTextField(blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["row_number"]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.reason}"


class ImportColumnChoice(models.Model):
    """The field an organization last mapped a column header to: remembered for the next file."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    header = models.CharField(max_length=200)
    field = models.CharField(max_length=60)  # a person field, "ignore", or "custom:<key>"

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "header"], name="unique_import_header")]

    def __str__(self) -> str:
        return f"{self.header} → {self.field}"


class DuplicatePair(models.Model):
    """Two people of one organization who may be the same person, found by the duplicate scan."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        DISMISSED = "dismissed", _("Not the same person")

    # Four indexes, each for a query that needs it: the primary key; the unique (person_a,
    # person_b), which also serves "the pairs of person A"; person_b (a merge's other pairs, and
    # deleting a person); (organization, status, -score, id), the review queue's page and count.
    # The organization, person_a and decided_by foreign keys have no index of their own.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", db_index=False)
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()  # 0 to 100
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["organization", "status", "-score", "id"], name="people_duplicatepair_queue")]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="unique_duplicate_pair"),
            models.CheckConstraint(condition=Q(person_a__lt=models.F("person_b")), name="duplicate_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.score})"


class MergeRecord(models.Model):
    """A merge: which record was folded into which, when, by whom, and which fields were taken
    from the merged record (names only — the values are the survivor's now)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    survivor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges")
    merged_person_id = models.PositiveBigIntegerField()
    fields_from_merged = models.JSONField(default=list)
    # Rows that could exist once per person, of which both records had one (e.g. two RSVPs to
    # the same event): [{"model": "actions.rsvp", "kept": 4, "dropped": 7, "event": 2, …}]. Ids
    # and statuses only (``merging.MergeRule.describe``).
    dropped = models.JSONField(default=list, blank=True)
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_person_id} → {self.survivor_id}"


class PeopleList(models.Model):
    """A static list: the people someone put in it, until they are taken out (see ``lists.py``)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="people_lists")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    people = models.ManyToManyField(Person, blank=True, related_name="people_lists", verbose_name=_("people"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("list")
        verbose_name_plural = _("lists")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="unique_people_list_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:list_detail", kwargs={"org": self.organization.slug, "list_id": self.pk})


class Segment(models.Model):
    """A saved segment: filters (see ``segments.SegmentFilters``) that pick people when used, so
    it follows the data as it changes. Messaging reuses it through ``segments.segment_people``."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="segments")
    name = models.CharField(_("name"), max_length=120)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="unique_segment_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:segment_detail", kwargs={"org": self.organization.slug, "segment_id": self.pk})


class SubjectRequestKind(models.TextChoices):
    EXPORT = "export", _("A copy of my data")
    ERASURE = "erasure", _("Erase my data")


class SubjectRequestConfirmation(models.Model):
    """A request from the public page, waiting for its link to be opened. It belongs to no
    organization yet (nobody may learn from it whether an address is known), so it is not
    scoped. The link's token is stored only as a SHA-256 hash; the row is deleted when the
    link expires, and its address is blanked once the link has been used (``subject_requests``)."""

    kind = models.CharField(_("request"), max_length=10, choices=SubjectRequestKind.choices)
    # Exactly one of the two: the one channel the link is sent to (and so the one proven).
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone (E.164)"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    token_hash = models.CharField(max_length=64, unique=True)
    # A random value that, with the server's secret, gives back the token for the e-mail task:
    # useless without SECRET_KEY, so the database alone never holds a working link.
    token_salt = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.kind} ({self.created_at:%Y-%m-%d})"


class SubjectRequest(models.Model):
    """A person's confirmed request for a copy of their data or its erasure, in the queue of
    one organization that holds a matching record. One confirmation makes one row per such
    organization, all with the same ``reference``. Answer by ``due_on``."""

    class Status(models.TextChoices):
        OPEN = "open", _("To answer")
        DONE = "done", _("Answered")
        DECLINED = "declined", _("Declined")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    reference = models.UUIDField()
    kind = models.CharField(_("request"), max_length=10, choices=SubjectRequestKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="subject_requests"
    )
    # Where to answer (the e-mail or the phone that confirmed the request): blanked when the
    # person is erased (the answer is then the erasure itself).
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone (E.164)"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_on = models.DateField(_("answer by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tombstone = models.CharField(max_length=36, blank=True)  # the erasure's tombstone id

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["status", "due_on", "id"]
        verbose_name = _("request about a person's data")
        verbose_name_plural = _("requests about people's data")
        indexes = [models.Index(fields=["organization", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} ({self.status})"

    @property
    def is_late(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()

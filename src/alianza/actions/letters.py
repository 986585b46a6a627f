"""Letters to an official: saving a letter campaign and opening or closing it (staff), writing
a letter from the public page (no account; the signer may edit the text), sending each letter
by e-mail to the target once, and the export of the letters collected for delivery.

One letter per person and campaign (a unique constraint too): writing again returns the first
letter and sends nothing more, so an official never gets the same person's letter twice and the
visitor sees the same thank-you (no enumeration). In e-mail delivery, each letter is claimed on
its row (``sent_at``) with a conditional update before it is sent, and released if sending
fails, so a retried or duplicated task never sends it twice."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope
from fpdf import FPDF

from alianza.core.audit import log_action
from alianza.core.models import Organization, User
from alianza.people.intake import IntakeError, person_match_or_create

from .models import Letter, LetterCampaign
from .petitions import EXPORT_FORMATS, Deliverable, PetitionError, _csv, _snapshot, _validate, status_set, zip_normalize
from .rsvps import person_email
from .sheet import pdf_font

TRACKED = [
    "title", "introduction", "target_name", "target_email", "subject", "body", "delivery", "visibility", "campaign_id",
]  # fmt: skip
BODY_MAX = 5000


class LetterError(PetitionError):
    """A letter or a change that cannot be made; the message is shown to the user."""


def letter_campaign_save(
    *, letter_campaign: LetterCampaign, actor: User, request: HttpRequest | None = None
) -> LetterCampaign:
    """Create (``letter_campaign.pk`` is None) or update a letter campaign. Audited with the
    names of the changed fields."""
    organization = letter_campaign.organization
    with transaction.atomic(), scope(organization=organization):
        creating = letter_campaign.pk is None
        before = (
            {}
            if creating
            else _snapshot(LetterCampaign.objects.select_for_update().get(pk=letter_campaign.pk), TRACKED)
        )
        if creating:
            letter_campaign.created_by = actor
        try:
            _validate(letter_campaign)
        except PetitionError as exc:
            raise LetterError(str(exc)) from None
        letter_campaign.save()
        changed = sorted(k for k, v in _snapshot(letter_campaign, TRACKED).items() if before.get(k) != v)
        log_action(
            actor=actor,
            organization=organization,
            action="actions.letter_campaign.created" if creating else "actions.letter_campaign.updated",
            obj=letter_campaign,
            data={"fields": changed},
            request=request,
        )
    return letter_campaign


def letter_campaign_set_status(
    *, letter_campaign: LetterCampaign, actor: User, status: str, request: HttpRequest | None = None
) -> LetterCampaign:
    """Open, close or return a letter campaign to draft."""
    try:
        result: LetterCampaign = status_set(
            target=letter_campaign,
            actor=actor,
            status=status,
            action="actions.letter_campaign.status_changed",
            request=request,
        )
    except PetitionError as exc:
        raise LetterError(str(exc)) from None
    return result


def letter_template(letter_campaign: LetterCampaign, language: str) -> tuple[str, str]:
    """The subject and body the signer starts from, in their language (or the fallback)."""
    with translation.override(language):
        return str(letter_campaign.subject), str(letter_campaign.body)


def letter_submit(
    *,
    letter_campaign: LetterCampaign,
    name: str,
    email: str,
    phone: str,
    zip_code: str,
    language: str,
    consents: dict[str, bool],
    body: str,
    send_consent: bool,
    reply_to_signer: bool = False,
    request: HttpRequest | None = None,
) -> Letter:
    """Take a letter from the public page. ``send_consent`` is the signer's agreement that the
    letter goes to the target in their name (required). The person is matched or added
    (``people.intake.person_match_or_create``). In e-mail delivery the letter is queued to be
    sent (``tasks_petitions.send_letter``); otherwise it is kept for staff to deliver."""
    if not letter_campaign.is_open:
        raise LetterError(_("This letter campaign is not taking letters."))
    if not send_consent:
        raise LetterError(_("Please tick the box to let us deliver your letter in your name."))
    try:
        zip_code = zip_normalize(zip_code)
    except PetitionError as exc:
        raise LetterError(str(exc)) from None
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise LetterError(_("Write your letter, or keep the text we suggest."))
    if len(body) > BODY_MAX:
        raise LetterError(_("The letter is too long: at most %(max)s characters.") % {"max": BODY_MAX})
    for attempt in range(2):
        try:
            return _letter_submit(
                letter_campaign=letter_campaign,
                name=" ".join(name.split()),
                email=email,
                phone=phone,
                zip_code=zip_code,
                language=language,
                consents=consents,
                body=body,
                reply_to_signer=reply_to_signer,
                request=request,
            )
        except IntegrityError:
            if attempt:  # the same person twice at once: the second try finds the first letter
                raise
    raise AssertionError("unreachable")


def _letter_submit(
    *,
    letter_campaign: LetterCampaign,
    name: str,
    email: str,
    phone: str,
    zip_code: str,
    language: str,
    consents: dict[str, bool],
    body: str,
    reply_to_signer: bool,
    request: HttpRequest | None,
) -> Letter:
    organization = letter_campaign.organization
    with transaction.atomic(), scope(organization=organization):
        try:
            person = person_match_or_create(
                organization=organization,
                name=name,
                email=email,
                phone=phone,
                language=language,
                consents=consents,
                source=_("Letter: %(title)s") % {"title": str(letter_campaign.title)[:80]},
            )
        except IntakeError as exc:
            raise LetterError(str(exc)) from None
        locked = LetterCampaign.objects.select_for_update().get(pk=letter_campaign.pk)
        if not locked.is_open:
            raise LetterError(_("This letter campaign is not taking letters."))
        existing = Letter.objects.filter(letter_campaign=locked, person=person).first()
        if existing is not None:
            return existing  # one letter per person: nothing more is sent
        subject, _body = letter_template(locked, language)
        signer_email = person_email(person, preferred=email)
        letter = Letter(
            organization=organization,
            letter_campaign=locked,
            person=person,
            name=name[:200],
            zip_code=zip_code,
            subject=" ".join(subject.split())[:200],
            body=body,
            language=language,
            email=signer_email,
            reply_to_signer=bool(reply_to_signer and signer_email),
            status=Letter.Status.PENDING if locked.sends_email else Letter.Status.COLLECTED,
        )
        try:
            letter.full_clean(exclude=["person", "letter_campaign", "organization"])
        except ValidationError as exc:
            raise LetterError(" ".join(exc.messages)) from None
        letter.save()
        log_action(
            actor=None,
            organization=organization,
            action="actions.letter.created",
            obj=letter,
            data={
                "letter_campaign": locked.pk,
                "delivery": locked.delivery,
                "edited": body != _body.strip(),
                "reply_to_signer": letter.reply_to_signer,
            },
            request=request,
        )
        if locked.sends_email:
            from . import tasks_petitions

            transaction.on_commit(
                partial(tasks_petitions.send_letter.enqueue, letter_id=letter.pk, organization_id=str(organization.pk))
            )
    return letter


def letter_send(*, letter_id: int, organization: Organization) -> bool:
    """Send one letter by e-mail to its campaign's target, once. False (nothing sent) if it was
    sent already, is not meant to be e-mailed, or its campaign has no address. The sender is the
    site's address; Reply-To is the signer only if they agreed."""
    with scope(organization=organization):
        letter = Letter.objects.select_related("letter_campaign").filter(pk=letter_id).first()
        if letter is None or letter.status != Letter.Status.PENDING:
            return False
        campaign = letter.letter_campaign
        if not campaign.sends_email or not campaign.target_email:
            return False
        now = timezone.now()
        claimed = Letter.objects.filter(pk=letter.pk, sent_at=None, status=Letter.Status.PENDING).update(sent_at=now)
        if not claimed:
            return False
        with translation.override(letter.language):
            footer = render_to_string(
                "actions/email/letter_footer.txt",
                {"letter": letter, "organization": organization, "reply": letter.reply_to_signer},
            ).strip()
        body = f"{letter.body}\n\n{letter.name}" + (f"\n{letter.zip_code}" if letter.zip_code else "")
        message = EmailMessage(
            subject=letter.subject,
            body=f"{body}\n\n-- \n{footer}\n",
            to=[campaign.target_email],
            reply_to=[letter.email] if letter.reply_to_signer and letter.email else None,
        )
        try:
            message.send()
        except Exception:
            Letter.objects.filter(pk=letter.pk).update(sent_at=None)
            raise
        with transaction.atomic():
            Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.SENT)
            log_action(
                actor=None,
                organization=organization,
                action="actions.letter.sent",
                obj=letter,
                data={"letter_campaign": campaign.pk, "reply_to_signer": letter.reply_to_signer},
            )
    return True


def _letters(letter_campaign: LetterCampaign) -> list[Letter]:
    return list(Letter.objects.filter(letter_campaign=letter_campaign).order_by("created_at", "id"))


def _letters_pdf(letter_campaign: LetterCampaign, letters: list[Letter]) -> bytes:
    """One letter per page, as the signer wrote it, signed with their name and ZIP code."""
    pdf = FPDF(orientation="portrait", unit="mm", format="Letter")
    pdf.set_title(str(letter_campaign.title))
    pdf.set_auto_page_break(auto=True, margin=15)
    family, text = pdf_font(pdf)
    if not letters:
        pdf.add_page()
        pdf.set_font(family, size=12)
        pdf.multi_cell(0, 6, text(_("No letters yet.")), new_x="LMARGIN", new_y="NEXT")
    for letter in letters:
        pdf.add_page()
        pdf.set_font(family, size=10)
        date = formats.date_format(timezone.localtime(letter.created_at), "DATE_FORMAT")
        pdf.multi_cell(0, 6, text(date), new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(
            0, 6, text(_("To: %(name)s") % {"name": letter_campaign.target_name}), new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(2)
        pdf.set_font(family, size=12)
        pdf.multi_cell(0, 7, text(letter.subject), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font(family, size=11)
        pdf.multi_cell(0, 6, text(letter.body), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.multi_cell(0, 6, text(letter.name), new_x="LMARGIN", new_y="NEXT")
        if letter.zip_code:
            pdf.multi_cell(0, 6, text(letter.zip_code), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def letters_export(
    *, letter_campaign: LetterCampaign, actor: User, file_format: str, request: HttpRequest | None = None
) -> Deliverable:
    """The letters for delivery: a PDF with one letter per page, or a CSV (formula-safe) with the
    name, ZIP code, date, subject and text of each (never an e-mail or phone). Audited as
    ``actions.letter_campaign.exported`` with the format and the number of letters."""
    if file_format not in EXPORT_FORMATS:
        raise LetterError(_("Choose PDF or CSV."))
    with transaction.atomic(), scope(organization=letter_campaign.organization):
        letters = _letters(letter_campaign)
        if file_format == "csv":
            rows = [
                (
                    letter.name,
                    letter.zip_code,
                    formats.date_format(timezone.localtime(letter.created_at), "SHORT_DATE_FORMAT"),
                    letter.subject,
                    letter.body,
                    letter.get_status_display(),
                )
                for letter in letters
            ]
            headers = [_("Name"), _("ZIP code"), _("Written"), _("Subject"), _("Letter"), _("Status")]
            content = _csv(headers, rows)  # type: ignore[arg-type]
        else:
            content = _letters_pdf(letter_campaign, letters)
        log_action(
            actor=actor,
            organization=letter_campaign.organization,
            action="actions.letter_campaign.exported",
            obj=letter_campaign,
            data={"format": file_format, "rows": len(letters)},
            request=request,
        )
    return Deliverable(
        content=content,
        filename=f"letters-{letter_campaign.pk}.{file_format}",
        content_type=EXPORT_FORMATS[file_format],
        rows=len(letters),
    )

"""The printable sign-in sheet of an event (PDF, with fpdf2: pure Python). Names are written
with a Unicode TrueType font when one is installed (``ALIANZA_PDF_FONT``, by default Debian's
DejaVu Sans from ``fonts-dejavu-core``); without it, the PDF's built-in Helvetica is used and
characters outside Latin-1 print as "?"."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from fpdf import FPDF

from .models import RSVP, Event

DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _font_path() -> Path | None:
    path = Path(getattr(settings, "ALIANZA_PDF_FONT", "") or DEFAULT_FONT)
    return path if path.is_file() else None


def sign_in_sheet_pdf(*, event: Event, rsvps: list[RSVP]) -> bytes:
    """One row per RSVP (name, shift, a box to tick, a line to sign) and blank rows for walk-ins.
    No e-mail or phone is printed: a sheet left on a table must not become a contact list."""
    pdf = FPDF(orientation="portrait", unit="mm", format="Letter")
    pdf.set_title(str(event.title))
    pdf.set_auto_page_break(auto=True, margin=15)
    font = _font_path()
    if font is not None:
        pdf.add_font("Body", "", str(font))
        family = "Body"

        def text(value: str) -> str:
            return value
    else:
        family = "Helvetica"

        def text(value: str) -> str:
            return value.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    pdf.set_font(family, size=16)
    pdf.multi_cell(0, 8, text(str(event.title)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    when = formats.date_format(event.local_starts_at, "DATETIME_FORMAT")
    pdf.multi_cell(0, 6, text(f"{when} ({event.time_zone})  {event.place_name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = (8, 70, 45, 15, 58)
    headers = ("#", _("Name"), _("Shift"), _("Here"), _("Signature"))

    def header_row() -> None:
        pdf.set_font(family, size=10)
        for width, label in zip(widths, headers, strict=True):
            pdf.cell(width, 8, text(str(label)), border=1)
        pdf.ln()

    header_row()
    rows = [
        (r.person.display_name if r.person else "", str(r.shift) if r.shift else "", "X" if r.attended_at else "")
        for r in rsvps
    ]
    rows += [("", "", "")] * 10  # walk-ins
    for number, (name, shift, here) in enumerate(rows, start=1):
        if pdf.will_page_break(9):
            pdf.add_page()
            header_row()
        pdf.cell(widths[0], 9, str(number), border=1)
        pdf.cell(widths[1], 9, text(name[:45]), border=1)
        pdf.cell(widths[2], 9, text(shift[:28]), border=1)
        pdf.cell(widths[3], 9, here, border=1, align="C")
        pdf.cell(widths[4], 9, "", border=1)
        pdf.ln()
    return bytes(pdf.output())

"""Exporting people to CSV and Excel: exact contents read back, never the notes, never cached,
always audited (counts only), admin and organizer only, and nobody else's people."""

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from alianza.core.models import AuditEvent
from alianza.people.models import ConsentRecord, PersonEmail, PersonPhone
from alianza.people.tests.factories import make_grant, make_people_list, make_person, make_segment, make_tag

HEADERS = [
    "Given name", "Family name", "Preferred name", "Pronouns", "Preferred language", "E-mail", "Phone", "City",
    "County", "State", "ZIP code", "Tags", "Agrees to: E-mail", "Agrees to: Text message (SMS)",
    "Agrees to: WhatsApp", "Agrees to: Phone call",
]  # fmt: skip
ROSA = [
    "María José", "Hernández", "Majo", "ella", "es", "majo@example.org", "+15125550147", "Austin", "Travis", "TX",
    "78701", "donor, volunteer", "no", "yes", "yes", "no",
]  # fmt: skip
WEI = ["伟", "李", "", "", "zh-hans", "", "", "Austin", "Travis", "TX", "78702", "", "no", "no", "no", "no"]


@scopes_disabled()
def consent(person, channel, granted, days_ago):
    ConsentRecord.objects.create(
        organization=person.organization, person=person, channel=channel, granted=granted, source="test",
        recorded_at=timezone.now() - timedelta(days=days_ago),
    )  # fmt: skip


@pytest.fixture
def people(org_a, org_b):
    rosa = make_person(
        org_a, given_name="María José", family_name="Hernández", preferred_name="Majo", pronouns="ella",
        preferred_language="es", email="majo@example.org", phone="+15125550147", street="12 Elm St", city="Austin",
        county="Travis", state="TX", zip_code="78701", notes="Prefers evening calls; lawyer is Ms. Ruiz",
    )  # fmt: skip
    with scopes_disabled():
        PersonEmail.objects.create(organization=org_a, person=rosa, email="aaa-work@example.org", is_primary=False)
        PersonPhone.objects.create(organization=org_a, person=rosa, number="+15125550100", is_primary=False)
        rosa.tags.set([make_tag(org_a, "volunteer"), make_tag(org_a, "donor")])
    consent(rosa, "sms", True, 3)
    consent(rosa, "whatsapp", True, 2)
    consent(rosa, "email", True, 5)
    consent(rosa, "email", False, 1)  # the latest answer counts
    wei = make_person(org_a, given_name="伟", family_name="李", preferred_language="zh-hans", city="Austin",
                      county="Travis", state="TX", zip_code="78702", notes="Secret note two")  # fmt: skip
    make_person(org_a, given_name="Ana", family_name="Elsewhere", county="Hays", zip_code="78666")
    outside = make_person(org_b, given_name="Rosa", family_name="Outside", county="Travis", zip_code="78701")
    make_grant(outside, org_a)  # shared with A: A may read it, but never export it
    return {"rosa": rosa, "wei": wei, "outside": outside}


def body(response):
    # Reading the stream to its end closes the response (the test client does it with Django's
    # request_finished handler held back); closing it again here would close the database
    # connection, which PostgreSQL tests then miss.
    return b"".join(response.streaming_content)


def read_csv(response):
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf")  # a BOM, for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(response):
    content = body(response)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)], content


def export_events(org):
    with scope(organization=org):
        return list(AuditEvent.objects.filter(action="people.export.created").order_by("id"))


def test_a_segment_as_csv(login, member, org_a, people):
    segment = make_segment(org_a, {"county": "Travis"})
    response = login(member).post(f"/staff/org-a/people/segments/{segment.pk}/export/", {"file_format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    stamp = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="people-segment-{segment.pk}-{stamp}.csv"'
    assert read_csv(response) == [HEADERS, ROSA, WEI]


def test_a_segment_as_xlsx(login, member, org_a, people):
    segment = make_segment(org_a, {"county": "Travis"})
    response = login(member).post(f"/staff/org-a/people/segments/{segment.pk}/export/", {"file_format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows, _content = read_xlsx(response)
    assert rows == [HEADERS, ROSA, WEI]


def test_a_static_list_and_a_search(login, owner, org_a, people):
    people_list = make_people_list(org_a, "Rally", people=[people["wei"]])
    client = login(owner)
    response = client.post(f"/staff/org-a/people/lists/{people_list.pk}/export/", {"file_format": "csv"})
    assert read_csv(response) == [HEADERS, WEI]
    response = client.post("/staff/org-a/people/export/", {"file_format": "xlsx", "q": "majo"})
    assert read_xlsx(response)[0] == [HEADERS, ROSA]
    response = client.post("/staff/org-a/people/export/", {"file_format": "csv", "q": ""})
    rows = read_csv(response)
    assert [row[1] for row in rows[1:]] == ["Elsewhere", "Hernández", "李"]  # everybody of A, nobody shared


def test_notes_and_street_are_never_exported(login, member, org_a, people):
    client = login(member)
    csv_content = body(client.post("/staff/org-a/people/export/", {"file_format": "csv"}))
    _rows, xlsx_content = read_xlsx(client.post("/staff/org-a/people/export/", {"file_format": "xlsx"}))
    with zipfile.ZipFile(io.BytesIO(xlsx_content)) as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist())
    for content in (csv_content, xml):
        assert b"Ms. Ruiz" not in content and b"Secret note" not in content and b"12 Elm St" not in content


def test_every_export_is_audited_with_counts_never_names(login, member, org_a, people):
    segment = make_segment(org_a, {"county": "Travis"})
    people_list = make_people_list(org_a, "Rally", people=[people["wei"]])
    client = login(member)
    body(client.post(f"/staff/org-a/people/segments/{segment.pk}/export/", {"file_format": "csv"}))
    body(client.post(f"/staff/org-a/people/lists/{people_list.pk}/export/", {"file_format": "xlsx"}))
    body(client.post("/staff/org-a/people/export/", {"file_format": "csv", "q": "María"}))
    events = export_events(org_a)
    assert [e.data for e in events] == [
        {"source": "segment", "format": "csv", "rows": 2, "segment": segment.pk},
        {"source": "list", "format": "xlsx", "rows": 1, "list": people_list.pk},
        {"source": "search", "format": "csv", "rows": 1},  # the search words are not kept: they may be a name
    ]
    assert [(e.object_type, e.object_id) for e in events] == [
        ("people.segment", str(segment.pk)), ("people.peoplelist", str(people_list.pk)), ("", "")]  # fmt: skip
    assert all(e.actor == member for e in events)
    assert "María" not in str([e.data for e in events])


def test_the_download_is_never_cached(login, member, people):
    response = login(member).post("/staff/org-a/people/export/", {"file_format": "csv"})
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    body(response)


def test_cells_that_look_like_formulas_are_defused(login, member, org_a):
    make_person(org_a, given_name="=HYPERLINK(\"http://evil.example\")", family_name="@SUM(A1)",
                phone="+15125550199", city="-2+3")  # fmt: skip
    client = login(member)
    rows = read_csv(client.post("/staff/org-a/people/export/", {"file_format": "csv"}))
    assert rows[1][:2] == ['\'=HYPERLINK("http://evil.example")', "'@SUM(A1)"]
    assert (rows[1][6], rows[1][7]) == ("+15125550199", "'-2+3")  # a phone number stays as it is
    content = body(client.post("/staff/org-a/people/export/", {"file_format": "xlsx"}))
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == '=HYPERLINK("http://evil.example")'
    assert sheet["A2"].data_type == "s"  # text, not a formula


@pytest.mark.parametrize("who", ["readonly_member", "advocate"])
def test_viewers_and_advocates_may_not_export(login, org_a, people, who, request):
    client = login(request.getfixturevalue(who))
    segment = make_segment(org_a)
    people_list = make_people_list(org_a, "Rally", people=[people["wei"]])
    for url in (
        "/staff/org-a/people/export/",
        f"/staff/org-a/people/segments/{segment.pk}/export/",
        f"/staff/org-a/people/lists/{people_list.pk}/export/",
    ):
        assert client.post(url, {"file_format": "csv"}).status_code == 403
    assert export_events(org_a) == []
    # Nor are they offered the buttons.
    page = client.get(f"/staff/org-a/people/segments/{segment.pk}/").content
    assert b"/export/" not in page


def test_an_outsider_gets_404(login, outsider, org_a, people):
    segment = make_segment(org_a)
    people_list = make_people_list(org_a, "Rally", people=[people["wei"]])
    client = login(outsider)
    for url in (
        "/staff/org-a/people/export/",
        f"/staff/org-a/people/segments/{segment.pk}/export/",
        f"/staff/org-a/people/lists/{people_list.pk}/export/",
        f"/staff/org-b/people/segments/{segment.pk}/export/",  # A's ids under B's own slug
        f"/staff/org-b/people/lists/{people_list.pk}/export/",
    ):
        assert client.post(url, {"file_format": "csv"}).status_code == 404, url
    assert export_events(org_a) == []


def test_wrong_method_and_bad_format(login, member, org_a, people):
    segment = make_segment(org_a)
    client = login(member)
    assert client.get("/staff/org-a/people/export/", {"file_format": "csv"}).status_code == 405
    assert client.get(f"/staff/org-a/people/segments/{segment.pk}/export/").status_code == 405
    response = client.post("/staff/org-a/people/export/", {"file_format": "pdf"})
    assert response.status_code == 400 and b"Choose CSV or Excel." in response.content
    assert export_events(org_a) == []


def test_the_segment_page_offers_the_download(login, owner, org_a, people):
    segment = make_segment(org_a, {"county": "Travis"})
    page = login(owner).get(f"/staff/org-a/people/segments/{segment.pk}/").content.decode()
    assert f'action="/staff/org-a/people/segments/{segment.pk}/export/"' in page
    assert 'name="file_format" value="xlsx"' in page

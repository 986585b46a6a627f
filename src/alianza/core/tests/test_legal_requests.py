"""The hub records legal requests for data and publishes a yearly transparency report."""

import csv
import io
from datetime import date

import pytest
from django_scopes import scopes_disabled

from alianza.core.legal import transparency_report
from alianza.core.models import AuditEvent, LegalRequest
from alianza.core.tests.factories import make_hub_tier, make_legal_request

FORM = {
    "received_on": "2026-03-02",
    "kind": "administrative_subpoena",
    "agency": "federal_immigration",
    "scope_summary": "Attendance lists of March events",
    "status": "received",
    "person_notified": "no",
    "closed_on": "",
}


@pytest.fixture
def hub(org_a):
    return make_hub_tier(org_a)


def requests_of(org):
    with scopes_disabled():
        return list(LegalRequest.objects.filter(organization=org).order_by("id"))


def test_a_hub_admin_records_a_request(login, owner, hub):
    response = login(owner).post("/staff/org-a/legal/new/", FORM)
    assert response.status_code == 302
    assert response["Location"] == "/staff/org-a/legal/"
    [recorded] = requests_of(hub)
    assert (recorded.kind, recorded.agency, recorded.received_on, recorded.recorded_by) == (
        "administrative_subpoena",
        "federal_immigration",
        date(2026, 3, 2),
        owner,
    )
    with scopes_disabled():
        event = AuditEvent.objects.get(action="core.legal_request.created")
    assert event.data == {"kind": "administrative_subpoena", "status": "received"}


def test_the_list_shows_the_requests(login, owner, hub):
    make_legal_request(hub, kind=LegalRequest.Kind.WARRANT)
    response = login(owner).get("/staff/org-a/legal/")
    assert response.status_code == 200
    assert "Warrant signed by a judge" in response.content.decode()


def test_closing_a_request_records_its_outcome_and_audits_field_names_only(login, owner, hub):
    item = make_legal_request(hub, received_on=date(2026, 3, 2))
    data = {**FORM, "status": "challenged", "closed_on": "2026-04-01", "person_notified": "yes"}
    response = login(owner).post(f"/staff/org-a/legal/{item.pk}/", data)
    assert response.status_code == 302
    [saved] = requests_of(hub)
    assert (saved.status, saved.closed_on, saved.person_notified) == ("challenged", date(2026, 4, 1), "yes")
    with scopes_disabled():
        event = AuditEvent.objects.get(action="core.legal_request.updated")
    assert event.data["status"] == ["received", "challenged"]
    assert "Attendance" not in str(event.data)


def test_a_request_cannot_close_before_it_was_received(login, owner, hub):
    data = {**FORM, "status": "answered", "closed_on": "2026-03-01"}
    response = login(owner).post("/staff/org-a/legal/new/", data)
    assert response.status_code == 400
    assert "cannot be closed before it was received" in response.content.decode()
    assert "Attendance lists of March events" in response.content.decode()  # what was typed is kept
    assert requests_of(hub) == []


def test_a_closed_request_needs_an_outcome(login, owner, hub):
    response = login(owner).post("/staff/org-a/legal/new/", {**FORM, "closed_on": "2026-03-05"})
    assert response.status_code == 400
    assert "A closed request needs its outcome" in response.content.decode()


def test_a_rejected_edit_does_not_change_the_record(login, owner, hub):
    item = make_legal_request(hub, received_on=date(2026, 3, 2))
    response = login(owner).post(f"/staff/org-a/legal/{item.pk}/", {**FORM, "kind": "nonsense"})
    assert response.status_code == 400
    assert requests_of(hub)[0].kind == "administrative_subpoena"


def test_the_transparency_report_counts_per_kind_and_outcome(hub):
    make_legal_request(hub, received_on=date(2025, 2, 1), status="answered", closed_on=date(2025, 2, 20))
    make_legal_request(hub, received_on=date(2025, 5, 1), status="refused", closed_on=date(2025, 5, 2))
    make_legal_request(hub, received_on=date(2025, 6, 1), kind="warrant", status="partially_answered")
    make_legal_request(hub, received_on=date(2024, 6, 1), status="answered")  # another year
    with scopes_disabled():
        report = transparency_report(organization=hub, year=2025)
    rows = {row.kind: row for row in report.rows}
    assert rows["administrative_subpoena"].by_outcome == {
        "received": 0,
        "answered": 1,
        "partially_answered": 0,
        "challenged": 0,
        "withdrawn": 0,
        "refused": 1,
    }
    assert rows["warrant"].total == 1
    assert rows["court_order"].total == 0  # every kind is listed, with zero
    assert report.total == 3
    assert report.notified["no"] == 3
    assert 2024 in report.years and 2025 in report.years


def test_the_report_page_and_its_csv(login, owner, hub):
    make_legal_request(hub, received_on=date(2025, 2, 1), status="answered", closed_on=date(2025, 2, 20))
    client = login(owner)
    page = client.get("/staff/org-a/legal/transparency/?year=2025")
    assert page.status_code == 200
    assert "In 2025 we received 1 request for data" in page.content.decode()
    response = client.get("/staff/org-a/legal/transparency.csv?year=2025")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="transparency-report-2025.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Year", "Kind of request", "Received, not answered yet"]
    assert rows[1] == ["2025", "Administrative subpoena", "0", "1", "0", "0", "0", "0", "1"]
    assert rows[-1] == ["2025", "All requests", "0", "1", "0", "0", "0", "0", "1"]


def test_a_bad_year_shows_the_current_year(login, owner, hub):
    from django.utils import timezone

    response = login(owner).get("/staff/org-a/legal/transparency/?year=abc")
    assert response.status_code == 200
    assert f"transparency report {timezone.localdate().year}" in response.content.decode()


URLS = [
    "/staff/{org}/legal/",
    "/staff/{org}/legal/new/",
    "/staff/{org}/legal/transparency/",
    "/staff/{org}/legal/transparency.csv",
]


@pytest.mark.parametrize("url", URLS)
def test_an_outsider_gets_404(login, outsider, hub, url):
    assert login(outsider).get(url.format(org="org-a")).status_code == 404


def test_an_outsider_gets_404_for_a_request(login, outsider, hub):
    item = make_legal_request(hub)
    assert login(outsider).get(f"/staff/org-a/legal/{item.pk}/").status_code == 404
    assert login(outsider).get(f"/staff/org-b/legal/{item.pk}/").status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_a_member_organization_has_no_legal_pages(login, outsider, hub, url):
    """org-b is a member organization, not the hub: its own admin gets 404 there."""
    assert login(outsider).get(url.format(org="org-b")).status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_hub_staff_who_are_not_admins_get_403(login, member, readonly_member, hub, url):
    assert login(member).get(url.format(org="org-a")).status_code == 403
    assert login(readonly_member).get(url.format(org="org-a")).status_code == 403


@pytest.mark.parametrize("url", ["/staff/{org}/legal/", "/staff/{org}/legal/transparency/"])
def test_pages_that_only_read_refuse_post(login, owner, hub, url):
    assert login(owner).post(url.format(org="org-a")).status_code == 405


def test_the_form_refuses_put(login, owner, hub):
    item = make_legal_request(hub)
    assert login(owner).put(f"/staff/org-a/legal/{item.pk}/").status_code == 405


def test_the_menu_shows_the_page_in_the_hub_only(login, owner, outsider, hub):
    assert "/staff/org-a/legal/" in login(owner).get("/staff/org-a/").content.decode()
    assert "/legal/" not in login(outsider).get("/staff/org-b/").content.decode()

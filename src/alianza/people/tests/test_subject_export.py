"""A person's data export (subject access): one ZIP with a summary in the person's language and
a JSON and a CSV file per registered contributor; every contributor's data about that person is
in it, nobody else's is; sharing shows who saw the record under which grant; the summary loads
nothing from anywhere; the export is audited; only admins and organizers may make it."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from django_scopes import scopes_disabled

from alianza.core.models import AuditEvent
from alianza.people.personal_data import contributors
from alianza.people.subject_export import person_export
from alianza.people.tests.factories import make_person
from alianza.people.tests.subject_world import NEIGHBOUR, XIO, build_world, needles


@pytest.fixture
def world(org_a, org_b, owner):
    return build_world(org_a, org_b, owner)


def _open(world, owner):
    export = person_export(person=world.person, actor=owner)
    archive = zipfile.ZipFile(io.BytesIO(export.file.read()))
    return export, {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def test_it_holds_a_json_and_a_csv_file_per_contributor_and_a_summary(world, owner):
    export, files = _open(world, owner)
    codes = sorted(c.code for c in contributors())
    expected = {"summary.html"} | {f"data/{code}.json" for code in codes} | {f"data/{code}.csv" for code in codes}
    assert set(files) == expected
    assert export.filename.endswith(".zip")


def test_every_contributor_has_this_persons_data(world, owner):
    export, files = _open(world, owner)
    empty = [code for code, rows in export.counts.items() if rows == 0]
    assert empty == []
    data = {code: json.loads(files[f"data/{code}.json"]) for code in export.counts}
    assert data["people.person"][0]["given_name"] == XIO["given_name"]
    assert sorted(row["email"] for row in data["people.emails"]) == sorted([XIO["email"], XIO["email2"]])
    assert data["people.phones"][0]["number"] == XIO["phone"]
    assert data["people.notes"] == [{"notes": f"Call {XIO['given_name']} after six"}]
    assert data["people.custom"] == [{"key": "shirt_size", "field": "Shirt size", "value": "XL-xio"}]
    assert data["people.tags"] == [{"tag": "volunteer"}]
    assert data["people.lists"] == [{"list": "Phone bank"}]
    assert data["people.imports"][0]["values"]["email"] == XIO["email"].upper()
    assert len(data["network.signups"]) == 2
    assert data["actions.rsvps"][0]["attended_at"] is not None
    assert data["actions.rsvps"][0]["code_of_conduct_version"] == 1
    assert data["actions.rsvps"][0]["shift_role"] == "marshal"
    assert sorted(row["status"] for row in data["actions.proposals"]) == ["proposed", "published"]
    (form,) = data["actions.rsvp_forms"]  # the neighbour's refused form is not hers
    assert (form["email"], form["state"], form["refused_because"]) == (XIO["email"], "Rechazada", "Turno completo")
    assert data["actions.form_submissions"] == [
        {
            "form": "Encuesta del barrio",  # in the person's language
            "submitted_at": data["actions.form_submissions"][0]["submitted_at"],
            "language": "es",
            "answers": [{"question": "¿A quién llamamos?", "answer": f"{XIO['given_name']} at {XIO['phone']}"}],
        }
    ]
    assert [row["honorarium_amount"] for row in data["board.seats"]] == ["150.00", "75.50"]
    assert data["campaigns.commitments"][0]["commitment"] == f"{XIO['given_name']} calls ten neighbours"
    assert "people.person.shared_read" in [row["what"] for row in data["people.history"]]


def test_it_says_who_the_record_was_shared_with_under_which_grant(world, owner):
    _export, files = _open(world, owner)
    (grant,) = json.loads(files["data/people.sharing.json"])
    assert (grant["shared_with"], grant["purpose"], grant["active"], grant["times_read"]) == (
        world.other.name,
        "Legal clinic intake",
        True,
        1,
    )


def test_nobody_elses_data_is_in_it(world, owner):
    _export, files = _open(world, owner)
    everything = "\n".join(files.values()).lower()
    leaked = [
        needle
        for needle in [*needles(NEIGHBOUR), "zed", "twin", "neighbour note", "s-neighbour"]
        if needle in everything
    ]
    assert leaked == []


def test_the_summary_is_in_the_persons_language_and_loads_nothing(world, owner):
    _export, files = _open(world, owner)
    summary = files["summary.html"]
    assert '<html lang="es" dir="ltr">' in summary
    assert "<h1>Tus datos</h1>" in summary
    assert re.search(r"\d+ de \w+ de \d{4}", summary)  # dates in Spanish too
    assert XIO["family_name"] in summary
    assert re.findall(r"<script|<link|<img|src=|url\(|@import|https?://", summary) == []


def test_csv_cells_that_look_like_formulas_are_neutralised(org_a, owner):
    person = make_person(org_a, given_name="=HYPERLINK(1)", family_name="Ok")
    export = person_export(person=person, actor=owner)
    archive = zipfile.ZipFile(io.BytesIO(export.file.read()))
    rows = list(csv.DictReader(io.StringIO(archive.read("data/people.person.csv").decode("utf-8-sig"))))
    assert rows[0]["given_name"] == "'=HYPERLINK(1)"


def test_the_export_is_audited_with_counts_only(world, owner):
    export, _files = _open(world, owner)
    with scopes_disabled():
        event = AuditEvent.objects.get(action="people.person.exported")
    assert (event.object_id, event.data) == (
        str(world.person.pk),
        {"rows": sum(export.counts.values()), "kinds": len(export.counts)},
    )


# --- The staff page ---------------------------------------------------------------------------------------


def _url(org, person):
    return f"/staff/{org.slug}/people/{person.pk}/data.zip"


def test_an_organizer_downloads_the_zip(org_a, member, login):
    person = make_person(org_a, given_name="Lupe", email="lupe@example.org")
    response = login(member).post(_url(org_a, person))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(archive.read("data/people.emails.json")) == [{"email": "lupe@example.org", "primary": True}]


def test_a_viewer_gets_403(org_a, readonly_member, login):
    assert login(readonly_member).post(_url(org_a, make_person(org_a))).status_code == 403


def test_an_outsider_gets_404(org_a, outsider, login):
    assert login(outsider).post(_url(org_a, make_person(org_a))).status_code == 404


def test_get_is_405(org_a, owner, login):
    assert login(owner).get(_url(org_a, make_person(org_a))).status_code == 405


def test_a_person_shared_with_us_cannot_be_exported_by_us(org_a, org_b, outsider, login):
    from alianza.people.tests.factories import make_grant

    person = make_person(org_a)
    make_grant(person, org_b)
    assert login(outsider).post(_url(org_b, person)).status_code == 404

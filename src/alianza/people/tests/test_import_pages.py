"""The import pages: upload, match columns with a checked preview, progress, result and the
download of rejected rows."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from alianza.core.models import AuditEvent
from alianza.people.models import ImportJob, Person

CONTENT = b"Nombre,Correo,Telefono\nAna,ana@example.org,5125550147\nBea,no-es-correo,\nCarla,carla@example.org,\n"


def upload(client, content=CONTENT, name="lista.csv", on_match="skip"):
    return client.post("/staff/org-a/people/import/", {"file": SimpleUploadedFile(name, content), "on_match": on_match})


def test_upload_map_preview_start_and_result(login, member, org_a, django_capture_on_commit_callbacks):
    client = login(member)
    response = upload(client)
    assert response.status_code == 302
    with scope(organization=org_a):
        job = ImportJob.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["form"]["col_0"].initial == "given_name"  # recognised from "Nombre"
    assert [problem for _n, _cells, problem in page.context["rows"]] == [
        "",
        "“no-es-correo” is not a valid e-mail address.",
        "",
    ]
    with django_capture_on_commit_callbacks(execute=True):  # the task runs (immediate backend)
        started = client.post(
            response["Location"], {"col_0": "given_name", "col_1": "email", "col_2": "phone", "start": "1"}
        )
    assert started.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.created, job.rejected) == ("done", 3, 2, 1)
    result = client.get(started["Location"])
    assert b'data-count="created">2<' in result.content
    assert b"rejected.csv" in result.content


def test_check_shows_the_preview_for_other_choices_without_starting(login, member, org_a):
    client = login(member)
    location = upload(client)["Location"]
    page = client.post(location, {"col_0": "given_name", "col_2": "phone", "check": "1"})
    assert page.status_code == 200
    assert [problem for _n, _cells, problem in page.context["rows"]][1] == "No e-mail address or phone number."
    with scope(organization=org_a):
        assert ImportJob.objects.get().status == "draft"


def test_a_mapping_without_contact_column_is_explained(login, member):
    client = login(member)
    location = upload(client)["Location"]
    page = client.post(location, {"col_0": "given_name", "start": "1"})
    assert page.status_code == 400
    assert b"Choose the column with e-mail addresses or the one with phone numbers." in page.content


def test_a_file_that_is_not_a_table_is_explained(login, member):
    response = upload(login(member), content=b"\x00\x00binary", name="photo.csv")
    assert response.status_code == 400
    assert b"This is not a CSV or XLSX file." in response.content


def test_progress_box_tells_htmx_to_reload_when_done(login, member, org_a):
    with scope(organization=org_a):
        job = ImportJob.objects.create(
            organization=org_a, file_name="x.csv", headers=["email"], status="running", rows_total=10, rows_done=4
        )
    client = login(member)
    running = client.get(f"/staff/org-a/people/import/{job.pk}/progress/")
    assert b'value="40"' in running.content and b'hx-trigger="every 1s"' in running.content
    assert "HX-Refresh" not in running
    with scope(organization=org_a):
        ImportJob.objects.filter(pk=job.pk).update(status="done", rows_done=10)
    done = client.get(f"/staff/org-a/people/import/{job.pk}/progress/")
    assert done["HX-Refresh"] == "true"


def test_rejected_rows_download_with_reasons_and_is_audited(login, member, org_a, django_capture_on_commit_callbacks):
    client = login(member)
    location = upload(client)["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(location, {"col_0": "given_name", "col_1": "email", "col_2": "phone", "start": "1"})
    with scope(organization=org_a):
        job = ImportJob.objects.get()
    response = client.get(f"/staff/org-a/people/import/{job.pk}/rejected.csv")
    assert response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["Row", "Reason", "Nombre", "Correo", "Telefono"],
        ["3", "“no-es-correo” is not a valid e-mail address.", "Bea", "no-es-correo", ""],
    ]


def test_rejected_rows_cannot_smuggle_formulas_into_a_spreadsheet(
    login, member, org_a, django_capture_on_commit_callbacks
):
    client = login(member)
    location = upload(client, content=b'Nombre,Correo\n=HYPERLINK("http://x"),nope\n')["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(location, {"col_0": "given_name", "col_1": "email", "start": "1"})
    with scope(organization=org_a):
        job = ImportJob.objects.get()
    text = b"".join(client.get(f"/staff/org-a/people/import/{job.pk}/rejected.csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert list(csv.reader(io.StringIO(text)))[1][2] == '\'=HYPERLINK("http://x")'
    with scope(organization=org_a):
        assert AuditEvent.objects.filter(action="people.import_job.rejections_exported").count() == 1


def test_viewers_and_advocates_cannot_import(login, readonly_member, advocate):
    for user in (readonly_member, advocate):
        assert login(user).get("/staff/org-a/people/import/").status_code == 403


def test_an_outsider_cannot_see_an_import(login, outsider, org_a):
    with scope(organization=org_a):
        job = ImportJob.objects.create(organization=org_a, file_name="x.csv", headers=["email"], status="done")
    assert login(outsider).get(f"/staff/org-a/people/import/{job.pk}/").status_code == 404
    assert login(outsider).get(f"/staff/org-b/people/import/{job.pk}/").status_code == 404


def test_people_page_lists_the_imported_people(login, member, org_a, django_capture_on_commit_callbacks):
    client = login(member)
    location = upload(client)["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(location, {"col_0": "given_name", "col_1": "email", "col_2": "phone", "start": "1"})
    with scope(organization=org_a):
        assert Person.objects.count() == 2

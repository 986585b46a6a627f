"""Importing people: every edge case the People issue names, each in its own test. The counts
always add up to the rows in the file, a bad row never stops the import, nothing accepted is lost."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import scope

from alianza.core.models import AuditEvent
from alianza.people.import_reading import ImportFileError
from alianza.people.importing import import_job_create, import_job_run, import_job_start
from alianza.people.models import DuplicatePair, ImportJob, ImportRejection, Person, PersonEmail, PersonPhone
from alianza.people.tests.factories import make_person


def run(org, actor, content: bytes, *, name="people.csv", on_match="skip", mapping=None) -> ImportJob:
    job = import_job_create(organization=org, actor=actor, file_name=name, chunks=iter([content]), on_match=on_match)
    with scope(organization=org):
        job = import_job_start(job=job, actor=actor, mapping=mapping or job.mapping, enqueue=False)
        return import_job_run(job=job)


def counts(job):
    return (job.rows_total, job.created, job.updated, job.skipped, job.rejected)


def people(org):
    with scope(organization=org):
        return sorted((p.given_name, p.family_name) for p in Person.objects.all())


BASIC = (
    "First name,Last name,Email,Phone,ZIP\n"
    "Rosa,Lima,rosa@example.org,(512) 555-0147,78701\n"
    "Luis,Ortiz,,512.555.0148,78702\n"
)


def test_it_imports_and_maps_columns_by_their_names(org_a, owner):
    job = run(org_a, owner, BASIC.encode())
    assert counts(job) == (2, 2, 0, 0, 0)
    assert people(org_a) == [("Luis", "Ortiz"), ("Rosa", "Lima")]
    with scope(organization=org_a):
        assert set(PersonPhone.objects.values_list("number", flat=True)) == {"+15125550147", "+15125550148"}
        assert Person.objects.get(given_name="Rosa").zip_code == "78701"
    assert job.status == ImportJob.Status.DONE


def test_utf8_with_a_bom(org_a, owner):
    job = run(org_a, owner, "\ufeffNombre,Apellido,Correo\nMaría,Núñez,maria@example.org\n".encode())
    assert counts(job) == (1, 1, 0, 0, 0)
    assert people(org_a) == [("María", "Núñez")]


def test_windows_1252(org_a, owner):
    job = run(org_a, owner, "Nombre;Apellido;Correo\nJosé;Peña;jose@example.org\n".encode("cp1252"))
    assert people(org_a) == [("José", "Peña")]
    assert job.created == 1


def test_semicolons_and_tabs(org_a, owner):
    run(org_a, owner, b"email;first name\na@example.org;Ana\n")
    run(org_a, owner, b"email\tfirst name\nb@example.org\tBea\n")
    assert people(org_a) == [("Ana", ""), ("Bea", "")]


def test_blank_lines_are_not_rows(org_a, owner):
    job = run(org_a, owner, b"email\n\na@example.org\n,\n\n b@example.org \n\n")
    assert counts(job) == (2, 2, 0, 0, 0)


def test_extra_columns_are_ignored(org_a, owner):
    job = run(org_a, owner, b"email,favourite colour,first name\na@example.org,blue,Ana\n")
    assert counts(job) == (1, 1, 0, 0, 0)


def test_short_rows_are_padded(org_a, owner):
    job = run(org_a, owner, b"email,first name,city\na@example.org\n")
    assert counts(job) == (1, 1, 0, 0, 0)


def test_it_rejects_rows_without_contact_point(org_a, owner):
    job = run(org_a, owner, b"first name,email\nAna,\nBea,bea@example.org\n")
    assert counts(job) == (2, 1, 0, 0, 1)
    with scope(organization=org_a):
        rejection = ImportRejection.objects.get()
    assert (rejection.row_number, rejection.reason) == (2, "No e-mail address or phone number.")
    assert json.loads(rejection.row_values) == {"first name": "Ana", "email": ""}


def test_bad_emails_phones_and_languages_are_rejected_with_the_reason(org_a, owner):
    job = run(
        org_a, owner, b"email,phone,language\nnot-an-email,,\n,123,\nc@example.org,,Klingon\nd@example.org,,Spanish\n"
    )
    assert counts(job) == (4, 1, 0, 0, 3)
    with scope(organization=org_a):
        reasons = list(ImportRejection.objects.values_list("reason", flat=True))
        assert Person.objects.get().preferred_language == "es"
    assert reasons == [
        "“not-an-email” is not a valid e-mail address.",
        "“123” is not a valid phone number.",
        "“Klingon” is not a language we know.",
    ]


def test_excel_files_with_dates_and_numbers(org_a, owner):
    import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Phone", "Notes"])
    sheet.append(["Ana María Soto", 5125550147, datetime.datetime(2026, 3, 1)])
    sheet.append([None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run(org_a, owner, buffer.getvalue(), name="people.xlsx")
    assert counts(job) == (1, 1, 0, 0, 0)
    with scope(organization=org_a):
        person = Person.objects.get()
        assert (person.given_name, person.family_name, person.notes) == ("Ana María", "Soto", "2026-03-01")
        assert person.phones.get().number == "+15125550147"


def test_matches_are_skipped_updated_or_added_as_possible_duplicates(org_a, owner):
    make_person(org_a, given_name="Old", family_name="Name", email="rosa@example.org", city="Austin")
    content = b"email,first name,city\nrosa@example.org,Rosa,\n"
    assert counts(run(org_a, owner, content, on_match="skip")) == (1, 0, 0, 1, 0)
    assert counts(run(org_a, owner, content, on_match="update")) == (1, 0, 1, 0, 0)
    with scope(organization=org_a):
        person = PersonEmail.objects.get(email="rosa@example.org").person
        assert (person.given_name, person.city) == ("Rosa", "Austin")  # empty cells keep what we had
    assert counts(run(org_a, owner, content, on_match="create")) == (1, 1, 0, 0, 0)
    with scope(organization=org_a):
        duplicate = Person.objects.exclude(pk=person.pk).get()
        assert [t.name for t in duplicate.tags.all()] == ["possible duplicate"]
        assert PersonEmail.objects.filter(email="rosa@example.org").count() == 1
        pair = DuplicatePair.objects.get()  # waiting in the review queue
        assert (pair.person_a, pair.person_b, pair.score) == (person, duplicate, 100)


def test_duplicates_inside_the_file(org_a, owner):
    job = run(org_a, owner, b"email,phone\na@example.org,\nA@EXAMPLE.ORG,\n,5125550147\nb@example.org,(512) 555-0147\n")
    assert counts(job) == (4, 2, 0, 2, 0)


def test_tags_are_created_and_linked(org_a, owner):
    run(org_a, owner, b'email,tags\na@example.org,"volunteer, rapid response"\n')
    with scope(organization=org_a):
        assert sorted(Person.objects.get().tags.values_list("name", flat=True)) == ["rapid response", "volunteer"]


def test_the_mapping_is_remembered_for_the_next_file(org_a, owner):
    job = import_job_create(
        organization=org_a,
        actor=owner,
        file_name="a.csv",
        chunks=iter([b"Correo-e,Quien\nx@example.org,Ana\n"]),
        on_match="skip",
    )
    assert job.mapping == {}
    with scope(organization=org_a):
        import_job_start(job=job, actor=owner, mapping={"0": "email", "1": "given_name"}, enqueue=False)
    again = import_job_create(
        organization=org_a,
        actor=owner,
        file_name="b.csv",
        chunks=iter([b"Quien,Correo-e\nBea,y@example.org\n"]),
        on_match="skip",
    )
    assert again.mapping == {"0": "given_name", "1": "email"}


def test_a_file_that_is_not_a_table_is_refused_clearly(org_a, owner):
    for content in (b"", b"\x00\x01\x02binary", b"\n\n"):
        with pytest.raises(ImportFileError):
            import_job_create(
                organization=org_a, actor=owner, file_name="x.csv", chunks=iter([content]), on_match="skip"
            )


def test_the_mapping_needs_a_contact_column(org_a, owner):
    job = import_job_create(
        organization=org_a, actor=owner, file_name="a.csv", chunks=iter([b"first name\nAna\n"]), on_match="skip"
    )
    with scope(organization=org_a), pytest.raises(ImportFileError, match="e-mail addresses or the one with phone"):
        import_job_start(job=job, actor=owner, mapping={"0": "given_name"}, enqueue=False)


def test_a_retried_run_resumes_without_doubling(org_a, owner, monkeypatch):
    from alianza.people import importing

    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    content = "email\n" + "".join(f"p{n}@example.org\n" for n in range(5))
    job = import_job_create(
        organization=org_a, actor=owner, file_name="a.csv", chunks=iter([content.encode()]), on_match="skip"
    )
    with scope(organization=org_a):
        job = import_job_start(job=job, actor=owner, mapping=job.mapping, enqueue=False)
        calls = {"n": 0}
        real = importing._import_batch

        def fail_on_second(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("worker killed")
            return real(*args, **kwargs)

        monkeypatch.setattr(importing, "_import_batch", fail_on_second)
        with pytest.raises(RuntimeError):
            import_job_run(job=job)
        monkeypatch.setattr(importing, "_import_batch", real)
        job.refresh_from_db()
        assert job.rows_done == 2
        job = import_job_run(job=job)
        assert counts(job) == (5, 5, 0, 0, 0)
        assert Person.objects.count() == 5


def test_the_upload_is_deleted_when_the_import_ends(org_a, owner):
    job = import_job_create(
        organization=org_a, actor=owner, file_name="a.csv", chunks=iter([BASIC.encode()]), on_match="skip"
    )
    stored = Path(job.stored_path)
    assert stored.exists() and oct(stored.stat().st_mode & 0o777) == "0o600"
    with scope(organization=org_a):
        import_job_run(job=import_job_start(job=job, actor=owner, mapping=job.mapping, enqueue=False))
    assert not stored.exists()


def test_the_audit_trail_has_counts_not_people(org_a, owner):
    run(org_a, owner, BASIC.encode())
    with scope(organization=org_a):
        finished = AuditEvent.objects.get(action="people.import_job.finished")
    assert finished.data == {"rows": 2, "created": 2, "updated": 0, "skipped": 0, "rejected": 0}


def test_the_command_prints_the_same_summary(org_a, owner, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"email,first name\na@example.org,Ana\nbroken,Bea\n")
    out = io.StringIO()
    call_command("import_people", str(path), "--org", "org-a", stdout=out)
    assert "2 rows: 1 created, 0 updated, 0 skipped, 1 rejected" in out.getvalue()
    with pytest.raises(CommandError, match="No organization"):
        call_command("import_people", str(path), "--org", "nope", stdout=io.StringIO())


def test_unmapped_columns_are_not_kept_and_kept_values_are_encrypted(org_a, owner):
    from django.db import connection

    job = run(
        org_a,
        owner,
        b"first name,email,status\nAna,not-an-email,secret fact\n",
        mapping={"0": "given_name", "1": "email"},
    )
    assert job.rejected == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_values FROM people_importrejection")
        raw = cursor.fetchone()[0]
    assert "Ana" not in raw and raw.startswith("alz:1:")
    with scope(organization=org_a):
        assert "secret fact" not in ImportRejection.objects.get().row_values


def test_an_email_and_phone_of_two_different_people_is_rejected_not_a_crash(org_a, owner):
    make_person(org_a, given_name="X", email="x@example.org")
    make_person(org_a, given_name="Y", phone="+15125550147")
    job = run(
        org_a,
        owner,
        b"email,phone,first name\nx@example.org,(512) 555-0147,Bad\nz@example.org,,Zed\n",
        on_match="update",
    )
    assert counts(job) == (2, 1, 0, 0, 1)
    with scope(organization=org_a):
        assert (
            ImportRejection.objects.get().reason
            == "The e-mail address and the phone number belong to two different people."
        )


def test_two_rows_for_one_person_are_both_applied(org_a, owner):
    make_person(org_a, given_name="Old", email="a@example.org")
    job = run(
        org_a, owner, b"email,city,tags\na@example.org,Austin,volunteer\na@example.org,,donor\n", on_match="update"
    )
    assert counts(job) == (2, 0, 2, 0, 0)
    with scope(organization=org_a):
        person = Person.objects.get()
        assert person.city == "Austin"
        assert sorted(person.tags.values_list("name", flat=True)) == ["donor", "volunteer"]


def test_a_possible_duplicate_keeps_its_own_new_contact_point(org_a, owner):
    make_person(org_a, given_name="Y", phone="+15125550147")
    run(org_a, owner, b"first name,email,phone\nZed,zed@example.org,5125550147\n", on_match="create")
    with scope(organization=org_a):
        zed = Person.objects.get(given_name="Zed")
        assert [e.email for e in zed.emails.all()] == ["zed@example.org"]
        assert list(zed.phones.all()) == []


def test_an_empty_language_cell_keeps_the_default(org_a, owner):
    run(org_a, owner, b"email,language\na@example.org,\n")
    with scope(organization=org_a):
        assert Person.objects.get().preferred_language == "en"


def test_a_file_that_is_neither_utf8_nor_windows_1252_is_read_as_latin1(org_a, owner):
    content = b"email,first name\n" + b"a@example.org,Jos\xe9\x81\n"  # 0x81 is undefined in cp1252
    job = run(org_a, owner, content)
    assert job.created == 1


def test_a_second_delivery_of_the_task_imports_nothing(org_a, owner):
    from alianza.people.tasks import people_import_run

    job = import_job_create(
        organization=org_a, actor=owner, file_name="a.csv", chunks=iter([BASIC.encode()]), on_match="create"
    )
    with scope(organization=org_a):
        import_job_start(job=job, actor=owner, mapping=job.mapping, enqueue=False)
    assert people_import_run.call(job_id=job.pk, organization_id=str(org_a.pk)) == "done"
    assert people_import_run.call(job_id=job.pk, organization_id=str(org_a.pk)) == "done"
    assert len(people(org_a)) == 2


def test_unused_uploads_are_deleted_after_a_day(org_a, owner):
    import datetime as dt

    from django.utils import timezone

    from alianza.people.importing import import_uploads_purge

    job = import_job_create(
        organization=org_a, actor=owner, file_name="a.csv", chunks=iter([BASIC.encode()]), on_match="skip"
    )
    stored = Path(job.stored_path)
    with scope(organization=org_a):
        ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    assert import_uploads_purge(organization=org_a) == 1
    assert not stored.exists()
    job.refresh_from_db()
    assert (job.status, job.stored_path) == ("failed", "")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("es-MX", "es"),
        ("Castellano", "es"),
        ("Eng", "en"),
        ("pt_BR", "pt"),
        ("Português", "pt"),
        ("zh-Hant", "zh-hant"),
        # in their own scripts
        ("العربية", "ar"),
        ("中文", "zh-hans"),
        ("繁體中文", "zh-hant"),
        ("한국어", "ko"),
        ("Tiếng Việt", "vi"),
        ("Kreyòl", "ht"),
        ("Kreyòl ayisyen", "ht"),
        ("Español", "es"),
        ("ESPAÑOL", "es"),
        ("Español".replace("ñ", "n\u0303"), "es"),  # decomposed, as some phones write it
        ("العربيّة", "ar"),  # with a shadda
    ],
)
def test_languages_as_people_write_them(org_a, owner, value, code):
    run(org_a, owner, f"email,language\na@example.org,{value}\n".encode())
    with scope(organization=org_a):
        assert Person.objects.get().preferred_language == code


@pytest.mark.parametrize("value", ["jose218.@hotmail.com", "a..b@example.org", "x@-bad.org", "x@example"])
def test_the_fast_e_mail_check_never_accepts_what_django_refuses(org_a, owner, value):
    job = run(org_a, owner, f"email\n{value}\n".encode())
    assert job.rejected == 1


@pytest.mark.parametrize("value", ["999-999-9999", "(555) 123-4567", "000-000-0000"])
def test_numbers_the_phone_authority_refuses_are_rejected(org_a, owner, value):
    job = run(org_a, owner, f"phone\n{value}\n".encode())
    assert job.rejected == 1


def test_an_e_mail_too_long_for_the_column_is_rejected_and_the_import_goes_on(org_a, owner):
    # Django's validator allows up to 320 characters; the column holds 254.
    long_email = "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "org"
    assert 254 < len(long_email) <= 320
    job = run(org_a, owner, f"email,first name\n{long_email},Long\nok@example.org,Fine\n".encode())
    assert counts(job) == (2, 1, 0, 0, 1)
    assert job.status == ImportJob.Status.DONE
    with scope(organization=org_a):
        assert ImportRejection.objects.get().reason == "The e-mail address is longer than 254 characters."


def test_a_job_that_stops_on_an_error_is_marked_failed(org_a, owner, monkeypatch):
    from alianza.people import importing

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_import_batch", broken)
    job = import_job_create(
        organization=org_a, actor=owner, file_name="a.csv", chunks=iter([BASIC.encode()]), on_match="skip"
    )
    with scope(organization=org_a):
        job = import_job_start(job=job, actor=owner, mapping=job.mapping, enqueue=False)
        with pytest.raises(RuntimeError):
            import_job_run(job=job)
        job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error == "RuntimeError (see the log)"


REPEATS = (
    "email,phone,first name,city,tags\n"
    "ana@example.org,,Ana,,a\n"
    "bo@example.org,(512) 555-0150,Bo,Austin,b\n"
    "ana@example.org,(512) 555-0151,,Dallas,c\n"
    ",(512) 555-0150,Bob,,d\n"
    "bo@example.org,(512) 555-0151,Cy,,e\n"
    "ana@example.org,,Anita,,f\n"
)


def _state(org):
    with scope(organization=org):
        return sorted(
            (
                p.given_name,
                p.city,
                tuple(sorted(p.emails.values_list("email", flat=True))),
                tuple(sorted(p.phones.values_list("number", flat=True))),
                tuple(sorted(p.tags.values_list("name", flat=True))),
            )
            for p in Person.objects.all()
        )


@pytest.mark.parametrize("on_match", ["skip", "update", "create"])
def test_repeated_people_in_one_file_do_not_depend_on_batch_boundaries(org_a, owner, monkeypatch, on_match):
    """The same file gives the same counts and the same people whatever the batch size."""
    from alianza.people import importing

    results = []
    for size in (1, 2, 4, 5000):
        monkeypatch.setattr(importing, "BATCH_SIZE", size)
        job = run(org_a, owner, REPEATS.encode(), on_match=on_match)
        results.append((counts(job), _state(org_a)))
        with scope(organization=org_a):
            DuplicatePair.objects.all().delete()
            Person.objects.all().delete()
    assert all(result == results[0] for result in results)
    if on_match == "update":
        # Ana, then Bo; row 3 is Ana again (adds a phone), row 4 Bo, row 5 has Bo's e-mail and
        # Ana's phone (two people: rejected), row 6 Ana again.
        assert results[0][0] == (6, 2, 3, 0, 1)
        assert results[0][1] == [
            ("Anita", "Dallas", ("ana@example.org",), ("+15125550151",), ("a", "c", "f")),
            ("Bob", "Austin", ("bo@example.org",), ("+15125550150",), ("b", "d")),
        ]
    if on_match == "skip":
        assert results[0][0] == (6, 2, 0, 4, 0)


def test_an_error_while_reading_stops_the_import_and_is_raised(org_a, owner, monkeypatch):
    """Rows are read and checked in a background thread: its errors reach the caller."""
    import threading

    from alianza.people import importing

    def unreadable(*args, **kwargs):
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "broken disk")

    monkeypatch.setattr(importing, "row_validate", unreadable)
    job = import_job_create(
        organization=org_a, actor=owner, file_name="a.csv", chunks=iter([BASIC.encode()]), on_match="skip"
    )
    with scope(organization=org_a):
        job = import_job_start(job=job, actor=owner, mapping=job.mapping, enqueue=False)
        with pytest.raises(UnicodeDecodeError):
            import_job_run(job=job)
        job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not [t for t in threading.enumerate() if t.name == "import-reader"]


def test_reasons_are_in_the_language_of_whoever_runs_the_import(org_a, owner):
    from django.utils import translation

    with translation.override("es"):
        run(org_a, owner, b"email\nnot-an-email\n")
    with scope(organization=org_a):
        assert ImportRejection.objects.get().reason == "“not-an-email” no es un correo electrónico válido."


def _custom_fields(org):
    from alianza.people.tests.factories import make_custom_field

    with scope(organization=org):
        make_custom_field(org, "hours", "number", label={"en": "Volunteer hours", "es": "Horas de voluntariado"})
        make_custom_field(org, "kyr", "date", label={"en": "Trained on KYR"})
        make_custom_field(
            org,
            "size",
            "choice",
            label={"en": "T-shirt size"},
            choices=[{"key": "m", "label": {"en": "Medium", "es": "Mediana"}}, {"key": "l", "label": {"en": "Large"}}],
        )


def test_custom_fields_are_suggested_typed_and_checked(org_a, owner):
    _custom_fields(org_a)
    content = (
        "email,Volunteer hours,kyr,T-shirt size\n"
        'a@example.org,"2,5",2024-05-31,mediana\n'
        "b@example.org,,,\n"
        "c@example.org,many,2024-05-31,M\n"
        "d@example.org,3,2024-13-01,M\n"
        "e@example.org,3,,XXL\n"
    )
    job = import_job_create(
        organization=org_a, actor=owner, file_name="a.csv", chunks=iter([content.encode()]), on_match="skip"
    )
    assert job.mapping == {"0": "email", "1": "custom:hours", "2": "custom:kyr", "3": "custom:size"}
    with scope(organization=org_a):
        job = import_job_run(job=import_job_start(job=job, actor=owner, mapping=job.mapping, enqueue=False))
        assert counts(job) == (5, 2, 0, 0, 3)
        assert PersonEmail.objects.get(email="a@example.org").person.custom == {
            "hours": 2.5,
            "kyr": "2024-05-31",
            "size": "m",
        }
        assert PersonEmail.objects.get(email="b@example.org").person.custom == {}
        reasons = sorted(ImportRejection.objects.values_list("reason", flat=True))
    assert reasons[0].startswith("T-shirt size: “XXL” is not one of the options")
    assert reasons[1].startswith("Trained on KYR: “2024-13-01” is not a date")
    assert reasons[2].startswith("Volunteer hours: “many” is not a number")


def test_update_mode_adds_custom_values_and_keeps_the_others(org_a, owner):
    _custom_fields(org_a)
    person = make_person(org_a, given_name="Ana", email="a@example.org")
    with scope(organization=org_a):
        person.custom = {"hours": 1, "size": "l"}
        person.save()
    job = run(org_a, owner, b"email,Volunteer hours\na@example.org,4\n", on_match="update")
    assert counts(job) == (1, 0, 1, 0, 0)
    with scope(organization=org_a):
        person.refresh_from_db()
    assert person.custom == {"hours": 4, "size": "l"}


def test_a_column_cannot_be_mapped_to_another_organizations_custom_field(org_a, org_b, owner):
    _custom_fields(org_b)
    job = import_job_create(
        organization=org_a,
        actor=owner,
        file_name="a.csv",
        chunks=iter([b"email,hours\na@example.org,3\n"]),
        on_match="skip",
    )
    assert job.mapping == {"0": "email"}
    with scope(organization=org_a), pytest.raises(ImportFileError, match="Choose fields from the list"):
        import_job_start(job=job, actor=owner, mapping={"0": "email", "1": "custom:hours"}, enqueue=False)


def test_us_phone_validity_depends_only_on_area_code_and_exchange():
    """The importer remembers a US number's validity per its first six digits: true only if
    every pattern of phonenumbers' US metadata leaves the last four digits free. Checked
    against the library for many prefixes and endings."""
    import random

    import phonenumbers

    from alianza.people import import_rows

    rng = random.Random(7)  # noqa: S311 — sample prefixes, nothing secret
    import_rows._PREFIX_VALID.clear()
    for _n in range(3000):
        prefix = f"{rng.randint(200, 999)}{rng.randint(0, 999):03d}"
        for ending in ("0000", "9999", f"{rng.randint(0, 9999):04d}"):
            number = phonenumbers.parse(prefix + ending, "US")
            expected = (
                phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                if phonenumbers.is_valid_number(number)
                else None
            )
            assert import_rows._phone(f"({prefix[:3]}) {prefix[3:]}-{ending}") == expected, prefix + ending

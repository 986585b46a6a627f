"""An organizer imports a CSV in the browser: uploads, checks the matched columns, starts,
watches the progress bar until the result, and downloads the rows set aside."""

from __future__ import annotations

import re

from django.core.management import call_command
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from alianza.people.models import ImportJob, Person

CSV = "Nombre,Correo,Teléfono\nAna,ana@example.org,5125550147\nBea,no-es-correo,\nCarla,carla@example.org,\n"


def test_import_with_progress_and_rejected_rows(member, org_a, browser_session, sign_in, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    upload = tmp_path / "lista.csv"
    upload.write_text(CSV, encoding="utf-8")
    page = browser_session.new_page(width=360, height=740)
    sign_in(page, member)
    expect(page).to_have_url(re.compile(r"/staff/org-a/$"))

    page.get_by_role("link", name="Import").click()
    page.get_by_label("CSV or Excel (.xlsx) file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()
    expect(page.get_by_label("Correo")).to_have_value("email")
    expect(page.locator("table")).to_contain_text("“no-es-correo” is not a valid e-mail address.")
    page.get_by_role("button", name="Start the import").click()

    progress = page.locator("#import-progress progress")
    expect(progress).to_have_attribute("value", "0")  # queued: the worker has not run yet
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with scopes_disabled():
        assert ImportJob.objects.get().status == "queued"
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")  # the worker takes it

    # htmx polls the progress box; when the job is done the page reloads with the result.
    expect(page.locator('[data-count="created"]')).to_have_text("2", timeout=10_000)
    expect(page.locator('[data-count="rejected"]')).to_have_text("1")
    expect(progress).to_have_attribute("value", "100")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the rows set aside")).click()
    rejected = download_info.value.path().read_text(encoding="utf-8-sig")
    assert "no-es-correo" in rejected and "is not a valid e-mail address" in rejected
    with scopes_disabled():
        assert sorted(Person.objects.values_list("given_name", flat=True)) == ["Ana", "Carla"]
    browser_session.assert_only_same_host()

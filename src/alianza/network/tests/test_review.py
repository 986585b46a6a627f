"""The hub reviews membership applications: approve (the organization is created and its
contact invited as first admin), decline, or ask for more information by e-mail. Sign-ups
are listed read-only."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from alianza.core.models import AuditEvent, Invitation, Organization
from alianza.network.applications import (
    ApplicationError,
    application_approve,
    application_decline,
    application_request_info,
)
from alianza.network.models import ApplicationMessage, OrganizationApplication
from alianza.network.tasks import send_application_message
from alianza.network.tests.factories import make_application, make_hub, make_principles, make_signup


def url(application: OrganizationApplication, action: str = "") -> str:
    base = f"/staff/org-a/network/applications/{application.pk}/"
    return base + (f"{action}/" if action else "")


def reload(application: OrganizationApplication) -> OrganizationApplication:
    with scopes_disabled():
        return OrganizationApplication.objects.get(pk=application.pk)


@pytest.fixture
def application(hub, principles) -> OrganizationApplication:
    return make_application(
        hub,
        name="Casa de la Esperanza",
        kinds=["legal", "faith"],
        counties=["Travis", "Hays"],
        languages=["es", "en"],
        contact_email="maria@esperanza.example",
        language="es",
    )


# --- Listing ------------------------------------------------------------------------------------


def test_the_hub_lists_applications_and_filters_them_by_status(login, owner, hub, principles):
    make_application(hub, name="Pending Collective")
    make_application(hub, name="Declined Collective", status=OrganizationApplication.Status.DECLINED)
    client = login(owner)
    everything = client.get("/staff/org-a/network/applications/")
    assert everything.status_code == 200
    assert b"Pending Collective" in everything.content and b"Declined Collective" in everything.content
    pending = client.get("/staff/org-a/network/applications/?status=pending")
    assert b"Pending Collective" in pending.content and b"Declined Collective" not in pending.content
    assert client.get("/staff/org-a/network/applications/?status=nonsense").status_code == 400


def test_the_detail_page_shows_the_application_and_its_acceptance(login, owner, application):
    page = login(owner).get(url(application))
    assert page.status_code == 200
    assert b"Casa de la Esperanza" in page.content
    assert b"maria@esperanza.example" in page.content
    assert b"Version 1 accepted" in page.content
    assert b'value="casa-de-la-esperanza"' in page.content  # the suggested short name


@pytest.mark.parametrize("path", ["/staff/org-a/network/applications/", "/staff/org-a/network/signups/"])
def test_list_queries_do_not_grow_with_the_rows(login, owner, hub, principles, path):
    client = login(owner)
    make = make_application if "applications" in path else make_signup
    make(hub)
    client.get(path)  # warm up: session, two-factor state
    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    make(hub)
    make(hub)
    with CaptureQueriesContext(connection) as three:
        assert client.get(path).status_code == 200
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]
    assert len(one) <= 12


def test_sign_ups_are_listed_read_only(login, owner, hub, principles):
    make_signup(hub, name="Lucía Ramírez", email="", phone="+1 956 555 0142", county="Hidalgo", joins_as="both")
    page = login(owner).get("/staff/org-a/network/signups/")
    assert page.status_code == 200
    assert "Lucía Ramírez".encode() in page.content and b"+1 956 555 0142" in page.content
    assert b"Member and volunteer" in page.content
    assert b'<form method="post"' not in page.content.split(b"<main")[1].split(b"</main>")[0]
    assert login(owner).post("/staff/org-a/network/signups/").status_code == 405


def test_the_hub_sees_only_its_own_sign_ups(login, owner, hub, principles, org_b):
    other_hub = make_hub(org_b)
    make_signup(other_hub, name="Somebody Elsewhere")
    make_signup(hub, name="Somebody Here")
    page = login(owner).get("/staff/org-a/network/signups/")
    assert b"Somebody Here" in page.content and b"Somebody Elsewhere" not in page.content


# --- Approve ------------------------------------------------------------------------------------


def test_approving_creates_the_organization_and_invites_its_contact(
    login, owner, hub, application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(owner).post(url(application, "approve"), {"slug": "esperanza"})
    assert response.status_code == 302 and response["Location"] == url(application)
    organization = Organization.objects.get(slug="esperanza")
    assert organization.name == "Casa de la Esperanza"
    assert (organization.status, organization.tier) == ("active", "member")
    assert organization.kinds == ["legal", "faith"]
    assert organization.counties == ["Travis", "Hays"] and organization.languages == ["es", "en"]
    application = reload(application)
    assert application.status == OrganizationApplication.Status.APPROVED
    assert (application.decided_by, application.created_organization) == (owner, organization)
    with scope(organization=organization):
        invitation = Invitation.objects.get()
        assert (invitation.email, invitation.role, invitation.invited_by) == ("maria@esperanza.example", "admin", owner)
        assert AuditEvent.objects.filter(action="core.organization.created").count() == 1
        assert AuditEvent.objects.filter(action="core.invitation.created").count() == 1
    with scope(organization=hub):
        event = AuditEvent.objects.get(action="network.application.approved")
        assert (event.actor, event.object_id, event.data) == (owner, str(application.pk), {"organization": "esperanza"})
    # The invitation e-mail goes out, in the language of the application.
    assert [m.to for m in mail.outbox] == [["maria@esperanza.example"]]
    assert "Te invitamos" in mail.outbox[0].subject
    assert "/invite/" in mail.outbox[0].body


def test_approving_without_a_short_name_makes_one_from_the_name(owner, hub, application, principles):
    Organization.objects.create(slug="casa-de-la-esperanza", name="Older namesake")
    organization = application_approve(application=application, actor=owner)
    assert organization.slug == "casa-de-la-esperanza-2"


def test_a_taken_short_name_is_refused_and_nothing_is_created(login, owner, hub, application):
    response = login(owner).post(url(application, "approve"), {"slug": "org-a"})
    assert response.status_code == 400
    assert b"The short name org-a is already taken" in response.content
    assert not Organization.objects.filter(name="Casa de la Esperanza").exists()
    assert reload(application).status == OrganizationApplication.Status.PENDING
    assert mail.outbox == []


def test_an_application_is_decided_once(owner, hub, application):
    application_approve(application=application, actor=owner)
    with pytest.raises(ApplicationError, match="already decided"):
        application_approve(application=application, actor=owner)
    with pytest.raises(ApplicationError, match="already decided"):
        application_decline(application=application, actor=owner)
    assert Organization.objects.filter(name="Casa de la Esperanza").count() == 1


def test_a_decided_application_shows_no_actions(login, owner, hub, application):
    application_decline(application=application, actor=owner)
    page = login(owner).get(url(application))
    assert b"Decline the application" not in page.content and b"Approve and invite" not in page.content


# --- Decline -----------------------------------------------------------------------------------


def test_declining_records_who_and_when_and_sends_nothing(login, owner, hub, application):
    response = login(owner).post(url(application, "decline"))
    assert response.status_code == 302
    application = reload(application)
    assert application.status == OrganizationApplication.Status.DECLINED
    assert application.decided_by == owner and application.decided_at is not None
    with scope(organization=hub):
        assert AuditEvent.objects.filter(action="network.application.declined", object_id=str(application.pk)).exists()
    assert mail.outbox == []
    assert not Organization.objects.filter(name="Casa de la Esperanza").exists()


# --- Ask for more information -------------------------------------------------------------------


def test_asking_for_information_emails_the_contact_through_the_task(
    login, owner, hub, application, django_capture_on_commit_callbacks
):
    hub.public_email = "hola@hub.example"
    hub.save()
    message = "¿Cuántas familias acompañan cada mes?"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = login(owner).post(url(application, "request-info"), {"message": message})
    assert response.status_code == 302
    assert len(callbacks) == 1  # the e-mail is a task, enqueued once the transaction commits
    assert reload(application).status == OrganizationApplication.Status.INFO_REQUESTED
    with scope(organization=hub):
        sent = ApplicationMessage.objects.get()
        event = AuditEvent.objects.get(action="network.application.info_requested")
    assert (sent.body, sent.sent_by) == (message, owner) and sent.sent_at is not None
    assert event.data == {"message_id": sent.pk}
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["maria@esperanza.example"]
    assert email.reply_to == ["hola@hub.example"]
    assert email.subject.startswith("[Alianza] ") and "Organization A" in email.subject
    assert "Casa de la Esperanza" in email.subject and "\n" not in email.subject
    assert message in email.body
    # Still open: the hub can approve or decline once the applicant answers.
    assert b"Approve and invite" in login(owner).get(url(application)).content


@pytest.mark.django_db(transaction=True)
def test_the_message_waits_for_the_task_worker(owner, hub, application, settings):
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    application_request_info(application=application, actor=owner, message="Tell us more.")
    assert mail.outbox == []  # queued, not sent in the request
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert [m.to for m in mail.outbox] == [["maria@esperanza.example"]]


def test_the_message_task_sends_once(owner, hub, application):
    sent = application_request_info(application=application, actor=owner, message="Tell us more.")
    kwargs = {"message_id": sent.pk, "organization_id": str(hub.pk), "language": "en"}
    results = [send_application_message.call(**kwargs), send_application_message.call(**kwargs)]
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1


def test_without_a_public_email_the_applicant_is_pointed_to_the_join_page(owner, hub, application):
    sent = application_request_info(application=application, actor=owner, message="Tell us more.")
    send_application_message.call(message_id=sent.pk, organization_id=str(hub.pk), language="en")
    assert mail.outbox[0].reply_to == []
    assert "/join/" in mail.outbox[0].body


def test_a_failed_delivery_can_be_retried(owner, hub, application, settings):
    sent = application_request_info(application=application, actor=owner, message="Tell us more.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    kwargs = {"message_id": sent.pk, "organization_id": str(hub.pk), "language": "en"}
    with pytest.raises(OSError):
        send_application_message.call(**kwargs)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_application_message.call(**kwargs) is True
    assert len(mail.outbox) == 1


def test_an_empty_message_is_refused(login, owner, hub, application):
    response = login(owner).post(url(application, "request-info"), {"message": "  "})
    assert response.status_code == 400
    assert b"This field is required." in response.content
    assert mail.outbox == []
    assert reload(application).status == OrganizationApplication.Status.PENDING


# --- Who may review -----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["", "approve", "decline", "request-info"])
def test_a_viewer_of_the_hub_gets_403(login, readonly_member, application, action):
    client = login(readonly_member)
    response = client.post(url(application, action), {"message": "x"}) if action else client.get(url(application))
    assert response.status_code == 403
    assert reload(application).status == OrganizationApplication.Status.PENDING


@pytest.mark.parametrize("action", ["", "approve", "decline", "request-info"])
def test_an_outsider_gets_404(login, outsider, application, action):
    client = login(outsider)
    response = client.post(url(application, action), {"message": "x"}) if action else client.get(url(application))
    assert response.status_code == 404
    # Nor through their own organization's address.
    crossed = url(application, action).replace("/org-a/", "/org-b/")
    assert client.post(crossed, {"message": "x"}).status_code == 404
    assert reload(application).status == OrganizationApplication.Status.PENDING


def test_a_member_organization_has_no_review_pages(login, outsider, org_b):
    # org_b is not the hub: its own admin gets 404, with or without applications in it.
    make_principles(org_b)
    application = make_application(org_b)
    client = login(outsider)
    assert client.get("/staff/org-b/network/applications/").status_code == 404
    assert client.get(f"/staff/org-b/network/applications/{application.pk}/").status_code == 404
    assert client.post(f"/staff/org-b/network/applications/{application.pk}/approve/").status_code == 404
    assert client.get("/staff/org-b/network/signups/").status_code == 404


@pytest.mark.parametrize("action", ["approve", "decline", "request-info"])
def test_actions_refuse_get(login, owner, application, action):
    assert login(owner).get(url(application, action)).status_code == 405


def test_the_detail_page_refuses_post(login, owner, application):
    assert login(owner).post(url(application)).status_code == 405


def test_an_unknown_application_is_not_found(login, owner, hub):
    assert login(owner).get("/staff/org-a/network/applications/999999/").status_code == 404

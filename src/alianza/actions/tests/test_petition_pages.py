"""The public petition and letter pages and the staff pages of both: the counter and progress,
the same answer for a new, a known and a repeated signer (no enumeration), the honeypot, the
rate limit, CSRF, visibility (draft, members only), right-to-left; staff create, edit, open and
close, see the signers and download the deliverables (audited); outsiders get 404, read-only
members 403 and a wrong method 405."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from alianza.actions.models import Letter, LetterCampaign, Petition, Signature
from alianza.actions.tests.factories import make_letter, make_letter_campaign, make_petition, make_signature
from alianza.core.models import AuditEvent
from alianza.people.models import Person
from alianza.people.tests.factories import make_person


def _page(petition: Petition) -> str:
    return petition.get_public_url()


def _without_csrf(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Rosa Hernández",
        "email": "rosa@example.org",
        "phone": "",
        "zip_code": "78702",
        "language": "es",
        "consent_email": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def _staff(name: str, org: object, **kwargs: object) -> str:
    return reverse(f"actions:{name}", kwargs={"org": org.slug, **kwargs})  # type: ignore[attr-defined]


# --- Public: petitions -----------------------------------------------------------------------


def test_the_page_shows_the_text_the_counter_and_the_progress(login, org_a):
    petition = make_petition(org_a, goal=4)
    make_signature(petition, make_person(org_a, given_name="Ana", family_name="Flores"), show_name=True)
    make_signature(petition, make_person(org_a, given_name="Hidden", family_name="Person"))
    response = login(None).get(_page(petition))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 signatures of 4" in html
    assert '<progress class="petition-progress" max="100" value="50"' in html
    assert "We ask for driver&#x27;s licenses for everyone." in html
    assert "Governor of Texas; Texas Legislature" in html
    assert "Ana F." in html and "Flores" not in html and "Hidden" not in html


def test_the_page_is_in_the_visitors_language_and_right_to_left_in_arabic(login, org_a):
    petition = make_petition(org_a)
    client = login(None)
    spanish = client.get(_page(petition), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Licencias para todos" in spanish and "Pedimos licencias para todos." in spanish
    arabic = client.get(_page(petition), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in arabic


def test_signing_redirects_to_thanks_and_the_counter_goes_up(login, org_a):
    petition = make_petition(org_a)
    client = login(None)
    response = client.post(_page(petition), _data(show_name="on", comment="Por mis hijos"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "actions:petition_thanks", kwargs={"slug": org_a.slug, "token": petition.token}
    )
    assert "1 signature of 100" in client.get(_page(petition)).content.decode()
    with scope(organization=org_a):
        signature = Signature.objects.get()
    assert (signature.show_name, signature.comment, signature.zip_code) == (True, "Por mis hijos", "78702")


def test_a_new_a_known_and_a_repeated_signer_get_exactly_the_same_answer(login, org_a):
    petition = make_petition(org_a)
    make_person(org_a, email="known@example.org")
    new = login(None).post(_page(petition), _data(email="new@example.org"))
    known = login(None).post(_page(petition), _data(email="known@example.org"))
    again = login(None).post(_page(petition), _data(email="known@example.org", name="Someone Else"))
    assert new.status_code == known.status_code == again.status_code == 302
    assert new["Location"] == known["Location"] == again["Location"]
    assert _without_csrf(login(None).get(new["Location"])) == _without_csrf(login(None).get(known["Location"]))
    with scope(organization=org_a):
        assert Signature.objects.filter(petition=petition).count() == 2
        assert Person.objects.count() == 2
        assert Petition.objects.get(pk=petition.pk).signature_count == 2


def test_the_honeypot_thanks_a_bot_and_stores_nothing(login, org_a):
    petition = make_petition(org_a)
    response = login(None).post(_page(petition), _data(website="http://spam.example"))
    assert response.status_code == 302
    with scope(organization=org_a):
        assert not Signature.objects.exists() and not Person.objects.exists()


def test_the_form_is_rate_limited_and_keeps_what_was_typed(login, org_a, settings):
    settings.ALIANZA_PETITION_RATE_LIMIT = 2
    petition = make_petition(org_a)
    client = login(None)
    for n in range(2):
        assert client.post(_page(petition), _data(email=f"p{n}@example.org")).status_code == 302
    blocked = client.post(_page(petition), _data(email="p3@example.org", name="Tercera Persona"))
    assert blocked.status_code == 429
    assert "Tercera Persona" in blocked.content.decode()
    with scope(organization=org_a):
        assert Signature.objects.count() == 2


def test_csrf_is_enforced(org_a):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(_page(make_petition(org_a)), _data())
    assert response.status_code == 403


def test_bad_input_re_renders_with_errors_and_keeps_what_was_typed(login, org_a):
    response = login(None).post(_page(make_petition(org_a)), _data(email="", phone="", zip_code="123"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Rosa Hernández" in html
    assert "Give an e-mail address or a phone number." in html
    assert "Enter a ZIP code of 5 digits" in html


@pytest.mark.parametrize("status", [Petition.Status.DRAFT])
def test_a_draft_petition_has_no_public_page(login, org_a, status):
    assert login(None).get(_page(make_petition(org_a, status=status))).status_code == 404


def test_a_closed_petition_shows_the_count_but_takes_no_signature(login, org_a):
    petition = make_petition(org_a, status=Petition.Status.CLOSED)
    page = login(None).get(_page(petition)).content.decode()
    assert "This petition is closed." in page and 'name="zip_code"' not in page
    assert login(None).post(_page(petition), _data()).status_code == 400
    with scope(organization=org_a):
        assert not Signature.objects.exists()


def test_a_members_only_petition_is_hidden_from_the_public(login, org_a, member):
    petition = make_petition(org_a, visibility=Petition.Visibility.MEMBERS)
    assert login(None).get(_page(petition)).status_code == 404
    assert login(member).get(_page(petition)).status_code == 200


def test_a_wrong_token_or_another_organizations_slug_is_404(login, org_a, org_b):
    petition = make_petition(org_a)
    assert login(None).get(reverse("actions:petition_public", args=[org_a.slug, "nope"])).status_code == 404
    assert login(None).get(reverse("actions:petition_public", args=[org_b.slug, petition.token])).status_code == 404


def test_public_pages_refuse_other_methods(login, org_a):
    petition = make_petition(org_a)
    assert login(None).put(_page(petition)).status_code == 405
    thanks = reverse("actions:petition_thanks", args=[org_a.slug, petition.token])
    assert login(None).post(thanks).status_code == 405


# --- Public: letters -------------------------------------------------------------------------


def _letter_page(letters: LetterCampaign) -> str:
    return letters.get_public_url()


def test_the_letter_page_offers_the_template_in_the_visitors_language(login, org_a):
    letters = make_letter_campaign(org_a)
    html = login(None).get(_letter_page(letters), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Terminen el 287(g) ya" in html
    assert "Estimada sheriff:\nTermine el acuerdo 287(g).</textarea>" in html
    assert 'name="reply_to_signer"' in html and "sheriff@county.example.org" not in html


def test_a_letter_for_collection_has_no_reply_to_box(login, org_a):
    letters = make_letter_campaign(org_a, delivery=LetterCampaign.Delivery.COLLECT, target_email="")
    assert 'name="reply_to_signer"' not in login(None).get(_letter_page(letters)).content.decode()


def test_writing_a_letter_keeps_the_edited_text_and_answers_the_same_every_time(login, org_a):
    letters = make_letter_campaign(org_a, delivery=LetterCampaign.Delivery.COLLECT, target_email="")
    make_person(org_a, email="known@example.org")
    data = _data(body="Mi propia carta.", send_consent="on")
    new = login(None).post(_letter_page(letters), {**data, "email": "new@example.org"})
    known = login(None).post(_letter_page(letters), {**data, "email": "known@example.org"})
    again = login(None).post(_letter_page(letters), {**data, "email": "known@example.org"})
    bot = login(None).post(_letter_page(letters), {**data, "email": "bot@example.org", "website": "x"})
    assert new.status_code == known.status_code == again.status_code == bot.status_code == 302
    assert new["Location"] == known["Location"] == again["Location"] == bot["Location"]
    with scope(organization=org_a):
        assert list(Letter.objects.values_list("body", flat=True)) == ["Mi propia carta."] * 2


def test_a_letter_without_the_consent_box_is_refused_and_kept(login, org_a):
    letters = make_letter_campaign(org_a)
    response = login(None).post(_letter_page(letters), _data(body="Mi propia carta."))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please tick this box to let us deliver your letter in your name." in html
    assert "Mi propia carta." in html
    with scope(organization=org_a):
        assert not Letter.objects.exists()


def test_the_letter_form_is_rate_limited(login, org_a, settings):
    settings.ALIANZA_PETITION_RATE_LIMIT = 1
    letters = make_letter_campaign(org_a, delivery=LetterCampaign.Delivery.COLLECT, target_email="")
    client = login(None)
    assert client.post(_letter_page(letters), _data(body="Uno", send_consent="on")).status_code == 302
    blocked = client.post(_letter_page(letters), _data(body="Dos", email="dos@example.org", send_consent="on"))
    assert blocked.status_code == 429


# --- Staff -----------------------------------------------------------------------------------


def test_an_organizer_creates_a_petition_as_a_draft_and_opens_it(login, member, org_a):
    from alianza.campaigns.tests.factories import make_campaign

    campaign = make_campaign(org_a)
    client = login(member)
    response = client.post(
        _staff("petition_new", org_a),
        {
            "title_0": "Licenses for all",
            "title_1": "Licencias para todos",
            "text_0": "We ask for licenses.",
            "text_1": "Pedimos licencias.",
            "targets": "Governor of Texas",
            "goal": "250",
            "visibility": "public",
            "campaign_choice": str(campaign.pk),
        },
    )
    with scope(organization=org_a):
        petition = Petition.objects.get()
    assert response.status_code == 302 and response["Location"] == petition.get_absolute_url()
    assert (petition.status, petition.goal, petition.campaign_id, petition.created_by_id) == (
        "draft",
        250,
        campaign.pk,
        member.pk,
    )
    client.post(_staff("petition_status", org_a, petition_pk=petition.pk), {"status": "open"})
    with scope(organization=org_a):
        assert Petition.objects.get().status == "open"


def test_another_organizations_campaign_cannot_be_chosen(login, member, org_a, org_b):
    from alianza.campaigns.tests.factories import make_campaign

    theirs = make_campaign(org_b)
    response = login(member).post(
        _staff("petition_new", org_a),
        {"title_0": "T", "text_0": "X", "targets": "Y", "goal": "5", "visibility": "public",
         "campaign_choice": str(theirs.pk)},
    )  # fmt: skip
    assert response.status_code == 400
    with scope(organization=org_a):
        assert not Petition.objects.exists()


def test_the_detail_shows_counts_and_signers(login, readonly_member, org_a):
    petition = make_petition(org_a)
    make_signature(petition, make_person(org_a, given_name="Ana", family_name="Flores"), show_name=True)
    make_signature(petition, make_person(org_a, given_name="Bea", family_name="Soto"), comment="Sí")
    html = login(readonly_member).get(petition.get_absolute_url()).content.decode()
    assert "2 of 100 (2%)" in html and "1 agreed to show their name." in html
    assert "Ana Flores" in html and "Bea Soto" in html
    assert "signers.pdf" not in html  # a viewer may look, not export


def test_the_list_shows_petitions_and_letters(login, readonly_member, org_a):
    petition = make_petition(org_a)
    letters = make_letter_campaign(org_a)
    make_letter(letters)
    html = login(readonly_member).get(_staff("petition_list", org_a)).content.decode()
    assert str(petition.title) in html and str(letters.title) in html and "Sheriff Sally Hernandez" in html


def test_the_export_views_download_and_audit(login, member, org_a):
    petition = make_petition(org_a)
    make_signature(petition, show_name=True)
    client = login(member)
    pdf = client.get(_staff("petition_export_pdf", org_a, petition_pk=petition.pk))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"] == f'attachment; filename="petition-{petition.pk}.pdf"'
    csv_response = client.get(_staff("petition_export_csv", org_a, petition_pk=petition.pk))
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    letters = make_letter_campaign(org_a)
    make_letter(letters)
    assert client.get(_staff("letter_export_pdf", org_a, letter_pk=letters.pk)).content.startswith(b"%PDF-")
    with scopes_disabled():
        actions = list(AuditEvent.objects.filter(action__endswith=".exported").order_by("id").values_list("action"))
    assert actions == [
        ("actions.petition.exported",),
        ("actions.petition.exported",),
        ("actions.letter_campaign.exported",),
    ]


def test_an_organizer_creates_a_letter_campaign(login, member, org_a):
    response = login(member).post(
        _staff("letter_new", org_a),
        {
            "title_0": "Write to the sheriff",
            "target_name": "Sheriff Sally Hernandez",
            "target_email": "sheriff@county.example.org",
            "subject_0": "End 287(g)",
            "body_0": "Dear Sheriff,",
            "delivery": "email",
            "visibility": "public",
        },
    )
    with scope(organization=org_a):
        letters = LetterCampaign.objects.get()
    assert response.status_code == 302 and response["Location"] == letters.get_absolute_url()
    assert (letters.status, letters.target_email) == ("draft", "sheriff@county.example.org")


def test_e_mail_delivery_without_an_address_re_renders_the_form(login, member, org_a):
    response = login(member).post(
        _staff("letter_new", org_a),
        {"title_0": "W", "target_name": "S", "target_email": "", "subject_0": "E", "body_0": "D",
         "delivery": "email", "visibility": "public"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Give the e-mail address the letters are sent to." in response.content.decode()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("petition_detail", "get"),
        ("petition_edit", "get"),
        ("petition_status", "post"),
        ("petition_export_pdf", "get"),
        ("petition_export_csv", "get"),
    ],
)
def test_an_outsider_gets_404(login, outsider, org_a, name, method):
    petition = make_petition(org_a)
    url = _staff(name, org_a, petition_pk=petition.pk)
    assert getattr(login(outsider), method)(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["petition_edit", "petition_status", "petition_export_pdf", "petition_export_csv", "petition_new"]
)
def test_a_read_only_member_gets_403(login, readonly_member, org_a, name):
    petition = make_petition(org_a)
    url = _staff(name, org_a) if name == "petition_new" else _staff(name, org_a, petition_pk=petition.pk)
    client = login(readonly_member)
    response = client.post(url, {"status": "closed"}) if name == "petition_status" else client.get(url)
    assert response.status_code == 403
    with scope(organization=org_a):
        assert Petition.objects.get(pk=petition.pk).status == "open"


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("petition_status", "get"),
        ("petition_detail", "post"),
        ("petition_export_pdf", "post"),
        ("letter_status", "get"),
        ("letter_export_csv", "post"),
    ],
)
def test_a_wrong_method_gets_405(login, owner, org_a, name, method):
    if name.startswith("petition"):
        url = _staff(name, org_a, petition_pk=make_petition(org_a).pk)
    else:
        url = _staff(name, org_a, letter_pk=make_letter_campaign(org_a).pk)
    assert getattr(login(owner), method)(url).status_code == 405


def test_letters_outsider_404_and_read_only_403(login, outsider, readonly_member, org_a):
    letters = make_letter_campaign(org_a)
    for name in ("letter_detail", "letter_edit", "letter_export_pdf"):
        assert login(outsider).get(_staff(name, org_a, letter_pk=letters.pk)).status_code == 404
    for name in ("letter_edit", "letter_export_pdf", "letter_export_csv"):
        assert login(readonly_member).get(_staff(name, org_a, letter_pk=letters.pk)).status_code == 403
    status_url = _staff("letter_status", org_a, letter_pk=letters.pk)
    assert login(readonly_member).post(status_url, {"status": "closed"}).status_code == 403


def test_the_public_campaign_page_lists_open_petitions_and_letters(login, org_a, org_b):
    from alianza.campaigns.tests.factories import make_campaign
    from alianza.core.models import Organization
    from alianza.core.tests.factories import make_organization

    former = make_organization(status=Organization.Status.FORMER)
    campaign = make_campaign(org_a, is_public=True, partners=[org_b, former])
    petition = make_petition(org_a, campaign=campaign)
    partners_letter = make_letter_campaign(org_b, campaign=campaign)
    formers_petition = make_petition(former, campaign=campaign)
    html = login(None).get(campaign.get_public_url()).content.decode()
    assert f'href="{petition.get_public_url()}"' in html
    assert f'href="{partners_letter.get_public_url()}"' in html
    assert formers_petition.get_public_url() not in html  # its page would be a 404

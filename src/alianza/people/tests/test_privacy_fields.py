"""DESIGN.md §5.1: Alianza has no field for immigration status, country of birth, A-number,
SSN or other tax ids (ITIN, EIN: the advisory board's honoraria record payments, never tax
numbers), in any app. A new field whose name suggests one fails here."""

import re

from django.apps import apps

FORBIDDEN = re.compile(
    r"immigra|citizenship|visa|daca|a_?number|alien|ssn|social_security|birth_?country|country_of_birth|"
    r"nationality|legal_status|documented|undocumented|"
    r"(^|_)tax|(^|_)itin($|_)|(^|_)tin($|_)|(^|_)ein($|_)|(^|_)w_?9($|_)|1099",
    re.IGNORECASE,
)

# Every app of Alianza (third-party apps such as allauth are not ours to rename).
GUARDED_APPS = {"core", "network", "people", "board", "campaigns", "actions"}


def test_no_model_has_a_field_for_immigration_facts():
    offending = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in GUARDED_APPS
        for field in model._meta.get_fields()
        if FORBIDDEN.search(field.name)
    ]
    assert offending == []


def test_the_guard_catches_tax_ids_and_covers_every_alianza_app():
    for name in ("ssn", "itin", "tax_id", "payee_tin", "ein", "w9_on_file", "form_1099", "immigration_status"):
        assert FORBIDDEN.search(name), name
    for name in ("waiting_since", "payment_method", "term_end", "joined_on", "contact", "represents"):
        assert not FORBIDDEN.search(name), name
    ours = {config.label for config in apps.get_app_configs() if config.name.startswith("alianza.")}
    assert ours == GUARDED_APPS

"""The fast US phone path agrees with phonenumbers, the authority: it answers only "valid, and
this is its E.164", and only where phonenumbers says the same."""

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alianza.people.contact import phone_e164_fast


def authority(raw: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_every_area_code_and_exchange_prefix_agrees_with_phonenumbers():
    """US validity is decided by the area code and the exchange's leading digits: try them all."""
    accepted = 0
    for area in range(200, 1000):
        for exchange in range(10):
            raw = f"{area}{exchange}550147"
            fast = phone_e164_fast(raw)
            if fast is not None:  # None defers to phonenumbers (e.g. Canada's 204 is valid there)
                accepted += 1
                assert fast == authority(raw), raw
    assert accepted > 1000  # the fast path does answer for real US numbers


@pytest.mark.parametrize(
    "raw",
    ["(512) 555-0147", "512.555.0147", "512-555-0147", "+1 512 555 0147", "1-512-555-0147", "+15125550147",
     "5125550147", "(512)555-0147", "1 (512) 555-0147"],
)  # fmt: skip
def test_common_ways_of_writing_a_number(raw):
    assert phone_e164_fast(raw) == authority(raw) == "+15125550147"


@pytest.mark.parametrize("raw", ["999-999-9999", "555-0147", "+52 55 1234 5678", "512-555-0147 ext 2", "123-456-7890"])
def test_what_the_fast_path_leaves_to_phonenumbers(raw):
    assert phone_e164_fast(raw) is None


def test_only_for_the_us_region():
    assert phone_e164_fast("(512) 555-0147", region="MX") is None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789 ()-.+1", min_size=7, max_size=18))
def test_random_shapes_never_disagree(raw):
    fast = phone_e164_fast(raw)
    if fast is not None:
        assert fast == authority(raw)

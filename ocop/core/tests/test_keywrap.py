import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocop.core import keywrap


@given(secret=st.binary(max_size=512), purpose=st.text(max_size=40))
def test_a_wrapped_secret_unwraps_to_itself_for_its_purpose(secret, purpose):
    stored = keywrap.wrap(secret, purpose=purpose)
    assert keywrap.unwrap(stored, purpose=purpose) == secret


def test_another_purpose_another_kek_or_an_altered_byte_is_refused(settings):
    stored = keywrap.wrap(b"private key bytes", purpose="stamps")
    with pytest.raises(keywrap.UnwrapError):
        keywrap.unwrap(stored, purpose="credentials")
    altered = bytearray(stored)
    altered[-1] ^= 1
    with pytest.raises(keywrap.UnwrapError):
        keywrap.unwrap(bytes(altered), purpose="stamps")
    settings.KEY_ENCRYPTION_KEY = keywrap.new_kek()
    with pytest.raises(keywrap.UnwrapError):
        keywrap.unwrap(stored, purpose="stamps")
    rewrapped = keywrap.wrap(b"private key bytes", purpose="stamps")
    assert keywrap.unwrap(rewrapped, purpose="stamps") == b"private key bytes"


def test_a_kek_of_the_wrong_length_is_named(settings):
    settings.KEY_ENCRYPTION_KEY = "c2hvcnQ"
    with pytest.raises(ValueError, match="32 bytes"):
        keywrap.wrap(b"x", purpose="stamps")

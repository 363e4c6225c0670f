import hashlib
import hmac

import pytest
from django.utils import crypto as dj_crypto

from microdj.core.exceptions import ImproperlyConfigured
from microdj.utils.crypto import (
    RANDOM_STRING_CHARS,
    InvalidAlgorithm,
    constant_time_compare,
    get_random_string,
    get_secret_key,
    pbkdf2,
    salted_hmac,
)


@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha512"])
def test_salted_hmac_matches_django(algorithm):
    ours = salted_hmac("salt", "value", "secret", algorithm=algorithm).hexdigest()
    theirs = dj_crypto.salted_hmac("salt", "value", "secret", algorithm=algorithm).hexdigest()
    assert ours == theirs


def test_salted_hmac_derives_key_from_salt_and_secret():
    key = hashlib.sha1(b"salt" + b"secret").digest()
    assert salted_hmac("salt", b"value", b"secret").digest() == hmac.new(key, b"value", hashlib.sha1).digest()
    assert salted_hmac("other", "value", "secret").digest() != salted_hmac("salt", "value", "secret").digest()


def test_salted_hmac_accepts_memoryview_and_non_strings():
    assert salted_hmac("s", memoryview(b"123"), "k").digest() == salted_hmac("s", 123, "k").digest()


def test_salted_hmac_defaults_to_secret_key(override):
    override(SECRET_KEY="abc")
    assert salted_hmac("s", "v").digest() == salted_hmac("s", "v", "abc").digest()


def test_empty_secret_key_is_improperly_configured(override):
    override(SECRET_KEY="")
    with pytest.raises(ImproperlyConfigured, match="must not be empty"):
        get_secret_key()
    with pytest.raises(ImproperlyConfigured):
        salted_hmac("s", "v")


def test_invalid_algorithm():
    with pytest.raises(InvalidAlgorithm, match="'nope' is not an algorithm"):
        salted_hmac("s", "v", "k", algorithm="nope")
    assert issubclass(InvalidAlgorithm, ValueError)


def test_get_random_string():
    value = get_random_string(32)
    assert len(value) == 32 and set(value) <= set(RANDOM_STRING_CHARS)
    assert get_random_string(10, "ab").strip("ab") == ""
    assert get_random_string(0) == ""
    assert get_random_string(32) != get_random_string(32)


def test_constant_time_compare():
    assert constant_time_compare("spam", "spam")
    assert constant_time_compare(b"spam", "spam")
    assert not constant_time_compare("spam", "eggs")
    assert not constant_time_compare("spam", "spa")


def test_pbkdf2_matches_django():
    assert pbkdf2("password", "salt", 10) == dj_crypto.pbkdf2("password", "salt", 10)
    assert len(pbkdf2("password", "salt", 10)) == 32
    assert pbkdf2("p", "s", 5, dklen=20, digest=hashlib.sha1) == dj_crypto.pbkdf2(
        "p", "s", 5, dklen=20, digest=hashlib.sha1
    )

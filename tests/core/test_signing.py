import datetime

import pytest
from django.core import signing as dj_signing
from hypothesis import given
from hypothesis import settings as settings_h
from hypothesis import strategies as st

from microdj.conf import settings
from microdj.core import signing
from microdj.core.exceptions import ImproperlyConfigured

KEY = "differential-key"


@pytest.fixture
def clock(monkeypatch):
    """Freeze time.time() in microdj.core.signing at a settable value."""
    now = [1_700_000_000.0]
    monkeypatch.setattr(signing.time, "time", lambda: now[0])
    return now


@pytest.mark.parametrize("value", ["hello", "", "unicode é ☃", "a:b:c", "x" * 500])
@pytest.mark.parametrize("algorithm", [None, "sha256", "sha1", "sha512"])
def test_signer_matches_django(value, algorithm):
    ours = signing.Signer(key=KEY, salt="s", algorithm=algorithm).sign(value)
    theirs = dj_signing.Signer(key=KEY, salt="s", algorithm=algorithm).sign(value)
    assert ours == theirs
    assert dj_signing.Signer(key=KEY, salt="s", algorithm=algorithm).unsign(ours) == value


def test_signer_separator_matches_django():
    assert signing.Signer(key=KEY, sep="/", salt="s").sign("v") == dj_signing.Signer(
        key=KEY, sep="/", salt="s"
    ).sign("v")


def test_timestamp_signer_cross_compatible():
    ours = signing.TimestampSigner(key=KEY, salt="ts").sign("value")
    assert dj_signing.TimestampSigner(key=KEY, salt="ts").unsign(ours, max_age=100) == "value"
    theirs = dj_signing.TimestampSigner(key=KEY, salt="ts").sign("value")
    assert signing.TimestampSigner(key=KEY, salt="ts").unsign(theirs, max_age=100) == "value"


@pytest.mark.parametrize("compress", [False, True])
def test_dumps_loads_cross_compatible(compress):
    obj = {"a": [1, 2, 3] * 20, "b": "text", "c": None}
    ours = signing.dumps(obj, key=KEY, salt="dl", compress=compress)
    assert dj_signing.loads(ours, key=KEY, salt="dl") == obj
    theirs = dj_signing.dumps(obj, key=KEY, salt="dl", compress=compress)
    assert signing.loads(theirs, key=KEY, salt="dl") == obj
    assert ours.startswith(".") is compress


def test_default_salts_differ_from_django():
    assert signing.Signer(key=KEY).salt == "microdj.core.signing.Signer"
    assert signing.Signer(key=KEY).sign("v") != dj_signing.Signer(key=KEY).sign("v")
    with pytest.raises(dj_signing.BadSignature):
        dj_signing.loads(signing.dumps("v", key=KEY), key=KEY)


def test_signer_uses_secret_key(override):
    override(SECRET_KEY="k1")
    signed = signing.Signer().sign("v")
    assert signed == signing.Signer(key="k1").sign("v")
    override(SECRET_KEY="k2")
    with pytest.raises(signing.BadSignature):
        signing.Signer().unsign(signed)


def test_empty_secret_key(override):
    override(SECRET_KEY="")
    with pytest.raises(ImproperlyConfigured):
        signing.Signer()
    assert signing.Signer(key="explicit").unsign(signing.Signer(key="explicit").sign("v")) == "v"


def test_unsign_round_trip_and_tampering():
    signer = signing.Signer(key=KEY)
    signed = signer.sign("hello")
    assert signer.unsign(signed) == "hello"
    for tampered in (signed[:-1] + ("A" if signed[-1] != "A" else "B"), "hellO" + signed[5:], signed + "x"):
        with pytest.raises(signing.BadSignature, match="does not match"):
            signer.unsign(tampered)
    with pytest.raises(signing.BadSignature, match='No ":" found'):
        signer.unsign("no-separator")
    with pytest.raises(signing.BadSignature):
        signing.Signer(key=KEY, salt="other").unsign(signed)
    with pytest.raises(signing.BadSignature):
        signing.Signer(key="other-key").unsign(signed)


def test_fallback_keys(override):
    old = signing.Signer(key="old").sign("v")
    assert signing.Signer(key="new", fallback_keys=["older", "old"]).unsign(old) == "v"
    with pytest.raises(signing.BadSignature):
        signing.Signer(key="new", fallback_keys=[]).unsign(old)
    # Signing always uses the main key.
    assert signing.Signer(key="new", fallback_keys=["old"]).sign("v") == signing.Signer(key="new").sign("v")
    override(SECRET_KEY="new")
    override(SECRET_KEY_FALLBACKS=["old"])
    assert signing.Signer().unsign(old) == "v"
    assert signing.loads(signing.dumps("obj", key="old")) == "obj"


@pytest.mark.parametrize("sep", ["", "a", "Z", "0", "-", "_", "=", "ab"])
def test_unsafe_separators(sep):
    with pytest.raises(ValueError, match="Unsafe Signer separator"):
        signing.Signer(key=KEY, sep=sep)


def test_custom_separator():
    signer = signing.Signer(key=KEY, sep="/")
    assert signer.unsign(signer.sign("a:b")) == "a:b"


def test_sign_object_round_trip_and_compression():
    signer = signing.Signer(key=KEY)
    obj = {"list": list(range(50)), "nested": {"x": "é"}}
    for compress in (False, True):
        assert signer.unsign_object(signer.sign_object(obj, compress=compress)) == obj
    assert signer.sign_object(obj, compress=True).startswith(".")
    # Compression is only used when it saves space.
    assert not signer.sign_object("ab", compress=True).startswith(".")


def test_custom_serializer():
    class Reversed:
        def dumps(self, obj):
            return obj[::-1].encode()

        def loads(self, data):
            return data.decode()[::-1]

    signed = signing.dumps("abc", key=KEY, serializer=Reversed)
    assert signing.loads(signed, key=KEY, serializer=Reversed) == "abc"
    with pytest.raises(ValueError):
        signing.loads(signed, key=KEY)  # "cba" is not JSON


def test_json_serializer():
    serializer = signing.JSONSerializer()
    assert serializer.dumps({"a": [1, "é"]}) == b'{"a":[1,"\\u00e9"]}'
    assert serializer.loads(b'{"a": [1]}') == {"a": [1]}


def test_timestamp_signer_max_age(clock):
    signer = signing.TimestampSigner(key=KEY)
    signed = signer.sign("value")
    assert signed.split(":")[1] == signing.b62_encode(1_700_000_000)
    assert signer.unsign(signed) == "value"
    clock[0] += 10
    assert signer.unsign(signed, max_age=10) == "value"
    assert signer.unsign(signed, max_age=datetime.timedelta(seconds=10)) == "value"
    assert signer.unsign(signed) == "value"
    clock[0] += 1
    with pytest.raises(signing.SignatureExpired, match="Signature age 11.0 > 10 seconds"):
        signer.unsign(signed, max_age=10)
    with pytest.raises(signing.SignatureExpired):
        signer.unsign(signed, max_age=datetime.timedelta(seconds=10))
    assert issubclass(signing.SignatureExpired, signing.BadSignature)


def test_timestamp_signer_tampered_timestamp(clock):
    signer = signing.TimestampSigner(key=KEY)
    value, timestamp, sig = signer.sign("value").split(":")
    forged = f"{value}:{signing.b62_encode(int(clock[0]) + 1000)}:{sig}"
    with pytest.raises(signing.BadSignature):
        signer.unsign(forged)
    # A plain Signer sees the timestamp as part of the value.
    assert (
        signing.Signer(key=KEY, salt=signer.salt).unsign(f"{value}:{timestamp}:{sig}")
        == f"{value}:{timestamp}"
    )


def test_dumps_loads_max_age(clock):
    signed = signing.dumps({"k": "v"})
    assert signing.loads(signed, max_age=5) == {"k": "v"}
    clock[0] += 6
    with pytest.raises(signing.SignatureExpired):
        signing.loads(signed, max_age=5)
    with pytest.raises(signing.BadSignature):
        signing.loads(signed, salt="other")
    assert signing.loads(signed, key="other", fallback_keys=[settings.SECRET_KEY]) == {"k": "v"}


def test_dumps_tampered_payload():
    signed = signing.dumps([1, 2, 3], key=KEY)
    _payload, rest = signed.split(":", 1)
    forged = signing.b64_encode(b"[1,2,4]").decode() + ":" + rest
    with pytest.raises(signing.BadSignature):
        signing.loads(forged, key=KEY)


@pytest.mark.parametrize("n", [0, 1, 61, 62, 3843, 1_700_000_000, -1, -62, -1_700_000_000])
def test_b62_round_trip(n):
    assert signing.b62_decode(signing.b62_encode(n)) == n
    assert signing.b62_encode(n) == dj_signing.b62_encode(n)


def test_b64_round_trip():
    for data in (b"", b"a", b"ab", b"abc", b"\xff\xfe\xfd\xfc"):
        encoded = signing.b64_encode(data)
        assert b"=" not in encoded
        assert signing.b64_decode(encoded) == data
    assert signing.b64_encode(b"\xfb\xff") == b"-_8"


def test_base64_hmac_matches_django():
    assert signing.base64_hmac("salt", "value", "key") == dj_signing.base64_hmac("salt", "value", "key")
    assert signing.base64_hmac("salt", "value", "key", algorithm="sha256") == dj_signing.base64_hmac(
        "salt", "value", "key", algorithm="sha256"
    )


def test_cookie_signer(override):
    override(SECRET_KEY="cookie-key")
    override(SECRET_KEY_FALLBACKS=["old-key"])
    signer = signing.get_cookie_signer()
    assert isinstance(signer, signing.TimestampSigner)
    assert signer.salt == "microdj.core.signing.get_cookie_signer"
    assert signer.key == b"microdj.http.cookiescookie-key"
    assert signer.fallback_keys == [b"microdj.http.cookiesold-key"]
    # The cookie key differs from SECRET_KEY itself, so other signers' values are not valid cookies.
    with pytest.raises(signing.BadSignature):
        signer.unsign(signing.TimestampSigner(salt=signer.salt).sign("v"))


def test_cookie_signer_backend_setting(override):
    override(SIGNING_BACKEND="microdj.core.signing.Signer")
    signer = signing.get_cookie_signer(salt="s")
    assert type(signer) is signing.Signer and signer.salt == "s"


def test_signed_cookie_helpers(override, clock):
    signed = signing._sign_cookie("value", cookie_name="name", salt="salt")
    assert signing._unsign_cookie(signed, cookie_name="name", salt="salt") == "value"
    for name, salt in (("other", "salt"), ("name", ""), ("names", "alt")):
        with pytest.raises(signing.BadSignature):
            signing._unsign_cookie(signed, cookie_name=name, salt=salt)
    assert signing._cookie_signer_salt("name", "salt") == "microdj.http.cookies.v2:4:saltname"
    clock[0] += 61
    with pytest.raises(signing.SignatureExpired):
        signing._unsign_cookie(signed, cookie_name="name", salt="salt", max_age=60)
    override(SECRET_KEY_FALLBACKS=[settings.SECRET_KEY])
    override(SECRET_KEY="rotated")
    assert signing._unsign_cookie(signed, cookie_name="name", salt="salt") == "value"


@given(value=st.text(), salt=st.text(min_size=1, max_size=20))
@settings_h(max_examples=75, deadline=None)
def test_signer_matches_django_for_any_text(value, salt):
    ours = signing.Signer(key=KEY, salt=salt).sign(value)
    assert ours == dj_signing.Signer(key=KEY, salt=salt).sign(value)
    assert signing.Signer(key=KEY, salt=salt).unsign(ours) == value


@given(
    obj=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=10,
    )
)
@settings_h(max_examples=50, deadline=None)
def test_dumps_loads_round_trip_any_json(obj):
    assert signing.loads(signing.dumps(obj, key=KEY, compress=True), key=KEY) == obj

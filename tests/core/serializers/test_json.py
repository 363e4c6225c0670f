"""Tests of microdj.core.serializers.json, checked against Django's DjangoJSONEncoder."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid

import pytest
from django.core.serializers.json import DjangoJSONEncoder as DjEncoder

from microdj.core.serializers.json import DjangoJSONEncoder, duration_iso_string
from microdj.utils.encoding import Promise

UTC = datetime.UTC
PLUS_2 = datetime.timezone(datetime.timedelta(hours=2))

VALUES = [
    datetime.datetime(2020, 1, 2, 3, 4, 5),
    datetime.datetime(2020, 1, 2, 3, 4, 5, 123456),
    datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
    datetime.datetime(2020, 1, 2, 3, 4, 5, 999, tzinfo=UTC),
    datetime.datetime(2020, 1, 2, 3, 4, 5, 120000, tzinfo=PLUS_2),
    datetime.date(2020, 1, 2),
    datetime.time(3, 4, 5),
    datetime.time(3, 4, 5, 678901),
    datetime.timedelta(0),
    datetime.timedelta(days=1, hours=2, minutes=3, seconds=4, microseconds=5),
    datetime.timedelta(days=-1, seconds=1),
    -datetime.timedelta(microseconds=1),
    decimal.Decimal("1.10"),
    decimal.Decimal("-0"),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_default_matches_django(value):
    assert json.dumps(value, cls=DjangoJSONEncoder) == json.dumps(value, cls=DjEncoder)


def test_examples():
    encode = DjangoJSONEncoder().encode
    assert encode(datetime.datetime(2020, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)) == '"2020-01-02T03:04:05.123Z"'
    assert encode(datetime.time(3, 4, 5, 678901)) == '"03:04:05.678"'
    assert encode(datetime.timedelta(days=-1, seconds=1)) == '"-P0DT23H59M59S"'
    assert duration_iso_string(datetime.timedelta(days=2, microseconds=7)) == "P2DT00H00M00.000007S"


def test_lazy_strings():
    class Lazy(Promise):
        def __str__(self) -> str:
            return "lazy"

    assert json.dumps({"k": Lazy()}, cls=DjangoJSONEncoder) == '{"k": "lazy"}'


def test_aware_time_refused():
    with pytest.raises(ValueError, match="JSON can't represent timezone-aware times."):
        json.dumps(datetime.time(1, tzinfo=UTC), cls=DjangoJSONEncoder)


def test_unknown_type_refused():
    with pytest.raises(TypeError, match="Object of type object is not JSON serializable"):
        json.dumps(object(), cls=DjangoJSONEncoder)

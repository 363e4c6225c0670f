"""``DjangoJSONEncoder``: JSON encoding of dates, times, durations, decimals, UUIDs and lazy strings."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from typing import Any

from microdj.utils.encoding import Promise

__all__ = ["DjangoJSONEncoder", "duration_iso_string"]


def duration_iso_string(duration: datetime.timedelta) -> str:
    """Format a timedelta as an ISO 8601 duration the way Django does, e.g. '-P1DT02H03M04.000005S'."""
    sign = ""
    if duration < datetime.timedelta(0):
        sign = "-"
        duration = -duration
    minutes, seconds = divmod(duration.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    fraction = f".{duration.microseconds:06d}" if duration.microseconds else ""
    return f"{sign}P{duration.days}DT{hours:02d}H{minutes:02d}M{seconds:02d}{fraction}S"


class DjangoJSONEncoder(json.JSONEncoder):
    """A JSONEncoder that also encodes date/time values (ECMA-262 format), Decimal, UUID and lazy strings."""

    def default(self, o: Any) -> Any:
        """Return a JSON-encodable form of ``o`` or raise TypeError."""
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            if o.microsecond:
                # ECMA-262 has milliseconds, not microseconds.
                text = text[:23] + text[26:]
            if text.endswith("+00:00"):
                text = text[:-6] + "Z"
            return text
        if isinstance(o, datetime.date):
            return o.isoformat()
        if isinstance(o, datetime.time):
            if o.utcoffset() is not None:
                raise ValueError("JSON can't represent timezone-aware times.")
            text = o.isoformat()
            return text[:12] if o.microsecond else text
        if isinstance(o, datetime.timedelta):
            return duration_iso_string(o)
        if isinstance(o, (decimal.Decimal, uuid.UUID, Promise)):
            return str(o)
        return super().default(o)

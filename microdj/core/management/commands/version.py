"""``version``: print microdj's version."""

from __future__ import annotations

from typing import Any

import microdj
from microdj.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prints microdj's version."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> str:
        return microdj.__version__

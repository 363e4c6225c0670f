"""A project command with a bug in it."""

from microdj.core.management.base import BaseCommand


class Command(BaseCommand):
    requires_system_checks = []

    def handle(self, *args, **options):
        raise ValueError("unexpected")

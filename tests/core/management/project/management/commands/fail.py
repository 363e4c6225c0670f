"""A project command that fails the way commands should."""

from microdj.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    requires_system_checks = []

    def handle(self, *args, **options):
        raise CommandError("the widget is missing", returncode=3)

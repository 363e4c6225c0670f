"""A command module listed directly in the COMMANDS setting (no Command class check here: see nocommand)."""

from microdj.core.management.base import BaseCommand


class Command(BaseCommand):
    requires_system_checks = []

    def handle(self, *args, **options):
        return "single"

"""A command found through a package listed in the COMMANDS setting."""

from microdj.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Greets."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True)

    def handle(self, *args, **options):
        self.stdout.write(f"greetings, {options['to']}")

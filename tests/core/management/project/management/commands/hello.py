"""A project command with a positional argument and an option."""

from microdj.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Says hello."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--shout", action="store_true")
        parser.add_argument("--times", type=int, default=1)

    def handle(self, *args, **options):
        text = f"hello {options['name']}" * options["times"]
        return text.upper() if options["shout"] else text

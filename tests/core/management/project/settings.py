"""Settings of a sample project whose package holds management/commands/."""

ROOT_URLCONF = "tests.urls_root"
SECRET_KEY = "sample-project-key"
ALLOWED_HOSTS = ["testserver"]
COMMANDS = ["tests.core.management.extra_commands", "tests.core.management.single_command"]

"""``python -m microdj``: the same command line as the ``microdj`` script."""

from microdj.core.management import execute_from_command_line

if __name__ == "__main__":
    execute_from_command_line()

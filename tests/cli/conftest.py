"""The store fixtures of test_cli (an imported cast, then December billed), for every test
of the command line."""

from tests.cli.test_cli import billed, db  # noqa: F401 (fixtures)

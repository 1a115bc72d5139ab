"""One exception family: every refusal a user can see, worded as the rule it enforces."""


class BobError(Exception):
    """A rule refused the request; nothing was written. The message is for the user."""

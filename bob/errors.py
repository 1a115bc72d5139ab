"""One exception family: every refusal a user can see, worded as the rule it enforces."""


class BobError(Exception):
    """A rule refused the request; nothing was written. The message is for the user."""


class StoreBusy(BobError):
    """Another process held the store longer than this one would wait; nothing was written."""

    def __init__(self) -> None:
        super().__init__("The store is busy (another BoB process is writing); try again.")

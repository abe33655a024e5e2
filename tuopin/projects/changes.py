"""What follows a write of the funds (an import, a payment typed in, a project's budget).

The warnings are recomputed after every write of fund data and nightly; the writers do
not know the warnings. A part that follows the funds registers a function here from the
app's AppConfig.ready; every write calls `funds_written` with the region prefix written
after its transaction commits."""

from collections.abc import Callable

from django.db import transaction

_FOLLOWERS: list[Callable[[str], object]] = []


def funds_follower_register(follow: Callable[[str], object]) -> None:
    """`follow(prefix)` brings the follower's rows in line with the funds under prefix."""
    if follow not in _FOLLOWERS:
        _FOLLOWERS.append(follow)


def funds_written(prefix: str) -> None:
    def call_followers():
        for follow in _FOLLOWERS:
            follow(prefix)

    transaction.on_commit(call_followers)

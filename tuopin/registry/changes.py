"""What follows an import into the registry, for the apps above it.

The registry knows no app above it, yet some keep rows that follow the households (the
people app's pairings follow each household's 帮扶责任人). Such an app registers a
function here from its AppConfig.ready; every import that wrote (the command, the
background job) and every change of a household's helper calls them with the region
prefix written, so that no page has to bring them up to date when it is read."""

from collections.abc import Callable

_FOLLOWERS: list[Callable[[str], object]] = []


def registry_follower_register(follow: Callable[[str], object]) -> None:
    """`follow(prefix)` brings the app's rows in line with the households under prefix."""
    if follow not in _FOLLOWERS:
        _FOLLOWERS.append(follow)


def registry_written(prefix: str) -> None:
    for follow in _FOLLOWERS:
        follow(prefix)

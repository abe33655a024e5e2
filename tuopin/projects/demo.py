"""Demo data of the project library and funds (`make run`): each part adds its step to
PARTS, run in order: the library's projects first, then the funds that pay them, the
warnings over both, the notices of all."""

from __future__ import annotations

from collections.abc import Callable

from tuopin.projects.disclosure_demo import disclosure_demo

PARTS: list[Callable[..., object]] = [
    # each part: its_demo(*, region_code, year, seed, if_empty, say)
    disclosure_demo,  # keep last: the notices are posted from the other parts' data
]


def projects_demo(*, region_code: str, year: int, seed: int, if_empty: bool, say) -> None:
    for part in PARTS:
        part(region_code=region_code, year=year, seed=seed, if_empty=if_empty, say=say)

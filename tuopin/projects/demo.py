"""Demo data of the project library and funds (`make run`), in order: the library's
projects first, then the funds that pay them, the warnings over both, the notices of
all (posted from the other parts' data)."""

from __future__ import annotations


def projects_demo(*, region_code: str, year: int, seed: int, if_empty: bool, say) -> None:
    from tuopin.projects.disclosure_demo import disclosure_demo
    from tuopin.projects.funds_demo import funds_demo
    from tuopin.projects.library_demo import library_demo
    from tuopin.projects.warnings_demo import warnings_demo

    for part in (library_demo, funds_demo, warnings_demo, disclosure_demo):
        part(region_code=region_code, year=year, seed=seed, if_empty=if_empty, say=say)

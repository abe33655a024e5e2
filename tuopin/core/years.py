"""The years a page offers and the one it opens on, the same on every page.

The platform serves the city's 2018 work plan (目标任务 2018, domain.md §1): a page
without a year shows 2018, and the years offered are those the registry and the
sector programmes hold data for."""

from datetime import date

DEFAULT_YEAR = 2018
YEARS = list(range(2014, 2021))


def years_to_now() -> list[int]:
    """The years of live work (teams, visits, checks of them): up to the running year."""
    return list(range(YEARS[0], date.today().year + 1))


def year_in(text: str | None, years=YEARS, default: int = DEFAULT_YEAR) -> int:
    """The year a request names when it is one offered, else the default."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and int(text) in years else default

"""Importing star-rating proposals from a spreadsheet (`tuopin import ratings FILE`, and
the upload page): 户编号, 年度, one column per star of the scheme (是/否/空), 评定日期;
optional 行政村代码 when a household number is not unique in the importer's region.
Layout: docs/formats/people-ratings.md.

The guarantees of the registry import: every error with its row, column and message;
a dry run writes nothing; all or nothing unless `partial`; re-importing the same file
changes nothing (rows are compared before writing); every write keeps its history
(the services: ratings_services.rating_propose). A rating's stars are stored on it
(`awards`, ADR 0024): one row and one history row per rating.
"""

from __future__ import annotations

import datetime
import json
from collections import namedtuple
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from tuopin.core.bulk import insert_rows
from tuopin.core.write_behind import WriteBehind
from tuopin.people import access
from tuopin.people.importing import (
    Column,
    Layout,
    among,
    blocks,
    collection_paused,
    memo,
    read_table,
    update_with_history,
)
from tuopin.people.models import (
    HouseholdRating,
    RatingScheme,
    RatingStar,
    RatingStatus,
)
from tuopin.people.ratings_services import awards_of, may_propose, scheme_in_force
from tuopin.registry.interchange.rows import Message
from tuopin.registry.interchange.table_report import TableImportReport
from tuopin.registry.interchange.values import BadValue, a_date, key, text, whole_number, yes_no
from tuopin.registry.models import Household

NUMBER, YEAR, DATE, VILLAGE = "户编号", "年度", "评定日期", "行政村代码"
# The columns are keyed by their documented header; any other column is a star, by
# its header (the stars are the year's scheme's, not fixed).
RATINGS = Layout(
    (
        Column(NUMBER, NUMBER, required=True),
        Column(YEAR, YEAR, ("评定年度",), required=True),
        Column(DATE, DATE),
        Column(VILLAGE, VILLAGE, ("村代码", "区划代码")),
    ),
    marks=(NUMBER, YEAR),
    open_ended=True,
)


@dataclass
class RatingImportReport(TableImportReport):
    kind: str = "ratings"


# A household and a stored rating as the import needs them: values, not model instances.
_Home = namedtuple("_Home", "pk number village_id")
_Stored = namedtuple("_Stored", "pk status rated_on stars")  # stars: name -> awarded


class _Cells:
    """The parsers of one import, each distinct cell parsed once."""

    def __init__(self):
        self.text, self.key, self.yes_no, self.date = (
            memo(text),
            memo(key),
            memo(yes_no),
            memo(a_date),
        )
        self.year = memo(lambda cell: whole_number(cell, low=2000, high=2100))


@dataclass
class _Row:
    number: int
    household: _Home | None = None
    year: int | None = None
    rated_on: object = None
    stars: dict = field(default_factory=dict)  # star 中文名 -> True/False/None
    errors: list[Message] = field(default_factory=list)


def _message(row: int, column: str, code: str, zh: str, en: str) -> Message:
    return Message(row, column, f"ratings_{code}", zh, en)


def import_ratings(
    path: Path | str, *, acting_user, dry_run: bool = False, partial: bool = False
) -> RatingImportReport:
    """Read and check the file a block of rows at a time; each good block is written
    (`WriteBehind`: on PostgreSQL while the next block is checked) and kept at the end
    unless a dry run, or errors without `partial`."""
    report = RatingImportReport(dry_run=dry_run)
    table = read_table(path, RATINGS)
    names = table.columns
    star_columns = {p: n for p, n in names.items() if n not in (NUMBER, YEAR, DATE, VILLAGE)}
    cells = _Cells()
    seen: dict[tuple[int, int], int] = {}
    context = _Context(acting_user)
    written = False
    with collection_paused(), WriteBehind("ratings-import-writer") as writer:
        for block in blocks(table.rows):
            # The block's households and their stored ratings, read block by block: the
            # writer gets the first block without waiting for the whole file's reads.
            households = _households(block, acting_user, cells)
            context.load([home.pk for homes in households.values() for home in homes])
            parsed: list[_Row] = []
            for number, values in block:
                report.rows += 1
                row = _Row(number)
                parsed.append(row)
                _parse(row, values, star_columns, households, context, seen, cells)
            _confirmed_rows(parsed, context)
            for row in parsed:
                if row.errors:
                    report.rejected += 1
                    report.errors.extend(row.errors)
            plan = [(row, _compare(row, context.rating(row))) for row in parsed if not row.errors]
            for _row, outcome in plan:
                setattr(report, outcome, getattr(report, outcome) + 1)
            if dry_run or (report.errors and not partial):
                continue  # nothing will be kept: checking the rest is all that is left
            new = _planned_new([row for row, outcome in plan if outcome == "created"], context)
            changed = [row for row, outcome in plan if outcome == "updated"]
            if new or changed:
                writer.put(lambda n=new, c=changed: _write(n, c, context))
                written = True
        keep = not dry_run and (partial or not report.errors)
        writer.close(keep=keep)
    report.written = written and keep
    return report


def _households(block, acting_user, cells: _Cells) -> dict[str, list[_Home]]:
    """The households of the block's numbers within the user's keeping, by number (one
    query)."""
    numbers = {cells.text(values.get(NUMBER)) for _n, values in block} - {""}
    households: dict[str, list[_Home]] = {}
    found = Household.objects.filter(
        access.keep_q(acting_user, access.RATINGS, "village__code"), number__in=among(numbers)
    )
    for household in map(_Home._make, found.values_list(*_Home._fields)):
        households.setdefault(household.number, []).append(household)
    return households


def _write(new: list[tuple], changed: list[_Row], context: _Context) -> None:
    _insert_new(new, context)
    _update_changed(changed, context)


class _Context:
    """What the rows share, read once: the star names of each (year, county)'s scheme,
    whether the user may propose in a village, and the stored ratings of the file's
    households with their stars (`load`)."""

    def __init__(self, user):
        self.user = user
        self._schemes: dict[tuple[int, str], tuple] = {}
        self._may: dict[str, bool] = {}
        self._ratings: dict[tuple[int, int], _Stored] = {}
        self._star_names: dict[str, str] | None = None  # star id as text -> 中文名
        self._encoded: dict[tuple, object] = {}

    def scheme(self, year: int, village: str) -> tuple[RatingScheme, list[RatingStar]]:
        key_ = (year, village[:6])
        if key_ not in self._schemes:
            scheme = scheme_in_force(year, village)
            self._schemes[key_] = (scheme, list(scheme.stars.all()))
        return self._schemes[key_]

    def star_names(self, year: int, village: str) -> set[str]:
        return {star.name_zh for star in self.scheme(year, village)[1]}

    def may_propose(self, village: str) -> bool:
        if village not in self._may:
            self._may[village] = may_propose(self.user, village)
        return self._may[village]

    def load(self, household_ids: list[int]) -> None:
        """The stored ratings of these households with their stars by name, read as
        values (one query, through the unique index that leads with the household).
        The reading connection does not see what the import's writer has not
        committed: these are the ratings stored before the import."""
        if not household_ids:
            return
        if self._star_names is None:
            stars = RatingStar.objects.values_list("pk", "name_zh")
            self._star_names = {str(pk): name for pk, name in stars}
        names = self._star_names
        query = HouseholdRating.objects.filter(household_id__in=among(household_ids, "bigint"))
        fields = ("household_id", "year", "pk", "status", "rated_on", "awards")
        for household_id, year, pk, status, rated_on, awards in query.values_list(*fields):
            stars = {names[star]: awarded for star, awarded in awards.items()}
            self._ratings[(household_id, year)] = _Stored(pk, status, rated_on, stars)

    def encoded(self, stars: list[RatingStar], values: list) -> object:
        """A new rating's `awards` as the writer stores them, worked out once for each
        distinct set of values (a file holds a few hundred at most): on PostgreSQL the
        JSON text COPY sends as it is, elsewhere the dict the ORM stores."""
        key_ = (tuple(star.pk for star in stars), tuple(values))
        found = self._encoded.get(key_)
        if found is None:
            awards = awards_of(dict(zip(key_[0], values, strict=True)))
            found = json.dumps(awards) if connection.vendor == "postgresql" else awards
            self._encoded[key_] = found
        return found

    def rating(self, row: _Row) -> _Stored | None:
        """The stored rating of the row's household and year (`load`ed), or None."""
        return self._ratings.get((row.household.pk, row.year))


def _parse(row: _Row, values, star_columns, households, context, seen, cells: _Cells) -> None:
    def error(column, code, zh, en):
        row.errors.append(_message(row.number, column, code, zh, en))

    number = cells.text(values.get(NUMBER))
    if not number:
        error(NUMBER, "number_missing", "户编号必须填写", "the household number is required")
    else:
        found = households.get(number, [])
        village = cells.key(values.get(VILLAGE))
        if village:
            found = [h for h in found if h.village_id == village]
        if not found:
            error(
                NUMBER,
                "household_unknown",
                f"户编号“{number}”不存在或不在您的区域",
                f"household '{number}' does not exist or lies outside your region",
            )
        elif len(found) > 1:
            error(
                NUMBER,
                "household_ambiguous",
                f"户编号“{number}”对应多户，请填写“行政村代码”列",
                f"household number '{number}' is ambiguous: add the 行政村代码 column",
            )
        else:
            row.household = found[0]
    try:
        row.year = cells.year(values.get(YEAR))
        if row.year is None:
            error(YEAR, "year_missing", "年度必须填写", "the year is required")
    except BadValue as bad:
        error(YEAR, "year_invalid", f"年度{bad.message_zh}", f"year: {bad.message_en}")
    try:
        row.rated_on = cells.date(values.get(DATE)) if DATE in values else None
    except BadValue as bad:
        error(DATE, "date_invalid", f"评定日期{bad.message_zh}", f"date: {bad.message_en}")
    if row.household is None or row.year is None:
        return
    village = row.household.village_id
    if not context.may_propose(village):
        error(
            NUMBER,
            "not_allowed",
            f"您无权为户“{number}”提名星级评定",
            f"you may not propose a rating for household '{number}'",
        )
        return
    if row.rated_on is not None and row.rated_on.year not in (row.year, row.year + 1):
        error(
            DATE,
            "date_year",
            f"评定日期{row.rated_on:%Y-%m-%d}不在{row.year}年度内",
            f"the date {row.rated_on} is outside {row.year}",
        )
    scheme_names = context.star_names(row.year, village)
    for column in star_columns.values():
        raw = values.get(column)
        if column not in scheme_names:
            if cells.key(raw):
                error(
                    column,
                    "star_unknown",
                    f"“{column}”不是{row.year}年度评定方案中的星级",
                    f"'{column}' is not a star of the {row.year} scheme",
                )
            continue
        try:
            row.stars[column] = cells.yes_no(raw)
        except BadValue as bad:
            error(column, "star_value", bad.message_zh, bad.message_en)
    if not any(name in scheme_names for name in star_columns.values()):
        error(
            NUMBER,
            "stars_missing",
            "表中没有本年度评定方案的任何星级列",
            "the file has no column of the year's stars",
        )
    pair = (row.household.pk, row.year)
    if pair in seen:
        error(
            YEAR,
            "duplicate",
            f"户“{number}”的{row.year}年度评定与第 {seen[pair]} 行重复",
            f"household '{number}' {row.year} repeats row {seen[pair]}",
        )
    else:
        seen[pair] = row.number


def _confirmed_rows(rows: list[_Row], context: _Context) -> None:
    """A row that would change a rating the township has confirmed is refused."""
    for row in rows:
        if row.errors:
            continue
        current = context.rating(row)
        confirmed = current is not None and current.status == RatingStatus.CONFIRMED
        if confirmed and _compare(row, current) != "unchanged":
            number = row.household.number
            row.errors.append(
                _message(
                    row.number,
                    YEAR,
                    "confirmed",
                    f"户“{number}”的{row.year}年度评定已由乡镇确认，不能再修改",
                    f"the {row.year} rating of household '{number}' is confirmed",
                )
            )


def _planned_new(rows: list[_Row], context: _Context) -> list[tuple]:
    """Each new proposal's values, as rating_propose would store them: worked out by
    the reading thread, so that the writer, the slower side, only writes."""
    today, user = datetime.date.today(), context.user
    proposed = RatingStatus.PROPOSED.value
    planned = []
    for row in rows:
        scheme, stars = context.scheme(row.year, row.household.village_id)
        values = [row.stars.get(star.name_zh) for star in stars]
        yes = sum(1 for v in values if v is True)
        unknown = sum(1 for v in values if v is None)
        awards = context.encoded(stars, values)
        rating = (row.household.pk, row.year, scheme.pk, proposed, yes, unknown, row.rated_on)
        planned.append((*rating, user.pk, today, "", awards))
    return planned


_RATING_NAMES = ["household_id", "year", "scheme_id", "status", "star_count", "unknown_count"]
_RATING_NAMES += ["rated_on", "proposed_by_id", "proposed_on", "returned_reason", "awards"]


def _insert_new(planned: list[tuple], context: _Context) -> None:
    """New proposals (`_planned_new`), their stars with them, in one COPY and one
    history statement (tuopin.core.bulk), without a query per row."""
    if planned:
        insert_rows(HouseholdRating, _RATING_NAMES, planned, user=context.user)


def _update_changed(rows: list[_Row], context: _Context) -> None:
    """Re-proposed ratings, as rating_propose would store them (every star of the
    scheme in force, an older scheme's stars gone), in one bulk update with history."""
    if not rows:
        return
    today, user = datetime.date.today(), context.user
    ratings = []
    stored = HouseholdRating.objects.filter(pk__in=[context.rating(row).pk for row in rows])
    instances = stored.in_bulk()
    for row in rows:
        rating = instances[context.rating(row).pk]
        scheme, stars = context.scheme(row.year, row.household.village_id)
        values = {star.pk: row.stars.get(star.name_zh) for star in stars}
        rating.scheme, rating.status = scheme, RatingStatus.PROPOSED
        rating.star_count = sum(1 for v in values.values() if v is True)
        rating.unknown_count = sum(1 for v in values.values() if v is None)
        rating.rated_on, rating.proposed_by, rating.proposed_on = row.rated_on, user, today
        rating.returned_reason = ""
        rating.awards = awards_of(values)
        ratings.append(rating)
    fields = ["scheme", "status", "star_count", "unknown_count", "rated_on"]
    fields += ["proposed_by", "proposed_on", "returned_reason", "awards"]
    update_with_history(ratings, HouseholdRating, fields, user=user)


def _compare(row: _Row, current: _Stored | None) -> str:
    """created / updated / unchanged against what is stored (read once: no query)."""
    if current is None:
        return "created"
    stored = current.stars
    wanted = dict.fromkeys(stored)
    wanted.update(row.stars)
    same = wanted == stored and current.rated_on == row.rated_on
    if same and current.status in (RatingStatus.PROPOSED, RatingStatus.CONFIRMED):
        return "unchanged"
    return "updated"

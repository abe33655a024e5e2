"""The history tables of 帮扶力量.

Their `history_user` is not a foreign key the database checks (`user_db_constraint`
False): the imports write a history row for every row they write (a ratings file of
50,000 households writes 300,000), each of which PostgreSQL checked against auth_user
at commit, about a third of the database's work of such an import. The column is filled
by the application from the acting user, who exists; Django still sets it to NULL when
a user is deleted (on_delete SET_NULL is Django's, not the database's). ADR 0013.
"""

from simple_history.models import HistoricalRecords


def people_history(**options) -> HistoricalRecords:
    return HistoricalRecords(user_db_constraint=False, **options)

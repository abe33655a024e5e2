"""The people app's tables, one module per part (teams, pairings and visits, branches,
enterprises and workshops, ratings, training); each part imports its models here."""

from tuopin.people.models.parameters import PeopleParameter
from tuopin.people.models.teams import Attendance, Posting, WorkTeam

__all__ = ["Attendance", "PeopleParameter", "Posting", "WorkTeam"]

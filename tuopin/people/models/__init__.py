"""The people app's tables, one module per part (teams, pairings and visits, branches,
enterprises and workshops, ratings, training); each part imports its models here."""

from tuopin.people.models.parameters import PeopleParameter
from tuopin.people.models.ratings import (
    HouseholdRating,
    HouseholdRatingStar,
    IncentivePayment,
    RatingScheme,
    RatingStar,
    RatingStatus,
    TrainingAttendance,
    TrainingCourse,
    TrainingLevel,
)

__all__ = [
    "HouseholdRating",
    "HouseholdRatingStar",
    "IncentivePayment",
    "PeopleParameter",
    "RatingScheme",
    "RatingStar",
    "RatingStatus",
    "TrainingAttendance",
    "TrainingCourse",
    "TrainingLevel",
]

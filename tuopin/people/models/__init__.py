"""The people app's tables, one module per part (teams, pairings and visits, branches,
enterprises and workshops, ratings, training); each part imports its models here."""

from tuopin.people.models.orgs import (
    BranchNote,
    Enterprise,
    EnterprisePairing,
    IndustrialPark,
    PairingBeneficiary,
    PairingProject,
    WeakBranch,
    Workshop,
    WorkshopEmployee,
)
from tuopin.people.models.pairings import Pairing, PairingEndReason, Visit, VisitPhoto
from tuopin.people.models.parameters import PeopleParameter
from tuopin.people.models.ratings import (
    HouseholdRating,
    IncentivePayment,
    RatingScheme,
    RatingStar,
    RatingStatus,
    TrainingAttendance,
    TrainingCourse,
    TrainingLevel,
)
from tuopin.people.models.teams import Attendance, Posting, WorkTeam

__all__ = [
    "Attendance",
    "BranchNote",
    "Enterprise",
    "EnterprisePairing",
    "HouseholdRating",
    "IncentivePayment",
    "IndustrialPark",
    "Pairing",
    "PairingBeneficiary",
    "PairingEndReason",
    "PairingProject",
    "PeopleParameter",
    "Posting",
    "RatingScheme",
    "RatingStar",
    "RatingStatus",
    "TrainingAttendance",
    "TrainingCourse",
    "TrainingLevel",
    "Visit",
    "VisitPhoto",
    "WeakBranch",
    "WorkTeam",
    "Workshop",
    "WorkshopEmployee",
]

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
from tuopin.people.models.parameters import PeopleParameter

__all__ = [
    "BranchNote",
    "Enterprise",
    "EnterprisePairing",
    "IndustrialPark",
    "PairingBeneficiary",
    "PairingProject",
    "PeopleParameter",
    "WeakBranch",
    "Workshop",
    "WorkshopEmployee",
]

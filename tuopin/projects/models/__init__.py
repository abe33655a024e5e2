from tuopin.projects.models.disclosure import Disclosure
from tuopin.projects.models.funds import Allocation, Disbursement, Fund, FundPayment
from tuopin.projects.models.library import (
    LIBRARY_STAGES,
    LibraryEntry,
    Project,
    ProjectBeneficiary,
    ProjectFunding,
    ProjectProgress,
    ProjectStep,
    ProjectVillage,
)
from tuopin.projects.models.parameters import FundsParameter
from tuopin.projects.models.warnings import FundWarning, WarningAction

__all__ = [
    "LIBRARY_STAGES",
    "Allocation",
    "Disbursement",
    "Disclosure",
    "Fund",
    "FundPayment",
    "FundWarning",
    "FundsParameter",
    "LibraryEntry",
    "Project",
    "ProjectBeneficiary",
    "ProjectFunding",
    "ProjectProgress",
    "ProjectStep",
    "ProjectVillage",
    "WarningAction",
]

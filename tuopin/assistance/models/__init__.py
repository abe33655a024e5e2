"""The sector ledgers (行业帮扶台账). Each module holds one department's tables."""

from tuopin.assistance.models.base import LedgerEntry, LedgerImport
from tuopin.assistance.models.coverage import CoverageCount, CoverageSnapshot
from tuopin.assistance.models.education import DropoutCase, StudentEnrolment
from tuopin.assistance.models.employment import (
    EmploymentRecord,
    EmploymentService,
    PublicWelfarePost,
    Trainee,
    TrainingCourse,
)
from tuopin.assistance.models.health import (
    ChronicCard,
    DoctorContract,
    HealthInsurance,
    HospitalSettlement,
)
from tuopin.assistance.models.housing import HousingRenovation
from tuopin.assistance.models.income import PvStation, Ranger
from tuopin.assistance.models.loans import Loan, LoanCheck, LoanRepayment
from tuopin.assistance.models.parameters import LedgerParameter
from tuopin.assistance.models.payments import Payment
from tuopin.assistance.models.social import DisabilityCertificate, SocialAssistance


def ledger_entry_models() -> list[type[LedgerEntry]]:
    """Every ledger whose rows concern a person or household (the LedgerEntry tables)."""
    return LedgerEntry.__subclasses__()


__all__ = [
    "ChronicCard",
    "CoverageCount",
    "CoverageSnapshot",
    "DisabilityCertificate",
    "DoctorContract",
    "DropoutCase",
    "EmploymentRecord",
    "EmploymentService",
    "HealthInsurance",
    "HospitalSettlement",
    "HousingRenovation",
    "LedgerEntry",
    "LedgerImport",
    "LedgerParameter",
    "Loan",
    "LoanCheck",
    "LoanRepayment",
    "Payment",
    "PublicWelfarePost",
    "PvStation",
    "Ranger",
    "SocialAssistance",
    "StudentEnrolment",
    "Trainee",
    "TrainingCourse",
    "ledger_entry_models",
]

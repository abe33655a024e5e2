"""The people app's tables, one module per part (teams, pairings and visits, branches,
enterprises and workshops, ratings, training); each part imports its models here."""

from tuopin.people.models.pairings import Pairing, PairingEndReason, Visit, VisitPhoto
from tuopin.people.models.parameters import PeopleParameter

__all__ = ["Pairing", "PairingEndReason", "PeopleParameter", "Visit", "VisitPhoto"]

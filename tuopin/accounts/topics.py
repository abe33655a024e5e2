"""The one scope rule of an app whose data falls into topics (the people who help, the
project library and funds).

A user reads a topic's rows whose region code starts with the prefix of an assignment
that reads the topic, and keeps (types, edits, imports) those of an assignment that keeps
it. An assignment reads when its role holds the app's view permission (a 行业部门 user:
only the topics of their department); it keeps when its role holds the edit permission,
is among the topic's editors and, for a sector user, the department keeps the topic. A
row outside answers exactly like a missing one (404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q

from tuopin.accounts.roles import ROLE_PERMISSIONS, Role
from tuopin.accounts.selectors import (
    UNRESTRICTED,
    requested_region,
    scope_prefixes,
    user_assignments,
)
from tuopin.core.errors import OutOfScope
from tuopin.core.regioncodes import significant_prefix, within
from tuopin.regions.models import Region


def prefix_q(prefixes, field_name: str) -> Q:
    """The rows whose region code at `field_name` starts with one of `prefixes`."""
    if prefixes is UNRESTRICTED:
        return Q()
    if not prefixes:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field_name}__startswith": p}) for p in prefixes))


@dataclass(frozen=True)
class TopicScope:
    topics: tuple[str, ...]
    view_permission: str
    edit_permission: str
    editors: dict[str, set[str]]  # topic -> roles that keep it
    department_topics: dict[str, tuple[str, ...]]  # what a sector user reads, by department
    # Topics a department reads but does not keep (the library a sector appraises).
    department_reads_only: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Topics a role reads at most (a village office: the library and notices, not funds).
    role_topics: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def reads(self, assignment, topic: str) -> bool:
        if self.view_permission not in ROLE_PERMISSIONS[assignment.role]:
            return False
        if assignment.role in self.role_topics and topic not in self.role_topics[assignment.role]:
            return False
        if assignment.role == Role.SECTOR:
            department = assignment.department
            return topic in self.department_topics.get(
                department, ()
            ) or topic in self.department_reads_only.get(department, ())
        return True

    def keeps(self, assignment, topic: str) -> bool:
        if self.edit_permission not in ROLE_PERMISSIONS[assignment.role]:
            return False
        if assignment.role not in self.editors[topic]:
            return False
        if assignment.role == Role.SECTOR:
            return topic in self.department_topics.get(assignment.department, ())
        return True

    def _prefixes(self, user, topic: str, rule) -> list[str] | None:
        if topic not in self.topics:
            raise ValueError(f"unknown topic {topic}")
        everywhere = scope_prefixes(user)
        if everywhere is UNRESTRICTED:
            return UNRESTRICTED
        if not everywhere:  # nobody (anonymous, inactive, no assignment)
            return []
        return sorted(
            {significant_prefix(a.region_id) for a in user_assignments(user) if rule(a, topic)}
        )

    def read_prefixes(self, user, topic: str) -> list[str] | None:
        """The region prefixes where the user reads the topic (None: everywhere)."""
        return self._prefixes(user, topic, self.reads)

    def keep_prefixes(self, user, topic: str) -> list[str] | None:
        """The region prefixes where the user keeps the topic (None: everywhere)."""
        return self._prefixes(user, topic, self.keeps)

    def read_q(self, user, topic: str, field_name: str = "region__code") -> Q:
        """The rows of the topic the user reads, by the region code at `field_name`."""
        return prefix_q(self.read_prefixes(user, topic), field_name)

    def keep_q(self, user, topic: str, field_name: str = "region__code") -> Q:
        return prefix_q(self.keep_prefixes(user, topic), field_name)

    def may_read(self, user, topic: str, region_code: str | None = None) -> bool:
        prefixes = self.read_prefixes(user, topic)
        if prefixes is UNRESTRICTED:
            return True
        return bool(prefixes) if region_code is None else within(region_code, prefixes)

    def may_keep(self, user, topic: str, region_code: str | None = None) -> bool:
        prefixes = self.keep_prefixes(user, topic)
        if prefixes is UNRESTRICTED:
            return True
        return bool(prefixes) if region_code is None else within(region_code, prefixes)

    def topics_read_by(self, user) -> list[str]:
        return [topic for topic in self.topics if self.may_read(user, topic)]

    def region_for(self, user, text: str | None, topics) -> Region:
        """The region a page is drawn for: the one asked (a code or its significant prefix)
        when the user reads one of `topics` there, else the widest region where they read
        the first of them they read; outside answers 404 like a missing region."""
        text = (text or "").strip()
        if text:
            region = requested_region(user, text)
            if not any(self.may_read(user, topic, region.code) for topic in topics):
                raise OutOfScope("region", region.code)
            return region
        for topic in topics:
            prefixes = self.read_prefixes(user, topic)
            if prefixes is UNRESTRICTED:
                return requested_region(user, "")
            if prefixes:
                return Region.objects.get(code=min(prefixes, key=len).ljust(12, "0"))
        raise OutOfScope("region", "")


@dataclass(frozen=True)
class Section:
    """A page of an app's index, offered to whoever reads its topic (or one of `also`)."""

    topic: str
    url_name: str  # a page without arguments
    label: str
    about: str
    also: tuple[str, ...] = ()  # other topics that open the section to their readers


def sections_readable(scope: TopicScope, sections, user) -> list[Section]:
    return [
        section
        for section in sections
        if any(scope.may_read(user, topic) for topic in (section.topic, *section.also))
    ]

"""Code lists of the people app (labels in Chinese; English in the catalogue)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PostingRole(models.TextChoices):
    """A work-team member's role (队内职务)."""

    FIRST_SECRETARY = "secretary", _("第一书记")
    LEADER = "leader", _("队长")
    MEMBER = "member", _("队员")


LEADER_ROLES = (PostingRole.FIRST_SECRETARY, PostingRole.LEADER)


class AttendanceStatus(models.TextChoices):
    """A team member's day (考勤)."""

    PRESENT = "present", _("在岗")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺勤")

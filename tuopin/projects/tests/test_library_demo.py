"""The library's demo: about forty projects at every stage, and work for each role in 朱寨."""

import pytest
from django.contrib.auth import get_user_model

from tuopin.accounts.demo import demo_users_ensure
from tuopin.projects.enums import ProjectStage
from tuopin.projects.library_demo import DEMO_VILLAGE, library_demo
from tuopin.projects.library_services import actions_for
from tuopin.projects.models import Project

pytestmark = pytest.mark.django_db


def test_the_demo_gives_each_role_work_and_runs_once():
    demo_users_ensure()
    said = []
    library_demo(region_code="411421", year=2018, seed=1, if_empty=False, say=said.append)
    assert 35 <= Project.objects.count() <= 45
    stages = set(Project.objects.values_list("stage", flat=True))
    assert stages == set(ProjectStage.values)
    users = {u.username: u for u in get_user_model().objects.all()}
    village = list(Project.objects.filter(region_id=DEMO_VILLAGE))

    def work(username):
        return {a.code for p in village for a in actions_for(users[username], p)}

    assert "reapply" in work("village")
    assert "review" in work("township")
    assert "appraise" in work("sector_education")
    assert {"approve", "enter", "plan", "accept", "announce"} <= work("county")
    implementing = [p for p in village if p.stage == ProjectStage.IMPLEMENTING]
    assert implementing and implementing[0].progress.exists()
    library_demo(region_code="411421", year=2018, seed=1, if_empty=False, say=said.append)
    assert len(said) == 1  # the second run adds nothing

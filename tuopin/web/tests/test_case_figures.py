"""The open-cases figures of a region link to the list of exactly the cases they count."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tuopin.accounts.demo import DEMO_COUNTY
from tuopin.cases.demo import demo_setup
from tuopin.regions.models import Region
from tuopin.web.figures import open_cases_by_step

pytestmark = pytest.mark.django_db


def test_each_open_cases_figure_links_to_the_list_of_exactly_those_cases(shangqiu):
    demo_setup(households=150, seed=1)
    city = get_user_model().objects.get(username="city")
    client = Client()
    client.force_login(city)
    figures = open_cases_by_step(city, Region.objects.get(code=DEMO_COUNTY))
    assert len({figure.step for figure in figures}) >= 5  # the demo's cases wait at many steps
    for figure in figures:
        assert ("step=" in figure.url) == (figure.step != "—")  # "—": past its route
        listed = client.get(figure.url).context["page"].paginator.count
        assert listed == figure.count, figure

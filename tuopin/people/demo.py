"""The people app's part of `tuopin demo`: each part adds its step below, which gives
the demo county its teams, pairings, visits, branches, enterprises, workshops or
ratings, and the demo users something to do with them."""

from tuopin.people.orgs_demo import orgs_demo
from tuopin.people.ratings_demo import ratings_demo
from tuopin.people.teams_demo import teams_demo


def people_demo(*, region_code: str, year: int, seed: int, if_empty: bool, say) -> None:
    from tuopin.people.helpers_demo import helpers_demo

    steps: list = [
        teams_demo,
        # each part: its function(region_code=, year=, seed=, if_empty=, say=)
        orgs_demo,
        ratings_demo,  # star ratings and payments, cadre training
        helpers_demo,
    ]
    for step in steps:
        step(region_code=region_code, year=year, seed=seed, if_empty=if_empty, say=say)

"""Reads of the division tree: children with counts, ancestors, counts by level."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.regions.enums import RegionKind, RegionLevel
from tuopin.regions.models import Region
from tuopin.regions.selectors import (
    region_ancestors,
    region_children_with_counts,
    region_stats,
)


def tree_counts(child: Region) -> tuple[int, int]:
    """Villages and communities below `child`, following parent links (not code prefixes)."""
    below = Region.objects.filter(level=RegionLevel.VILLAGE)
    if child.level == RegionLevel.COUNTY:
        below = below.filter(parent__parent=child)
    elif child.level == RegionLevel.TOWNSHIP:
        below = below.filter(parent=child)
    else:
        below = below.filter(pk=child.pk)
    return (
        below.filter(kind=RegionKind.VILLAGE).count(),
        below.filter(kind=RegionKind.COMMUNITY).count(),
    )


@pytest.mark.parametrize("code", [CITY, MINQUAN, RENHE])
def test_children_carry_their_village_and_community_counts(shangqiu, code):
    region = Region.objects.get(code=code)
    children = region_children_with_counts(region)

    expected_children = list(Region.objects.filter(parent=region).order_by("code"))
    assert [child.code for child in children] == [child.code for child in expected_children]
    assert children
    for child in children:
        assert (child.village_count, child.community_count) == tree_counts(child), child.code


def test_the_city_children_add_up_to_the_city_totals(shangqiu):
    children = region_children_with_counts(shangqiu)
    assert len(children) == 11
    assert sum(child.village_count for child in children) == 4556
    assert sum(child.community_count for child in children) == 278
    minquan = next(child for child in children if child.code == MINQUAN)
    assert (
        minquan.village_count
        == Region.objects.filter(
            code__startswith="411421", level=RegionLevel.VILLAGE, kind=RegionKind.VILLAGE
        ).count()
    )
    assert minquan.village_count > 0


def test_minquan_children_match_direct_counts(shangqiu):
    minquan = Region.objects.get(code=MINQUAN)
    children = region_children_with_counts(minquan)
    assert {child.level for child in children} == {RegionLevel.TOWNSHIP}
    renhe = next(child for child in children if child.code == RENHE)
    assert (
        renhe.village_count
        == Region.objects.filter(parent_id=RENHE, kind=RegionKind.VILLAGE).count()
    )
    assert (
        renhe.community_count
        == Region.objects.filter(parent_id=RENHE, kind=RegionKind.COMMUNITY).count()
    )
    assert sum(child.village_count + child.community_count for child in children) == (
        Region.objects.filter(parent__parent=minquan).count()
    )


def test_children_with_counts_takes_two_queries_whatever_the_size(
    shangqiu, django_assert_num_queries
):
    minquan = Region.objects.get(code=MINQUAN)
    with django_assert_num_queries(2):
        region_children_with_counts(shangqiu)
    with django_assert_num_queries(2):
        region_children_with_counts(minquan)


def test_a_village_has_no_children(shangqiu):
    assert region_children_with_counts(first_village(RENHE)) == []


def test_ancestors_run_from_the_city_down_to_the_parent(shangqiu):
    village = first_village(RENHE)
    assert [r.code for r in region_ancestors(village)] == [CITY, MINQUAN, RENHE]
    renhe = Region.objects.get(code=RENHE)
    assert [r.code for r in region_ancestors(renhe)] == [CITY, MINQUAN]
    assert [r.code for r in region_ancestors(Region.objects.get(code=SUIXIAN))] == [CITY]
    assert region_ancestors(shangqiu) == []


def test_ancestors_agree_with_the_parent_links_everywhere(shangqiu):
    villages = Region.objects.filter(level=RegionLevel.VILLAGE).select_related(
        "parent__parent__parent"
    )
    for village in villages.order_by("code")[::97]:  # ~50 villages across every county
        chain = []
        node = village.parent
        while node is not None:
            chain.insert(0, node.code)
            node = node.parent
        assert [r.code for r in region_ancestors(village)] == chain


def test_ancestors_take_one_query(shangqiu, django_assert_num_queries):
    village = first_village(RENHE)
    with django_assert_num_queries(1):
        region_ancestors(village)


def test_stats_with_a_prefix_count_only_that_county(shangqiu):
    stats = region_stats("411421")
    assert stats["city"] == 0
    assert stats["county"] == 1
    assert stats["township"] == Region.objects.filter(parent_id=MINQUAN).count()
    assert (
        stats["village"]
        == Region.objects.filter(parent__parent_id=MINQUAN, kind=RegionKind.VILLAGE).count()
    )
    assert (
        stats["community"]
        == Region.objects.filter(parent__parent_id=MINQUAN, kind=RegionKind.COMMUNITY).count()
    )
    assert sum(stats.values()) == Region.objects.filter(code__startswith="411421").count()


def test_stats_of_a_township(shangqiu):
    stats = region_stats("411421101")
    assert stats["township"] == 1
    assert stats["county"] == 0
    assert stats["village"] + stats["community"] == Region.objects.filter(parent_id=RENHE).count()


def stats_command(*args: str) -> dict:
    out = StringIO()
    call_command("regions", "stats", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_stats_command_accepts_a_prefix(shangqiu):
    assert stats_command("--region", "411421") == region_stats("411421")


def test_the_stats_command_accepts_a_full_code(shangqiu):
    # `--region` is documented as "only below this code or prefix".
    assert stats_command("--region", MINQUAN) == region_stats("411421")


def test_the_stats_command_prints_chinese_labels(shangqiu):
    out = StringIO()
    call_command("regions", "stats", stdout=out)
    assert "村委会 (village): 4556" in out.getvalue()
    assert "居委会 (community): 278" in out.getvalue()

import pytest

from tuopin.core.regioncodes import expand_code, level_of_code, significant_prefix, within


@pytest.mark.parametrize(
    ("code", "prefix", "level"),
    [
        ("411400000000", "4114", "city"),
        ("411421000000", "411421", "county"),
        ("411421101000", "411421101", "township"),
        ("411421100000", "411421100", "township"),  # a township code ending in 00
        ("411421101201", "411421101201", "village"),
    ],
)
def test_significant_prefix_follows_the_code_structure(code, prefix, level):
    assert significant_prefix(code) == prefix
    assert level_of_code(code) == level


def test_expand_code_accepts_prefixes_and_rejects_junk():
    assert expand_code("411421") == "411421000000"
    assert expand_code(" 411421101 ") == "411421101000"
    assert expand_code("411421101201") == "411421101201"
    assert expand_code("41142") is None
    assert expand_code("4114a1") is None
    assert expand_code("") is None


def test_within_is_a_prefix_match():
    assert within("411421101201", ["411421"])
    assert not within("411422101201", ["411421", "411421101"])

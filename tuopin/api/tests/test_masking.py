"""The API's masks: named fields by their kind, and free text with numbers in it (the masks
themselves are tuopin/registry/personal.py's and idnumbers.py's)."""

from tuopin.api.masking import mask_text, mask_tree, mask_value


def test_named_fields_pick_their_mask():
    assert mask_value("id_number", "41142119680501123X") == "411421********123X"
    assert mask_value("disability_certificate", "4114211968050112341") == "411421*********2341"
    assert mask_value("phone", "13812345678") == "138****5678"
    assert mask_value("bank_account", "6217001234567890") == "************7890"
    assert mask_value("phone", "") == "" and mask_value("phone", None) is None


def test_free_text_hides_numbers_but_keeps_region_codes_and_short_numbers():
    text = (
        "第 3 行：41142119680501123X 与 411421196805011 重复，电话 13812345678，卡 6217001234567890"
    )
    masked = mask_text(text)
    assert masked == (
        "第 3 行：411421********123X 与 411421*****5011 重复，电话 138****5678，卡 ************7890"
    )
    assert mask_text("区划 411421101201 的 2019 年") == "区划 411421101201 的 2019 年"
    assert mask_text("残疾证 41142119680501123441B2") == "残疾证 411421************41B2"
    assert mask_text("残疾证 41142119680501123X41B2。") == "残疾证 411421************41B2。"
    assert mask_text("残疾证 41142119680501123X41") == "残疾证 411421**********3X41"


def test_a_tree_is_masked_by_name_and_by_text():
    tree = {
        "errors": [{"row": 3, "message": "号码 41142119680501123X 重复"}],
        "phone": "13812345678",
    }
    assert mask_tree(tree) == {
        "errors": [{"row": 3, "message": "号码 411421********123X 重复"}],
        "phone": "138****5678",
    }

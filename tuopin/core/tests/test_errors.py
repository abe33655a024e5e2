from django.utils import translation

from tuopin.core.errors import TuopinError


def test_errors_speak_chinese_first_and_english_on_request():
    error = TuopinError("x", "第 3 行：名称为空", "line 3: name is empty", field="name", row=3)
    assert str(error) == "第 3 行：名称为空 (line 3: name is empty)"
    with translation.override("zh-hans"):
        assert error.message == "第 3 行：名称为空"
    with translation.override("en"):
        assert error.message == "line 3: name is empty"
        assert error.as_dict()["message_zh"] == "第 3 行：名称为空"
    assert error.as_dict()["row"] == 3 and error.as_dict()["field"] == "name"

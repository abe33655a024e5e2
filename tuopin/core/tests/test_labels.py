"""Codes shown as labels, bilingual messages shown in the reader's language."""

from django.template import Context, Template
from django.utils import translation

from tuopin.core.labels import in_language, label_for


def test_a_code_is_shown_as_its_label_in_the_active_language():
    with translation.override("zh-hans"):
        assert label_for("permission", "registry.import") == "导入建档立卡表格"
        assert label_for("result", "unknown") == "待核实"
        assert label_for("case_action", "propose") == "发起"
        assert label_for("step", "household_consent") == "贫困户签字认可"
        assert label_for("job_kind", "registry.import") == "导入建档立卡表格"
        assert label_for("role", "county_office") == "县扶贫办"
    with translation.override("en"):
        assert label_for("result", "fail") == "Fail"
        assert label_for("job_kind", "registry.import") == "Import registry spreadsheet"
        assert label_for("role", "county_office") != "县扶贫办"


def test_an_unknown_code_stays_visible_and_blank_stays_blank():
    assert label_for("result", "maybe") == "maybe"  # the screen test then finds it
    assert label_for("result", None) == ""


def test_a_bilingual_message_shows_the_half_for_the_reader():
    with translation.override("zh-hans"):
        assert in_language("完成 (done)") == "完成"
        assert in_language("已检查 10 户 (10 households checked)") == "已检查 10 户"
        assert in_language("10/20") == "10/20"
        assert (
            in_language(
                "任务因内部错误中止（ValueError），请联系管理员。 (The job stopped (ValueError).)"
            )
            == "任务因内部错误中止（ValueError），请联系管理员。"
        )
    with translation.override("en"):
        assert in_language("完成 (done)") == "done"
        assert in_language("只有中文") == "只有中文"


def test_the_template_filters():
    template = Template('{% load labels %}{{ p|label_for:"permission" }}|{{ m|in_language }}')
    with translation.override("zh-hans"):
        text = template.render(Context({"p": "jobs.run", "m": "完成 (done)"}))
    assert text == "提交后台任务|完成"

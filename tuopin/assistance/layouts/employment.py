"""人社 ledgers: employment and its services, public-welfare posts, skills training."""

from tuopin.assistance.enums import (
    EmploymentForm,
    EmploymentStatus,
    PostFunding,
    PostType,
    ServiceKind,
    TrainingMode,
)
from tuopin.assistance.layouts.base import (
    CHILD,
    ID_NUMBER,
    NAME,
    NOTE,
    YEAR,
    Layout,
    Parent,
    a_date,
    code,
    linked,
    money,
    person,
    text,
    whole,
    yes_no,
)

EMPLOYMENT = Layout(
    "employment",
    "EmploymentRecord",
    (
        *person(),
        code(
            "status", "就业状态", EmploymentStatus, "是否就业", words={"就业": "1", "未就业": "2"}
        ),
        code(
            "form",
            "就业形式",
            EmploymentForm,
            "就业方式",
            words={"务工": "1", "外出": "1", "车间": "3", "公益岗": "4", "创业": "5"},
        ),
        text("work_province", "就业地(省)", "务工省份", "就业省份"),
        text("work_city", "就业地(市)", "务工市", "就业城市"),
        text("work_county", "就业地(县)", "务工县", "就业县"),
        text("employer", "单位名称", "就业单位", "务工单位"),
        a_date("started_on", "就业开始日期", "务工开始时间", "就业时间"),
        a_date("ended_on", "就业结束日期", "务工结束时间"),
        money("monthly_income", "月收入", "月工资", "月收入(元)"),
        whole("contract_months", "合同期限(月)", "合同期限", "协议期限(月)"),
        yes_no("social_insurance", "参加社会保险", "是否参保", "社保参保"),
        text("job_intention", "就业意向"),
        yes_no("wants_training", "有培训意愿", "培训意愿"),
        NOTE,
    ),
    ("year", "id_number"),
)

EMPLOYMENT_SERVICE = Layout(
    "employment_service",
    "EmploymentService",
    (
        linked(YEAR, required=True),
        linked(ID_NUMBER, required=True),
        linked(NAME),
        a_date("date", "服务日期", "服务时间", required=True),
        code("kind", "服务类型", ServiceKind, "服务类别", required=True),
        text("staff", "服务人员", "服务人"),
    ),
    ("record_id", "date", "kind"),
    match=CHILD,
    parent=Parent(
        "record_id",
        "EmploymentRecord",
        {"year": "year", "id_number": "id_number"},
        "就业台账（同一年度、身份证号）",
        "employment record (same year and ID number)",
    ),
)

POST = Layout(
    "post",
    "PublicWelfarePost",
    (
        *person("上岗人身份证号", name_synonyms=("上岗人姓名",)),
        code(
            "post_type",
            "岗位类型",
            PostType,
            "岗位名称",
            words={"保洁员": "2", "保洁": "2", "治安协管": "3", "护路员": "4", "养路": "4"},
            required=True,
        ),
        code("funding", "资金来源", PostFunding, words={"就业补助": "1", "光伏": "2"}),
        money("monthly_pay", "月补贴", "月补贴(元)", "月工资", "补贴标准"),
        a_date("started_on", "上岗日期", "上岗时间"),
        a_date("ended_on", "离岗日期", "离岗时间"),
        text("assessment", "考勤考核", "考核情况"),
        NOTE,
    ),
    ("year", "id_number", "post_type"),
)

TRAINING = Layout(
    "training",
    "Trainee",
    (
        *person("学员身份证号", name_synonyms=("学员姓名",)),
        linked(text("course_name", "培训名称", "培训项目", "班次名称", required=True)),
        linked(text("institution", "培训机构名称", "培训机构")),
        linked(text("category", "培训类别", "培训工种", "工种")),
        linked(code("mode", "培训方式", TrainingMode)),
        linked(a_date("course_started_on", "培训开始日期", "培训时间", required=True)),
        linked(a_date("course_ended_on", "培训结束日期")),
        linked(text("place", "培训地点")),
        whole("days_attended", "出勤天数", "出勤(天)"),
        text("certificate", "证书", "取得证书", "证书名称"),
        yes_no("completed", "结业", "是否结业"),
        NOTE,
    ),
    ("course_id", "id_number"),
    parent=Parent(
        "course_id",
        "TrainingCourse",
        {
            "year": "year",
            "name": "course_name",
            "institution": "institution",
            "started_on": "course_started_on",
        },
        "培训班次",
        "training course",
        create=True,
        defaults={
            "category": "category",
            "mode": "mode",
            "ended_on": "course_ended_on",
            "place": "place",
        },
    ),
)

LAYOUTS = [EMPLOYMENT, EMPLOYMENT_SERVICE, POST, TRAINING]

"""The shipped policy `henan-2018`: domain.md §4 as data (clauses in the rule language)."""

POVERTY_LINE = {
    "2011": 2536,
    "2012": 2625,
    "2013": 2736,
    "2014": 2800,
    "2015": 2855,
    "2016": 2952,
    "2017": 2952,
    "2018": 2995,
    "2019": 3218,
    "2020": 4000,
}

PARAMETERS = {
    "poverty_line": {"label": "扶贫标准（贫困线）", "unit": "元/人·年", "by_year": POVERTY_LINE},
    "school_age_min": {"label": "义务教育起始年龄", "unit": "岁", "value": 6},
    "school_age_max": {"label": "义务教育截止年龄", "unit": "岁", "value": 15},
    "village_incidence_max": {"label": "贫困村退出贫困发生率上限", "unit": "%", "value": 2},
    "county_incidence_max": {"label": "贫困县退出贫困发生率上限", "unit": "%", "value": 2},
    "wrong_exit_rate_max": {"label": "错退率上限", "unit": "%", "value": 2},
    "missed_rate_max": {"label": "漏评率上限", "unit": "%", "value": 2},
    "approval_min": {"label": "群众认可度下限", "unit": "%", "value": 90},
    "villages_exited_min": {"label": "贫困村退出比例下限", "unit": "%", "value": 90},
}


def fact(name):
    return {"fact": name}


def param(name):
    return {"param": name}


def value(v):
    return {"value": v}


def op(name, *args):
    return {"op": name, "args": list(args)}


def is_true(name):
    return op("eq", fact(name), value(True))


def is_false(name):
    return op("eq", fact(name), value(False))


SCHOOL_AGE_NOT_IN_SCHOOL = op(
    "and",
    op("ge", fact("age"), param("school_age_min")),
    op("le", fact("age"), param("school_age_max")),
    op("eq", fact("student_status"), value("01")),
    # A disabled or seriously ill child is listed for review, not failed.
    {"op": "not", "arg": op("or", is_true("is_disabled"), is_true("is_seriously_ill"))},
)

HOUSEHOLD_CLAUSES = [
    (
        "income",
        "收入稳定超过国家扶贫标准",
        "年人均纯收入（现有成员）高于评估年度的扶贫标准。",
        op("gt", fact("per_capita_income"), param("poverty_line")),
    ),
    (
        "food_clothing",
        "不愁吃、不愁穿",
        "不愁吃、不愁穿均已核实。",
        op("and", is_true("food_secure"), is_true("clothing_secure")),
    ),
    (
        "education",
        "义务教育有保障",
        "没有 6–15 周岁的非在校生（残疾或患大病的列入复核，不判为不达标）。",
        {"op": "none", "over": "members", "where": SCHOOL_AGE_NOT_IN_SCHOOL},
    ),
    (
        "medical",
        "基本医疗有保障",
        "现有成员全部参加基本医疗保险；患大病的成员参加大病保险。",
        op(
            "and",
            {"op": "all", "over": "members", "where": is_true("has_basic_medical_insurance")},
            {
                "op": "all",
                "over": "members",
                "where": op(
                    "or", is_false("is_seriously_ill"), is_true("has_serious_illness_insurance")
                ),
            },
        ),
    ),
    (
        "housing",
        "住房安全有保障",
        "有自有住房（或易地搬迁已入住），且危房等级为 A 级或 B 级。",
        op(
            "and",
            op(
                "or",
                is_true("owns_house"),
                op("and", is_true("is_relocated"), is_true("relocation_moved_in")),
            ),
            {"op": "in", "arg": fact("housing_grade"), "values": ["A", "B"]},
        ),
    ),
    (
        "water",
        "饮水安全",
        "饮水安全且不存在饮水困难。",
        op("and", is_true("water_safe"), is_false("water_difficult")),
    ),
    (
        "not_new_this_year",
        "非当年识别或返贫",
        "当年识别、当年返贫的贫困户不能当年退出。",
        op(
            "and",
            op("ne", fact("identified_year"), param("year")),
            op(
                "or",
                {"op": "missing", "arg": fact("returned_year")},
                op("ne", fact("returned_year"), param("year")),
            ),
        ),
    ),
    (
        "has_measure",
        "有帮扶措施",
        "至少登记一项帮扶措施（截至评估年度）。",
        op("ge", fact("measure_count"), value(1)),
    ),
]

VILLAGE_CLAUSES = [
    (
        "incidence",
        "贫困发生率低于 2%",
        "未脱贫人口 ÷ 户籍人口低于 2%。",
        op("lt", fact("incidence"), param("village_incidence_max")),
    ),
    ("road", "通硬化路", "有一条通村硬化路。", is_true("road")),
    ("bus", "通客车", "具备条件的通客车。", is_true("bus")),
    ("water", "饮水安全", "村内饮水安全。", is_true("water")),
    ("electricity", "通生产生活用电", "生产生活用电有保障。", is_true("electricity")),
    ("radio_tv", "广播电视户户通", "广播电视覆盖每户。", is_true("radio_tv")),
    (
        "culture_centre",
        "有综合性文化服务中心",
        "建有综合性文化服务中心。",
        is_true("culture_centre"),
    ),
    ("clinic", "有标准化卫生室", "建有标准化卫生室。", is_true("clinic")),
    ("doctor", "有合格村医", "卫生室有合格村医。", is_true("doctor")),
    ("broadband", "通宽带", "宽带网络覆盖。", is_true("broadband")),
]

COUNTY_CLAUSES = [
    (
        "incidence",
        "贫困发生率低于 2%",
        "未脱贫人口 ÷ 农业户籍人口低于 2%。",
        op("lt", fact("incidence"), param("county_incidence_max")),
    ),
    (
        "wrong_exit_rate",
        "错退率低于 2%",
        "抽样核查的错退率低于 2%。",
        op("lt", fact("wrong_exit_rate"), param("wrong_exit_rate_max")),
    ),
    (
        "missed_rate",
        "漏评率低于 2%",
        "抽样核查的漏评率低于 2%。",
        op("lt", fact("missed_rate"), param("missed_rate_max")),
    ),
    (
        "approval",
        "群众认可度不低于 90%",
        "群众认可度达到 90% 以上。",
        op("ge", fact("approval"), param("approval_min")),
    ),
    (
        "villages_exited",
        "贫困村退出 90% 以上",
        "已退出贫困村占全部贫困村 90% 以上。",
        op("ge", fact("villages_exited_share"), param("villages_exited_min")),
    ),
]

CLAUSES = {"household": HOUSEHOLD_CLAUSES, "village": VILLAGE_CLAUSES, "county": COUNTY_CLAUSES}


def ship(policy_model, clause_model, published_at) -> None:
    """Create henan-2018 v1 (published) unless present; used by the migration and by tests
    that flush the database."""
    if policy_model.objects.filter(code="henan-2018").exists():
        return
    policy = policy_model.objects.create(
        code="henan-2018",
        version=1,
        title="河南省 2018 年贫困退出标准",
        status="published",
        parameters=PARAMETERS,
        note="按国家 2016 年贫困退出机制及河南省实施办法",
        published_at=published_at,
    )
    clause_model.objects.bulk_create(
        [
            clause_model(
                policy=policy,
                level=level,
                code=code,
                title=title,
                description=description,
                expression=expression,
                position=position,
            )
            for level, clauses in CLAUSES.items()
            for position, (code, title, description, expression) in enumerate(clauses)
        ]
    )

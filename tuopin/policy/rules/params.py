"""Policy parameters: scalars or tables by year (the poverty line), resolved per run."""

import datetime

from tuopin.policy.rules.ast import PolicyInvalid


def check_parameters(parameters) -> dict:
    """Each parameter is {"label": ..., "unit": ..., "value": n} or {..., "by_year": {...}}."""
    if not isinstance(parameters, dict):
        raise PolicyInvalid("参数必须是对象", "parameters must be an object")
    for name, spec in parameters.items():
        if not isinstance(spec, dict) or not spec.get("label"):
            raise PolicyInvalid(
                f"参数 {name} 缺少名称", f"parameter {name} has no label", field=name
            )
        if "by_year" in spec:
            table = spec["by_year"]
            if not isinstance(table, dict) or not table:
                raise PolicyInvalid(
                    f"参数 {name} 的年度表为空", f"parameter {name} has an empty table", field=name
                )
            for year, value in table.items():
                if not str(year).isdigit() or not _is_number(value):
                    raise PolicyInvalid(
                        f"参数 {name}：{year} 年的值 {value!r} 无效",
                        f"parameter {name}: invalid value {value!r} for {year}",
                        field=name,
                    )
        elif not _is_number(spec.get("value")):
            raise PolicyInvalid(
                f"参数 {name} 需要数值", f"parameter {name} needs a number", field=name
            )
    return parameters


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def resolve_parameters(parameters: dict, year: int, as_of: datetime.date) -> dict[str, float]:
    """The value of every parameter for an evaluation year; a missing year is an error."""
    values: dict[str, float] = {"year": year}
    for name, spec in parameters.items():
        if "by_year" in spec:
            value = spec["by_year"].get(str(year))
            if value is None:
                raise PolicyInvalid(
                    f"参数“{spec['label']}”没有 {year} 年的值",
                    f"parameter {name} has no value for {year}",
                    field=name,
                )
            values[name] = value
        else:
            values[name] = spec["value"]
    return values


def ymd(day: datetime.date) -> int:
    """A date as the integer YYYYMMDD: full years of age are (as_of - birth) // 10000."""
    return day.year * 10000 + day.month * 100 + day.day

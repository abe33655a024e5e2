"""`tuopin funds warnings`: the funds' early warnings, each with its rule, record and
amount. Without --recompute the findings are computed fresh (set-based, nothing stored)
and printed; with --recompute the stored warnings are brought in line (new ones opened,
vanished ones cleared, overdue ones escalated) — the nightly run:

    30 2 * * *  cd /srv/tuopin && .venv/bin/tuopin funds warnings --recompute

The rules are read from the analytic copy (docs/analytics.md), unless --on-database.
"""

import json
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from tuopin.core.errors import TuopinError
from tuopin.projects.models import Fund, FundPayment, Project
from tuopin.projects.warning_rules import RULES, context_for, findings, rule_get
from tuopin.projects.warnings_services import warnings_recompute
from tuopin.regions.selectors import region_option


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            f"日期“{text}”无效，应为 YYYY-MM-DD (invalid date '{text}': YYYY-MM-DD)"
        ) from error


class Command(BaseCommand):
    help = "资金：warnings 资金动态监控预警 (funds: the early warnings)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        warnings = sub.add_parser("warnings", help="资金预警 (the funds' early warnings)")
        warnings.add_argument(
            "--region", default="", help="区划代码，12 位或前 2/4/6/9 位 (12 digits or prefix)"
        )
        warnings.add_argument("--json", action="store_true", help="输出 JSON (JSON output)")
        warnings.add_argument(
            "--as-of",
            dest="as_of",
            default="",
            help="按该日计算，YYYY-MM-DD；默认为资金数据的最后日期（不晚于今天） (day; default: the data's last day)",
        )
        warnings.add_argument(
            "--rule",
            dest="rules",
            action="append",
            default=[],
            metavar="RULE",
            help="只运行该规则，可重复 (only this rule; repeatable)",
        )
        warnings.add_argument(
            "--recompute",
            action="store_true",
            help="更新已保存的预警并上报逾期预警 (update the stored warnings, escalate)",
        )
        warnings.add_argument(
            "--on-database",
            dest="on_database",
            action="store_true",
            help="在业务数据库上计算，不用分析副本 (find them on the operational database, "
            "not on the analytic copy: docs/analytics.md)",
        )

    def handle(self, *args, **options):
        region = region_option(options["region"])
        prefix = region.prefix if region else ""
        as_of = _date(options["as_of"]) if options["as_of"] else None
        try:
            codes = [rule_get(code).code for code in options["rules"]] or list(RULES)
        except TuopinError as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        if options["recompute"]:
            counts = warnings_recompute(prefix, as_of, codes, on_copy=not options["on_database"])
            if options["json"]:
                self.stdout.write(json.dumps(counts, ensure_ascii=False))
            else:
                self.stdout.write(
                    "资金预警已更新 (warnings recomputed): "
                    + "，".join(f"{k} {v}" for k, v in counts.items())
                )
            return
        context = context_for(prefix=prefix, as_of=as_of)
        found = findings(context, codes, on_copy=not options["on_database"])
        seconds = time.perf_counter() - started
        documents = dict(
            Fund.objects.filter(pk__in={f.fund_id for f in found if f.fund_id}).values_list(
                "pk", "document"
            )
        )
        project_codes = dict(
            Project.objects.filter(
                pk__in={f.project_id for f in found if f.project_id}
            ).values_list("pk", "code")
        )
        payments = {
            pk: (voucher, fund_document)
            for pk, voucher, fund_document in FundPayment.objects.filter(
                pk__in={f.payment_id for f in found if f.payment_id}
            ).values_list("pk", "voucher", "fund__document")
        }
        if options["json"]:
            out = []
            for f in found:
                voucher, payment_document = payments.get(f.payment_id, ("", None))
                out.append(
                    {
                        "rule": f.rule,
                        "severity": f.severity,
                        "subject": f.subject,
                        "region": f.region,
                        "amount": str(f.amount) if f.amount is not None else None,
                        "detail": f.detail,
                        "fund_document": documents.get(f.fund_id) or payment_document,
                        "project_code": project_codes.get(f.project_id),
                        "payment_id": f.payment_id,
                        "payment_ids": list(f.payment_ids),
                        "voucher": voucher or None,
                        "id_number": f.id_number or None,
                    }
                )
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        where = f"{region.name} {region.code}" if region else "全部 (all)"
        self.stdout.write(
            f"资金预警 (funds warnings) · {where} · {context.as_of} · "
            f"{len(found)} 条 ({seconds:.2f}s)"
        )
        for f in found:
            record = " ".join(
                part
                for part in (
                    documents.get(f.fund_id, ""),
                    project_codes.get(f.project_id, ""),
                    f"支付#{f.payment_id}" if f.payment_id else "",
                )
                if part
            )
            amount = f"{f.amount} 元" if f.amount is not None else "金额未知"
            self.stdout.write(
                f"{f.rule}  {RULES[f.rule].label_zh}  {f.region}  {record or f.subject}  "
                f"{amount}  {f.detail}"
            )

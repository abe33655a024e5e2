"""Forms of the fund ledger's pages (the treasury's entries, the filters, the upload)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.core.forms import bootstrap
from tuopin.core.uploads import SpreadsheetUploadForm
from tuopin.projects.enums import FundNature, PayeeKind, SourceLevel


class DateInput(forms.DateInput):
    input_type = "date"


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


def _amount():
    return forms.DecimalField(label=_("金额（元）"), max_digits=14, decimal_places=2)


class FundForm(_Form):
    document = forms.CharField(label=_("指标文件文号"), max_length=100)
    name = forms.CharField(label=_("资金名称"), max_length=200)
    nature = forms.ChoiceField(label=_("资金性质"), choices=FundNature.choices)
    level = forms.ChoiceField(label=_("资金来源级次"), choices=SourceLevel.choices)
    functional_class = forms.CharField(label=_("支出功能分类科目"), max_length=60, required=False)
    integrated = forms.NullBooleanField(
        label=_("纳入统筹整合涉农资金"),
        widget=forms.Select(
            choices=[("unknown", _("未填报")), ("true", _("是")), ("false", _("否"))]
        ),
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, initial=2018)
    amount = _amount()
    region = forms.CharField(label=_("收到资金区划代码"), max_length=12, min_length=12)
    issued_on = forms.DateField(label=_("文件日期"), required=False, widget=DateInput)
    received_on = forms.DateField(label=_("到达日期"), widget=DateInput)


class AllocationForm(_Form):
    from_region = forms.CharField(label=_("下达单位区划代码"), max_length=12, min_length=12)
    to_region = forms.CharField(label=_("接收区划代码"), max_length=12, min_length=12)
    amount = _amount()
    allocated_on = forms.DateField(label=_("下达日期"), widget=DateInput)
    document = forms.CharField(label=_("下达文号"), max_length=100, required=False)


class DisbursementForm(_Form):
    region = forms.CharField(label=_("拨付区划代码"), max_length=12, min_length=12)
    project = forms.CharField(label=_("项目编号"), max_length=40)
    amount = _amount()
    disbursed_on = forms.DateField(label=_("拨付日期"), widget=DateInput)
    voucher = forms.CharField(label=_("拨付凭证号"), max_length=60, required=False)


class PaymentForm(_Form):
    payee_kind = forms.ChoiceField(label=_("支付对象类型"), choices=PayeeKind.choices)
    payee = forms.CharField(label=_("收款人"), max_length=200)
    id_number = forms.CharField(label=_("身份证号"), max_length=22, required=False)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    account = forms.CharField(label=_("收款账号"), max_length=40, required=False)
    item = forms.CharField(label=_("支付事项"), max_length=100)
    period = forms.CharField(label=_("所属期间"), max_length=10, required=False)
    amount = _amount()
    paid_on = forms.DateField(label=_("支付日期"), widget=DateInput)
    voucher = forms.CharField(label=_("支付凭证号"), max_length=60, required=False)


class PaymentFilter(_Form):
    q = forms.CharField(label=_("收款人、事项或凭证号"), required=False, max_length=40)
    kind = forms.ChoiceField(
        label=_("支付对象类型"), required=False, choices=[("", _("全部"))] + PayeeKind.choices
    )


class FundsImportForm(SpreadsheetUploadForm):
    """The upload checks of every user file (type, size, structure) before reading."""

    what = forms.ChoiceField(
        label=_("表格"),
        choices=[("funds", _("资金指标、分配下达与拨付")), ("payments", _("资金支付明细"))],
    )
    file = forms.FileField(label=_("文件（xlsx、xls 或 csv）"))
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False)
    partial = forms.BooleanField(label=_("只写入没有错误的行"), required=False)

from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.core.forms import bootstrap
from tuopin.regions.models import Region


class RegionAttributesForm(forms.ModelForm):
    """Poverty attributes of a division; which fields show depends on its level."""

    class Meta:
        model = Region
        fields = [
            "poor_county_type",
            "is_poor_village",
            "is_deeply_poor_village",
            "poor_identified_year",
            "poor_exited_year",
            "registered_population",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.level != "county":
            del self.fields["poor_county_type"]
        if self.instance.level != "village":
            del self.fields["is_poor_village"]
            del self.fields["is_deeply_poor_village"]
        bootstrap(self)

    def clean(self):
        data = super().clean()
        identified, exited = data.get("poor_identified_year"), data.get("poor_exited_year")
        if identified and exited and exited < identified:
            self.add_error("poor_exited_year", _("退出年度不能早于识别年度。"))
        if data.get("is_deeply_poor_village") and not data.get("is_poor_village"):
            self.add_error("is_deeply_poor_village", _("深度贫困村必须同时是贫困村。"))
        for name in ("poor_identified_year", "poor_exited_year"):
            year = data.get(name)
            if year is not None and not 1980 <= year <= 2100:
                self.add_error(name, _("年度应在 1980 至 2100 之间。"))
        return data

"""Forms of the tourism office's pages."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

SLUG = RegexValidator(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("Lower-case letters, digits and dashes only."))


class RewardForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=60, validators=[SLUG])
    name_id = forms.CharField(label=_("Name (Indonesian)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    description_id = forms.CharField(
        label=_("Description (Indonesian)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    stamps_required = forms.IntegerField(label=_("Stamps required"), min_value=1, max_value=100, initial=5)
    stock = forms.IntegerField(label=_("Stock (empty: unlimited)"), min_value=0, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

from __future__ import annotations

from django import forms

from portal.models import ResourceKind, Role, SpeechResource, Team
from portal.services import azure_urls


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name"]


class MembershipForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)


class SpeechResourceForm(forms.ModelForm):
    key = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted and never shown again. Leave empty to keep the current key.",
    )
    management_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Management API URL",
        help_text="For Azure, leave empty: it follows from the region.",
    )
    recognition_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Recognition URL",
        help_text="For Azure, leave empty: it follows from the region.",
    )
    api_version = forms.ChoiceField(choices=[("v3.2", "v3.2")], initial="v3.2", label="API version")

    class Meta:
        model = SpeechResource
        fields = [
            "name",
            "kind",
            "region",
            "management_url",
            "recognition_url",
            "api_version",
            "arm_id",
            "teams",
            "default_team",
            "budget_requests",
            "budget_seconds",
        ]
        labels = {
            "budget_requests": "Request budget",
            "budget_seconds": "per seconds",
            "default_team": "Default team",
        }
        help_texts = {
            "default_team": "Projects found on the resource (made in Speech Studio, spx, curl) "
            "land here.",
            "budget_requests": "The documented quota is 100 requests per 10 seconds.",
        }
        widgets = {"teams": forms.CheckboxSelectMultiple}

    def clean_region(self) -> str:
        region = self.cleaned_data["region"].strip().lower()
        if not region.isalnum():
            raise forms.ValidationError(
                "A region is letters and digits, e.g. westus or westeurope."
            )
        return region

    def clean(self) -> dict:
        data = super().clean()
        kind, region = data.get("kind"), data.get("region")
        if kind == ResourceKind.AZURE and region:
            management, recognition = azure_urls(region)
            data["management_url"] = data.get("management_url") or management
            data["recognition_url"] = data.get("recognition_url") or recognition
        elif kind == ResourceKind.LOCAL:
            if not data.get("management_url"):
                self.add_error(
                    "management_url", "The bundled service's URL, e.g. http://127.0.0.1:8000."
                )
            data["recognition_url"] = data.get("recognition_url") or data.get("management_url")
        if not self.instance.pk and not data.get("key"):
            self.add_error("key", "A new resource needs its key.")
        for name in ("management_url", "recognition_url"):
            if data.get(name):
                data[name] = data[name].rstrip("/")
                setattr(self.instance, name, data[name])
        return data

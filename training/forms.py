from __future__ import annotations

from django import forms


class DetailsForm(forms.Form):
    display_name = forms.CharField(max_length=200, label="Name")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    weight_percent = forms.IntegerField(
        min_value=1,
        max_value=100,
        required=False,
        label="Custom model weight (%)",
        help_text=(
            "How much the custom language model counts against the base model; "
            "empty keeps the service's default."
        ),
    )


class EvaluationForm(forms.Form):
    display_name = forms.CharField(max_length=200, label="Name")
    model1 = forms.ChoiceField(label="Model 1")
    model2 = forms.ChoiceField(label="Model 2 (optional)", required=False)
    dataset = forms.ChoiceField(label="Test dataset")

    def __init__(
        self, *args, models: list[tuple[str, str]], datasets: list[tuple[int, str]], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model1"].choices = models
        self.fields["model2"].choices = [("", "— the same model (a single-model test) —"), *models]
        self.fields["dataset"].choices = datasets

from __future__ import annotations

from django import forms

from portal.models import SpeechResource
from speechformats.datasets import KINDS

KIND_HELP = {
    "Acoustic": (
        "Audio + human-labeled transcript",
        "A .zip of WAV files (16 kHz, mono, 16-bit) and one trans.txt of "
        "'file.wav<TAB>transcript' lines.",
        "clinic01.wav\tPalpitations improved on metoprolol succinate.",
    ),
    "AudioFiles": (
        "Audio only",
        "A .zip of WAV files, for inspecting how models hear them (testing only).",
        "clinic01.wav, clinic02.wav, ...",
    ),
    "Language": (
        "Plain text",
        "Sentences of your domain, one per line, UTF-8 with BOM.",
        "The patient was started on metoprolol for atrial fibrillation.",
    ),
    "LanguageMarkdown": (
        "Structured text",
        "Sentences with {lists} of items, and a phonetic lexicon, in markdown.",
        "@ list drug =\n- metoprolol\n- apixaban\nstart {drug} today",
    ),
    "Pronunciation": (
        "Pronunciation",
        "How to say a word: 'display form<TAB>spoken form' per line.",
        "IEEE\ti triple e",
    ),
    "OutputFormatting": (
        "Output formatting",
        "Display rules: #itn, #rewrite 'old<TAB>new', #profanity, #test.",
        "#rewrite\nmetoprolol succinate\tMetoprolol Succinate",
    ),
}


class ProjectForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None)
    resource = forms.ModelChoiceField(
        queryset=SpeechResource.objects.none(), label="Speech resource"
    )
    display_name = forms.CharField(max_length=200, label="Name")
    locale = forms.ChoiceField(choices=[("en-US", "English (United States)")])
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, teams, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["resource"].queryset = SpeechResource.objects.filter(teams__in=teams).distinct()

    def clean(self) -> dict:
        data = super().clean()
        team, resource = data.get("team"), data.get("resource")
        if team and resource and not resource.teams.filter(id=team.id).exists():
            self.add_error("resource", f"{team.name} may not use {resource.name}.")
        return data


class KindForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(k, KIND_HELP[k][0]) for k in KINDS], widget=forms.RadioSelect
    )


class SourceForm(forms.Form):
    file = forms.FileField(required=False)
    content_url = forms.URLField(required=False, assume_scheme="https", label="URL")

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("content_url")):
            raise forms.ValidationError("Choose a file or give a URL (one of the two).")
        return data


class DetailsForm(forms.Form):
    display_name = forms.CharField(max_length=200, label="Name")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

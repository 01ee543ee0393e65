"""Forms of the staff data pages: import, paper entry, export."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skm.org.models import Service
from skm.surveys.models import Period, QuestionnaireElement
from skm.surveys.text import clean_text

# Paper questionnaires are typed with short codes; the order is Lampiran III's.
EDUCATION_CODES: tuple[tuple[str, str, str], ...] = (
    ("1", "SD", "SD"),
    ("2", "SMP", "SMP"),
    ("3", "SMA", "SMA"),
    ("4", "D1_D3", "D1-D3"),
    ("5", "D4_S1", "D4/S1"),
    ("6", "S2", "S2"),
    ("7", "S3", "S3"),
)
OCCUPATION_CODES: tuple[tuple[str, str, str], ...] = (
    ("1", "PNS", "PNS"),
    ("2", "TNI", "TNI"),
    ("3", "POLRI", "POLRI"),
    ("4", "SWASTA", "Swasta"),
    ("5", "WIRAUSAHA", "Wirausaha"),
    ("6", "LAINNYA", "Lainnya"),
)
OTHER_OCCUPATION = "6"


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Period) -> str:
        return _period_label(obj)


def _period_label(period: Period) -> str:
    return f"{period.name} – {period.unit.name} ({period.get_status_display()})"


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return obj.name


class ImportUploadForm(forms.Form):
    period = PeriodChoiceField(queryset=Period.objects.none(), label=_("Period"))
    service = ServiceChoiceField(
        queryset=Service.objects.none(),
        required=False,
        label=_("Service for every row"),
        empty_label=_("As in the file's service column (or none)"),
        help_text=_("Choose one only when the whole file is about one service."),
    )
    file = forms.FileField(
        label=_("Response file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )
    sheet = forms.CharField(
        required=False,
        max_length=120,
        label=_("Sheet"),
        help_text=_("XLSX only; leave empty for the first sheet."),
    )

    def __init__(self, *args, periods, services, max_mb: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        self.fields["service"].queryset = services
        self.fields["file"].help_text = _(
            "CSV or XLSX, at most %(max)s MB (e.g. a Google Forms export or the unit's Excel "
            "sheet). Columns are recognised by their headers: element codes (U1…), element "
            "names or the questions, and the profile (date, sex, age, education, occupation, "
            "service, suggestion)."
        ) % {"max": max_mb}


class ImportConfirmForm(forms.Form):
    force = forms.BooleanField(
        required=False,
        label=_("Load again"),
        help_text=_("This exact file was imported into this period before; tick to load it again."),
    )


class ExportForm(forms.Form):
    FORMATS = (("csv", _("CSV (one row per respondent)")), ("xlsx", _("Excel olah data (XLSX)")))

    period = PeriodChoiceField(
        queryset=Period.objects.none(),
        label=_("Period"),
        error_messages={
            "required": _("Choose the period whose responses you want to download."),
            "invalid_choice": _(
                "The period chosen is not one of this unit's periods: choose one from the list."
            ),
        },
    )
    service = ServiceChoiceField(
        queryset=Service.objects.none(),
        required=False,
        label=_("Service"),
        empty_label=_("All services"),
        error_messages={
            "invalid_choice": _(
                "The service chosen is not one of this unit's services: choose one from the "
                "list, or all services."
            ),
        },
    )
    format = forms.ChoiceField(
        choices=FORMATS,
        label=_("Format"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the file format: CSV or Excel olah data (XLSX)."),
            "invalid_choice": _(
                "%(value)s is not a format of this page: choose CSV or Excel olah data (XLSX)."
            ),
        },
    )

    def __init__(self, *args, periods, services, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        self.fields["service"].queryset = services


class PaperPeriodForm(forms.Form):
    periode = PeriodChoiceField(queryset=Period.objects.none(), label=_("Period"))

    def __init__(self, *args, periods, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["periode"].queryset = periods


def _digit_input(extra: dict | None = None) -> forms.TextInput:
    attrs = {
        "inputmode": "numeric",
        "maxlength": "1",
        "autocomplete": "off",
        "class": "digit",
        "data-advance": "1",
    }
    attrs.update(extra or {})
    return forms.TextInput(attrs=attrs)


class PaperForm(forms.Form):
    """One paper questionnaire, typed with one key per answer and short profile codes."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    survey_date = forms.DateField(
        label=_("Date on the questionnaire"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Kept for the next questionnaire."),
    )
    gender = forms.CharField(
        required=False,
        label=_("Sex (L/P)"),
        max_length=1,
        widget=_digit_input({"inputmode": "text", "data-keys": "LlPp", "pattern": "[LlPp]"}),
    )
    age = forms.CharField(
        required=False,
        label=_("Age"),
        max_length=3,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "maxlength": "3", "autocomplete": "off", "class": "age"}
        ),
    )
    education = forms.CharField(
        required=False,
        label=_("Education (1-7)"),
        max_length=1,
        widget=_digit_input({"data-keys": "1234567", "pattern": "[1-7]"}),
    )
    occupation = forms.CharField(
        required=False,
        label=_("Occupation (1-6)"),
        max_length=1,
        widget=_digit_input({"data-keys": "123456", "pattern": "[1-6]"}),
    )
    occupation_other = forms.CharField(
        required=False,
        label=_("Other occupation"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    service = ServiceChoiceField(
        queryset=Service.objects.none(), required=False, label=_("Service"), empty_label="–"
    )
    suggestion = forms.CharField(
        required=False,
        label=_("Suggestion"),
        max_length=2000,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(
        self,
        *args,
        period: Period,
        elements: Iterable[QuestionnaireElement],
        services,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.period = period
        self.elements = list(elements)
        self.service_list = list(services)
        for element in self.elements:
            self.fields[self.answer_name(element)] = forms.CharField(
                required=False,
                max_length=1,
                label=element.code,
                widget=_digit_input({"data-keys": "1234", "pattern": "[1-4]"}),
            )
        service_field = self.fields["service"]
        service_field.queryset = Service.objects.filter(pk__in=[s.pk for s in self.service_list])
        # "1 – KTP-el": typing the number in the focused list picks the service.
        numbers = {s.pk: i for i, s in enumerate(self.service_list, 1)}
        service_field.label_from_instance = lambda s: f"{numbers.get(s.pk, '')} – {s.name}"
        # Answer fields first, in questionnaire order, as on the paper form.
        order = [self.answer_name(e) for e in self.elements]
        self.order_fields(order + [n for n in self.fields if n not in order])

    @staticmethod
    def answer_name(element: QuestionnaireElement) -> str:
        return f"u_{element.code}"

    def answer_fields(self) -> list[tuple[QuestionnaireElement, forms.BoundField]]:
        return [(e, self[self.answer_name(e)]) for e in self.elements]

    @staticmethod
    def initial_for(survey_date: dt.date | None) -> dict:
        # A fresh form-instance id per blank form: a double submit reuses it and stores once.
        return {"client_id": uuid.uuid4(), "survey_date": survey_date}

    def focus_first(self) -> None:
        """Autofocus the first field with an error, else the first answer."""
        names = [n for n, f in self.fields.items() if not f.widget.is_hidden]
        target = next((n for n in names if n in self.errors), names[0]) if self.is_bound else None
        self.fields[target or names[0]].widget.attrs["autofocus"] = True

    # -- field checks

    def _clean_code(self, name: str, allowed: str, message: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if value and value not in allowed:
            raise forms.ValidationError(message)
        return value

    def clean(self) -> dict:
        data = super().clean()
        answers: dict[str, int | None] = {}
        unreadable = False
        for element in self.elements:
            name = self.answer_name(element)
            raw = (data.get(name) or "").strip()
            if not raw:
                answers[element.code] = None
            elif raw in ("1", "2", "3", "4"):
                answers[element.code] = int(raw)
            else:
                unreadable = True
                self.add_error(
                    name,
                    _("%(code)s: type 1, 2, 3 or 4 (leave empty when not answered).")
                    % {"code": element.code},
                )
        if answers and not unreadable and all(v is None for v in answers.values()):
            raise forms.ValidationError(_("Type at least one answer."))
        data["answers"] = answers
        return data

    def clean_survey_date(self) -> dt.date:
        day = self.cleaned_data["survey_date"]
        if not self.period.start_date <= day <= self.period.end_date:
            raise forms.ValidationError(
                _("The date must be within the period (%(start)s to %(end)s).")
                % {
                    "start": self.period.start_date.strftime("%d/%m/%Y"),
                    "end": self.period.end_date.strftime("%d/%m/%Y"),
                }
            )
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean_gender(self) -> str:
        value = (self.cleaned_data.get("gender") or "").strip().upper()
        if value and value not in ("L", "P"):
            raise forms.ValidationError(_("Type L (male) or P (female), or leave it empty."))
        return value

    def clean_age(self) -> int | None:
        value = (self.cleaned_data.get("age") or "").strip()
        if not value:
            return None
        if not value.isdigit() or not 10 <= int(value) <= 120:
            raise forms.ValidationError(_("Type the age in years, 10 to 120."))
        return int(value)

    def clean_education(self) -> str:
        value = self._clean_code(
            "education", "1234567", _("Type a number 1 to 7 from the list, or leave it empty.")
        )
        return {c: code for c, code, _label in EDUCATION_CODES}.get(value, "")

    def clean_occupation(self) -> str:
        value = self._clean_code(
            "occupation", "123456", _("Type a number 1 to 6 from the list, or leave it empty.")
        )
        return {c: code for c, code, _label in OCCUPATION_CODES}.get(value, "")

    def clean_occupation_other(self) -> str:
        text = clean_text(self.cleaned_data.get("occupation_other"), multiline=False)
        occupation = self.cleaned_data.get("occupation")
        if text and occupation is not None and occupation != "LAINNYA":
            raise forms.ValidationError(_("Fill this only when the occupation is 6 (Other)."))
        return text

    def missing(self) -> list[tuple[str, str]]:
        """(field name, what) of every answer and profile entry left empty, in form order.

        Every element unanswered counts (method.md lets a missing answer only reduce that
        element's n, but a questionnaire typed with gaps is more often a slip of the hand
        than the respondent's choice); the profile is Lampiran III's: sex, age, education,
        occupation and, where the unit offers services, the service received. The
        suggestion is optional by the method and never counts."""
        data = self.cleaned_data
        missing = [
            (self.answer_name(e), e.code)
            for e in self.elements
            if data["answers"].get(e.code) is None
        ]
        profile = [
            ("gender", _("sex")),
            ("age", _("age")),
            ("education", _("education")),
            ("occupation", _("occupation")),
        ]
        if self.service_list:
            profile.append(("service", _("service")))
        missing += [(name, what) for name, what in profile if data.get(name) in (None, "")]
        return missing

    def submitted_at(self) -> dt.datetime:
        """Now for today's questionnaires; noon of the written date for older ones."""
        day = self.cleaned_data["survey_date"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))

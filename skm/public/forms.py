"""The public survey form, built from the questionnaire of the period in force.

Decisions (docs/security.md and the form's intro say the same to the respondent):
- Every profile question of Lampiran III is required (sex, age, education, occupation and,
  when the unit offers any, the service received); "Lainnya" may be given without saying
  which occupation. Every element must be answered: a partial questionnaire would count
  towards some elements' NRR and not others, which the unit cannot explain in its report.
- Answers are listed from score 1 to score 4, in the order of the printed questionnaire
  (a, b, c, d of Lampiran III), so that online and paper answers are given the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from skm.method.profile import AGE_MAX, AGE_MIN, EDUCATIONS
from skm.org.models import Service, Unit
from skm.surveys.abuse import HONEYPOT_FIELD
from skm.surveys.models import QuestionnaireElement
from skm.surveys.text import clean_text

SUGGESTION_MAX = 2000
OCCUPATION_OTHER_MAX = 120

GENDER_CHOICES = [("L", _("Male")), ("P", _("Female"))]
# Indonesian degree names read the same in both languages.
EDUCATION_CHOICES = list(EDUCATIONS)
OCCUPATION_CHOICES = [
    ("PNS", _("Civil servant (PNS)")),
    ("TNI", _("Armed forces (TNI)")),
    ("POLRI", _("Police (POLRI)")),
    ("SWASTA", _("Private employee")),
    ("WIRAUSAHA", _("Self-employed")),
    ("LAINNYA", _("Other")),
]


@dataclass(frozen=True)
class ElementQuestion:
    """One element as the template shows it: number, code, name, question, field."""

    number: int
    element: QuestionnaireElement
    field_name: str


@dataclass(frozen=True)
class ElementRow:
    """An element with its bound field, for the template's loop."""

    number: int
    element: QuestionnaireElement
    field: forms.BoundField


def element_field_name(element: QuestionnaireElement, taken: set[str]) -> str:
    """``answer_U1`` for element U1; the position keeps odd or clashing codes apart."""
    name = "answer_" + re.sub(r"[^A-Za-z0-9_]", "_", element.code)
    if name in taken:
        name = f"answer_{element.position}"
    return name


def service_choices(unit: Unit) -> list:
    """The active services of the unit and of the units above it, grouped by unit when
    more than one unit offers some (names may repeat between a Dinas and its UPT)."""
    chain = [unit, *reversed(unit.ancestors())]
    by_unit: dict[int, list[Service]] = {}
    for service in Service.objects.filter(unit__in=chain, is_active=True).order_by(Lower("name")):
        by_unit.setdefault(service.unit_id, []).append(service)
    groups = [(u, by_unit[u.pk]) for u in chain if u.pk in by_unit]
    if len(groups) == 1:
        return [(str(s.pk), s.name) for s in groups[0][1]]
    return [(u.name, [(str(s.pk), s.name) for s in services]) for u, services in groups]


# Fields with a hint under the label; the template gives it the id "id_<field>_hint".
HINTED_FIELDS = ("age", "occupation_other", "suggestion")


class SurveyForm(forms.Form):
    """Profile, one radio group per element, suggestion, and the hidden anti-abuse fields.

    ``service_locked``: the service is given by the URL (or the invitation) and is not a
    field; otherwise the form has a ``service`` select when the unit offers any service.
    """

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    t = forms.CharField(widget=forms.HiddenInput, required=False)  # invitation token
    gender = forms.ChoiceField(
        label=_("Sex"),
        choices=GENDER_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose your sex."),
            "invalid_choice": _("Choose your sex."),
        },
    )
    age = forms.IntegerField(
        label=_("Age"),
        min_value=AGE_MIN,
        max_value=AGE_MAX,
        # A text field with a numeric keyboard: type=number changes the value when a
        # phone user scrolls over it and rejects input without telling why.
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "maxlength": "3",
                "autocomplete": "off",
                "class": "input-age",
            }
        ),
        error_messages={
            "required": _("Enter your age in whole years."),
            "invalid": _("Enter your age as a whole number of years, e.g. 35."),
            "min_value": _("Age must be from 10 to 120 years."),
            "max_value": _("Age must be from 10 to 120 years."),
        },
    )
    education = forms.ChoiceField(
        label=_("Highest education"),
        choices=EDUCATION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose your highest education."),
            "invalid_choice": _("Choose your highest education."),
        },
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"),
        choices=OCCUPATION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose your occupation."),
            "invalid_choice": _("Choose your occupation."),
        },
    )
    occupation_other = forms.CharField(
        label=_("Other occupation"),
        required=False,
        max_length=OCCUPATION_OTHER_MAX,
        error_messages={
            "max_length": _("Write the occupation in at most %(limit_value)d characters."),
        },
    )
    suggestion = forms.CharField(
        label=_("Suggestions for improving the service"),
        required=False,
        max_length=SUGGESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _(
                "The suggestion can have at most %(limit_value)d characters "
                "(it has %(show_value)d)."
            ),
        },
    )

    def __init__(
        self,
        *args,
        elements: list[QuestionnaireElement],
        unit: Unit,
        service_locked: bool,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.questions: list[ElementQuestion] = []
        taken: set[str] = set(self.fields)
        for number, element in enumerate(elements, start=1):
            name = element_field_name(element, taken)
            taken.add(name)
            self.fields[name] = forms.TypedChoiceField(
                label=element.question,
                choices=[
                    ("1", element.label_1),
                    ("2", element.label_2),
                    ("3", element.label_3),
                    ("4", element.label_4),
                ],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Answer question %(number)s (%(name)s).")
                    % {"number": number, "name": element.name},
                    "invalid_choice": _("Answer question %(number)s (%(name)s).")
                    % {"number": number, "name": element.name},
                },
            )
            self.questions.append(ElementQuestion(number, element, name))
        self.services_offered = [] if service_locked else service_choices(unit)
        if self.services_offered:
            self.fields["service"] = forms.ChoiceField(
                label=_("Service received"),
                choices=[("", _("Choose a service")), *self.services_offered],
                error_messages={
                    "required": _("Choose the service you received."),
                    "invalid_choice": _("Choose the service you received."),
                },
            )
        # The honeypot is declared last so that it follows the real fields in the data.
        self.fields[HONEYPOT_FIELD] = forms.CharField(required=False)
        for name in HINTED_FIELDS:
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_hint"

    def mark_errors(self) -> None:
        """Point each field with an error at its message, for screen readers."""
        for name in self.errors:
            if name not in self.fields or isinstance(self.fields[name].widget, forms.RadioSelect):
                continue  # radio groups are marked in the template, on their fieldset
            attrs = self.fields[name].widget.attrs
            described = [attrs.get("aria-describedby", ""), f"id_{name}_error"]
            attrs["aria-describedby"] = " ".join(d for d in described if d)
            attrs["aria-invalid"] = "true"

    # Field order of the page, for the error summary (the template lays them out).
    def summary_order(self) -> list[str]:
        profile = ["gender", "age", "education", "occupation", "occupation_other"]
        head = ["service"] if "service" in self.fields else []
        return [*head, *profile, *(q.field_name for q in self.questions), "suggestion"]

    def clean_occupation_other(self) -> str:
        return clean_text(self.cleaned_data.get("occupation_other", ""), multiline=False)

    def clean_suggestion(self) -> str:
        return clean_text(self.cleaned_data.get("suggestion", ""))

    def clean(self):
        cleaned = super().clean()
        # A free text kept with another occupation would contradict the answer.
        if cleaned.get("occupation") != "LAINNYA":
            cleaned["occupation_other"] = ""
        return cleaned

    def chosen_service(self) -> Service | None:
        """The chosen service (only when the form has the field and is valid)."""
        pk = self.cleaned_data.get("service")
        if not pk:
            return None
        chain = [self.unit.pk, *(u.pk for u in self.unit.ancestors())]
        return Service.objects.filter(pk=pk, unit_id__in=chain, is_active=True).first()

    def element_rows(self) -> list[ElementRow]:
        return [ElementRow(q.number, q.element, self[q.field_name]) for q in self.questions]

    def answers(self) -> dict[str, int]:
        return {q.element.code: self.cleaned_data[q.field_name] for q in self.questions}

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) in page order, for the summary at the top."""
        self.mark_errors()
        items = []
        for name in self.summary_order():
            if name in self.errors:
                anchor = self.anchor_for(name)
                items.extend((anchor, str(message)) for message in self.errors[name])
        return items

    def anchor_for(self, name: str) -> str:
        """The id a summary link jumps to: the input itself, or a group's first radio."""
        field = self[name]
        if isinstance(field.field.widget, forms.RadioSelect):
            return f"{field.auto_id}_0"
        return field.auto_id

"""The SKM method of Permen PANRB 14/2017, exact and framework-free.

Pure standard-library Python: no Django, no other skm package, so the same code computes
the numbers on screen, in reports and in file imports, and can be audited on its own.
See docs/method.md for the rules and the decisions behind them.
"""

from .compute import ElementResult, SurveyResult, compute
from .construct import counts_for_scores, counts_for_total, totals_for_score
from .elements import (
    DEFAULT_ELEMENTS,
    AnswerError,
    Element,
    element_by_code,
    match_element,
    normalize,
    parse_answer,
)
from .grades import GRADE_TABLE, GRADES, Grade, grade_for
from .priorities import priority_codes
from .profile import (
    EDUCATIONS,
    GENDERS,
    OCCUPATIONS,
    ProfileError,
    parse_age,
    parse_education,
    parse_gender,
    parse_occupation,
)
from .rounding import round_half_up
from .sampling import MINIMUM_RESPONDENTS, SampleResult, required_sample, sample_sufficient
from .stats import element_interval, index_interval
from .summary import Summary, weight_units
from .tally import Tally, decode_pattern, tally_code
from .weights import WEIGHTINGS, WeightError, weights_for

__all__ = [
    "DEFAULT_ELEMENTS",
    "EDUCATIONS",
    "GENDERS",
    "GRADES",
    "GRADE_TABLE",
    "MINIMUM_RESPONDENTS",
    "OCCUPATIONS",
    "WEIGHTINGS",
    "AnswerError",
    "Element",
    "ElementResult",
    "Grade",
    "ProfileError",
    "SampleResult",
    "Summary",
    "SurveyResult",
    "Tally",
    "WeightError",
    "compute",
    "counts_for_scores",
    "counts_for_total",
    "decode_pattern",
    "element_by_code",
    "element_interval",
    "grade_for",
    "index_interval",
    "match_element",
    "normalize",
    "parse_age",
    "parse_answer",
    "parse_education",
    "parse_gender",
    "parse_occupation",
    "priority_codes",
    "required_sample",
    "round_half_up",
    "sample_sufficient",
    "tally_code",
    "totals_for_score",
    "weight_units",
    "weights_for",
]

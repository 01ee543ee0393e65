"""Numbers on screens in the unit's number style, as its documents print them (issue #15,
point 13). A view puts the style in the context (``number_style``, from
``skm.reports.data.number_style``); the template writes ``{{ value|num:number_style }}`` for a
figure ("93.40", "12.5") and ``{{ n|cnt:number_style }}`` for a count. The digits are
skm.method's; only the separators change (skm.reports.formatting)."""

from __future__ import annotations

from django import template

from skm.reports import formatting
from skm.reports.data import DEFAULT_NUMBER_STYLE

register = template.Library()


def _style(style: object) -> str:
    return style if style in formatting.THOUSANDS else DEFAULT_NUMBER_STYLE


@register.filter
def num(value: object, style: object = DEFAULT_NUMBER_STYLE) -> str:
    """A figure already rounded by skm.method; "" for none, so that ``|default`` applies."""
    if value is None or value == "":
        return ""
    return formatting.number(str(value), _style(style))


@register.filter
def cnt(value: object, style: object = DEFAULT_NUMBER_STYLE) -> str:
    """A count (respondents, population) with the style's thousands separator."""
    if value is None or value == "":
        return ""
    return formatting.count(int(value), _style(style))

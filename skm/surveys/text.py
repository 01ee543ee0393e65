"""Free text as it may be stored and shown: one cleaning for every way text comes in.

Pure Python (no Django), so that the exports, the report renderers and the services can all
use it. Respondents and staff type or paste text from anywhere (word processors, chat apps,
scanners' OCR); some of it carries control characters that no document format accepts:
openpyxl refuses them in an XLSX cell (IllegalCharacterError), python-docx/lxml in a DOCX
paragraph (ValueError), XML 1.0 forbids them altogether. ``clean_text`` is applied where
free text enters (the public form, the kiosk, paper entry, imports, the API, plans and
report texts); ``xml_safe`` is applied on output, for whatever was stored before.

What ``clean_text`` does, in order:

1. Unicode NFC normalisation (a letter typed as "e" + combining accent and one typed as
   "é" are the same text, and compare, count and search alike).
2. Line breaks: CR LF and a lone CR become LF; the other characters Python treats as line
   boundaries (VT, FF, FS, GS, RS, NEL, LINE/PARAGRAPH SEPARATOR) become LF as well.
3. Removed: every other C0 control character except TAB, DEL, every C1 control character
   (U+0080..U+009F), lone surrogates and the non-characters U+FFFE and U+FFFF.
4. With ``multiline=False`` (a one-line field), TAB and LF become a space and runs of
   white space collapse to one.
5. Leading and trailing white space is stripped.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Any

# Characters that end a line for str.splitlines() besides LF and CR.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# C0 controls except TAB and LF, DEL, C1 controls, surrogates, U+FFFE, U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")


def clean_text(value: object, *, multiline: bool = True) -> str:
    """The text as it should be stored (see the module's docstring); "" for None."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _LINE_BREAKS.sub("\n", text)
    text = _ILLEGAL.sub("", text)
    if not multiline:
        text = _SPACES.sub(" ", text)
    return text.strip()


def xml_safe(value: str) -> str:
    """The text without the characters an XLSX or DOCX file cannot hold (line breaks kept).

    For output of text stored before ``clean_text`` existed: nothing else is changed, so
    clean text passes through untouched.
    """
    if not (_ILLEGAL.search(value) or _LINE_BREAKS.search(value)):
        return value
    return _ILLEGAL.sub("", _LINE_BREAKS.sub("\n", value))


def xml_safe_deep(value: Any) -> Any:
    """``value`` with ``xml_safe`` applied to every plain string inside it (in lists, tuples
    and dataclass instances, which are copied, never changed in place). For the content of
    a document just before it is rendered."""
    if type(value) is str:
        return xml_safe(value)
    if isinstance(value, list):
        return [xml_safe_deep(v) for v in value]
    if isinstance(value, tuple):
        return tuple(xml_safe_deep(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: xml_safe_deep(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **changes)
    return value

"""What may go into a mail header: one line, no control characters.

A line break in a header value would let whoever typed it add headers of their own (a `Bcc:` to
thousands of addresses, a second body). Fields whose text ends up in a header (the district's
newsletter sender name) refuse such values with `validate_header_value`; the e-mail helper checks
again before it stores a mail (`check_header_value`), so nothing typed elsewhere slips through.
"""

import re

from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError
from django.utils.translation import gettext_lazy as _

# Everything `str.splitlines()` breaks on, plus the other C0 controls and DEL.
LINE_BREAK_OR_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def validate_header_value(value: str) -> None:
    """Model/form validator: refuse line breaks and control characters with a clear message."""
    if value and LINE_BREAK_OR_CONTROL.search(value):
        raise ValidationError(
            _("Please enter this on one line, without line breaks."), code="line_break"
        )


def check_header_value(name: str, value: str) -> str:
    """Return `value` if it may be a header; raise `BadHeaderError` otherwise."""
    if LINE_BREAK_OR_CONTROL.search(value):
        raise BadHeaderError(f"Header {name!r} contains a line break or control character")
    return value


def one_line(value: str) -> str:
    """`value` with every run of line breaks, controls and spaces turned into one space."""
    return " ".join(LINE_BREAK_OR_CONTROL.sub(" ", value).split())

"""Where a measure came from, as upper floors know it („aus dem Workshop … , Gruppe …“).

Measures cannot import the apps built on them (workshops imports measures, not the other way
round), so such an app registers a function from its own `provenance.py`, which this module
imports from every installed app the first time a measure page asks:

    # workshops/provenance.py
    from django.utils.html import format_html

    from measures.provenance import register

    @register
    def from_workshop(measure):
        link = WorkshopMeasure.objects.filter(measure=measure).select_related("workshop").first()
        if link is None:
            return None
        return format_html('aus dem Workshop <a href="{}">{}</a>', link.workshop.url, link.title)

A function gets the `Measure` and returns HTML-safe text (escape user text, e.g. with
`format_html`) or None if it knows nothing about the measure. The first answer that is not None
is shown; the measure's own provenance (online proposal, recorded on someone's behalf) is shown
when no function answers.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString

from strategy_portal.discovery import app_modules

Provenance = Callable[[object], SafeString | None]

_functions: list[Provenance] = []


def register(function: Provenance) -> Provenance:
    if function not in _functions:
        _functions.append(function)
    return function


def provenance_of(measure) -> SafeString | None:
    app_modules("{app}.provenance")
    for function in _functions:
        answer = function(measure)
        if answer is not None:
            return answer
    return None

"""Signals the ground floor sends; upper floors listen (a lower floor never imports them).

`phase_opened` — a phase of a district's process timeline has begun (its first day has come).
Sent once per phase by `services.phases_open_due` (the beat task `open_due_phases`), inside the
transaction that records `Phase.opened_signal_sent_at`: a receiver that fails rolls the record
back, and the next run tries again. Arguments: `sender=Phase`, `phase`, `district`.
"""

from django.dispatch import Signal

phase_opened = Signal()

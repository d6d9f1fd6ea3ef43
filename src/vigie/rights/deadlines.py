"""The legal deadlines of a request (GDPR 12(3)), as calendar arithmetic in the organisation's time zone.

- Due one calendar month after the clock starts: 31 January → 28 (or 29) February, 30 April → 30 May.
- The clock starts on receipt, or, for a request held « identité à confirmer » (GDPR 12(6)), on the day the
  identity is confirmed: until then the controller cannot act, and the EDPB's guidelines on the right of access
  (01/2022, § 159) let the period run from the receipt of the information asked for. This is vigie's choice,
  stated in docs/rights.md.
- The DPO may extend by up to two further months (so at most three months after the start), with a reason,
  provided the person is told within the first month.
- A request is « due soon » within `DUE_SOON_DAYS` days of its deadline and « overdue » the day after it,
  until answered.
"""

from __future__ import annotations

from datetime import date

from vigie.durations import Duration
from vigie.errors import InvalidInput

ONE_MONTH = Duration(months=1)
MAX_EXTENSION_MONTHS = 2
DUE_SOON_DAYS = 7


def due_on(start: date) -> date:
    """One calendar month after the clock starts."""
    return ONE_MONTH.after(start)


def extended_to(start: date, months: int) -> date:
    """The deadline after an extension of `months` (1 or 2) further months."""
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise InvalidInput(
            "prolongation", str(months), f"de 1 à {MAX_EXTENSION_MONTHS} mois seulement (RGPD, art. 12(3))"
        )
    return Duration(months=1 + months).after(start)


def check_extension(start: date, told_on: date, today: date) -> None:
    """An extension is lawful only if the person is told within the first month, no later than today and not
    before the clock started; otherwise InvalidInput, in French."""
    first_month_end = due_on(start)
    if told_on < start:
        raise InvalidInput(
            "date d'information", told_on.isoformat(), f"antérieure au début du délai ({start.strftime('%d/%m/%Y')})"
        )
    if told_on > today:
        raise InvalidInput(
            "date d'information", told_on.isoformat(), "date à venir : la personne doit déjà avoir été informée"
        )
    if told_on > first_month_end:
        raise InvalidInput(
            "date d'information",
            told_on.isoformat(),
            f"la personne doit être informée de la prolongation dans le premier mois, au plus tard le "
            f"{first_month_end.strftime('%d/%m/%Y')} (RGPD, art. 12(3))",
        )


def flags(deadline: date | None, answered: bool, today: date) -> tuple[bool, bool]:
    """(due_soon, overdue) for a request whose answer is due on `deadline`."""
    if answered or deadline is None:
        return False, False
    left = (deadline - today).days
    return 0 <= left <= DUE_SOON_DAYS, left < 0


__all__ = ["DUE_SOON_DAYS", "MAX_EXTENSION_MONTHS", "check_extension", "due_on", "extended_to", "flags"]

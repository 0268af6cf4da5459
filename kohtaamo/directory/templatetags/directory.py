from django import template
from django.utils.dates import WEEKDAYS_ABBR

register = template.Library()


@register.filter
def weekdays(schedule) -> str:
    """'MO,TU,WE,TH,FR' → 'Mon–Fri' in the current language; other sets as a list."""
    days = schedule.days
    if not days:
        return "–"
    names = [str(WEEKDAYS_ABBR[d]) for d in days]
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{names[0]}–{names[-1]}"
    return ", ".join(names)

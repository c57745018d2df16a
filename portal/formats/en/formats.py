"""English as a European bank writes it: 6 Dec 2026, 16:07, 06/12/2026, 1,234.56 EUR.

Django's own English formats are American (Dec. 6, 2026; 12/06/2026), which a
customer of a SEPA bank would misread. Anything not set here is Django's.
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday

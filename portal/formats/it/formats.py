"""Italian, as an Italian bank writes it: 6 dic 2026, 16:07, 1.234,56 EUR."""

DATE_FORMAT = "j b Y"  # b: "dic", as Italian writes it (M would give "Dic")
SHORT_DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j b Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3

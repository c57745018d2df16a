"""`makemessages`, always with this project's options, so every run makes the same catalogue.

Only the project's own sources (not the virtualenv, tools, tests or benchmarks),
file names without line numbers (a moved line changes nothing), no obsolete
entries, no fuzzy guesses. `tests/test_translations.py` runs it on a copy of the tree and fails
when the committed catalogues are not what it makes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import makemessages

IGNORED = [".venv", ".tools", "node_modules", "staticfiles", "tests", "bench", "docs"]


class Command(makemessages.Command):
    # A new string starts empty, never with a guess from a similar one: a guess
    # shown to customers would be wrong more often than right.
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args: Any, **options: Any) -> str | None:
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        options["add_location"] = options.get("add_location") or "file"
        options["no_obsolete"] = True
        return super().handle(*args, **options)

"""Static files for production: our CSS and JS minified, then hashed and compressed.

Comments and indentation are a fifth of the stylesheet; a browser should not
download them on every first visit. Vendor files (already `.min`) and other
apps' files are left as they come.
"""

from __future__ import annotations

from typing import Any

import rcssmin
import rjsmin
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

OWN_FOLDERS = ("css/", "js/")


def minified(name: str, text: str) -> str | None:
    """`text` minified when `name` is one of our stylesheets or scripts, else None."""
    if not name.startswith(OWN_FOLDERS) or name.endswith((".min.js", ".min.css")):
        return None
    if name.endswith(".css"):
        return rcssmin.cssmin(text)
    if name.endswith(".js"):
        return rjsmin.jsmin(text)
    return None


class MinifiedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str, force: bool = False) -> str:
        # The manifest is read once and stays as it is while the process runs (a new
        # collectstatic comes with a restart): each file's URL is worked out once, not
        # on every page (12 µs each, five to a page).
        if force:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found

    def _save(self, name: str, content: Any) -> str:
        if name.endswith((".css", ".js")):
            content.seek(0)  # the manifest storage may have read it to hash it
            text = content.read().decode("utf-8")
            content.seek(0)
            smaller = minified(name, text)
            if smaller is not None:
                content = ContentFile(smaller.encode("utf-8"))
        return super()._save(name, content)

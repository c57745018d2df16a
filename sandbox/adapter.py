"""A `requests` transport that answers `sandbox:` URLs with the embedded simulator.

The client builds and sends real requests (auth header, JSON, multipart); this
adapter hands them to the same view the HTTP route uses, in-process.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import requests
from django.core.handlers.wsgi import WSGIRequest
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

SCHEME = "sandbox:"
PATH_PREFIX = "/businessbassapi/"


class SandboxAdapter(BaseAdapter):
    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: object = None,
        verify: object = True,
        cert: object = None,
        proxies: object = None,
    ) -> requests.Response:
        from sandbox import api

        path = urlsplit(request.url or "").path
        name = path.split(PATH_PREFIX, 1)[1] if PATH_PREFIX in path else ""
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        environ = {
            "REQUEST_METHOD": request.method or "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "sandbox",
            "SERVER_PORT": "80",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": request.headers.get("Content-Type", ""),
        }
        for header, value in request.headers.items():
            key = "HTTP_" + header.upper().replace("-", "_")
            if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                environ[key] = value
        answer = api.answer(WSGIRequest(environ), name)
        if answer.timeout:
            raise requests.exceptions.ReadTimeout("sandbox: simulated timeout", request=request)

        response = requests.Response()
        response.status_code = answer.status
        response.headers = CaseInsensitiveDict(
            {"Content-Type": answer.content_type, **answer.headers}
        )
        response.raw = io.BytesIO(answer.body)
        response._content = answer.body
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        response.reason = "OK" if answer.status < 400 else "Error"
        return response

    def close(self) -> None:
        pass

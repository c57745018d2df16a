"""A small threaded WSGI server for the benchmark, with Nagle's algorithm off.

Django's runserver writes headers and body in separate packets; with Nagle on
and the client's delayed ACK that costs ~40 ms a call on loopback, which would
measure TCP, not the portal. Usage: serve.py PORT (settings from the environment).
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.core.wsgi import get_wsgi_application


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class NoDelayServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True

    def get_request(self) -> tuple[socket.socket, object]:
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


if __name__ == "__main__":
    server = make_server(
        "127.0.0.1",
        int(sys.argv[1]),
        get_wsgi_application(),
        server_class=NoDelayServer,
        handler_class=QuietHandler,
    )
    server.serve_forever()

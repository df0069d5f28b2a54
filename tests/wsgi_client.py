"""Requests through a whole WSGI application, as a server would send them: layers in front of Django included.

Django's test client calls Django's handler directly, so it never meets fanwiki/wsgi.py's layers.
"""

from dataclasses import dataclass
from email.message import Message

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory


@dataclass
class WsgiResponse:
    status_code: int
    headers: Message  # case-insensitive, repeated fields kept (get_all)
    content: bytes

    @property
    def text(self):
        return self.content.decode()


class WsgiClient:
    """Calls `application(environ, start_response)` with the environ RequestFactory builds."""

    def __init__(self, application, cookies=None):
        self.application = application
        self.cookies = cookies or {}
        self.factory = RequestFactory()

    def get(self, path, **headers):
        return self.request("GET", path, **headers)

    def head(self, path, **headers):
        return self.request("HEAD", path, **headers)

    def request(self, method, path, **headers):
        """headers as WSGI names: HTTP_IF_NONE_MATCH="...", HTTP_HOST="..."."""
        if self.cookies:
            headers.setdefault(
                "HTTP_COOKIE", "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            )
        environ = self.factory.generic(method, path, **headers).environ
        started = []

        def start_response(status, response_headers, exc_info=None):
            started[:] = [status, response_headers]
            return lambda data: None

        # As Django's test client does: a request must not close the test's database connection.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = self.application(environ, start_response)
            try:
                content = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        status, response_headers = started
        message = Message()
        for name, value in response_headers:
            message[name] = value
        return WsgiResponse(int(status.split()[0]), message, content)

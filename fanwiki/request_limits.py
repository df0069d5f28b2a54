"""Refuse requests whose query string asks for more work than any page needs.

Public pages read two or three parameters and the admin's lists a handful, so a
query string with more than MAX_QUERY_PARAMETERS is refused with the styled 400
page before any view parses it. Form bodies are bounded by Django's own
DATA_UPLOAD_MAX_* settings (see settings.py), which answer the same 400.
"""

from django.core.exceptions import TooManyFieldsSent

MAX_QUERY_PARAMETERS = 50


class QueryStringLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query_string = request.META.get("QUERY_STRING", "")
        # Counting separators is linear in the string and parses nothing.
        if query_string.count("&") >= MAX_QUERY_PARAMETERS:
            # A SuspiciousOperation: Django logs it to django.security and answers with the 400 page.
            raise TooManyFieldsSent(f"The query string has more than {MAX_QUERY_PARAMETERS} parameters.")
        return self.get_response(request)

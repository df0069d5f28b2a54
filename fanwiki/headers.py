"""Security headers beyond Django's own: the Content-Security-Policy per area, Permissions-Policy, CORP."""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

_admin_prefix = SimpleLazyObject(lambda: reverse("admin:index"))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """CONTENT_SECURITY_POLICY for readers' pages, ADMIN_CONTENT_SECURITY_POLICY under the admin."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        # A view's own @csp decorator still wins.
        if not report_only and parts.config is None and request.path_info.startswith(str(_admin_prefix)):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


class PermissionsAndResourcePolicyMiddleware:
    """No powerful browser features for anyone; our resources are for our own pages only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response

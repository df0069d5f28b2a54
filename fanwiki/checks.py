"""System checks for running in public."""

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def per_process_cache_warning():
    """The warning to give when debug is off and the cache is not shared between processes, else None."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return None
    return checks.Warning(
        "The cache is per process: each server worker has its own, so workers do not share what they cache.",
        hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) so every worker uses one Redis cache, "
        "or run a single worker.",
        id="fanwiki.W001",
    )


@checks.register(checks.Tags.caches)
def check_shared_cache(app_configs, **kwargs):
    warning = per_process_cache_warning()
    return [warning] if warning else []


@checks.register()
def check_picture_encoders(app_configs, **kwargs):
    """Every rendition format must be encodable, or saving a poster would fail half-way."""
    from PIL import features

    from fanwiki.images import ENCODINGS

    feature = {"AVIF": "avif", "WEBP": "webp", "JPEG": "jpg"}
    missing = [e.pillow_format for e in ENCODINGS if not features.check(feature[e.pillow_format])]
    if not missing:
        return []
    return [
        checks.Error(
            f"Pillow cannot encode {', '.join(missing)}: pictures' renditions cannot be made.",
            hint="Install the Pillow version pinned in requirements.txt (its wheels include AVIF and WebP).",
            id="fanwiki.E001",
        )
    ]

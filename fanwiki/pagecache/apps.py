from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "fanwiki.pagecache"
    label = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from django.core.signals import setting_changed

        from fanwiki.changes import pages_changed
        from fanwiki.pagecache import purge, versions

        pages_changed.connect(purge.pages_changed, dispatch_uid="fanwiki-pagecache-pages-changed")
        setting_changed.connect(versions.setting_changed, dispatch_uid="fanwiki-pagecache-settings")

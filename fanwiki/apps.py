from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class FanwikiConfig(AppConfig):
    name = "fanwiki"
    verbose_name = "Wiki"

    def ready(self):
        from dramas.models import Credit
        from fanwiki import signals
        from fanwiki.pages import PAGE_MODELS
        from people.models import AlternativeName

        for model in PAGE_MODELS:
            pre_save.connect(signals.render_page, sender=model, dispatch_uid=f"render-{model.__name__}")
            post_save.connect(signals.index_page, sender=model, dispatch_uid=f"index-{model.__name__}")
            post_delete.connect(signals.unindex_page, sender=model, dispatch_uid=f"unindex-{model.__name__}")
        for model in (*PAGE_MODELS, Credit):
            post_save.connect(
                signals.record_loaded_revision, sender=model, dispatch_uid=f"loaded-{model.__name__}"
            )
        for signal in (post_save, post_delete):
            signal.connect(
                signals.reindex_person_of_alternative_name,
                sender=AlternativeName,
                dispatch_uid=f"alternative-name-{signal is post_save}",
            )

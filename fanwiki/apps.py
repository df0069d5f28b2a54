from django.apps import AppConfig
from django.core.checks import Tags, register
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save


class FanwikiConfig(AppConfig):
    name = "fanwiki"
    verbose_name = "Wiki"

    def ready(self):
        from simple_history.signals import post_create_historical_record
        from taggit.models import Tag

        from dramas.models import Credit, Network
        from fanwiki import checks, moves, signals, snapshots  # noqa: F401 (checks registers system checks)
        from fanwiki.models import PageImage
        from fanwiki.pages import PAGE_MODELS
        from people.models import AlternativeName

        def connect(signal, receiver, sender):
            signal.connect(receiver, sender=sender, dispatch_uid=f"{receiver.__name__}-{sender.__name__}")

        for model in PAGE_MODELS:
            connect(pre_save, signals.render_page, model)
            connect(post_save, signals.index_page, model)
            connect(pre_delete, signals.forget_page, model)
            connect(post_delete, signals.unindex_page, model)
            connect(post_delete, signals.drop_page_images, model)
            connect(post_save, moves.remember_move, model)
            connect(post_delete, moves.forget_moves, model)
            through = model.tags.through
            connect(m2m_changed, signals.tags_changed, through)
            connect(post_save, signals.tagging_saved, through)
            connect(post_delete, signals.tagging_deleted, through)
            # Complete revisions: after the receivers above, so subject tags are settled.
            connect(pre_delete, snapshots.snapshot_page_deleting, model)
            connect(post_create_historical_record, snapshots.snapshot_new_revision, model.history.model)
            connect(m2m_changed, snapshots.snapshot_tags, through)
            connect(post_save, snapshots.snapshot_tagging, through)
            connect(post_delete, snapshots.snapshot_tagging, through)
        for model in (*PAGE_MODELS, Credit):
            connect(post_save, signals.record_loaded_revision, model)
        connect(pre_save, signals.remember_credit, Credit)
        connect(post_save, signals.credit_changed, Credit)
        connect(post_delete, signals.credit_changed, Credit)
        connect(post_save, snapshots.snapshot_credit, Credit)
        connect(post_delete, snapshots.snapshot_credit, Credit)
        connect(post_save, signals.reindex_person_of_alternative_name, AlternativeName)
        connect(post_delete, signals.reindex_person_of_alternative_name, AlternativeName)
        connect(post_save, signals.page_image_changed, PageImage)
        connect(post_delete, signals.page_image_changed, PageImage)
        connect(pre_save, signals.give_tag_a_routable_slug, Tag)
        connect(post_save, signals.tag_renamed, Tag)
        connect(post_save, signals.network_changed, Network)

        # The search index follows every committed write.
        from fanwiki.changes import pages_changed
        from fanwiki.search import update_index
        from fanwiki.search.checks import check_search_engine

        pages_changed.connect(update_index, dispatch_uid="fanwiki-search-index")
        register(check_search_engine, Tags.database)

from django.contrib.auth.management import create_permissions
from django.db import migrations

# What an editor may do: write every kind of page, never delete or administer.
EDITOR_PERMISSIONS = {
    "fanwiki": {"article": ["add", "change", "view"]},
    "dramas": {
        "drama": ["add", "change", "view"],
        "credit": ["add", "change", "view"],
        "network": ["add", "change", "view"],
    },
    "people": {
        "person": ["add", "change", "view"],
        "alternativename": ["add", "change", "delete", "view"],
    },
    "taggit": {"tag": ["add", "change", "view"]},
}


def create_editors_group(apps, schema_editor):
    # Permissions normally appear after migrate finishes; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    for app_label, models in EDITOR_PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            editors.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("fanwiki", "0001_initial"),
        ("dramas", "0001_initial"),
        ("people", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]

# The two background jobs people wait for (grid proposals, report builds) share one abstract
# model, BackgroundJob: the grid proposal's counter takes the report build's name, `attempt`
# (the number of the attempt queued last); the verbose names say which report they belong to.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0004_editor_versions_text_revisions"),
    ]

    operations = [
        migrations.RenameField(model_name="gridproposal", old_name="attempts", new_name="attempt"),
        migrations.AlterModelOptions(
            name="reportbuild",
            options={
                "ordering": ["event", "-created_at", "-id"],
                "verbose_name": "event report build",
                "verbose_name_plural": "event report builds",
            },
        ),
        migrations.AlterModelOptions(
            name="reportrevision",
            options={
                "ordering": ["-created_at", "-id"],
                "verbose_name": "session report revision",
                "verbose_name_plural": "session report revisions",
            },
        ),
    ]

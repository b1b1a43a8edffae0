"""The demo's trial key moves to ``clinic.BlindedTrial``, the one home of allocation keys.

Existing demo keys are copied first (nothing is lost), then the demo-only table is dropped.
"""

from django.db import migrations


def copy_keys_to_blinded_trials(apps, schema_editor):
    DemoTrialKey = apps.get_model("demo", "DemoTrialKey")
    BlindedTrial = apps.get_model("clinic", "BlindedTrial")
    for item in DemoTrialKey.objects.all():
        BlindedTrial.objects.get_or_create(
            trial_id=item.trial_id,
            defaults={
                "patient_id": item.patient_id,
                "pharmacy_id": item.pharmacy_id,
                "design_json": item.key_json["design"],
                "key_json": item.key_json,
            },
        )


class Migration(migrations.Migration):

    dependencies = [
        ("demo", "0002_demotrialkey"),
        ("clinic", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_keys_to_blinded_trials, migrations.RunPython.noop),
        migrations.DeleteModel(name="DemoTrialKey"),
    ]

"""The distribution column: ``agency_id`` on the tables that grow with the respondents
(responses, answers, suggestion reviews, per-cell counts), filled from the unit, and part
of the unique keys that writes conflict on (docs/scaling.md, section 5)."""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = [
    "UPDATE surveys_response SET agency_id = "
    "(SELECT u.agency_id FROM org_unit u WHERE u.id = surveys_response.unit_id)",
    "UPDATE surveys_answer SET agency_id = "
    "(SELECT r.agency_id FROM surveys_response r WHERE r.id = surveys_answer.response_id)",
    "UPDATE surveys_suggestionreview SET agency_id = "
    "(SELECT r.agency_id FROM surveys_response r"
    " WHERE r.id = surveys_suggestionreview.response_id)",
    "UPDATE surveys_cellcount SET agency_id = "
    "(SELECT u.agency_id FROM org_unit u WHERE u.id = surveys_cellcount.unit_id)",
]


def _agency(null: bool, on_delete=django.db.models.deletion.PROTECT, editable=False):
    return models.ForeignKey(
        db_index=False,
        editable=editable,
        null=null,
        on_delete=on_delete,
        related_name="+",
        to="org.agency",
        verbose_name="agency",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0001_initial"),
        ("surveys", "0006_response_soft_delete"),
    ]

    operations = [
        migrations.AddField("response", "agency", _agency(True)),
        migrations.AddField("answer", "agency", _agency(True)),
        migrations.AddField("suggestionreview", "agency", _agency(True)),
        migrations.AddField(
            "cellcount",
            "agency",
            _agency(True, django.db.models.deletion.CASCADE, editable=True),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=False),
        migrations.AlterField("response", "agency", _agency(False)),
        migrations.AlterField("answer", "agency", _agency(False)),
        migrations.AlterField("suggestionreview", "agency", _agency(False)),
        migrations.AlterField(
            "cellcount",
            "agency",
            _agency(False, django.db.models.deletion.CASCADE, editable=True),
        ),
        migrations.AlterField(
            model_name="response",
            name="client_id",
            field=models.UUIDField(blank=True, null=True, verbose_name="client id"),
        ),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.UniqueConstraint(
                fields=("agency", "client_id"), name="response_client_id_unique_in_agency"
            ),
        ),
        migrations.RemoveConstraint(model_name="cellcount", name="cellcount_key"),
        migrations.AddConstraint(
            model_name="cellcount",
            constraint=models.UniqueConstraint(
                fields=(
                    "agency",
                    "period",
                    "unit",
                    "service_key",
                    "channel",
                    "weight_group",
                    "shard",
                ),
                name="cellcount_key",
            ),
        ),
    ]

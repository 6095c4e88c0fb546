"""The registry's export kind becomes the shared list export (ocop/jobs/exports.py); exports
requested before the upgrade keep working: their kind and params are rewritten."""

from django.db import migrations, models


def to_list_export(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    for job in Job.objects.filter(kind="registry_export"):
        job.kind = "list_export"
        job.params = {"export": f"registry.{job.params.get('entity', 'products')}",
                      "filters": job.params.get("filters", {})}
        job.save(update_fields=["kind", "params"])


def to_registry_export(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    for job in Job.objects.filter(kind="list_export",
                                  params__export__startswith="registry."):
        job.kind = "registry_export"
        job.params = {"entity": job.params["export"].removeprefix("registry."),
                      "filters": job.params.get("filters", {})}
        job.save(update_fields=["kind", "params"])
    # The other lists had no export before: their jobs cannot be run by the older code.
    Job.objects.filter(kind="list_export").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('jobs', '0003_alter_job_kind'),
    ]

    operations = [
        migrations.AlterField(
            model_name='job',
            name='kind',
            field=models.CharField(choices=[('stamp_sheet', 'Tờ tem (PDF)'), ('proposal_zip', 'Hồ sơ đề nghị (ZIP)'), ('list_export', 'Xuất danh sách (Excel)'), ('registry_import', 'Nhập từ Excel'), ('report', 'Báo cáo định kỳ (Excel và PDF)')], max_length=20, verbose_name='loại'),
        ),
        migrations.RunPython(to_list_export, to_registry_export),
    ]

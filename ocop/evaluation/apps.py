from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "ocop.evaluation"
    verbose_name = _("Hội đồng đánh giá, phân hạng")

    def ready(self) -> None:
        # Registers the proposal-ZIP job kind with the jobs app (ocop/jobs/kinds.py), and answers
        # the dossiers app's question "which dossiers may this council member see?"
        # (ocop/dossiers/hooks.py). Both need the models, so they wait for ready().
        from ocop.dossiers import hooks as dossier_hooks
        from ocop.evaluation import jobs  # noqa: F401
        from ocop.evaluation.selectors import assigned_dossier_ids

        dossier_hooks.council_dossier_ids.provide(assigned_dossier_ids)

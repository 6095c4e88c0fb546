from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "ocop.evaluation"
    verbose_name = "Hội đồng đánh giá, phân hạng"

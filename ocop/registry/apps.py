from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "ocop.registry"
    verbose_name = "Sổ đăng ký chủ thể và sản phẩm"

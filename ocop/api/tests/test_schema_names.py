"""The OpenAPI document names each schema by its class name, so two routers that each declare a
``ProductOut`` end up sharing one component: the document then describes one of them wrongly
(the fuzz test found the catalogue's products answering with the registry's schema)."""

import importlib
import inspect
import pkgutil
from collections import defaultdict

from ninja import Schema

import ocop


def _api_modules():
    for info in pkgutil.walk_packages(ocop.__path__, "ocop."):
        last = info.name.rsplit(".", 1)[-1]
        if (last == "api" or last.startswith("api_")) and ".tests" not in info.name:
            yield importlib.import_module(info.name)


def test_no_two_api_schemas_share_a_name():
    owners: dict[str, set[str]] = defaultdict(set)
    for module in _api_modules():
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, Schema)
                    and value.__module__ == module.__name__):
                owners[name].add(module.__name__)
    assert len(owners) > 20
    shared = {name: sorted(mods) for name, mods in owners.items() if len(mods) > 1}
    assert not shared, shared

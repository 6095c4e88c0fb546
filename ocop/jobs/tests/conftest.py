from ocop.trace.tests.conftest import chain, classification, people

__all__ = ["chain", "classification", "people"]

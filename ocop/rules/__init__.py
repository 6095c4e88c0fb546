"""The OCOP programme's rulebook: every rule of the programme that the code applies, as a named
constant or a pure function, each with its legal source and dates (docs/rules.md lists them
with where they are used).

- ``certification``: certificate validity, expiry reminders, which stars are certified.
- ``councils``: council defaults — quorum, chair, the central council's 5 of 7, the 10-point
  spread between members.
- ``levels``: who evaluates and recognises which stars, by date (148, then 1489).

The star bands (points → stars) are the criteria engine's job (``ocop.criteria.engine.model``):
they belong to a criteria set's scoring, and the engine is the one place that compares totals.

Layer: this package sits at the bottom with ``ocop.core`` and imports no other ocop app.
``certification`` and ``councils`` import only the standard library, because the pure-Python
criteria engine (no Django) uses them; ``levels`` needs Django's lazy translation for labels.
Nothing is imported here so that importing one module does not pull in the others.
"""

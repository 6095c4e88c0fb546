"""Open data: the register of certified and revoked products as CSV and JSON with a data package
descriptor and a DCAT catalogue, rebuilt daily; no personal data.
"""

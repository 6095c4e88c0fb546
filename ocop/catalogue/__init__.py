"""The public face of the programme: the catalogue of certified products (only while a certificate
is valid), product and producer pages with schema.org data, the map, the sitemap and the
agency's contacts.
"""

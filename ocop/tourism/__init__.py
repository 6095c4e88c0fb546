"""OCOP and community tourism: destinations and tourism services (group 6), the OCOP products sold
there and itineraries linking destinations and producers.
"""

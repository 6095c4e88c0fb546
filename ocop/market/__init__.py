"""Selling: each product's offers and channel links, the feeds that shops and marketplaces pull
(Google Merchant XML, Shopify and WooCommerce CSV), and curated gift sets.
"""

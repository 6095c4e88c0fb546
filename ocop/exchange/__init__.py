"""The exchange with the national OCOP database: a change feed since a cursor, bulk export, an
idempotent bulk import by official keys, signed requests between platforms.
"""

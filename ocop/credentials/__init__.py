"""Certificates as W3C Verifiable Credentials (UNTP Digital Conformity Credential): issuer keys
per province published as did:web, vc+jwt credentials, the Bitstring Status List that revocation
updates.
"""

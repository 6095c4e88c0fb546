"""Questions the certificates app asks of the apps above it (ocop.core.hooks)."""

from __future__ import annotations

from typing import Any

from ocop.core.hooks import Hook, HookList

# Where a revocation came from, for the certificate page: ``{"label": str, "url": str}`` or None.
# Provided by ocop.inspections (the inspection visit whose failing finding proposed it).
revocation_evidence = Hook("revocation_evidence", default=lambda certificate: None)


# A certificate stopped being valid: revoked, or its expiry recorded by the daily job. Each app
# above may answer with its follow-up (the market app tells the curators of the gift sets that
# held the product). Called as ``certificate_lapsed(certificate, today)`` inside the transaction
# of the change, so a provider's writes commit or roll back with it.
certificate_lapsed: HookList = HookList("certificates.certificate_lapsed")


def evidence_for(certificate: Any) -> dict[str, str] | None:
    if certificate.revoked_on is None:
        return None
    return revocation_evidence(certificate)


# Certificates were issued (``issue_certificate``, or entered from paper records). Each app above
# may answer with what follows (the credentials app signs each one's verifiable credential).
# Called as ``certificate_issued(certificates, today)`` inside the issuing transaction, so an
# answer that fails undoes the issue.
certificate_issued: HookList = HookList("certificates.certificate_issued")

# Files to embed in the certificate's PDF: each answer is a list of
# ``(file name, bytes, description)`` (the credentials app answers with the ``vc+jwt``).
pdf_attachments: HookList = HookList("certificates.pdf_attachments")

# The address the certificate's printed QR code carries, given the certificate and its verify
# page's address: the credentials app adds the credential in the fragment, so the paper can be
# verified with no network. Without a provider the QR code carries the verify page's address.
qr_link = Hook("certificates.qr_link", default=lambda certificate, url: url)

# More to offer on the public verification page (/verify/…): called as
# ``verify_page_sections(number)`` (the certificate's number, or None on the lookup page and for an
# unknown number); each answer is an HTML fragment (the credentials app's "verify a credential"
# form and the credential's download link). The page is cached publicly and sets no cookie, so a
# fragment must be the same for every visitor and read no session.
verify_page_sections: HookList = HookList("certificates.verify_page_sections")

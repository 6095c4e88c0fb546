"""The descriptors of a release: the Frictionless (Tabular) Data Package and the DCAT catalogue.

Both name the same publisher (the agency of settings ``OCOP_AGENCY_*``), licence and URLs, so a
portal harvesting the DCAT catalogue and a tool reading ``datapackage.json`` see one story.
The DCAT graph follows DCAT-AP 3 (the EU application profile; Vietnam has none of its own):
``dcat:Catalog`` → ``dcat:Dataset`` → one ``dcat:Distribution`` per file, with the EU
vocabularies for file types, frequency and language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from ocop.opendata import datasets
from ocop.opendata.datasets import Dataset
from ocop.units.names import example_agency_name

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
FILE_TYPES = {"csv": "CSV", "json": "JSON"}
JSONLD_CONTEXT = {"dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF),
                  "vcard": str(VCARD), "xsd": str(XSD)}


@dataclass(frozen=True)
class Publisher:
    name: str
    email: str  # the agency's own address; empty when the settings give none
    homepage: str


@dataclass(frozen=True)
class StoredFile:
    size: int
    sha256: str


def base_url() -> str:
    return settings.SITE_URL.rstrip("/")


def page_url() -> str:
    return base_url() + reverse("opendata:index")


def file_url(name: str) -> str:
    return base_url() + reverse("opendata:file", args=[name])


def publisher() -> Publisher:
    """The agency responsible for the data (settings ``OCOP_AGENCY_NAME`` / ``_EMAIL``). Without
    settings, the demo province's standing office, as the catalogue's agency page names it;
    no example e-mail is published in the data."""
    with translation.override("vi"):
        name = settings.OCOP_AGENCY_NAME or example_agency_name()
    return Publisher(name=name, email=settings.OCOP_AGENCY_EMAIL if settings.OCOP_AGENCY_NAME
                     else "", homepage=base_url() + reverse("catalogue:agency"))


PACKAGE_TITLE = "Sản phẩm OCOP: giấy chứng nhận còn hiệu lực, đã thu hồi, đã hết hiệu lực"
PACKAGE_DESCRIPTION = (
    "Danh sách sản phẩm được công nhận theo Chương trình Mỗi xã một sản phẩm (OCOP) và giấy "
    "chứng nhận của chúng, lập lại hằng ngày từ sổ theo dõi của nền tảng OCOP. Chỉ gồm thông "
    "tin về tổ chức và giấy chứng nhận; không có dữ liệu cá nhân.")


def descriptor(built_at: datetime, stored: Mapping[str, StoredFile]) -> dict[str, Any]:
    """``datapackage.json`` (Tabular Data Package v1): one resource per file, each with its Table
    Schema, size and SHA-256; paths relative to the descriptor (all files share one folder)."""
    agency = publisher()
    resources = []
    for dataset in datasets.all_datasets():
        for ext, mediatype, fmt in datasets.FORMATS:
            name = f"{dataset.key}.{ext}"
            resource: dict[str, Any] = {
                "profile": "tabular-data-resource",
                "name": dataset.key if ext == "csv" else f"{dataset.key}-{ext}",
                "path": name, "title": f"{dataset.title} ({ext.upper()})",
                "description": str(dataset.description), "format": fmt, "mediatype": mediatype,
                "encoding": "utf-8", "bytes": stored[name].size,
                "hash": f"sha256:{stored[name].sha256}",
                "schema": dataset.table_schema(),
            }
            if ext == "csv":
                resource["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n",
                                       "quoteChar": '"', "doubleQuote": True, "header": True}
            resources.append(resource)
    return {
        "profile": "tabular-data-package",
        "name": "ocop-giay-chung-nhan",
        "id": file_url(datasets.DESCRIPTOR),
        "title": PACKAGE_TITLE,
        "description": PACKAGE_DESCRIPTION,
        "homepage": page_url(),
        "created": built_at.isoformat(timespec="seconds"),
        "keywords": ["OCOP", "Mỗi xã một sản phẩm", "giấy chứng nhận", "sản phẩm nông thôn"],
        "licenses": [{"name": datasets.LICENSE_NAME, "path": datasets.LICENSE_URL,
                      "title": datasets.LICENSE_TITLE}],
        "sources": [{"title": f"Sổ theo dõi giấy chứng nhận OCOP — {agency.name}",
                     "path": page_url()}],
        "contributors": [{"title": agency.name, "role": "publisher", "path": agency.homepage}],
        "resources": resources,
    }


def _dataset_node(dataset: Dataset) -> URIRef:
    return URIRef(f"{page_url()}#{dataset.key}")


def catalog_graph(built_at: datetime, stored: Mapping[str, StoredFile]) -> Graph:
    """The DCAT catalogue of the release: catalogue, three datasets, six distributions."""
    agency = publisher()
    graph = Graph()
    for prefix, namespace in JSONLD_CONTEXT.items():
        graph.bind(prefix, Namespace(namespace))
    catalog = URIRef(f"{page_url()}#catalog")
    agent = URIRef(agency.homepage)
    modified = Literal(built_at.isoformat(timespec="seconds"), datatype=XSD.dateTime)
    licence = URIRef(datasets.LICENSE_URL)
    vietnamese = URIRef(f"{EU}language/VIE")

    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, Literal(agency.name, lang="vi")))
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal("Dữ liệu mở OCOP", lang="vi")))
    graph.add((catalog, DCTERMS.description, Literal(PACKAGE_DESCRIPTION, lang="vi")))
    graph.add((catalog, DCTERMS.publisher, agent))
    graph.add((catalog, DCTERMS.license, licence))
    graph.add((catalog, DCTERMS.modified, modified))
    graph.add((catalog, DCTERMS.language, vietnamese))
    graph.add((catalog, FOAF.homepage, URIRef(page_url())))
    contact = None
    if agency.email:
        contact = BNode()
        graph.add((contact, RDF.type, VCARD.Organization))
        graph.add((contact, VCARD.fn, Literal(agency.name, lang="vi")))
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{agency.email}")))
    for dataset in datasets.all_datasets():
        node = _dataset_node(dataset)
        graph.add((catalog, DCAT.dataset, node))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(dataset.key)))
        graph.add((node, DCTERMS.title, Literal(str(dataset.title), lang="vi")))
        graph.add((node, DCTERMS.description, Literal(str(dataset.description), lang="vi")))
        graph.add((node, DCTERMS.publisher, agent))
        graph.add((node, DCTERMS.modified, modified))
        graph.add((node, DCTERMS.language, vietnamese))
        graph.add((node, DCTERMS.accrualPeriodicity, URIRef(f"{EU}frequency/DAILY")))
        graph.add((node, DCAT.theme, URIRef(f"{EU}data-theme/AGRI")))
        graph.add((node, DCAT.keyword, Literal("OCOP", lang="vi")))
        graph.add((node, DCAT.landingPage, URIRef(page_url())))
        graph.add((node, DCTERMS.conformsTo, URIRef(file_url(datasets.DESCRIPTOR))))
        if contact is not None:
            graph.add((node, DCAT.contactPoint, contact))
        for ext, mediatype, _fmt in datasets.FORMATS:
            name = f"{dataset.key}.{ext}"
            distribution = URIRef(f"{page_url()}#{dataset.key}-{ext}")
            graph.add((node, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            graph.add((distribution, DCTERMS.title,
                       Literal(f"{dataset.title} ({ext.upper()})", lang="vi")))
            graph.add((distribution, DCAT.accessURL, URIRef(page_url())))
            graph.add((distribution, DCAT.downloadURL, URIRef(file_url(name))))
            graph.add((distribution, DCAT.mediaType,
                       URIRef(f"https://www.iana.org/assignments/media-types/{mediatype}")))
            graph.add((distribution, DCTERMS.format, URIRef(f"{EU}file-type/{FILE_TYPES[ext]}")))
            graph.add((distribution, DCTERMS.license, licence))
            graph.add((distribution, DCTERMS.modified, modified))
            graph.add((distribution, DCAT.byteSize,
                       Literal(stored[name].size, datatype=XSD.nonNegativeInteger)))
            graph.add((distribution, DCTERMS.conformsTo, URIRef(file_url(datasets.DESCRIPTOR))))
    return graph


def catalog_jsonld(graph: Graph) -> bytes:
    return graph.serialize(format="json-ld", context=JSONLD_CONTEXT, indent=1,
                           ensure_ascii=False).encode("utf-8")


def catalog_turtle(graph: Graph) -> bytes:
    return graph.serialize(format="turtle").encode("utf-8")


def descriptor_bytes(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")

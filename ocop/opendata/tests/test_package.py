"""The files of a release: the descriptor against the official profile, every row against its
Table Schema (CSV and JSON), the DCAT graph, revocations moving between files, no personal data."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from jsonschema import Draft4Validator
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from ocop.opendata import datasets, package, services
from ocop.opendata.models import Release
from ocop.opendata.tests.conftest import SECRETS, TODAY
from ocop.opendata.tests.tableschema import row_errors
from ocop.registry.testing import TAX_CODES

PROFILE = Path(__file__).parent / "profiles" / "tabular-data-package.json"


def files_of(release: Release) -> dict[str, bytes]:
    out = {}
    for stored in release.files.all():
        with default_storage.open(stored.file.name, "rb") as handle:
            out[stored.name] = handle.read()
    return out


def csv_rows(body: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(body.decode("utf-8"), newline=""))
    return list(reader.fieldnames or []), list(reader)


def numbers_in(body: bytes) -> set[str]:
    return {row["certificate_number"] for row in csv_rows(body)[1]}


@pytest.fixture
def built(ow) -> dict[str, bytes]:
    return files_of(services.build(today=TODAY))


def test_a_release_has_every_file(built, ow):
    assert sorted(built) == sorted(datasets.file_names())
    assert numbers_in(built["chung-nhan-hieu-luc.csv"]) == {
        c.number for key, c in ow.certificates.items() if key != "coop"}


def test_descriptor_validates_against_the_official_profile(built):
    profile = json.loads(PROFILE.read_text())
    assert hashlib.sha256(PROFILE.read_bytes()).hexdigest() == (
        "d3c2d06d4eb7dfd2d0ff53573ce9b0b53476c327dd19662b2babcdf8ea61d03f")
    descriptor = json.loads(built["datapackage.json"])
    errors = [e.message for e in Draft4Validator(profile).iter_errors(descriptor)]
    assert errors == []
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["sources"] and descriptor["created"]
    # Each resource names its file's real size and SHA-256.
    for resource in descriptor["resources"]:
        body = built[resource["path"]]
        assert resource["bytes"] == len(body)
        assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()


def test_the_profile_check_can_fail(built):
    """The validator refuses a descriptor that breaks the profile (a field of unknown type)."""
    profile = json.loads(PROFILE.read_text())
    descriptor = json.loads(built["datapackage.json"])
    descriptor["resources"][0]["schema"]["fields"][0]["type"] = "text"
    assert list(Draft4Validator(profile).iter_errors(descriptor))


def test_every_row_matches_its_table_schema(ow):
    ow.revoke()
    built = files_of(services.build(today=TODAY))
    descriptor = json.loads(built["datapackage.json"])
    checked = 0
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        names = [field["name"] for field in schema["fields"]]
        if resource["format"] == "csv":
            header, rows = csv_rows(built[resource["path"]])
            assert header == names
        else:
            rows = json.loads(built[resource["path"]])
        assert row_errors(schema, rows) == []
        checked += len(rows)
    assert checked == 2 * 4  # each certificate once in CSV and once in JSON


def test_the_row_check_can_fail(built):
    descriptor = json.loads(built["datapackage.json"])
    schema = descriptor["resources"][0]["schema"]
    _header, rows = csv_rows(built["chung-nhan-hieu-luc.csv"])
    rows[0]["stars"] = "6"
    rows[1]["status"] = "revoked"
    rows[2]["certificate_number"] = rows[0]["certificate_number"]
    rows[2]["issued_on"] = "01/09/2025"
    rows[1]["gtin"] = "12AB"
    assert len(row_errors(schema, rows)) == 5


def test_csv_and_json_hold_the_same_rows(built):
    for dataset in datasets.all_datasets():
        _header, from_csv = csv_rows(built[f"{dataset.key}.csv"])
        from_json = json.loads(built[f"{dataset.key}.json"])
        as_text = [{k: "" if v is None else str(v) for k, v in row.items()} for row in from_json]
        assert as_text == from_csv


def test_dcat_catalogue(built, settings):
    jsonld = Graph().parse(data=built["catalog.jsonld"], format="json-ld")
    turtle = Graph().parse(data=built["catalog.ttl"], format="turtle")
    assert isomorphic(jsonld, turtle)
    catalogs = list(jsonld.subjects(ns.RDF.type, ns.DCAT.Catalog))
    assert len(catalogs) == 1
    catalog = catalogs[0]
    dataset_nodes = set(jsonld.objects(catalog, ns.DCAT.dataset))
    assert len(dataset_nodes) == 3
    assert set(jsonld.subjects(ns.RDF.type, ns.DCAT.Dataset)) == dataset_nodes
    licence = URIRef(datasets.LICENSE_URL)
    assert (catalog, ns.DCTERMS.license, licence) in jsonld
    publisher = jsonld.value(catalog, ns.DCTERMS.publisher)
    assert str(jsonld.value(publisher, ns.FOAF.name)) == package.publisher().name
    assert jsonld.value(catalog, ns.DCTERMS.modified) is not None
    downloads = set()
    for node in dataset_nodes:
        assert (node, ns.DCTERMS.publisher, publisher) in jsonld
        assert (node, ns.DCTERMS.accrualPeriodicity,
                URIRef(package.EU + "frequency/DAILY")) in jsonld
        for distribution in jsonld.objects(node, ns.DCAT.distribution):
            assert (distribution, ns.RDF.type, ns.DCAT.Distribution) in jsonld
            assert (distribution, ns.DCTERMS.license, licence) in jsonld
            url = str(jsonld.value(distribution, ns.DCAT.downloadURL))
            name = url.rsplit("/", 1)[1]
            assert url == settings.SITE_URL.rstrip("/") + f"/du-lieu-mo/{name}"
            assert jsonld.value(distribution, ns.DCAT.byteSize).toPython() == len(built[name])
            downloads.add(name)
    assert downloads == {f"{d.key}.{ext}" for d in datasets.all_datasets()
                         for ext in ("csv", "json")}


def test_publisher_is_the_agency_of_the_settings(ow, settings):
    settings.OCOP_AGENCY_NAME = "Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh"
    settings.OCOP_AGENCY_EMAIL = "ocop@snnmt.bacninh.example.vn"
    built = files_of(services.build(today=TODAY))
    graph = Graph().parse(data=built["catalog.jsonld"], format="json-ld")
    catalog = next(graph.subjects(ns.RDF.type, ns.DCAT.Catalog))
    publisher = graph.value(catalog, ns.DCTERMS.publisher)
    assert graph.value(publisher, ns.FOAF.name) == Literal(settings.OCOP_AGENCY_NAME, lang="vi")
    assert URIRef("mailto:ocop@snnmt.bacninh.example.vn") in set(graph.objects())
    descriptor = json.loads(built["datapackage.json"])
    assert descriptor["contributors"][0]["title"] == settings.OCOP_AGENCY_NAME


def test_a_revoked_certificate_moves_to_the_revoked_file_on_the_next_build(ow):
    number = ow.certificates["enterprise"].number
    first = files_of(services.build(today=TODAY))
    assert number in numbers_in(first["chung-nhan-hieu-luc.csv"])
    assert numbers_in(first["chung-nhan-thu-hoi.csv"]) == set()
    ow.revoke()
    second = files_of(services.build(today=TODAY))
    assert number not in numbers_in(second["chung-nhan-hieu-luc.csv"])
    _header, revoked = csv_rows(second["chung-nhan-thu-hoi.csv"])
    assert [(r["certificate_number"], r["status"], r["revoked_on"],
             r["revocation_decision_number"]) for r in revoked] == [
        (number, "revoked", TODAY.isoformat(), "99/QĐ-UBND")]
    assert number not in numbers_in(second["chung-nhan-het-han.csv"])


def test_expired_certificates_have_their_own_file(ow):
    built = files_of(services.build(today=TODAY))
    assert numbers_in(built["chung-nhan-het-han.csv"]) == {ow.certificates["coop"].number}
    # The day before its last valid day ran out it was still in the valid file.
    earlier = files_of(services.build(today=ow.certificates["coop"].valid_until))
    assert ow.certificates["coop"].number in numbers_in(earlier["chung-nhan-hieu-luc.csv"])


def test_no_personal_data_in_any_file(ow):
    ow.revoke()
    built = files_of(services.build(today=TODAY))
    text = "\n".join(body.decode("utf-8") for body in built.values())
    for kind, secret in SECRETS.items():
        assert secret not in text, kind
    for tax_code in TAX_CODES[:4]:
        assert tax_code not in text
    # The household is listed (its product is certified), without its name.
    household = ow.certificates["household"].number
    _header, rows = csv_rows(built["chung-nhan-hieu-luc.csv"])
    row = next(r for r in rows if r["certificate_number"] == household)
    assert (row["producer_name"], row["producer_legal_form"]) == ("", "Hộ kinh doanh")
    # Organisations keep their names.
    assert "Công ty Gốm Bắc Giang" in text


def test_legacy_district_and_current_units(built, ow):
    _header, rows = csv_rows(built["chung-nhan-hieu-luc.csv"])
    by_number = {r["certificate_number"]: r for r in rows}
    household = by_number[ow.certificates["household"].number]
    # Registered under the legacy Xã Đồng Cốc: today's commune, and its old district.
    assert (household["commune"], household["province_code"], household["legacy_district"]) == (
        "Xã Lục Ngạn", "24", "Huyện Lục Ngạn")
    hanoi = by_number[ow.certificates["hanoi"].number]
    assert (hanoi["province"], hanoi["legacy_district"]) == ("Thành phố Hà Nội", "")


def test_each_certificate_is_in_exactly_one_file(ow):
    """Revoked wins over expired: the coop's certificate, revoked and since past its end, is
    in the revoked file only."""
    ow.revoke("coop", on=date(2026, 6, 1))
    built = files_of(services.build(today=TODAY))
    files = {key: numbers_in(built[f"{key}.csv"])
             for key in ("chung-nhan-hieu-luc", "chung-nhan-thu-hoi", "chung-nhan-het-han")}
    assert files["chung-nhan-thu-hoi"] == {ow.certificates["coop"].number}
    assert files["chung-nhan-het-han"] == set()
    every = [n for numbers in files.values() for n in numbers]
    assert sorted(every) == sorted(c.number for c in ow.certificates.values())

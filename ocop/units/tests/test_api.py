def test_provinces_public(client, units):
    response = client.get("/api/v1/units/provinces")
    assert response.status_code == 200
    data = response.json()
    assert [p["key"] for p in data] == ["P24", "P01"]
    assert data[0] == {
        "key": "P24",
        "code": "24",
        "era": "current",
        "level": "province",
        "name": "Bắc Ninh",
        "full_name": "Thành phố Bắc Ninh",
    }
    legacy = client.get("/api/v1/units/provinces", {"era": "legacy"}).json()
    assert [p["key"] for p in legacy] == ["LP24", "LP27"]
    assert client.get("/api/v1/units/provinces", {"era": "x"}).status_code == 422


def test_province_communes(client, units):
    data = client.get("/api/v1/units/provinces/P24/communes").json()
    assert len(data) == 99
    assert {c["era"] for c in data} == {"current"}
    legacy = client.get("/api/v1/units/provinces/LP24/communes").json()
    assert "LC07591" in {c["key"] for c in legacy}
    assert client.get("/api/v1/units/provinces/C07210/communes").status_code == 404
    assert client.get("/api/v1/units/provinces/P99/communes").status_code == 404


def test_unit_detail_legacy(client, units, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/units/LC07591")
    assert response.status_code == 200
    data = response.json()
    assert data["parent"] == {"key": "LD219", "full_name": "Huyện Lục Ngạn"}
    assert data["current_commune"] == {"key": "C07582", "full_name": "Xã Lục Ngạn"}
    assert data["current_province"]["key"] == "P24"
    assert data["valid_to"] == "2025-06-30"
    assert data["address"] == ("Xã Đồng Cốc, huyện Lục Ngạn, tỉnh Bắc Giang"
                               " (nay là xã Lục Ngạn, thành phố Bắc Ninh)")
    assert data["successors"] == [{"key": "C07582", "full_name": "Xã Lục Ngạn", "note": "toàn bộ"}]


def test_unit_detail_current_and_missing(client, units):
    data = client.get("/api/v1/units/C07210").json()
    assert data["valid_from"] == "2025-07-01"
    assert data["current_commune"]["key"] == "C07210"
    assert data["successors"] == []
    assert client.get("/api/v1/units/LC00000").status_code == 404

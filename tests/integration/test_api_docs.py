def test_openapi_schema_lists_the_registry_and_import_operations(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/registry/talents" in paths and "/api/v1/imports/" in paths
    assert paths["/api/v1/registry/talents/{pk}/reveal"]["post"]["summary"].startswith("Show the full ID number")


def test_docs_page_serves_swagger_from_our_own_static_files(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger" in html.lower()
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html  # nothing loaded from outside

import json

import pytest


@pytest.mark.django_db
def test_it_reports_database_and_cache(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_it_refuses_post(client):
    assert client.post("/health").status_code == 405

def test_landing_lists_districts(client, district, other_district):
    response = client.get("/")
    assert response.status_code == 200
    assert "Landkreis Meißen" in response.content.decode()
    assert "Wetteraukreis" in response.content.decode()

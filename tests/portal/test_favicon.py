"""The site's icon: /favicon.ico answers with an icon and every page links it."""

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_returns_an_icon(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # the ICO file signature


@pytest.mark.parametrize(
    "path", ["/", "/wydarzenia/", "/partnerzy/", "/konto/login/", "/nie-ma-takiej-strony/"]
)
def test_pages_link_the_icon(client, path):
    response = client.get(path)
    html = response.content.decode()
    assert '<link rel="icon" href="/static/favicon.ico"' in html
    assert 'rel="icon" href="/static/img/favicon.svg"' in html

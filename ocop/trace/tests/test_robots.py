"""Robots and link previews on the public scan page: answered, never counted (ocop/trace/robots.py),
and robots.txt asking polite crawlers to leave stamps alone."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client

from ocop.operations.testing import call
from ocop.trace import robots, scan, scanlog
from ocop.trace.models import Scan
from ocop.trace.tests.test_stamps_scan import stamp_path

# User-Agents as these fetchers send them.
ROBOTS = (
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "TelegramBot (like TwitterBot)",
    "WhatsApp/2.23.20.0",
    "Twitterbot/1.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Mozilla/5.0 (compatible; SomeNewCrawler/0.3)",
)
# Buyers' phones and browsers, including in-app browsers of the chat apps buyers scan with.
PEOPLE = (
    "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 12; CPH2269 Build/SP1A.210812.016; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Zalo android/"
    "12100519 ZaloTheme/light ZaloLanguage/vi",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/440.0.0.33.116;FBBV/540000000;FBDV/iPhone14,5]",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "coc_coc_browser/117.0.198 Chrome/111.0.5563.198 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/118.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 11; CUBOT_NOTE_20) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
    "",
)


@pytest.mark.parametrize("user_agent", ROBOTS)
def test_robots_and_link_previews_are_recognised(user_agent: str) -> None:
    assert robots.is_robot(user_agent)


@pytest.mark.parametrize("user_agent", PEOPLE)
def test_buyers_phones_are_never_taken_for_robots(user_agent: str) -> None:
    assert not robots.is_robot(user_agent)


@pytest.mark.django_db
def test_a_link_preview_sees_the_product_but_is_not_counted(chain) -> None:
    scanlog.discard()
    path = stamp_path(chain, 31)
    # A buyer pastes the stamp's address into a chat: the chat's server fetches it, twice, from
    # its own data centre.
    for _ in range(2):
        preview = Client(REMOTE_ADDR="31.13.66.1",
                         HTTP_USER_AGENT=ROBOTS[0]).get(path).content.decode()
        assert 'data-result="ok"' in preview and chain.dried.name in preview
    # The next person to open the stamp is its first.
    page = Client(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=PEOPLE[2]).get(path)
    assert "lượt quét thứ 1 trong 30 ngày" in page.content.decode()
    scanlog.flush()
    assert list(Scan.objects.filter(serial=31).values_list("source", flat=True)) == [
        scan.source_key("198.51.100.7")]


@pytest.mark.django_db
def test_robots_cannot_make_a_genuine_stamp_look_copied(chain, settings) -> None:
    # Eight search engines and previewers on two days would be the counterfeit sign's "eight
    # sources on two days" if they counted.
    settings.STAMP_SUSPICIOUS_SOURCES = 3
    settings.STAMP_SUSPICIOUS_DISTINCT_DAYS = 1
    path = stamp_path(chain, 32)
    for n, user_agent in enumerate(ROBOTS[:6]):
        Client(REMOTE_ADDR=f"66.249.{n}.1", HTTP_USER_AGENT=user_agent).get(path)
    answer = Client(REMOTE_ADDR="198.51.100.8").get(path + "&format=json").json()
    assert answer["result"] == "ok" and answer["scanCount"] == 1


@pytest.mark.django_db
def test_the_fast_path_does_not_count_robots_either(app, chain) -> None:
    scanlog.discard()
    path = stamp_path(chain, 33)
    answer = call(app, path, ip="66.249.66.1", user_agent=ROBOTS[2])
    assert answer.status == 200 and 'data-result="ok"' in answer.body
    assert scanlog.flush() == 0
    assert "lượt quét thứ 1 trong" in call(app, path, ip="198.51.100.9").body
    assert scanlog.flush() == 1


@pytest.mark.django_db
def test_a_head_request_is_answered_but_not_counted(app, chain) -> None:
    # A chat app checks the address with HEAD (with a browser's User-Agent) before its preview.
    scanlog.discard()
    path = stamp_path(chain, 34)
    head = call(app, path, method="HEAD", ip="157.240.1.1", user_agent=PEOPLE[0])
    assert head.status == 200  # the body is the server's to drop (gunicorn does)
    assert scanlog.flush() == 0
    assert "lượt quét thứ 1 trong" in call(app, path, ip="198.51.100.10").body


def test_robots_txt_keeps_crawlers_off_stamps_and_names_the_sitemap(client, settings) -> None:
    settings.SITE_URL = "https://ocop.example.gov.vn/"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for prefix in ("/01/", "/t/", "/api/"):
        assert f"Disallow: {prefix}" in lines
    assert "Sitemap: https://ocop.example.gov.vn/sitemap.xml" in lines
    # The catalogue, the map and the certificate check stay open to search engines.
    assert "Disallow: /\n" not in response.content.decode() + "\n"
    assert not any(line in ("Disallow: /san-pham/", "Disallow: /verify/") for line in lines)


def test_favicon_ico_points_at_the_platform_mark(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("ocop/ocop-mark.svg")
    assert finders.find("ocop/ocop-mark.svg")

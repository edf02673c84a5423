"""The web pages in a real headless Chromium (Debian's chromium + chromedriver, driven by Selenium; nothing is
downloaded at run time) against the application served by uvicorn on 127.0.0.1: log in with a token, search, filter
by a facet, open a document, expand the claim tree, chart a claim, download the XLSX, see who could use a patent and
a firm's profile, switch to Chinese. Screenshots
are taken along the way and checked through the DOM: the text is there and long Chinese titles do not overflow."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import uvicorn

from novum.api.app import create_app
from novum.api.settings import Settings
from novum.auth import create_token
from novum.store.sqlite import Store

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
LONG_ZH = "CN104245143A"  # 用于对包含于人造草坪的填充材料进行重复利用的筛选方法及筛选装置
WAIT = 30  # seconds a page may take on a loaded machine; not a timing assertion

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="Debian chromium and chromium-driver are needed (make setup installs them)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(web_data: Path) -> Iterator[tuple[str, str]]:
    """The application under uvicorn in a thread on a free loopback port; yields its URL and an admin token."""
    with Store(web_data) as store:
        token = create_token(store, "browser", "admin")
    app = create_app(Settings(web_data, rate_per_minute=100_000), embed_uploads=False)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(600):
        if running.started:
            break
        time.sleep(0.05)
    assert running.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", token
    running.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[WebDriver]:
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,900", "--lang=en-US"):  # fmt: skip
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "intl.accept_languages": "en-US,en"})  # fmt: skip
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(WAIT * 2)
    yield driver
    driver.quit()


def _wait(driver: WebDriver, css: str) -> None:
    WebDriverWait(driver, WAIT).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def _text(driver: WebDriver, css: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, css).text)


def _no_overflow(driver: WebDriver, css: str) -> None:
    """Nothing wider than the window, and every element matching ``css`` inside it."""
    width = driver.execute_script("return window.innerWidth")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    boxes = driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => {const r = e.getBoundingClientRect();"
        " return [r.left, r.right, e.textContent.trim()];})", css)  # fmt: skip
    assert boxes, f"nothing matches {css}"
    for left, right, text in boxes:
        assert left >= 0 and right <= width, f"{text!r} spans {left}..{right} in a {width}px window"


def test_login_search_and_facet(browser: WebDriver, server: tuple[str, str], shots: Path) -> None:
    url, token = server
    browser.get(f"{url}/search")
    _wait(browser, "#token")  # not logged in: the login page
    assert "/login" in browser.current_url
    browser.find_element(By.ID, "token").send_keys(token)
    browser.find_element(By.ID, "login").click()
    _wait(browser, "#q")
    browser.find_element(By.ID, "q").send_keys("encrypted file access")
    browser.find_element(By.ID, "search-button").click()
    _wait(browser, "#hits")
    assert _text(browser, "#result-count").startswith("226 documents")
    assert browser.find_elements(By.CSS_SELECTOR, "#hits mark"), "no highlighted words"
    browser.save_screenshot(str(shots / "search.png"))
    browser.find_element(By.CSS_SELECTOR, '#facet-year a[data-value="2013"]').click()
    WebDriverWait(browser, WAIT).until(lambda d: "year=2013" in d.current_url)
    _wait(browser, "#hits")
    assert _text(browser, "#result-count").startswith("1 documents")
    assert browser.find_elements(By.ID, "hit-US8799651")
    _no_overflow(browser, ".hit .title")


def test_document_and_claim_tree(browser: WebDriver, server: tuple[str, str], shots: Path) -> None:
    url, _ = server
    browser.get(f"{url}/patents/US8930553B2")
    _wait(browser, "#claim-1")
    assert "Managing mid-dialog session initiation protocol" in _text(browser, "#doc-title")
    claim = browser.find_element(By.ID, "claim-1")
    body = claim.find_element(By.CSS_SELECTOR, ":scope > .claim-text")
    assert claim.get_attribute("open") is None and not body.is_displayed()
    claim.find_element(By.CSS_SELECTOR, ":scope > summary .claim-no").click()
    WebDriverWait(browser, WAIT).until(lambda d: body.is_displayed())
    dependants = claim.find_elements(By.CSS_SELECTOR, ":scope > details.claim")
    assert dependants and all(d.is_displayed() for d in dependants)
    assert "depends on 1" in dependants[0].find_element(By.CSS_SELECTOR, "summary").text
    assert browser.find_element(By.ID, "p-0001").is_displayed()
    browser.save_screenshot(str(shots / "document.png"))


def test_chart_a_claim_and_download_xlsx(browser: WebDriver, server: tuple[str, str], downloads: Path,
                                         shots: Path) -> None:  # fmt: skip
    url, _ = server
    browser.get(f"{url}/patents/US8930553B2")
    _wait(browser, "#chart-claim")
    browser.find_element(By.ID, "chart-claim").click()
    _wait(browser, "#chart-form")
    assert browser.find_element(By.ID, "number").get_attribute("value") == "US8930553B2"
    top = browser.find_element(By.ID, "top")
    top.clear()
    top.send_keys("3")
    browser.find_element(By.ID, "make-chart").click()
    _wait(browser, "#chart-table")
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-table mark"), "no highlighted evidence"
    references = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#verdicts tbody tr td:nth-child(2) a")]
    assert len(references) == 3
    browser.save_screenshot(str(shots / "chart.png"))
    browser.execute_script("document.getElementById('chart').scrollIntoView()")
    browser.save_screenshot(str(shots / "chart-table.png"))
    assert browser.execute_script("return document.documentElement.scrollWidth") <= browser.execute_script(
        "return window.innerWidth"
    )  # a wide chart scrolls inside its box, not the page
    browser.find_element(By.ID, "download-xlsx").click()
    deadline = time.monotonic() + WAIT
    found: list[Path] = []
    while time.monotonic() < deadline and not found:
        found = [p for p in downloads.glob("chart-*.xlsx")]
        time.sleep(0.2)
    assert found, f"no XLSX downloaded into {downloads}: {list(downloads.iterdir())}"
    book = openpyxl.load_workbook(found[0], read_only=True)
    assert book.sheetnames
    cells = [str(c) for row in book[book.sheetnames[0]].iter_rows(values_only=True) for c in row if c]
    for number in references:  # the workbook charts the same references the page shows
        assert any(number in c for c in cells), number
    book.close()


def test_market_firm_profile_and_match_it(browser: WebDriver, server: tuple[str, str], shots: Path) -> None:
    """From a document to who could use it, to one of those firms' profile, to the profile matched as a need."""
    url, _ = server
    browser.get(f"{url}/patents/US8930553B2")
    _wait(browser, "#market")
    browser.find_element(By.ID, "market").click()
    _wait(browser, "#firms table")
    assert "US8930553B2" in _text(browser, "#market-patent")
    rows = browser.find_elements(By.CSS_SELECTOR, "#firms tr.firm")
    assert len(rows) == 10 and all(r.find_element(By.CSS_SELECTOR, "td:nth-child(5)").text for r in rows)
    assert "International Business Machines" not in _text(browser, "#firms")  # its own owner is left out
    assert _text(browser, "#signal-expiry td:nth-child(2)")
    _no_overflow(browser, "#firms")
    browser.save_screenshot(str(shots / "market.png"))
    browser.execute_script("document.getElementById('readiness').scrollIntoView()")
    browser.save_screenshot(str(shots / "market-readiness.png"))
    firm = rows[0].find_element(By.CSS_SELECTOR, "td:nth-child(2) a")
    name = firm.text
    firm.click()
    _wait(browser, "#firm-name")
    assert _text(browser, "#firm-name") == name
    assert browser.find_elements(By.CSS_SELECTOR, "#firm-years .bar") and _text(browser, "#firm-terms")
    _no_overflow(browser, "#profile")
    browser.save_screenshot(str(shots / "firm.png"))
    own = {a.text for a in browser.find_elements(By.CSS_SELECTOR, ".numbers a")}
    browser.find_element(By.ID, "match-profile").click()
    _wait(browser, "#matches")
    assert name in _text(browser, "#firm-need")
    found = {a.text for a in browser.find_elements(By.CSS_SELECTOR, "#matches .hit > a")}
    assert found and own and not found & own  # what the firm could license in: none of its own patents
    browser.save_screenshot(str(shots / "firm-as-need.png"))


def test_switch_to_chinese_and_long_titles_fit(browser: WebDriver, server: tuple[str, str], shots: Path) -> None:
    url, _ = server
    browser.get(f"{url}/search?q=筛选装置")
    _wait(browser, "#lang-zh")
    browser.find_element(By.ID, "lang-zh").click()
    WebDriverWait(browser, WAIT).until(lambda d: _text(d, "#search-button") == "检索")
    assert browser.find_element(By.ID, f"hit-{LONG_ZH}")
    assert "篇文献" in _text(browser, "#result-count")
    _no_overflow(browser, ".hit .title")
    browser.save_screenshot(str(shots / "search-zh.png"))
    browser.get(f"{url}/patents/{LONG_ZH}")  # the language cookie keeps Chinese
    _wait(browser, "#doc-title")
    assert "人造草坪" in _text(browser, "#doc-title") and _text(browser, "#claims h2").startswith("权利要求")
    _no_overflow(browser, "#doc-title")
    browser.save_screenshot(str(shots / "document-zh.png"))
    browser.find_element(By.ID, "market").click()  # who could use the Chinese patent, in Chinese
    _wait(browser, "#firms")
    assert _text(browser, "#firms h2") == "可能使用它的企业" and _text(browser, "#readiness h2") == "成熟度与价值"
    _no_overflow(browser, "#firms")
    browser.save_screenshot(str(shots / "market-zh.png"))
    browser.back()
    browser.set_window_size(400, 800)  # a phone
    try:
        browser.refresh()
        _wait(browser, "#doc-title")
        _no_overflow(browser, "#doc-title")
        browser.save_screenshot(str(shots / "document-zh-narrow.png"))
        browser.get(f"{url}/search?q=筛选装置")
        _wait(browser, "#hits")
        _no_overflow(browser, ".hit .title")
    finally:
        browser.set_window_size(1280, 900)
    keep = os.environ.get("NOVUM_SCREENSHOTS")  # a folder to keep the screenshots in, for a person to look at
    if keep:
        shutil.copytree(shots, keep, dirs_exist_ok=True)

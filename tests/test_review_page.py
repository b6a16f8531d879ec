"""The review pages, on real report text: every sentence a span with its label and
confidence, every grade and item linked to its source span, text escaped, and the
corrections.csv lines the page makes accepted by the pipeline on the next run.

A browser test drives the page in headless Chromium (Debian's chromium and
chromium-driver) with Selenium; it skips when either is not installed.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline import review_page
from pipeline.model import GRADES, LABELS
from pipeline.review import CORRECTION_COLUMNS, read_corrections
from pipeline.runner import run

from conftest import CAMBRIDGESHIRE, DATA
from pdfmaker import make_pdf

#: Corpus texts with causes of concern, recommendations, areas for improvement and grades
#: (a tracker, a letter, pillar pages, an overview, a 2023-25 report).
TEXTS = ("west-mercia_2018_efficiency", "greater-manchester_2021-22_cause-of-concern-revisit-letter",
         "bedfordshire_2016_effectiveness_rectracker", "dyfed-powys_2018_effectiveness_part1",
         "bedfordshire_2016_overview_part1", "avon-and-somerset_2023-25_integrated_part1")
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
REFERENCE = DATA / "review_page.png"


def _table(out: Path, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((out / name).read_text("utf-8-sig"))))


def _source_text(out: Path, report: dict, inputs: Path) -> str:
    """The text the offsets index: processed/text/<id>.txt for PDFs (and repaired texts), else the input."""
    rebuilt = out / "text" / f"{report['report_id']}.txt"
    if rebuilt.is_file():
        return rebuilt.read_text("utf-8")
    return (inputs / report["source_file"]).read_bytes().decode("utf-8-sig")


class Page(HTMLParser):
    """A review page read back: elements by id, the sentence spans in order, with their text."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, dict] = {}
        self.sentences: list[dict] = []
        self.links: list[dict] = []  # the list items beside the text: their data- attributes and link
        self.scripts = 0
        self.tags: list[tuple[str, dict]] = []
        self._open: list[dict] = []
        self._item: dict | None = None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        element = {"tag": tag, "attrs": attrs, "text": []}
        self.tags.append((tag, attrs))
        if tag == "script":
            self.scripts += 1
        if "id" in attrs:
            assert attrs["id"] not in self.ids, f"id {attrs['id']} twice"
            self.ids[attrs["id"]] = element
        if tag == "span" and "s" in attrs.get("class", "").split():
            self.sentences.append(element)
        if tag == "li" and "data-target" in attrs:
            self._item = {"attrs": attrs, "href": None}
            self.links.append(self._item)
        if tag == "a" and self._item is not None and "source" in attrs.get("class", "").split():
            self._item["href"] = attrs["href"]
        if tag not in ("meta", "input", "br", "link", "img"):
            self._open.append(element)

    def handle_endtag(self, tag):
        if tag == "li":
            self._item = None
        while self._open:
            element = self._open.pop()
            if element["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"].append(data)

    def text(self, element_id: str) -> str:
        return "".join(self.ids[element_id]["text"])


@pytest.fixture(scope="module")
def inputs(corpus, tmp_path_factory) -> Path:
    """Cambridgeshire's text and a PDF of it, and corpus texts of other forces (one with CRLF line ends)."""
    raw = tmp_path_factory.mktemp("review") / "raw"
    raw.mkdir()
    shutil.copy(CAMBRIDGESHIRE, raw)
    for name in TEXTS:
        shutil.copy(corpus / "texts" / f"{name}.txt", raw)
    # One saved with Windows line ends, whose carriage returns the offsets count.
    text = (corpus / "texts" / f"{TEXTS[0]}.txt").read_bytes()
    (raw / f"{TEXTS[0]}_crlf.txt").write_bytes(text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    make_pdf(CAMBRIDGESHIRE.read_text("utf-8"), raw / "cambridgeshire-2015-effectiveness-report.pdf",
             "Cambridgeshire Constabulary")
    return raw


@pytest.fixture(scope="module")
def out(inputs) -> Path:
    out = inputs.parent / "processed"
    result = run([inputs], out, corrections=None)
    assert not result.errors, result.errors
    return out


def _page(out: Path, report_id: str) -> Page:
    return Page((out / review_page.page_name(report_id)).read_text("utf-8"))


def test_every_sentence_is_a_span_with_its_label_and_confidence_in_order(out, inputs):
    reports = _table(out, "reports.csv")
    sentences = _table(out, "sentences.csv")
    assert any(r["pages"] for r in reports), "a PDF is among the reports"
    for report in reports:
        text = _source_text(out, report, inputs)
        page = _page(out, report["report_id"])
        rows = [s for s in sentences if s["report_id"] == report["report_id"]]
        assert [s["attrs"]["id"] for s in page.sentences] == [r["sentence_id"] for r in rows]
        for span, row in zip(page.sentences, rows):
            attrs = span["attrs"]
            assert "".join(span["text"]) == text[int(row["char_start"]):int(row["char_end"])], row["sentence_id"]
            assert attrs["data-label"] == row["label"] and f"l-{row['label']}" in attrs["class"]
            assert float(attrs["data-confidence"]) == pytest.approx(float(row["confidence"]))
            assert attrs["data-key"] == row["key"]
            assert attrs.get("data-page", "") == row["page"]
        # The page holds the whole text, exactly: nothing lost, nothing added. A carriage return
        # is a character reference, since an HTML parser reads a bare one as a line feed.
        assert page.text("report-text") == text, report["report_id"]
        assert "\r" not in (out / review_page.page_name(report["report_id"])).read_text("utf-8", errors="strict")
    assert any("\r" in _source_text(out, r, inputs) for r in reports), "a text with CRLF line ends is among them"


def test_confidence_shading_follows_the_confidence(out):
    seen = set()
    for report in _table(out, "reports.csv"):
        for span in _page(out, report["report_id"]).sentences:
            confidence = float(span["attrs"]["data-confidence"])
            band = "c-low" if confidence < review_page.LOW_CONFIDENCE else \
                "c-high" if confidence >= review_page.HIGH_CONFIDENCE else "c-mid"
            assert band in span["attrs"]["class"].split()
            seen.add(band)
    assert seen == {"c-low", "c-mid", "c-high"}, "the texts hold sentences of every band"


def test_every_grade_and_item_links_to_its_source_span(out, inputs):
    tables = {name: _table(out, f"{name}.csv") for name in
              ("grades", "causes_of_concern", "recommendations", "areas_for_improvement")}
    id_field = {"causes_of_concern": "cause_of_concern_id", "recommendations": "recommendation_id",
                "areas_for_improvement": "area_for_improvement_id"}
    checked = {name: 0 for name in tables}
    for report in _table(out, "reports.csv"):
        report_id = report["report_id"]
        text = _source_text(out, report, inputs)
        page = _page(out, report_id)
        grade_links = [link for link in page.links if link["attrs"].get("data-table") == "grades"]
        grades = [g for g in tables["grades"] if g["report_id"] == report_id]
        assert [link["attrs"]["data-key"] for link in grade_links] == [g["key"] for g in grades]
        item_links = [link for link in page.links if "data-table" not in link["attrs"]]
        items = [(name, row) for name in id_field for row in tables[name] if row["report_id"] == report_id]
        assert len(item_links) == len(items)
        for link, (name, row) in list(zip(grade_links, [("grades", g) for g in grades])) + list(zip(item_links, items)):
            assert link["href"] and link["href"].startswith("#"), row
            target = link["href"][1:]
            assert target in page.ids, (report_id, target)
            span = page.ids[target]
            start, end = int(row["char_start"]), int(row["char_end"])
            if "s" in span["attrs"].get("class", "").split():  # linked to the sentence it lies in
                sentence = next(s for s in _table(out, "sentences.csv")
                                if s["report_id"] == report_id and s["sentence_id"] == target)
                assert int(sentence["char_start"]) <= start < int(sentence["char_end"])
            else:  # its own span: exactly its source text
                assert page.text(target) == text[start:end], (report_id, target)
            if row["page"]:
                assert f"page {row['page']}" in link_text(out, report_id, target), (report_id, target)
            if name != "grades":
                assert row[id_field[name]] in link_text(out, report_id, target)
            checked[name] += 1
    assert all(checked.values()), checked


def link_text(out: Path, report_id: str, target: str) -> str:
    """The text of the list item beside the report that links to ``target``."""
    markup = (out / review_page.page_name(report_id)).read_text("utf-8")
    item = re.search(rf'<li [^>]*data-target="{re.escape(target)}"[^>]*>(.*?)</li>', markup, re.S)
    return re.sub(r"<[^>]+>", "", item.group(1))


def test_report_text_cannot_put_markup_into_the_page(tmp_path):
    """A report quoting markup shows it as text: one script on the page, ours."""
    raw = tmp_path / "raw"
    raw.mkdir()
    # Four tags: five would make the file a web page's markup, read as HTML.
    injected = ('The constabulary has <script>alert("x")</script> and <img src=x onerror=alert(1)> '
                "&amp; &#13; </div> arrangements in place.")
    text = CAMBRIDGESHIRE.read_text("utf-8").replace(
        "There are good arrangements in place", injected.replace(" arrangements in place.", ""), 1)
    assert "<script>" in text
    (raw / CAMBRIDGESHIRE.name).write_text(text, encoding="utf-8")
    out = tmp_path / "processed"
    run([raw], out, corrections=None)
    report_id = _table(out, "reports.csv")[0]["report_id"]
    page = _page(out, report_id)
    assert page.scripts == 1
    assert not [tag for tag, _ in page.tags if tag == "img"]
    assert page.text("report-text") == text
    assert any('<script>alert("x")</script>' in "".join(s["text"]) for s in page.sentences)


def test_index_lists_every_report(out):
    index = Page((out / review_page.INDEX).read_text("utf-8"))
    links = [attrs["href"] for tag, attrs in index.tags if tag == "a" and attrs.get("href", "").endswith(".html")]
    reports = [r["report_id"] for r in _table(out, "reports.csv")]
    assert links == [f"{r}.html" for r in reports]
    assert all((out / "review" / link).is_file() for link in links)
    pages = sorted(p.name for p in (out / "review").iterdir())
    assert pages == sorted(["index.html", *review_page.ASSETS, *(f"{r}.html" for r in reports)])
    # Every page links to the style and script beside it, and to nothing outside the folder.
    for name in ["index.html", *(f"{r}.html" for r in reports)]:
        page = Page((out / "review" / name).read_text("utf-8"))
        linked = [attrs.get("href") or attrs.get("src") for tag, attrs in page.tags if tag in ("link", "script")]
        assert set(linked) <= {"review.css", "review.js"} and "review.css" in linked
    outputs = json.loads((out / ".manifest.json").read_text("utf-8"))["outputs"]
    assert all(f"review/{name}" in outputs for name in pages)
    # A run over several forces: the index shows the heatmap written beside it.
    (image,) = [attrs["src"] for tag, attrs in index.tags if tag == "img"]
    assert (out / "review" / image).resolve() == (out / "grades_heatmap.svg").resolve() and (out / image[3:]).is_file()


def test_same_input_same_bytes(out, inputs, tmp_path):
    again = tmp_path / "processed"
    run([inputs], again, corrections=None)
    for page in sorted((out / "review").iterdir()):
        assert (again / "review" / page.name).read_bytes() == page.read_bytes(), page.name


def test_keyboard_and_zoom(out):
    """Real controls, each with its label; a skip link first; focus shown; sizes relative."""
    markup = (out / review_page.page_name("cambridgeshire-2015-effectiveness")).read_text("utf-8")
    page = Page(markup)
    first = next(attrs for tag, attrs in page.tags if tag in ("a", "button", "select", "input", "textarea"))
    assert first["class"] == "skip" and first["href"][1:] in page.ids
    labelled = {attrs.get("for") for tag, attrs in page.tags if tag == "label"}
    for tag, attrs in page.tags:
        if tag in ("select", "input", "textarea"):
            # labelled by a <label for=...> or by the <label> around it
            assert attrs["id"] in labelled or re.search(rf'<label[^>]*>[^<]*(<[^l][^>]*>[^<]*)*<{tag} [^>]*id="{attrs["id"]}"',
                                                         markup), attrs["id"]
    assert not [attrs for tag, attrs in page.tags if attrs.get("onclick") or tag == "div" and attrs.get("tabindex") == "0"]
    css = (Path(review_page.__file__).parent / "data" / "review.css").read_text("utf-8")
    assert ":focus-visible" in css
    assert not re.findall(r"\b\d+(?:\.\d+)?px\b", css), "sizes in rem, em or fractions, so the page reflows when zoomed"
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in markup
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", markup), "no requests outside the page"


def _line(page: Page, table: str, key: str, field: str, value: str, reviewer: str, reason: str) -> str:
    """The corrections.csv line, made as the page's script makes it."""
    report_id = page.ids["report-text"] and next(a for t, a in page.tags if t == "body")["data-report-id"]
    cells = [report_id, table, key, field, value, reviewer, reason]
    return ",".join('"' + c.replace('"', '""') + '"' if re.search(r'[",\r\n]', c) else c for c in cells)


def _corrections_for(page: Page, reviewer: str, reason: str) -> tuple[list[str], dict, dict]:
    """Lines changing the first low-confidence sentence's label and the first grade."""
    sentence = min(page.sentences, key=lambda s: float(s["attrs"]["data-confidence"]))["attrs"]
    new_label = next(label for label in LABELS if label != sentence["data-label"])
    button = page.ids["correct-sentence"]["attrs"]
    grade = next(attrs for tag, attrs in page.tags if tag == "select" and attrs.get("data-table") == "grades")
    current = next(link["attrs"]["data-grade"] for link in page.links if link["attrs"].get("data-key") == grade["data-key"])
    new_grade = next(g for g in GRADES if g != current)
    lines = [_line(page, button["data-table"], sentence["data-key"], button["data-field"], new_label, reviewer, reason),
             _line(page, grade["data-table"], grade["data-key"], grade["data-field"], new_grade, reviewer, reason)]
    return lines, {"key": sentence["data-key"], "label": new_label}, {"key": grade["data-key"], "grade": new_grade}


def _rerun_with(tmp_path: Path, lines: list[str]):
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    shutil.copy(CAMBRIDGESHIRE, raw)
    corrections = tmp_path / "corrections.csv"
    corrections.write_text(",".join(CORRECTION_COLUMNS) + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    items, problems = read_corrections(corrections)
    assert not problems and len(items) == len(lines)
    out = tmp_path / "processed"
    result = run([raw], out, corrections=corrections)
    assert not result.problems and not result.unmatched, (result.problems, result.unmatched)
    return out


def _check_applied(out: Path, sentence: dict, grade: dict) -> None:
    row = next(s for s in _table(out, "sentences.csv") if s["key"] == sentence["key"])
    assert (row["label"], row["method"], row["corrected"]) == (sentence["label"], "reviewer", "label")
    row = next(g for g in _table(out, "grades.csv") if g["key"] == grade["key"])
    assert (row["grade"], row["corrected"]) == (grade["grade"], "grade")
    # And the next review page shows the corrected label.
    page = _page(out, row["report_id"])
    span = next(s for s in page.sentences if s["attrs"]["data-key"] == sentence["key"])
    assert span["attrs"]["data-label"] == sentence["label"] and span["attrs"]["data-method"] == "reviewer"


def test_correction_lines_are_accepted_and_change_the_next_run(out, tmp_path):
    page = _page(out, "cambridgeshire-2015-effectiveness")
    lines, sentence, grade = _corrections_for(page, "A. Reviewer", 'reads as a "finding", not a grade, here')
    assert '"reads as a ""finding"", not a grade, here"' in lines[0]  # quoted as CSV
    _check_applied(_rerun_with(tmp_path, lines), sentence, grade)


# The browser test: Debian's chromium driven through its chromedriver by Selenium (WebDriver),
# so clicks and keys are the browser's own input events, as a reviewer's would be.

INSTALL = "install chromium and chromium-driver (apt-get install chromium chromium-driver) to run the browser test"


@pytest.fixture
def driver(tmp_path):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip(f"{INSTALL} (and selenium, from the test extra)")
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip(INSTALL)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--disable-gpu", "--window-size=1200,900", "--hide-scrollbars",
                     "--force-device-scale-factor=1", "--lang=en-GB", "--no-first-run",
                     f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    if os.geteuid() == 0:  # Chromium refuses to run as root inside its sandbox
        options.add_argument("--no-sandbox")
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    yield driver
    driver.quit()


def _wait(driver, condition: str, timeout: float = 10):
    """Wait until the JavaScript ``condition`` holds, and return its value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(f"return {condition};"),
                                                message=condition)


def _js(driver, expression: str):
    return driver.execute_script(f"return {expression};")


def _viewport(driver, width: int, height: int, scale: float = 1) -> None:
    """A viewport of exactly this size in CSS pixels (the window's frame takes none of it)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False})


def _open(driver, url: str, width: int = 1200, height: int = 900, scale: float = 1, ready: str = "#report-text"):
    _viewport(driver, width, height, scale)
    driver.get(url)
    _wait(driver, f"document.readyState === 'complete' && !!document.querySelector('{ready}')")


def _click(driver, selector: str) -> None:
    """A real mouse click on the element, which WebDriver scrolls into view first."""
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, selector).click()


def _choose(driver, select_id: str, value: str) -> None:
    """Pick an option of a <select> as a reviewer does (the page sees its change event)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, select_id)).select_by_value(value)


def _image(data: bytes):
    import matplotlib.image

    return matplotlib.image.imread(io.BytesIO(data), format="png")[:, :, :3]


def _differs(shot: bytes, reference: bytes) -> float:
    """How far two screenshots differ once each 8 x 8 block is averaged (0 the same, 1 black on white):
    text rendered a little differently moves pixels within a block, not the blocks' colours."""
    a, b = _image(shot), _image(reference)
    assert a.shape == b.shape, (a.shape, b.shape)
    h, w = (a.shape[0] // 8) * 8, (a.shape[1] // 8) * 8

    def blocks(image):
        return image[:h, :w].reshape(h // 8, 8, w // 8, 8, 3).mean(axis=(1, 3))
    return float(abs(blocks(a) - blocks(b)).mean())


def test_in_a_browser(driver, out, inputs, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    report_id = "cambridgeshire-2015-effectiveness"
    url = (out / review_page.page_name(report_id)).resolve().as_uri()
    _open(driver, url)
    sentences = [s for s in _table(out, "sentences.csv") if s["report_id"] == report_id]

    # The keyboard: the first Tab reaches the skip link, which leads to the report text.
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert _js(driver, "document.activeElement.className") == "skip"
    assert _js(driver, "getComputedStyle(document.activeElement).outlineStyle") != "none"  # focus is visible
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    _wait(driver, "location.hash === '#report-text'")

    # Click a grade: its source (here a grade line) is highlighted and scrolled into view.
    grades = [g for g in _table(out, "grades.csv") if g["report_id"] == report_id]
    link = ".grades li:nth-child(2) a.source"
    target = _js(driver, f"document.querySelector('{link}').hash.slice(1)")
    driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    _click(driver, link)
    _wait(driver, f"location.hash === '#{target}'")
    element = f"document.getElementById('{target}')"
    assert _js(driver, f"{element}.matches(':target')")
    assert _js(driver, f"getComputedStyle({element}).outlineStyle") != "none"
    assert _js(driver, f"getComputedStyle({element}).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    assert _js(driver, f"{element}.textContent") == grades[1]["text"]
    top, bottom, height = _js(driver, f"[{element}.getBoundingClientRect().top, "
                                      f"{element}.getBoundingClientRect().bottom, innerHeight]")
    assert 0 <= top and bottom <= height, "scrolled into view"

    # Click an area for improvement: its sentence is highlighted and chosen for correcting.
    item = _table(out, "areas_for_improvement.csv")
    item = next(i for i in item if i["report_id"] == report_id)
    driver.execute_script("window.scrollTo(0, 0)")
    assert not _js(driver, "document.querySelector('.s.selected')"), "no sentence chosen yet"
    _click(driver, ".areas-for-improvement li:nth-child(1) a.source")
    chosen = _wait(driver, "document.querySelector('.s.selected') && document.querySelector('.s.selected').id")
    sentence = next(s for s in sentences if s["sentence_id"] == chosen)
    assert int(sentence["char_start"]) <= int(item["char_start"]) < int(sentence["char_end"])
    assert _js(driver, "document.getElementById('sentence-id').textContent").startswith(chosen)

    # Filter by label: only that label's sentences stay shown, and the count says so.
    shown_ids = "[...document.querySelectorAll('#report-text .s:not(.dim)')].map(s => s.id)"
    _choose(driver, "filter-label", "concern")
    shown = _js(driver, shown_ids)
    assert shown == [s["sentence_id"] for s in sentences if s["label"] == "concern"] and shown
    assert _js(driver, "document.getElementById('filter-count').textContent").startswith(f"{len(shown)} of {len(sentences)}")
    _click(driver, "#filter-low")  # and low confidence
    low = [s["sentence_id"] for s in sentences if s["label"] == "concern"
           and float(s["confidence"]) < review_page.LOW_CONFIDENCE]
    assert _js(driver, shown_ids) == low
    _click(driver, "#filter-low")
    _choose(driver, "filter-label", "")
    assert len(_js(driver, shown_ids)) == len(sentences), "the filters undone"

    # Change a label and a grade: the lines the page makes are those the data- attributes give.
    page = _page(out, report_id)
    reviewer, reason = "A. Reviewer", 'a "finding", not a grade'
    lines, sentence, grade = _corrections_for(page, reviewer, reason)
    driver.find_element(By.ID, "reviewer").send_keys(reviewer)
    driver.find_element(By.ID, "reason").send_keys(reason)
    span_id = next(s["attrs"]["id"] for s in page.sentences if s["attrs"]["data-key"] == sentence["key"])
    _click(driver, f"#{span_id}")
    assert _js(driver, "document.querySelector('.s.selected').id") == span_id
    _choose(driver, "new-label", sentence["label"])
    _click(driver, "#correct-sentence")
    control = next(a["id"] for t, a in page.tags if t == "select" and a.get("data-key") == grade["key"])
    _choose(driver, control, grade["grade"])
    _click(driver, f'button[data-select="{control}"]')
    made = _js(driver, "document.getElementById('correction-lines').value").split("\n")
    assert made == lines
    download = _js(driver, "document.getElementById('download').href")
    assert download.startswith("data:text/csv")
    from urllib.parse import unquote
    assert unquote(download.split(",", 1)[1]) == ",".join(CORRECTION_COLUMNS) + "\n" + "\n".join(lines) + "\n"
    _check_applied(_rerun_with(tmp_path, made), sentence, grade)

    # A text with CRLF line ends: the browser's text of the page is the text the offsets index.
    crlf = next(r for r in _table(out, "reports.csv") if "\r" in _source_text(out, r, inputs))
    _open(driver, (out / review_page.page_name(crlf["report_id"])).resolve().as_uri())
    assert _js(driver, "document.getElementById('report-text').textContent") == _source_text(out, crlf, inputs)
    rows = [s for s in _table(out, "sentences.csv") if s["report_id"] == crlf["report_id"]]
    text = _source_text(out, crlf, inputs)
    assert _js(driver, "[...document.querySelectorAll('#report-text .s')].map(s => s.textContent)") == [
        text[int(r["char_start"]):int(r["char_end"])] for r in rows]

    # 200% zoom of the 1200 x 900 window: 600 x 450 CSS pixels, two device pixels each. The page
    # reflows into one column, with nothing to scroll sideways.
    _open(driver, url, 600, 450, scale=2)
    assert _js(driver, "[innerWidth, devicePixelRatio]") == [600, 2]
    assert _js(driver, "document.documentElement.scrollWidth <= innerWidth + 1")
    left = _js(driver, "[document.querySelector('aside').getBoundingClientRect().left,"
                       " document.getElementById('report-text').getBoundingClientRect().left]")
    assert abs(left[0] - left[1]) < 40, "one column"
    _open(driver, (out / review_page.INDEX).resolve().as_uri(), 600, 450, scale=2, ready="#reports")
    assert _js(driver, "document.documentElement.scrollWidth <= innerWidth + 1"), "the index reflows too"

    # A screenshot of an area for improvement followed to its source, against the reference.
    item_link = next(link["href"] for link in page.links if link["href"] and link["href"][1:].startswith("afi-"))
    _open(driver, url + item_link)
    _wait(driver, "document.querySelector('.s.selected')")
    shot = driver.get_screenshot_as_png()
    (tmp_path / "review_page.png").write_bytes(shot)
    if os.environ.get("PEEL_UPDATE_REFERENCE"):
        REFERENCE.write_bytes(shot)
    assert REFERENCE.is_file(), f"no reference screenshot: run with PEEL_UPDATE_REFERENCE=1 to make {REFERENCE}"
    difference = _differs(shot, REFERENCE.read_bytes())
    assert difference < 0.02, f"the page looks different from {REFERENCE} ({difference:.3f}; see {tmp_path})"


def test_pages_follow_partial_runs_and_removed_reports(corpus, tmp_path):
    """A run over one file keeps the other reports' pages; a report whose file left the
    folder loses its page; a page deleted by hand is written again by the next run."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(CAMBRIDGESHIRE, raw)
    other = raw / f"{TEXTS[0]}.txt"
    shutil.copy(corpus / "texts" / other.name, other)
    out = tmp_path / "processed"
    run([raw], out, corrections=None)
    ids = [r["report_id"] for r in _table(out, "reports.csv")]
    assert len(ids) == 2 and all((out / review_page.page_name(i)).is_file() for i in ids)

    run([raw / CAMBRIDGESHIRE.name], out, corrections=None)  # only one of the files
    assert all((out / review_page.page_name(i)).is_file() for i in ids)

    (out / review_page.page_name(ids[0])).unlink()
    assert not run([raw], out, corrections=None).unchanged
    assert (out / review_page.page_name(ids[0])).is_file()

    other.unlink()
    run([raw], out, corrections=None)
    (kept,) = [r["report_id"] for r in _table(out, "reports.csv")]
    assert sorted(p.name for p in (out / "review").iterdir()) == sorted(["index.html", *review_page.ASSETS, f"{kept}.html"])
    index = Page((out / review_page.INDEX).read_text("utf-8"))
    assert [a["href"] for t, a in index.tags if t == "a" and a.get("href", "").endswith(".html")] == [f"{kept}.html"]

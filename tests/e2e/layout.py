"""Layout checks by element boxes, for the walks on a phone-sized screen: what is cut, overflows or overlaps."""

from __future__ import annotations

from playwright.sync_api import Page

# Text drawn by Plotly inside a chart: title, axis labels and titles, legend entries, annotations.
CHART_TEXT = (".gtitle, .g-xtitle text, .g-ytitle text, .xtick text, .ytick text, .legendtext, .legendtitletext, "
              ".annotation-text")
# Text blocks Streamlit draws: titles, headings, captions, paragraphs, metric labels and values, alerts.
PAGE_TEXT = ", ".join(f'[data-testid="stMain"] {selector}' for selector in (
    "h1", "h2", "h3", "p", '[data-testid="stCaptionContainer"]', '[data-testid="stMetricLabel"]',
    '[data-testid="stMetricValue"]'))

_MEASURE = """([chartText, pageText]) => {
  const box = (element) => { const r = element.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height}; };
  const shown = (element) => { const r = element.getBoundingClientRect(); const style = getComputedStyle(element);
    return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none'
      && (element.textContent || '').trim() !== ''; };
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
                          && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const label = (element) => (element.textContent || '').trim().slice(0, 60);
  const main = document.querySelector('[data-testid="stMain"]');
  const result = {viewport: window.innerWidth, documentWidth: document.documentElement.scrollWidth,
                  mainWidth: main.scrollWidth, mainClientWidth: main.clientWidth, charts: [], pageOverlaps: [],
                  cutText: []};
  for (const chart of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
    const svg = chart.querySelector('.main-svg');
    if (!svg) continue;
    const frame = box(svg);
    const title = chart.querySelector('.gtitle');
    const texts = [...chart.querySelectorAll(chartText)].filter(shown);
    const overlaps = [];
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++)
        if (!texts[i].contains(texts[j]) && !texts[j].contains(texts[i]) && overlap(box(texts[i]), box(texts[j])))
          overlaps.push([label(texts[i]), label(texts[j])]);
    const outside = texts.filter((text) => { const b = box(text);
      return b.left < frame.left - 1 || b.right > frame.right + 1 || b.top < frame.top - 1
             || b.bottom > frame.bottom + 1; }).map(label);
    const toolbar = chart.querySelector('.modebar');
    result.charts.push({frame, title: title && shown(title) ? {text: label(title), ...box(title)} : null,
                        overlaps, outside, toolbar: !!toolbar && getComputedStyle(toolbar).display !== 'none'});
  }
  const blocks = [...document.querySelectorAll(pageText)].filter(shown);
  for (let i = 0; i < blocks.length; i++) {
    for (let j = i + 1; j < blocks.length; j++)
      if (!blocks[i].contains(blocks[j]) && !blocks[j].contains(blocks[i]) && overlap(box(blocks[i]), box(blocks[j])))
        result.pageOverlaps.push([label(blocks[i]), label(blocks[j])]);
    if (blocks[i].scrollWidth > blocks[i].clientWidth + 1 && getComputedStyle(blocks[i]).overflowX !== 'visible')
      result.cutText.push(label(blocks[i]));
  }
  return result;
}"""


def measure_layout(page: Page) -> dict:
    """Boxes of what the page shows: its widths, each chart's frame, title, toolbar and text, and any text of the page
    that overlaps other text or is cut."""
    return page.evaluate(_MEASURE, [CHART_TEXT, PAGE_TEXT])


def layout_problems(measured: dict) -> list[str]:
    """What a person on this screen would see wrong, in words; empty when nothing is."""
    problems = []
    if measured["documentWidth"] > measured["viewport"] or measured["mainWidth"] > measured["mainClientWidth"]:
        problems.append(f"the page scrolls sideways: {measured['documentWidth']} / {measured['mainWidth']} pixels "
                        f"wide on a {measured['viewport']}-pixel screen")
    for number, chart in enumerate(measured["charts"], start=1):
        frame, title = chart["frame"], chart["title"]
        if frame["right"] > measured["viewport"] + 1:
            problems.append(f"chart {number} is wider than the screen")
        if title and (title["left"] < frame["left"] - 1 or title["right"] > frame["right"] + 1
                      or title["top"] < frame["top"] - 1):
            problems.append(f"chart {number}'s title {title['text']!r} is cut")
        if chart["toolbar"]:
            problems.append(f"chart {number} shows a floating toolbar")
        problems += [f"chart {number}: {first!r} overlaps {second!r}" for first, second in chart["overlaps"]]
        problems += [f"chart {number}: {text!r} runs outside the chart" for text in chart["outside"]]
    problems += [f"{first!r} overlaps {second!r}" for first, second in measured["pageOverlaps"]]
    problems += [f"{text!r} is cut" for text in measured["cutText"]]
    return problems


_TOOLBAR_COVERS = """(table, pageText) => {
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
                          && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const toolbar = table.querySelector('[data-testid="stElementToolbar"]');
  if (!toolbar || getComputedStyle(toolbar).opacity === '0') return [];
  const bar = toolbar.getBoundingClientRect();
  // The lines of text themselves, not their blocks' padding.
  const lines = (element) => { const range = document.createRange(); range.selectNodeContents(element);
    return [...range.getClientRects()]; };
  return [...document.querySelectorAll(pageText)].filter((text) => lines(text).some((line) => overlap(bar, line)))
    .map((text) => (text.textContent || '').trim().slice(0, 60));
}"""


def table_problems(page: Page, widths: bool = True) -> list[str]:
    """What is wrong with the page's shown tables (not those inside a closed expander), in words: a table wider than
    its place (it scrolls sideways; checked if `widths`), or its toolbar (shown while the pointer or a finger is on
    it) covering text."""
    problems = []
    tables = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]:visible')
    for number in range(tables.count()):
        table = tables.nth(number)
        table.scroll_into_view_if_needed()
        content, shown = table.locator(".dvn-scroller").evaluate("(grid) => [grid.scrollWidth, grid.clientWidth]")
        if widths and content > shown + 1:
            problems.append(f"table {number + 1} is {content} pixels wide in a place of {shown}")
        table.hover()
        page.wait_for_timeout(200)  # the toolbar fades in
        covered = table.evaluate(_TOOLBAR_COVERS, PAGE_TEXT)
        problems += [f"table {number + 1}'s toolbar covers {text!r}" for text in covered]
    return problems

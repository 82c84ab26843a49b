"""The web page in a real browser: Debian's Chromium, headless, driven by Playwright
against a live server on loopback, at a phone's width. Nothing is downloaded: Playwright
launches /usr/bin/chromium (apt-get install chromium chromium-driver fonts-noto-cjk;
.ci/run does). Chinese must render as Chinese: a machine without a CJK font shows boxes
(missing glyphs), and the tests here fail on it."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from policykg.settings import Settings

from conftest import live_server

CHROMIUM = Path(os.environ.get("POLICYKG_CHROMIUM", "/usr/bin/chromium"))
# As root in a container, without the sandbox; and without the background traffic that a
# closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
# A fontconfig that knows only DejaVu (Latin, no CJK): the browser on a machine without a
# CJK font, to show that the missing-glyph check below does fail there.
NO_CJK_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir></fontconfig>
"""
# Draws each character in the element's own font and compares it with a code point no
# font has (U+10FFFD, private use): a character drawn exactly like it is a missing glyph
# (the .notdef box). Pixels, not widths: a CJK box and a CJK glyph can be equally wide.
MISSING_GLYPHS_JS = """([selector, sample]) => {
  const element = document.querySelector(selector);
  const font = getComputedStyle(element).font.replace(/\\d+(\\.\\d+)?px/, '40px');
  const draw = (ch) => {
    const canvas = document.createElement('canvas'); canvas.width = 64; canvas.height = 64;
    const context = canvas.getContext('2d'); context.font = font; context.fillText(ch, 4, 48);
    return canvas.toDataURL();
  };
  const box = draw('\\u{10FFFD}');
  return [...new Set(sample)].filter(ch => ch.trim() && draw(ch) === box);
}"""
MPW = "d8b79ebff25/3.1.2"


@pytest.fixture(scope="module")
def base_url(built_data):
    with live_server(Settings(data=built_data, threads=1)) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Browser:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium chromium-driver (or set POLICYKG_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def missing_glyphs(page: Page, selector: str) -> list[str]:
    """Characters of the element's text that the browser draws as missing glyphs."""
    text = page.locator(selector).first.inner_text()
    return page.evaluate(MISSING_GLYPHS_JS, [selector, text])


def fits_the_screen(page: Page) -> bool:
    """Whether the page needs no sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_enterprise_asks_about_mpw_and_sees_the_award(page: Page, tmp_path: Path):
    page.goto("/")
    page.get_by_role("searchbox").fill("MPW流片费用能补贴多少？")
    page.get_by_role("button", name="搜索").click()
    first = page.locator("article.card").first
    expect(first).to_have_attribute("data-clause", MPW)
    expect(first.locator(".awards")).to_contain_text("企业研发多项目晶圆（MPW）直接费用的80%；最高 600万元（每家企业每年）")
    expect(first.locator("mark").first).to_be_visible()
    expect(first).to_contain_text("黄埔区广州开发区促进IAB主导产业发展实施意见")
    assert missing_glyphs(page, "article.card") == [], "Chinese drawn as boxes: apt-get install fonts-noto-cjk"
    assert missing_glyphs(page, "header.site") == []
    assert fits_the_screen(page)
    page.screenshot(path=tmp_path / "mpw.png", full_page=True)

    first.get_by_role("link", name="查看条款全文 →").click()
    expect(page).to_have_url(re.compile(f"/ui/clauses/{re.escape(MPW)}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("2.扶持集成电路产业发展")
    expect(page.locator(".awards")).to_contain_text("最高 600万元")
    assert fits_the_screen(page)


def test_an_amount_in_the_question_gives_an_estimate(page: Page):
    page.goto("/")
    page.get_by_role("searchbox").fill("MPW花了500万能补多少")
    page.keyboard.press("Enter")
    expect(page.locator("article.card").first.locator(".estimate")).to_contain_text("估算 400万元：500万元 × 80% = 400万元")


def test_an_officer_opens_a_department_and_follows_its_renaming(page: Page):
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="部门").click()
    page.get_by_role("link", name="广州市工业和信息化局", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("广州市工业和信息化局")
    chain = page.locator("ol.chain")
    expect(chain).to_contain_text("广州市工业和信息化委员会")
    own = page.locator("section.by-role").first.locator("li").count()
    page.get_by_label("含前身单位的条款").check()
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("section.by-role").first.locator(".badge").first).to_contain_text("广州市工业和信息化委员会")
    assert page.locator("section.by-role").first.locator("li").count() > own
    assert fits_the_screen(page)

    chain.get_by_role("link", name="广州市工业和信息化委员会").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("广州市工业和信息化委员会")


def test_a_researcher_runs_a_sparql_example_and_then_their_own_query(page: Page):
    page.goto("/ui/sparql")
    page.get_by_role("link", name="各部门牵头、配合的条款数").click()
    table = page.locator("section.answer table")
    expect(table.locator("th")).to_have_text(["department", "role", "clauses"])
    expect(table.locator("tbody tr").first).to_contain_text("各区政府")
    expect(page.locator("#query")).to_have_value(re.compile(r"GROUP BY \?department \?role"))

    page.locator("#query").fill("SELECT ?title WHERE { ?d a pk:Document ; dct:title ?title } ORDER BY ?title")
    page.get_by_role("button", name="运行").click()
    expect(page.locator("section.answer")).to_contain_text("共 9 行")
    expect(page.locator("section.answer tbody")).to_contain_text("黄埔区广州开发区促进IAB主导产业发展实施意见")
    assert fits_the_screen(page)


def test_without_a_cjk_font_the_glyph_check_fails(browser: Browser, base_url: str, tmp_path: Path):
    """The same page in a browser that sees no CJK font: the check above must report the
    Chinese characters as missing (and the Latin ones as drawn), or it proves nothing."""
    config = tmp_path / "fonts.conf"
    config.write_text(NO_CJK_FONTCONFIG.format(cache=tmp_path / "fontcache"), encoding="utf-8")
    bare = browser.browser_type.launch(  # a second Chromium from the same Playwright
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env={**os.environ, "FONTCONFIG_FILE": str(config)}
    )
    try:
        page = bare.new_page(viewport=PHONE, base_url=base_url, locale="zh-CN")
        page.goto("/?q=MPW流片费用能补贴多少")
        missing = missing_glyphs(page, "article.card")
        assert {"流", "片", "补", "贴"} <= set(missing)
        assert not {"M", "P", "W"} & set(missing)
    finally:
        bare.close()


def test_an_enterprise_fills_its_profile_and_sees_what_it_can_apply_for(page: Page):
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="可申报政策").click()
    form = page.get_by_role("form", name="企业画像")
    form.get_by_label("注册所在市").fill("广州市")
    form.get_by_label("注册所在区").fill("黄埔区")
    form.get_by_label("所属行业").fill("集成电路设计")
    form.get_by_label("用途（用自己的话）").fill("MPW流片费")
    form.get_by_label("金额（万元）").fill("500")
    form.get_by_label("年度", exact=True).fill("2020")
    form.get_by_label("查询日期").fill("2021-03-15")
    form.get_by_role("button", name="查看可申报政策").click()
    eligible = page.locator('article[data-verdict="eligible"]').filter(has_text="多项目晶圆（MPW）直接费用的80%")
    expect(eligible.first).to_be_visible()
    expect(eligible.first.locator(".estimate")).to_contain_text("估算 400万元")
    expect(eligible.first.locator(".reasons")).to_contain_text("黄埔区")
    expect(page.get_by_role("heading", level=2, name=re.compile("待确认"))).to_be_visible()
    assert fits_the_screen(page)

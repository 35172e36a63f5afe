"""The HTML part of a digest in a real browser engine at a phone's width: headless Chromium
(Debian's `chromium`, installed by .ci/run) lays each digest out in a 390 px wide frame, and no
digest may be wider than the frame (no sideways scrolling on a phone)."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timezone
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

from macros_py.ledger.reader import read_ledger
from mailer.messages import Sender, compose_digest
from mailer.planning import FULL, SHORT, plan_ledger
from tests.conftest import TODAY
from tests.test_mailer_planning import DAY, deadline, plan

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package «chromium»; "
                                                           ".ci/run installs it)")
WIDTH = 390
NOW = datetime(2026, 3, 16, 0, 5, tzinfo=timezone.utc)
# Wide content a phone must wrap: a long unbroken case number, a long name, a long legal basis
LONG = "12/2026/HS-" + "X" * 60


def dump_dom(page: Path, tmp_path: Path) -> str:
    """The DOM of `page` after its scripts ran, from headless Chromium."""
    run = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'chromium-profile'}",
         "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
        capture_output=True, timeout=120, text=True)
    assert "data-" in run.stdout, run.stderr[-2000:]
    return run.stdout


def widths(pages: list[str], tmp_path: Path) -> list[tuple[int, int]]:
    """(scrollWidth, viewport width) of each HTML document laid out in a WIDTH px iframe."""
    frames = "\n".join(f'<iframe id="f{i}" style="width:{WIDTH}px;height:800px;border:0" '
                       f'srcdoc="{html.escape(p, quote=True)}"></iframe>' for i, p in enumerate(pages))
    page = tmp_path / "phone.html"
    page.write_text(f"""<!DOCTYPE html><html><body style="margin:0">{frames}
<script>
window.addEventListener("load", () => {{
  const out = [];
  for (let i = 0; i < {len(pages)}; i++) {{
    const f = document.getElementById("f" + i);
    out.push([f.contentDocument.documentElement.scrollWidth, f.contentWindow.innerWidth]);
  }}
  document.body.setAttribute("data-widths", JSON.stringify(out));
}});
</script></body></html>""", encoding="utf-8")
    found = re.search(r'data-widths="([^"]*)"', dump_dom(page, tmp_path))
    assert found
    return [tuple(x) for x in json.loads(html.unescape(found.group(1)))]


def html_part(raw: bytes) -> str:
    return message_from_bytes(raw, policy=default).get_body(("html",)).get_content()


def test_every_digest_fits_a_390px_phone_without_sideways_scrolling(sample_ledger: Path, tmp_path: Path):
    sender = Sender("canhbao@vks.example", "VKS khu vực 1 - Hải Phòng")
    pages = []
    for level in (FULL, SHORT):  # the leader's digest (summary + backlog) and the prosecutors' ones
        p = plan_ledger(read_ledger(sample_ledger), TODAY)
        items = [replace(a, source=replace(a.source, content=level)) for a in p.alerts]
        groups: dict[str, list] = {}
        for a in items:
            groups.setdefault(a.recipient.address, []).append(a)
        pages += [html_part(compose_digest(g, TODAY, sender, NOW).raw) for g in groups.values()]
    wide = deadline(-3, case=LONG, person="Nguyễn Văn " + "Aaaaaaaaaa" * 5)
    wide = replace(wide, basis="Thời hạn tạm giam để điều tra (Đặc biệt nghiêm trọng): 4 tháng kể từ ngày bắt "
                   "tạm giam; "
                   + "https://vbpl.vn/" + "a" * 80)
    mine = [a for a in plan(wide, deadline(2)).alerts if a.recipient.address == "an@vks.example"]
    pages.append(html_part(compose_digest(mine, DAY, sender, NOW).raw))
    # the control: the table layout this replaced is wider than a phone, and the harness sees it
    pages.append('<!DOCTYPE html><html><body><table><tr>' + "".join(
        f"<td>so_theo_doi_an_2026_{i}.xlsx</td>" for i in range(8)) + "</tr></table></body></html>")
    got = widths(pages, tmp_path)
    assert len(got) == len(pages) > 8
    *digests, control = got
    assert control[0] > WIDTH  # the check can fail
    assert all(view == WIDTH for _, view in got)
    assert [w for w, _ in digests if w > WIDTH] == []


def cards(page_html: str, tmp_path: Path) -> dict:
    """Laid out in a WIDTH px frame: the page's scrollWidth, and each card in order with its band, its
    border colour as the browser computes it, and its right edge and the widest thing inside it."""
    page = tmp_path / "cards.html"
    page.write_text(f"""<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" style="width:{WIDTH}px;height:2000px;border:0" srcdoc="{html.escape(page_html, quote=True)}"></iframe>
<script>
window.addEventListener("load", () => {{
  const f = document.getElementById("f"), doc = f.contentDocument;
  const out = {{width: doc.documentElement.scrollWidth, view: f.contentWindow.innerWidth, cards: []}};
  for (const el of doc.querySelectorAll("[data-band]")) {{
    const r = el.getBoundingClientRect();
    let widest = 0;
    for (const c of el.querySelectorAll("*")) widest = Math.max(widest, c.getBoundingClientRect().right);
    out.cards.push([el.getAttribute("data-band"), getComputedStyle(el).borderLeftColor, r.right, widest,
                    el.scrollWidth <= el.clientWidth]);
  }}
  document.body.setAttribute("data-cards", JSON.stringify(out));
}});
</script></body></html>""", encoding="utf-8")
    found = re.search(r'data-cards="([^"]*)"', dump_dom(page, tmp_path))
    assert found
    return json.loads(html.unescape(found.group(1)))


def rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return f"rgb({int(h[0:2], 16)}, {int(h[2:4], 16)}, {int(h[4:6], 16)})"


def test_on_a_phone_overdue_comes_first_each_band_has_its_colour_and_nothing_overflows(tmp_path: Path):
    from macros_py.law.urgency import BANDS, LATER

    sender = Sender("canhbao@vks.example", "VKS khu vực 1 - Hải Phòng")
    steps = [deadline(8, case="8/2026/HS"), deadline(2, case="2/2026/HS"), deadline(0, case="0/2026/HS"),
             deadline(-4, case="4/2026/HS", kind="truy_to"), deadline(-6, case="6/2026/HS", kind="giao_ban_an"),
             deadline(5, case=LONG, person="Nguyễn Văn " + "Aaaaaaaaaa" * 5)]
    mine = [a for a in plan(*steps).alerts if a.recipient.address == "an@vks.example"]
    got = cards(html_part(compose_digest(mine, DAY, sender, NOW).raw), tmp_path)
    assert got["view"] == WIDTH and got["width"] <= WIDTH
    order = [c[0] for c in got["cards"]]
    assert order[:2] == ["overdue", "overdue"] and "overdue" not in order[2:]  # overdue first
    assert order[2:] == ["day", "three_days", "window", "window"]
    colours = {key: colour for key, colour, *_ in got["cards"]}
    assert colours == {b.key: rgb(b.color) for b in BANDS if b is not LATER}
    assert len(set(colours.values())) == 4  # four bands, four colours
    for key, _, right, widest, fits in got["cards"]:
        assert right <= WIDTH and widest <= WIDTH and fits, key

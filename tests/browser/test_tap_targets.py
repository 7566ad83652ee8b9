"""Tap targets on the main pages, in Dutch, on a phone and a laptop (issue 14, defect 12).

WCAG 2.2 SC 2.5.8 (target size, minimum): every link, button, field, select and summary a
person can tap is at least 24 × 24 CSS px, or its 24 px circle touches no other target (the
spacing exception); a link inside running text is exempt. The test does not list selectors: it
walks every visible interactive element of the page, so a new button that is too small fails
it. And signing out (hard to undo for someone without an email) is kept away from the language
switch, which people tap often."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant
from tests.browser.conftest import LAPTOP, PHONE, Steps
from tests.factories import make_event, make_participant, make_session, make_vote
from tests.views.public.test_grid import build_grid

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "oocamp-2026"
MINIMUM = 24  # px, both ways (SC 2.5.8)
SIGN_OUT_DISTANCE = 40  # px between "Afmelden" and the language switch, at least
SCREENS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
    "laptop": {"viewport": LAPTOP},
}

# Every element a person can tap, and what it measures. In the page header (the banner, on
# every page) each target must be 24 × 24 px itself; elsewhere the spacing exception applies. A checkbox or radio button counts with
# the label around it (tapping the label ticks it); a link that is an inline run of a sentence
# (its block holds other text) is exempt. Elements hidden or clipped to 1 px are not targets.
TARGETS_JS = """
() => {
  const SELECTOR = "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    + "[role=button], [role=link], [role=option], [role=tab], [tabindex]:not([tabindex='-1'])";
  const isBlock = (el) => !getComputedStyle(el).display.startsWith("inline");
  const inRunningText = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && !isBlock(block)) block = block.parentElement;
    if (!block) return false;
    const own = el.textContent.trim();
    return block.textContent.replace(el.textContent, "").trim().length > 0 && own.length > 0;
  };
  const describe = (el) => {
    const text = (el.getAttribute("aria-label") || el.textContent || el.value || el.name || "")
      .replace(/\\s+/g, " ").trim().slice(0, 40);
    const cls = el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    return `<${el.tagName.toLowerCase()}${cls}> "${text}"`;
  };
  const targets = [];
  for (const el of document.querySelectorAll(SELECTOR)) {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const label = (el.type === "checkbox" || el.type === "radio") && el.closest("label");
    const box = (label || el).getBoundingClientRect();
    if (box.width * box.height <= 1) continue;  // .visually-hidden: nothing to tap
    if (box.bottom + window.scrollY <= 0) continue;  // the skip link waiting above the page
    targets.push({
      what: describe(el),
      x: box.left + window.scrollX, y: box.top + window.scrollY, w: box.width, h: box.height,
      exempt: inRunningText(el),
      inBanner: Boolean(el.closest("header, [role=banner]")),
      el,
    });
  }
  const distance = (px, py, t) => {
    const dx = Math.max(t.x - px, 0, px - (t.x + t.w));
    const dy = Math.max(t.y - py, 0, py - (t.y + t.h));
    return Math.hypot(dx, dy);
  };
  const small = (t) => t.w < %(minimum)s - 0.5 || t.h < %(minimum)s - 0.5;
  const failures = [];
  for (const t of targets) {
    if (t.exempt || !small(t)) continue;
    // the page header is on every page and tapped all day: no spacing exception there
    if (t.inBanner) {
      failures.push(`${t.what}: ${Math.round(t.w)}×${Math.round(t.h)} px in the header`);
      continue;
    }
    // the spacing exception: a 24 px circle on its centre touches no other target
    const cx = t.x + t.w / 2, cy = t.y + t.h / 2;
    const crowded = targets.some((other) => {
      if (other === t || other.el.contains(t.el) || t.el.contains(other.el)) return false;
      if (small(other) && !other.exempt) {
        return Math.hypot(cx - (other.x + other.w / 2), cy - (other.y + other.h / 2)) < %(minimum)s;
      }
      return distance(cx, cy, other) < %(minimum)s / 2;
    });
    if (crowded) failures.push(`${t.what}: ${Math.round(t.w)}×${Math.round(t.h)} px`);
  }
  return { count: targets.length, failures };
}
""" % {"minimum": MINIMUM}  # noqa: UP031 (a JavaScript body full of braces)

GAP_JS = """
([a, b]) => {
  const one = document.querySelector(a).getBoundingClientRect();
  let nearest = Infinity;
  for (const el of document.querySelectorAll(b)) {
    const other = el.getBoundingClientRect();
    const dx = Math.max(other.left - one.right, one.left - other.right, 0);
    const dy = Math.max(other.top - one.bottom, one.top - other.bottom, 0);
    nearest = Math.min(nearest, Math.hypot(dx, dy));
  }
  return nearest;
}
"""


@pytest.fixture
def organiser() -> Participant:
    """A Dutch event in the voting phase with a 6-room grid of sessions; an organiser who takes
    part, hosts a session and voted, so every page shows all it can."""
    event = make_event(slug=SLUG, name="Open Overheid Camp 2026", phase=Event.Phase.VOTING)
    built = build_grid(event, rooms=6, slots=5, title="Sessie")
    organiser = make_participant(event, name="Olga Organisator", role=Participant.Role.ORGANISER)
    mine = make_session(event, [organiser], title="Vaders bereiken in de opvoedingswinkel")
    make_vote(organiser, built.sessions[0])
    organiser.hosted = mine  # type: ignore[attr-defined]
    return organiser


def pages(organiser: Participant) -> dict[str, str]:
    session = organiser.hosted  # type: ignore[attr-defined]
    return {
        "home": "/",
        "event": f"/{SLUG}/",
        "sessions": f"/{SLUG}/proposals/",
        "propose": f"/{SLUG}/propose/",
        "my page": f"/{SLUG}/me/",
        "grid": f"/{SLUG}/grid/",
        "session page": session.get_absolute_url(),
        "organiser dashboard": f"/{SLUG}/organise/",
        "grid editor": f"/{SLUG}/organise/grid/",
    }


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_tap_target_is_at_least_24_px_and_sign_out_is_away_from_the_language_switch(
    new_context: CreateContextCallback, sign_in, organiser: Participant, screen: str, steps: Steps
) -> None:
    context = new_context(**SCREENS[screen])
    sign_in(context, organiser.user)
    page: Page = context.new_page()
    too_small: dict[str, list[str]] = {}
    for name, path in pages(organiser).items():
        response = page.goto(path)
        assert response is not None and response.status == 200, (name, path)
        expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
        steps(page, f"{screen} {name}")

        found = page.evaluate(TARGETS_JS)

        assert found["count"] >= 4, name  # the walk saw the header and the page
        if found["failures"]:
            too_small[name] = found["failures"]
        gap = page.evaluate(GAP_JS, [".site-nav-end .sign-out button", ".language-switch button"])
        assert gap >= SIGN_OUT_DISTANCE, (
            f"{name}: Afmelden is {gap:.0f} px from the language switch"
        )
    assert too_small == {}, "\n".join(
        f"{name} at {screen}: {', '.join(items)}" for name, items in too_small.items()
    )


def test_the_walk_finds_a_target_that_is_too_small(
    new_context: CreateContextCallback, sign_in, organiser: Participant
) -> None:
    """The check itself can fail: a 16 px button squeezed next to another is reported, one with
    room around it is not (the spacing exception), nor is a link in a sentence; in the header
    a 20 px link is reported even with room around it (the defect of issue 14)."""
    context = new_context(**SCREENS["laptop"])
    sign_in(context, organiser.user)
    page = context.new_page()
    page.goto(f"/{SLUG}/")
    page.evaluate(
        """() => {
          const p = document.createElement("p");
          p.innerHTML = 'Lees <a href="/">de uitleg</a> eerst. '
            + '<button class="tiny">a</button><button class="tiny">b</button>';
          const alone = document.createElement("p");
          alone.innerHTML = '<button class="tiny">c</button>';
          document.querySelector("main").append(p, alone);
          for (const b of document.querySelectorAll("button.tiny")) {
            b.style.minHeight = "0"; b.style.height = "16px"; b.style.width = "16px";
            b.style.padding = "0"; b.style.margin = "0";
          }
          const brand = document.querySelector("header a");
          brand.style.display = "inline"; brand.style.minHeight = "0";
          brand.style.fontSize = "16px"; brand.style.lineHeight = "1";
        }"""
    )

    found = page.evaluate(TARGETS_JS)

    assert len(found["failures"]) == 3, found["failures"]
    assert found["failures"][0].startswith('<a.brand> "OOcamp"')
    assert found["failures"][0].endswith("in the header")
    assert sorted(found["failures"][1:]) == [
        '<button.tiny> "a": 16×16 px',
        '<button.tiny> "b": 16×16 px',
    ]

"""A corpus of real attack strings (row 11 of /work/shared/reliability-plan.md), each under 100
characters so it fits every text field (room names and slot labels are the shortest).

Every payload that runs code calls `__pw(<n>)` (a probe the tests install in the page before
anything else runs, `parent.__pw` from frames), and every htmx payload asks for `/xss-probe/<n>`,
a URL the tests watch. `fires` says whether the payload runs in Chromium when it lands in a page
unescaped and unsanitised (rendered through Markdown without nh3, no CSP), with a click on every
link and button: the counter-check asserts exactly that, so the XSS test is known to be able to
fail. The ones marked False are still worth storing: they are escaping and parser traps (template
syntax, unicode look-alikes, data: links that Chromium refuses at the top level).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    n: int
    text: str
    fires: bool


_TEMPLATES: list[tuple[str, bool]] = [
    # script elements, in and out of every context a value can land in
    ("<script>__pw({n})</script>", True),
    ("<ScRiPt>__pw({n})</sCrIpT>", True),
    ('"><script>__pw({n})</script>', True),
    ("'><script>__pw({n})</script>", True),
    ("</textarea><script>__pw({n})</script>", True),
    ("</title><script>__pw({n})</script>", True),
    ("</style><script>__pw({n})</script>", True),
    ("</script><script>__pw({n})</script>", True),
    ("<!--</script><script>__pw({n})</script>-->", False),
    ("<script>/*</script><script>__pw({n})//*/</script>", True),
    # event handlers
    ("<img src=x onerror=__pw({n})>", True),
    ('<img src="x" onerror="__pw({n})">', True),
    ('<img/src="x"/onerror=__pw({n})>', True),
    ('"><img src=x onerror=__pw({n})>', True),
    ("' onmouseover='__pw({n})' x='", False),
    ('" autofocus onfocus="__pw({n})" x="', False),
    ("<svg onload=__pw({n})>", True),
    ("<svg/onload=__pw({n})>", True),
    ("<svg><script>__pw({n})</script></svg>", True),
    ("<svg><animate onbegin=__pw({n}) attributeName=x dur=1s>", True),
    ("<body onload=__pw({n})>", True),
    ("<details open ontoggle=__pw({n})>", True),
    ("<input autofocus onfocus=__pw({n})>", True),
    ("<video><source onerror=__pw({n})></video>", True),
    ("<audio src=x onerror=__pw({n})>", True),
    ("<marquee onstart=__pw({n})>x</marquee>", False),
    ("<object data=x onerror=__pw({n})></object>", False),
    ("<math><mi xlink:href=x>y</mi><img src=x onerror=__pw({n})></math>", True),
    ('<noscript><p title="</noscript><img src=x onerror=__pw({n})>">', True),
    # frames and links
    ('<iframe srcdoc="<script>parent.__pw({n})</script>"></iframe>', True),
    ('<iframe src="javascript:parent.__pw({n})"></iframe>', True),
    ('<a href="javascript:__pw({n})">click</a>', True),
    ('<a href="JaVaScRiPt:__pw({n})">click</a>', True),
    ('<a href="&#106;avascript:__pw({n})">click</a>', True),
    ('<a href="java&#x09;script:__pw({n})">click</a>', True),
    ('<a href=" javascript:__pw({n})">click</a>', True),
    ('<a href="data:text/html,<script>parent.__pw({n})</script>">x</a>', False),
    ('<form action="javascript:__pw({n})"><button>go</button></form>', True),
    ('<button formaction="javascript:__pw({n})" form=f>go</button><form id=f></form>', True),
    # Markdown links and images
    ("[click](javascript:__pw({n}))", True),
    ("[click](JAVASCRIPT:__pw({n}))", True),
    ("[click]( javascript:__pw({n}) )", True),
    ("[click](&#106;avascript:__pw({n}))", True),
    ("![x](javascript:__pw({n}))", False),
    ("[click][r]\n\n[r]: javascript:__pw({n})", True),
    ("<javascript:__pw({n})>", False),
    ("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", False),
    # htmx attributes: requests to a URL we watch, or code through hx-on
    ('<div hx-get="/xss-probe/{n}" hx-trigger="load">x</div>', True),
    ('<div data-hx-get="/xss-probe/{n}" data-hx-trigger="load">x</div>', True),
    ('<img src=x hx-get="/xss-probe/{n}" hx-trigger="load">', True),
    ('<button hx-post="/xss-probe/{n}">go</button>', True),
    ('<button hx-on:click="__pw({n})">go</button>', True),
    ('<button data-hx-on:click="__pw({n})">go</button>', True),
    ('<div hx-on::load="__pw({n})">x</div>', False),
    ('<a hx-get="/xss-probe/{n}" hx-target="body">go</a>', True),
    # template syntax and unicode tricks: must come out as the same text
    ("{{{{ request.user.password }}}}{{% debug %}}{n}", False),
    ("${{__pw({n})}}", False),
    ("\uff1cscript\uff1e__pw({n})\uff1c/script\uff1e", False),
    ("\u202e<script>__pw({n})</script>", True),
    ("<scr<script>ipt>__pw({n})</script>", False),
    ("\\u003cscript\\u003e__pw({n})\\u003c/script\\u003e", False),
]

PAYLOADS: list[Payload] = [
    Payload(n, template.format(n=n), fires) for n, (template, fires) in enumerate(_TEMPLATES, 1)
]
assert all(len(p.text) <= 100 for p in PAYLOADS), [p for p in PAYLOADS if len(p.text) > 100]

# Installed before any script of the page runs (Playwright's add_init_script): records calls.
PROBE_SCRIPT = "window.__pwned = []; window.__pw = (n) => { window.__pwned.push(n); };"
PROBE_URL = "/xss-probe/"

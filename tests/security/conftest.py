"""The security tests (issue 8, rows 11, 12, 18-21, 26, 28 of the reliability plan) borrow the
browser fixtures of tests/browser: Debian's Chromium, the live server as base URL, sign-in."""

from tests.browser.conftest import (  # noqa: F401  (fixtures)
    artifacts_dir,
    base_url,
    browser_context_args,
    browser_type_launch_args,
    sign_in,
)

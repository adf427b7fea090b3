"""End-to-end tests in real Chromium (Playwright), every one marked `browser`; the helpers
are in tests/support/chromium.py."""

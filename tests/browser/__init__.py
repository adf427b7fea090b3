"""End-to-end tests in real Chromium (Playwright), every one marked `browser`; the helpers
are in harness/ (servers.py, chromium.py), shared with the benchmarks."""

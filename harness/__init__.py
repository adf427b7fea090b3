"""What the tests and the benchmarks share: a real app server and Debian's Chromium.

    servers.py   start `streamlit run` on a free port, stop it by its process group
    chromium.py  Playwright driving /usr/bin/chromium (nothing downloaded), page helpers

The tests (tests/) and the benchmarks (benchmarks/) both import from here; neither imports
the other.
"""

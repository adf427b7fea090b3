"""The Streamlit settings the app's speed depends on (.streamlit/config.toml)."""

import tomllib

from streamlit import config

from tests.apptest import ROOT


def test_no_full_garbage_collection_after_every_rerun():
    """Streamlit's default gc.collect() after each rerun cost 36 ms on a bare page and ~135 ms
    on ours, holding the GIL for every other session (BENCHMARKS.md, session 2)."""
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["runner"]["postScriptGC"] is False
    option = config.get_config_options()["runner.postScriptGC"]  # a name Streamlit knows
    assert option.default_val is True  # ... and whose default we really change

"""The Streamlit settings the app depends on (.streamlit/config.toml): speed, a viewer toolbar."""

import tomllib

from streamlit import config

from tests.support.apptest import ROOT


def test_no_full_garbage_collection_after_every_rerun():
    """Streamlit's default gc.collect() after each rerun cost 36 ms on a bare page and ~135 ms
    on ours, holding the GIL for every other session (BENCHMARKS.md, the entry of 2026-11-25)."""
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["runner"]["postScriptGC"] is False
    option = config.get_config_options()["runner.postScriptGC"]  # a name Streamlit knows
    assert option.default_val is True  # ... and whose default we really change


def test_no_deploy_button_in_class():
    """The toolbar shows only what a viewer needs: no "Deploy", no developer menu."""
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["toolbarMode"] == "viewer"
    option = config.get_config_options()["client.toolbarMode"]  # a name Streamlit knows
    assert option.default_val == "auto"  # ... and whose default we really change


def test_uploads_stop_at_10_mb():
    """A pairs file may have 2 MB; the uploader refuses past 10 MB (Streamlit's default: 200)."""
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["maxUploadSize"] == 10
    assert config.get_config_options()["server.maxUploadSize"].default_val == 200

"""scripts/test runs pytest in several worker processes at once (pytest-xdist): each must write under a home of
its own, or two workers would share uploads, the reference stamp file and saved match indexes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SHOW = """
import json
from django.conf import settings
print(json.dumps({"home": str(settings.HOME_DIR), "media": str(settings.MEDIA_ROOT),
                  "database": str(settings.DATABASES["default"]["NAME"])}))
"""


def _settings_of(home: Path, **env: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTEST_XDIST_WORKER", "DATABASE_URL")}
    environ.update(TALENTPOOL_HOME=str(home), DJANGO_SETTINGS_MODULE="talentpool.settings.test", **env)
    done = subprocess.run([sys.executable, "-c", SHOW], env=environ, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_each_xdist_worker_writes_under_its_own_home(tmp_path):
    gw3 = _settings_of(tmp_path, PYTEST_XDIST_WORKER="gw3")
    assert gw3 == {"home": str(tmp_path / "gw3"), "media": str(tmp_path / "gw3" / "media"),
                   "database": str(tmp_path / "gw3" / "talentpool.sqlite3")}
    assert (tmp_path / "gw3").is_dir()
    alone = _settings_of(tmp_path)  # one process: the home itself
    assert alone["home"] == str(tmp_path) and alone["media"] == str(tmp_path / "media")

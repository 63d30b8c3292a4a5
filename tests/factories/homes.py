"""Copies of a subprocess test's home: the directory (SQLite file, keys, uploads) and, on PostgreSQL, its database
made from the prepared one as a template. A test that needs several identical homes migrates and loads one and
copies it, which is what an operator restoring a backup does, instead of preparing each from scratch."""

from __future__ import annotations

import shutil
from pathlib import Path


def clone_home(source: Path, target: Path, *, source_url: str = "", target_url: str = "") -> None:
    """Copies ``source`` onto ``target``; with PostgreSQL URLs, replaces the target's database by a copy of the
    source's (nothing may be connected to the source: the commands that prepared it have exited)."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    if not source_url:
        return
    import psycopg

    source_db, target_db = source_url.rpartition("/")[2], target_url.rpartition("/")[2]
    with psycopg.connect(source_url.rpartition("/")[0] + "/postgres", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{target_db}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{target_db}" TEMPLATE "{source_db}"')

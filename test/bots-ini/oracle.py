"""The oracle for bots.ini: what Bots itself makes of each file.

Bots 4.x reads bots.ini with `BotsConfig().read(path)`, BotsConfig being a
configparser.RawConfigParser with no arguments, in a UTF-8 locale (Bots' images
set LANG=C.UTF-8; run this with PYTHONUTF8=1). It then finds botssys and usersys
with `get('directories', key, key)` (an empty value falls back to the default)
and joins them to the bots environment with os.path.normpath(os.path.join()).

Reads JSON from stdin: {"botsenv": "/abs/dir", "cases": [{"name", "b64"}]}.
Writes JSON to stdout: one result per case, in order.
"""
import base64
import configparser
import json
import os
import sys
import tempfile


def one(path, botsenv):
    parser = configparser.RawConfigParser()
    try:
        parser.read(path)
    except (configparser.Error, UnicodeDecodeError) as err:
        return {"accepted": False, "error": type(err).__name__}
    sections = []
    for name in parser.sections():
        sections.append([name, sorted([k, v] for k, v in parser.items(name))])
    result = {
        "accepted": True,
        "sections": sections,
        "defaults": sorted([k, v] for k, v in parser.defaults().items()),
    }
    if parser.has_section("directories"):
        paths = {}
        for key in ("botssys", "usersys"):
            value = parser.get("directories", key) if parser.has_option("directories", key) else ""
            paths[key] = os.path.normpath(os.path.join(botsenv, value or key))
        result["paths"] = paths
    return result


def main():
    job = json.load(sys.stdin)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bots.ini")
        for case in job["cases"]:
            with open(path, "wb") as f:
                f.write(base64.b64decode(case["b64"]))
            out.append(one(path, job["botsenv"]))
    json.dump({"python": sys.version.split()[0], "results": out}, sys.stdout)


main()

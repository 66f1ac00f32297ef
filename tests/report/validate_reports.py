#!/usr/bin/env python3
"""Validates the reports report_moto_test.cpp wrote into DIR (report.<format>, result.json):
SARIF and OCSF against their published JSON schemas (schemas/), JUnit as XML whose totals match
its test cases, CSV as RFC 4180 with one row per evaluation of the result. Prints one line per
format; exits 1 on the first failure."""
import csv
import io
import json
import os
import sys
import xml.etree.ElementTree as ET

import jsonschema

here = os.path.dirname(os.path.abspath(__file__))
d = sys.argv[1]


def load(name):
    with open(os.path.join(d, name), encoding="utf-8") as f:
        return json.load(f)


def schema(name):
    with open(os.path.join(here, "schemas", name), encoding="utf-8") as f:
        return json.load(f)


def validate(doc, sch, what):
    cls = jsonschema.validators.validator_for(sch)
    errors = sorted(cls(sch).iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        for e in errors[:10]:
            print(f"{what}: {list(e.path)}: {e.message[:300]}")
        sys.exit(1)


result = load("result.json")
evaluations = 0
seen = set()
for r in result["results"]:
    for m in r["results"]:
        if m["mapping_code"] not in seen:
            seen.add(m["mapping_code"])
            evaluations += len(m["evaluations"])
empty_codes = sum(1 for r in result["results"] for m in r["results"]) and len(
    {m["mapping_code"] for r in result["results"] for m in r["results"] if not m["evaluations"]})

sarif = load("report.sarif")
validate(sarif, schema("sarif-schema-2.1.0.json"), "sarif")
print(f"sarif: valid, {len(sarif['runs'][0]['results'])} results")

ocsf = load("report.ocsf")
assert isinstance(ocsf, list) and len(ocsf) == evaluations, (len(ocsf), evaluations)
ocsf_schema = schema("ocsf-compliance_finding.schema.json")
for i, event in enumerate(ocsf):
    validate(event, ocsf_schema, f"ocsf[{i}]")
print(f"ocsf: valid, {len(ocsf)} findings")

root = ET.parse(os.path.join(d, "report.junit")).getroot()
cases = root.findall("./testsuite/testcase")
assert int(root.get("tests")) == len(cases), (root.get("tests"), len(cases))
failures = sum(1 for c in cases if c.find("failure") is not None)
assert int(root.get("failures")) == failures
print(f"junit: {len(cases)} test cases, {failures} failures")

with open(os.path.join(d, "report.csv"), encoding="utf-8", newline="") as f:
    rows = list(csv.DictReader(f))
with_resource = [r for r in rows if r["resource_id"]]
assert len(rows) == evaluations + empty_codes, (len(rows), evaluations, empty_codes)
print(f"csv: {len(with_resource)} evaluation rows, {len(rows) - len(with_resource)} code rows")

with open(os.path.join(d, "report.md"), encoding="utf-8") as f:
    md = f.read()
assert md.startswith("# ISMS-P audit: "), md[:80]
print("md: ok")

#!/usr/bin/env python3
"""Generates a JSON Schema (draft 2020-12) for one OCSF event class from an ocsf-schema tree.

    gen_ocsf_schema.py OCSF_SCHEMA_DIR [CLASS_NAME] > ocsf-compliance_finding.schema.json

OCSF_SCHEMA_DIR is a checked-out or exported github.com/ocsf/ocsf-schema tree (for example
`git archive 1.3.0 | tar -x -C /tmp/ocsf`); CLASS_NAME defaults to compliance_finding. Stdlib only.

The compilation follows what the OCSF server (github.com/ocsf/ocsf-server, lib/schema/json_reader.ex,
cache.ex, json_schema.ex) does with the same files:
  * `$include` files (includes/, profiles/) are deep-merged under the including file's own
    attributes; attributes coming from a profile file are tagged with that profile;
  * `extends` chains (compliance_finding -> finding -> base_event, product -> _entity -> object, ...)
    deep-merge the parent's attributes under the child's; other keys (constraints) are inherited
    unless the child redefines them;
  * every attribute is deep-merged over its dictionary.json entry, so enums are the union of the
    dictionary's values (usually 0 Unknown and 99 Other) and the class/object's values;
  * class_uid = category uid * 1000 + class uid, type_uid = class_uid * 100 + activity_id (plus
    class_uid * 100 + 0), every timestamp_t attribute X gets an optional X_dt string
    (datetime profile);
  * "required" attributes go into `required`; an attribute of a profile is required only when the
    event lists that profile in metadata.profiles (the official validator ignores profile attributes
    otherwise), so at the top level that is an if/then, and inside objects such attributes are
    optional; `constraints` at_least_one / just_one become anyOf / oneOf.
The result is deliberately permissive: no additionalProperties:false anywhere (OCSF events carry
`unmapped` and profile/extension attributes), no string regexes; only required, type, enum and
const are checked. Objects more than MAX_DEPTH references away from the class are any object.
"""
import copy
import glob
import json
import os
import sys

MAX_DEPTH = 4


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def deep_merge(left, right):
    """Utils.deep_merge: right wins; nested maps merge; an empty map on either side yields the other."""
    if left is None:
        return copy.deepcopy(right)
    if right is None:
        return copy.deepcopy(left)
    if not (isinstance(left, dict) and isinstance(right, dict)):
        return copy.deepcopy(right)
    out = copy.deepcopy(left)
    for k, v in right.items():
        if k in out and isinstance(out[k], dict) and isinstance(v, dict):
            if not out[k]:
                out[k] = copy.deepcopy(v)
            elif v:
                out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


class Ocsf:
    def __init__(self, root):
        self.root = root
        self.dictionary = read_json(os.path.join(root, "dictionary.json"))
        self.dict_attrs = self.dictionary["attributes"]
        self.types = self.dictionary["types"]["attributes"]
        self.categories = read_json(os.path.join(root, "categories.json"))["attributes"]
        self.version = read_json(os.path.join(root, "version.json"))["version"]
        self.classes = {}
        for path in glob.glob(os.path.join(root, "events", "**", "*.json"), recursive=True):
            data = self.read_with_includes(path)
            self.classes[data.get("name")] = data
        self.objects = {}
        for path in glob.glob(os.path.join(root, "objects", "*.json")):
            data = self.read_with_includes(path)
            self.objects[data.get("name")] = data
        self._resolved = {}

    # -- reading -------------------------------------------------------------------------------

    def read_included(self, rel):
        data = self.read_with_includes(os.path.join(self.root, rel))
        attrs = data.get("attributes") or {}
        profile = data.get("name") if data.get("meta") == "profile" else None
        annotations = data.get("annotations")
        out = {}
        for name, attr in attrs.items():
            attr = dict(attr or {})
            if profile:
                attr["profile"] = profile
            if annotations:
                attr = deep_merge(annotations, attr)
            out[name] = attr
        data = dict(data)
        data["attributes"] = out
        return data

    def read_with_includes(self, path):
        data = read_json(path)
        attrs = data.get("attributes")
        if not isinstance(attrs, dict):
            return data
        inc = attrs.get("$include")
        if inc is not None:
            for rel in [inc] if isinstance(inc, str) else inc:
                included = self.read_included(rel)
                own = {k: v for k, v in data["attributes"].items() if k != "$include"}
                data["attributes"] = deep_merge(included["attributes"], own)
        # attribute-level includes (enum files)
        for name, attr in list(data["attributes"].items()):
            if isinstance(attr, dict) and "$include" in attr:
                extra = read_json(os.path.join(self.root, attr["$include"]))
                data["attributes"][name] = deep_merge(
                    extra, {k: v for k, v in attr.items() if k != "$include"})
        return data

    # -- resolving -----------------------------------------------------------------------------

    def resolve(self, items, name, kind):
        """The class or object with its extends chain merged, enriched from the dictionary."""
        key = (kind, name)
        if key not in self._resolved:
            self._resolved[key] = self.enrich(self.resolve_extends(items, name, kind))
        return self._resolved[key]

    def resolve_extends(self, items, name, kind):
        item = items.get(name)
        if item is None:
            raise SystemExit(f"undefined {kind}: {name}")
        parent = item.get("extends")
        if parent:
            base = self.resolve_extends(items, parent, kind)
            attrs = deep_merge(base.get("attributes") or {}, item.get("attributes") or {})
            attrs = {k: v for k, v in attrs.items() if v is not None}
            merged = dict(base)
            for k, v in item.items():
                if k == "profiles":
                    merged[k] = list(dict.fromkeys((base.get(k) or []) + (v or [])))
                elif v is not None:
                    merged[k] = v
            merged["attributes"] = attrs
            item = merged
        return item

    def enrich(self, item):
        attrs = {}
        for name, attr in (item.get("attributes") or {}).items():
            base = self.dict_attrs.get(name)
            if base is None:
                print(f"warning: {item.get('name')}.{name} is not in the dictionary", file=sys.stderr)
                attrs[name] = attr
            else:
                attrs[name] = deep_merge(base, attr)
        for name, attr in list(attrs.items()):
            if attr.get("type") == "timestamp_t" and name + "_dt" not in attrs:
                attrs[name + "_dt"] = {"caption": (attr.get("caption") or name) + " (datetime)",
                                       "type": "datetime_t", "profile": "datetime",
                                       "requirement": "optional"}
        item = dict(item)
        item["attributes"] = attrs
        return item

    def base_type(self, t):
        seen = set()
        while t in self.types and self.types[t].get("type") and t not in seen:
            seen.add(t)
            t = self.types[t]["type"]
        return t

    # -- encoding ------------------------------------------------------------------------------

    def encode_attribute(self, attr, defined):
        t = attr.get("type")
        schema = {}
        if attr.get("caption"):
            schema["title"] = attr["caption"]
        if t in self.types:
            b = self.base_type(t)
            js = {"string_t": "string", "integer_t": "integer", "long_t": "integer",
                  "float_t": "number", "boolean_t": "boolean"}.get(b)
            if js:
                schema["type"] = js
            enum = attr.get("enum")
            if enum and js in ("integer", "string"):
                values = sorted((int(k) if js == "integer" else k) for k in enum)
                if len(values) == 1:
                    schema["const"] = values[0]
                else:
                    schema["enum"] = values
        elif t in defined:
            schema["$ref"] = f"#/$defs/{t}"
        else:  # an object beyond MAX_DEPTH, or an unknown type: any object
            schema["type"] = "object"
        if attr.get("is_array"):
            items = {k: v for k, v in schema.items() if k != "title"}
            schema = {"title": schema["title"]} if "title" in schema else {}
            schema.update({"type": "array", "items": items})
        return schema

    def encode_type(self, item, defined, top):
        props, required, conditional = {}, [], {}
        for name in sorted(item["attributes"]):
            attr = item["attributes"][name]
            props[name] = self.encode_attribute(attr, defined)
            if attr.get("requirement") == "required":
                if attr.get("profile"):
                    conditional.setdefault(attr["profile"], []).append(name)
                else:
                    required.append(name)
        schema = {"title": item.get("caption"), "type": "object", "properties": props}
        cons = item.get("constraints") or {}
        just_one = [n for n in cons.get("just_one") or [] if n in props]
        at_least_one = [n for n in cons.get("at_least_one") or [] if n in props]
        required = [n for n in required if n not in just_one and n not in at_least_one]
        if required:
            schema["required"] = required
        if at_least_one:
            schema["anyOf"] = [{"required": [n]} for n in at_least_one]
        if just_one:
            schema["oneOf"] = [{"required": [n], "not": {"required": [o for o in just_one if o != n]}}
                               for n in just_one]
        if top and conditional:
            schema["allOf"] = [{
                "if": {"required": ["metadata"], "properties": {"metadata": {
                    "required": ["profiles"],
                    "properties": {"profiles": {"type": "array", "contains": {"const": p}}}}}},
                "then": {"required": names},
            } for p, names in sorted(conditional.items())]
        return schema

    def object_refs(self, item):
        for attr in item["attributes"].values():
            t = attr.get("type")
            if t not in self.types and t in self.objects:
                yield t

    def class_schema(self, class_name):
        cls = self.resolve(self.classes, class_name, "class")
        category = self.categories[cls["category"]]
        class_uid = category["uid"] * 1000 + cls["uid"]
        attrs = cls["attributes"]
        attrs["class_uid"]["enum"] = {str(class_uid): {"caption": cls["caption"]}}
        attrs["category_uid"]["enum"] = {str(category["uid"]): {"caption": category["caption"]}}
        activity = (attrs.get("activity_id") or attrs.get("disposition_id") or {}).get("enum") or {}
        type_enum = {str(class_uid * 100 + int(k)): v for k, v in activity.items()}
        type_enum[str(class_uid * 100)] = {"caption": "Unknown"}
        attrs["type_uid"]["enum"] = type_enum

        # objects within MAX_DEPTH references of the class get a definition (breadth first)
        depth = {}
        frontier = sorted(set(self.object_refs(cls)))
        d = 1
        while frontier and d <= MAX_DEPTH:
            nxt = set()
            for name in frontier:
                if name in depth:
                    continue
                depth[name] = d
                nxt.update(self.object_refs(self.resolve(self.objects, name, "object")))
            frontier = sorted(nxt - set(depth))
            d += 1
        defined = set(depth)

        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://schema.ocsf.io/schema/{self.version}/classes/{class_name}",
            "description": (f"OCSF {self.version} {cls['caption']} (class_uid {class_uid}), generated by "
                            "gen_ocsf_schema.py from github.com/ocsf/ocsf-schema. Objects more than "
                            f"{MAX_DEPTH} references deep are any object."),
        }
        schema.update(self.encode_type(cls, defined, top=True))
        schema["$defs"] = {name: self.encode_type(self.resolve(self.objects, name, "object"),
                                                  defined, top=False)
                           for name in sorted(defined)}
        return schema


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    ocsf = Ocsf(sys.argv[1])
    schema = ocsf.class_schema(sys.argv[2] if len(sys.argv) == 3 else "compliance_finding")
    json.dump(schema, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

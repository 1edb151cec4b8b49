"""What a `json_schema` check may hold, checked when its spec is loaded, and the validator that grades with it.

A schema is stored with the run and applied again at every later grading, so it must be self-contained and
bounded: `$ref` resolves only inside the schema itself (a `referencing` registry that never retrieves: no file,
no network), nesting is at most MAX_DEPTH levels, no `$ref` loop can apply the schema to the same value without
end, and every regular expression in it runs on RE2, like every other pattern Curator grades with.
"""

from __future__ import annotations

from curator.checks import regex_engine

MAX_DEPTH = 64  # levels of nested objects and arrays; real schemas use a handful
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples"})  # values, not schemas: never walked
_IN_PLACE_LISTS = ("allOf", "anyOf", "oneOf")
_IN_PLACE_SCHEMAS = ("not", "if", "then", "else")
_REFERENCES = ("$ref", "$dynamicRef", "$recursiveRef")


def schema_problem(schema: dict) -> str | None:
    """Why `schema` cannot be a check's schema, in one line, or None."""
    depth = _depth(schema)
    if depth > MAX_DEPTH:
        return f"the schema nests more than {MAX_DEPTH} levels deep"
    # jsonschema pulls in referencing/rpds (~0.1 s): only json_schema checks pay for it.
    import jsonschema

    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as error:
        return f"not a valid JSON Schema: {error.message}"
    return _pattern_problem(schema) or _reference_problem(schema)


def _depth(value) -> int:
    """How many levels of objects and arrays `value` nests (iteratively: no recursion limit to hit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:  # deeper is refused anyway: stop walking there
                stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _subschemas(node):
    """Every object in the schema outside the data keywords (const, enum, default, examples)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            yield current
            stack.extend(value for key, value in current.items() if key not in _DATA_KEYWORDS)
        elif isinstance(current, list):
            stack.extend(current)


def _pattern_problem(schema: dict) -> str | None:
    unevaluated = patterned = False
    for node in _subschemas(schema):
        patterns = []
        if isinstance(node.get("pattern"), str):
            patterns.append(node["pattern"])
        if isinstance(node.get("patternProperties"), dict):
            patterns.extend(node["patternProperties"])
            patterned = True
        unevaluated = unevaluated or "unevaluatedProperties" in node
        for pattern in patterns:
            problem = regex_engine.rejection(pattern)
            if problem:
                return f"schema pattern {regex_engine.shown(pattern)} is not a valid RE2 regular expression ({problem})"
    if unevaluated and patterned:
        return "unevaluatedProperties with patternProperties cannot be graded with RE2; drop one of them"
    return None


def _root_resolver(schema: dict):
    """A resolver over this schema alone: every `$id` and anchor inside it, and nothing that is retrieved."""
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012, specification_with

    specification = specification_with(schema.get("$schema", ""), default=DRAFT202012)
    resource = specification.create_resource(schema)
    registry = Registry().with_resource(uri=resource.id() or "", resource=resource).crawl()
    return registry.resolver_with_root(resource), specification


def _reference_problem(schema: dict) -> str | None:
    """A `$ref` that points outside the schema, or a loop of references that never reads into the value."""
    root, specification = _root_resolver(schema)
    return _outside_reference(schema, root, specification) or _reference_loop(schema, root, specification)


def _with_base(node: dict, resolver, specification):
    """The resolver for references written inside `node` (its own `$id`, when it has one, is their base)."""
    if not isinstance(specification.id_of(node), str):  # "$id", or "id" in drafts 3 and 4
        return resolver
    return resolver.in_subresource(specification.create_resource(node))


def _targets(node: dict):
    """(keyword, reference) of each reference `node` makes; `$recursiveRef` (draft 2019-09) always means "#"."""
    for key in _REFERENCES:
        target = node.get(key)
        if isinstance(target, str):
            yield key, "#" if key == "$recursiveRef" else target


def _outside_reference(schema: dict, root, specification) -> str | None:
    from referencing.exceptions import Unresolvable

    stack = [(schema, root)]
    while stack:
        node, resolver = stack.pop()
        if isinstance(node, list):
            stack.extend((child, resolver) for child in node)
            continue
        if not isinstance(node, dict):
            continue
        resolver = _with_base(node, resolver, specification) if node is not schema else resolver
        for key, target in _targets(node):
            try:
                resolver.lookup(target)
            except Unresolvable:
                return f"{key} {target!r} does not resolve inside the schema (references are never fetched)"
        stack.extend((value, resolver) for key, value in node.items() if key not in _DATA_KEYWORDS)
    return None


def _reference_loop(schema: dict, root, specification) -> str | None:
    """A cycle of in-place subschemas and references: validating would apply it to the same value forever."""
    on_path: set[int] = set()
    done: set[int] = set()
    stack = [(schema, root, False)]  # (node, its resolver, leaving?): a depth-first walk without recursion
    while stack:
        node, resolver, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            done.add(id(node))
            continue
        if id(node) in on_path:
            return "its $ref loop applies the schema to the same value without end"
        if id(node) in done or not isinstance(node, dict):
            continue
        resolver = _with_base(node, resolver, specification) if node is not schema else resolver
        on_path.add(id(node))
        stack.append((node, resolver, True))
        stack.extend((child, resolver, False) for child in _in_place(node))
        for _key, target in _targets(node):
            resolved = resolver.lookup(target)  # every reference resolves: _outside_reference ran first
            stack.append((resolved.contents, resolved.resolver, False))
    return None


def _in_place(node: dict) -> list:
    """The subschemas applied to the same value as `node` (not to a property or item of it)."""
    children = [child for key in _IN_PLACE_LISTS if isinstance(node.get(key), list) for child in node[key]]
    children += [node[key] for key in _IN_PLACE_SCHEMAS if isinstance(node.get(key), dict)]
    dependents = node.get("dependentSchemas")
    if isinstance(dependents, dict):
        children += [child for child in dependents.values() if isinstance(child, dict)]
    return children


def validator(schema: dict):
    """A jsonschema validator for `schema` that resolves nothing outside it and matches patterns with RE2."""
    import jsonschema
    from referencing import Registry

    base = jsonschema.validators.validator_for(schema)
    keywords = {"pattern": _pattern, "patternProperties": _pattern_properties}
    if "additionalProperties" in base.VALIDATORS:
        keywords["additionalProperties"] = _additional_properties
    graded = jsonschema.validators.extend(base, keywords)
    return graded(schema, registry=Registry())  # an empty registry: an unknown $ref is an error, never a fetch


def _pattern(validator, pattern, instance, schema):
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not regex_engine.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator, patterns, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if regex_engine.search(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator, additional, instance, schema):
    """jsonschema's own keyword, with the property names matched against patternProperties by RE2."""
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "object"):
        return
    named, patterns = schema.get("properties", {}), list(schema.get("patternProperties", {}))
    extras = [key for key in instance if key not in named and not any(regex_engine.search(p, key) for p in patterns)]
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        shown = ", ".join(repr(extra) for extra in sorted(extras, key=str))
        if patterns:
            verb = "does" if len(extras) == 1 else "do"
            listed = ", ".join(repr(p) for p in sorted(patterns))
            yield ValidationError(f"{shown} {verb} not match any of the regexes: {listed}")
        else:
            verb = "was" if len(extras) == 1 else "were"
            yield ValidationError(f"Additional properties are not allowed ({shown} {verb} unexpected)")

"""Bulk import SQL: map JSON lines, CSV or Parquet rows to items in one INSERT ... SELECT over DuckDB's readers.

Each mapped field is checked in SQL as it is read; a record that does not fit stops the statement with
`error()`, and the caller's transaction rolls back (the domain then finds and names the bad line).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb


class SourceRejected(Exception):
    """DuckDB stopped reading or mapping a source file; the message is DuckDB's first line."""

    @property
    def record_too_large(self) -> bool:
        """A record past the reader's buffer (about 32 MB): no fault of the file, only of this reader."""
        return "maximum_object_size" in str(self)


SOURCES = {
    # ord is the 1-based record number; json is the record as a JSON object.
    "jsonl": "SELECT ordinality AS ord, json FROM read_ndjson_objects($path) WITH ORDINALITY",
    "csv": """SELECT row_number() OVER () AS ord, to_json(t) AS json
              FROM read_csv($path, header = true, all_varchar = true, delim = $delim, quote = '"', escape = '"',
                            strict_mode = true, max_line_size = 1000000000) t""",
    "parquet": "SELECT row_number() OVER () AS ord, to_json(t) AS json FROM read_parquet($path) t",
}

# The source line of record `ord`: JSON lines are one record a line (no blank lines on this path),
# CSV rows follow a header line, Parquet rows are numbered from 1.
LINE_OF_RECORD = {"jsonl": "ord", "csv": "ord + 1", "parquet": "ord"}


@dataclass(frozen=True)
class JsonPaths:
    """JSONPath of each mapped role (None: not mapped) and the top-level keys to leave out of metadata."""

    input: str
    target: str | None = None
    output: str | None = None
    item_id: str | None = None
    split: str | None = None
    drop_keys: tuple[str, ...] = ()


def json_path(dotted: str) -> str:
    """`a.b.0` as the JSONPath `$."a"."b"[0]`."""
    parts = [p for p in dotted.split(".") if p]
    return "$" + "".join(f"[{p}]" if p.isdigit() else f'."{p}"' for p in parts)


def _raw(index: int) -> str:
    return f"v[{index}]::VARCHAR"


def _fail(field_param: str, problem_sql: str) -> str:
    """Stop the statement with a message naming the line and field (the domain re-reads the file to confirm it)."""
    return f"error(format('line {{}}, field ''{{}}'': {{}}', line, ${field_param}, {problem_sql}))"


_KIND = """CASE WHEN {raw} IS NULL OR {raw} = 'null' THEN 'nothing' WHEN left({raw}, 1) = '"' THEN 'text'
           WHEN left({raw}, 1) = '[' THEN 'a list' WHEN left({raw}, 1) = '{{' THEN 'an object'
           WHEN {raw} IN ('true', 'false') THEN 'true/false' ELSE 'a number' END"""


def _kind(index: int) -> str:
    return _KIND.format(raw=_raw(index))


def _input_sql(i: int) -> tuple[str, str]:
    """(input text, input_messages JSON) expressions for the input at v[i]: text or a list of chat messages."""
    raw, value = _raw(i), f"v[{i}]"
    valid = (
        f"json_array_length({value}) > 0 AND list_bool_and(list_transform(CAST({value} AS JSON[]), "
        "lambda m: coalesce(json_type(m, '$.role') = 'VARCHAR' AND json_type(m, '$.content') = 'VARCHAR', false)))"
    )
    rendered = (
        f"CASE WHEN json_array_length({value}) = 1 AND json_extract_string({value}, '$[0].role') = 'user' "
        f"THEN json_extract_string({value}, '$[0].content') "
        f"ELSE array_to_string(list_transform(CAST({value} AS JSON[]), lambda m: json_extract_string(m, '$.role') "
        f"|| ': ' || json_extract_string(m, '$.content')), chr(10) || chr(10)) END"
    )
    text = f"""CASE WHEN left({raw}, 1) = '"' THEN json_extract_string({value}, '$')
                    WHEN left({raw}, 1) = '[' AND {valid} THEN {rendered}
                    WHEN left({raw}, 1) = '[' THEN {_fail("input_field", "'not a list of chat messages with text role and content'")}
                    WHEN {raw} IS NULL OR {raw} = 'null' THEN {_fail("input_field", "'missing (every item needs an input)'")}
                    ELSE {_fail("input_field", "'expected text or a list of chat messages, got ' || " + _kind(i))} END"""
    messages = (
        f"CASE WHEN left({raw}, 1) = '[' THEN to_json(list_transform(CAST({value} AS JSON[]), "
        "lambda m: {'role': json_extract_string(m, '$.role'), 'content': json_extract_string(m, '$.content')})) END"
    )
    return text, messages


def _text_sql(i: int, field_param: str, allow_scalars: bool) -> str:
    raw = _raw(i)
    scalar = f"WHEN left({raw}, 1) NOT IN ('[', '{{') THEN {raw}" if allow_scalars else ""
    wanted = "text or a number" if allow_scalars else "text"
    return f"""CASE WHEN {raw} IS NULL OR {raw} = 'null' THEN NULL
                    WHEN left({raw}, 1) = '"' THEN json_extract_string(v[{i}], '$') {scalar}
                    ELSE {_fail(field_param, f"'expected {wanted}, got ' || " + _kind(i))} END"""


def _id_sql(i: int | None) -> str:
    if i is None:
        return "(ord - 1)::VARCHAR"
    raw = _raw(i)
    return f"""CASE WHEN left({raw}, 1) = '"' THEN json_extract_string(v[{i}], '$')
                    WHEN {raw} IS NULL OR {raw} = 'null' THEN {_fail("id_field", "'missing (the id field is mapped, so every item needs one)'")}
                    WHEN left({raw}, 1) NOT IN ('[', '{{', 't', 'f') THEN {raw}
                    ELSE {_fail("id_field", "'expected text or a number as the item id, got ' || " + _kind(i))} END"""


def _split_sql(i: int | None) -> str:
    if i is None:
        return "$split"
    raw = _raw(i)
    return f"""CASE WHEN {raw} IN ('"dev"', '"held_out"') THEN json_extract_string(v[{i}], '$')
                    WHEN {raw} = '"held-out"' THEN 'held_out'
                    ELSE {_fail("split_field", "coalesce(" + raw + ", 'nothing') || ' is not a split (use dev or held_out)'")} END"""


def insert_mapped_rows(
    cur,
    run_id: int,
    source: str,
    path: str,
    paths: JsonPaths,
    *,
    split: str = "dev",
    delimiter: str = ",",
) -> int:
    """Insert every record of the file at `path` as items 0..n-1 of `run_id`; returns the item count."""
    roles = [
        ("input", paths.input),
        ("target", paths.target),
        ("output", paths.output),
        ("id", paths.item_id),
        ("split", paths.split),
    ]
    mapped = [(role, p) for role, p in roles if p]
    index = {role: n for n, (role, _) in enumerate(mapped, start=1)}
    input_text, input_messages = _input_sql(index["input"])
    target = _text_sql(index["target"], "target_field", True) if "target" in index else "NULL"
    output = _text_sql(index["output"], "output_field", False) if "output" in index else "NULL"
    metadata = "json_merge_patch(json, $drop)" if paths.drop_keys else "json"
    sql = f"""
        INSERT INTO items (run_id, item_key, item_id, input, input_messages, target, output, metadata, split, source_line)
        SELECT $run_id, ord - 1, {_id_sql(index.get("id"))}, {input_text}, {input_messages}, {target}, {output},
               {metadata}, {_split_sql(index.get("split"))}, line
        FROM (SELECT ord, {LINE_OF_RECORD[source]} AS line, json, json_extract(json, $paths) AS v
              FROM ({SOURCES[source]}))"""
    params = {"run_id": run_id, "path": path, "paths": [json_path(p) for _, p in mapped]}
    params |= {f"{role}_field": p for role, p in mapped}
    if source == "csv":
        params["delim"] = delimiter
    if paths.drop_keys:
        params["drop"] = json.dumps({key: None for key in paths.drop_keys})
    if "split" not in index:
        params["split"] = split
    used = {name for name in params if f"${name}" in sql}
    cur.execute("SET enable_progress_bar = false")  # DuckDB's own bar would print over the CLI's Rich progress
    try:
        return cur.execute(sql, {name: value for name, value in params.items() if name in used}).fetchone()[0]
    except duckdb.Error as error:
        raise SourceRejected(str(error).strip().splitlines()[0]) from None


def bracketed_metadata(cur, run_id: int, brackets: int) -> Iterator[tuple[int | None, str]]:
    """(source line, metadata) of the run's items whose metadata holds more than `brackets` opening brackets.

    Only metadata can nest deeply after the bulk checks (mapped fields must be text or flat chat messages); the
    caller measures the true depth of these few.
    """
    count = "strlen(metadata::VARCHAR) - strlen(replace(replace(metadata::VARCHAR, '[', ''), '{', ''))"
    result = cur.execute(
        f"SELECT source_line, metadata::VARCHAR FROM items WHERE run_id = ? AND {count} > ? ORDER BY item_key",
        [run_id, brackets],
    )
    while rows := result.fetchmany(1000):
        yield from rows


def first_duplicate_id(cur, run_id: int) -> tuple[str, int | None, int | None] | None:
    """The first item id used twice in a run, with the source lines of its first two uses."""
    repeated = cur.execute(
        "SELECT item_id FROM items WHERE run_id = ? GROUP BY item_id HAVING count(*) > 1", [run_id]
    ).fetchall()
    if not repeated:
        return None
    row = cur.execute(
        """SELECT item_id, lines[1], lines[2] FROM (
               SELECT item_id, list(source_line ORDER BY item_key) AS lines, min(item_key) AS first_key
               FROM items WHERE run_id = ? AND item_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY item_id)
           ORDER BY first_key LIMIT 1""",
        [run_id, [r[0] for r in repeated[:1000]]],
    ).fetchone()
    return tuple(row)


def set_run_settings(cur, run_id: int, settings: dict) -> None:
    """Record how a run was imported (mapping, splits, skipped lines) once the import knows it all."""
    cur.execute("UPDATE runs SET settings = ? WHERE run_id = ?", [json.dumps(settings), run_id])


def mark_held_out(cur, run_id: int, share: float, seed: int) -> int:
    """Put about `share` of a run's items in the held-out split, chosen by a seeded hash of the item id.

    The same item id lands in the same split in every run imported with the same seed, so a re-eval run
    and its base run hold out the same items.
    """
    threshold = int(share * 2**32)
    cur.execute(
        """UPDATE items SET split = 'held_out'
           WHERE run_id = ? AND ('0x' || substr(md5(? || ':' || item_id), 1, 8))::BIGINT < ?""",
        [run_id, str(seed), threshold],
    )
    return cur.execute("SELECT count(*) FROM items WHERE run_id = ? AND split = 'held_out'", [run_id]).fetchone()[0]

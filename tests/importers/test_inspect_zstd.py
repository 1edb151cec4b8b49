"""Inspect `.eval` logs with zstd members (zip method 93, what current Inspect writes), and the cap on a member."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from curator.errors import BadInputError
from curator.importers import eval_zip, import_file
from curator.storage.items import iter_items
from curator.storage.runs import table_counts

ZSTD_EVAL = Path(__file__).resolve().parents[1] / "data" / "importers" / "inspect_zstd.eval"
DEFLATE_EVAL = "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval"


def _items(workspace, run_id: int) -> list[tuple]:
    return [(i.item_id, i.input, i.target, i.output, i.metadata) for i in iter_items(workspace.db, run_id)]


def test_the_fixture_really_is_zstd():
    with zipfile.ZipFile(ZSTD_EVAL) as archive:
        assert {info.compress_type for info in archive.infolist()} == {eval_zip.ZSTD}


def test_a_zstd_eval_imports_the_same_items_as_its_deflate_original(workspace, real_logs):
    zstd = import_file(workspace, ZSTD_EVAL)
    deflate = import_file(workspace, real_logs / "inspect" / DEFLATE_EVAL)
    assert (zstd.format, zstd.items, zstd.run.model) == ("inspect", 10, "openai/gpt-4o-mini")
    assert _items(workspace, zstd.run.run_id) == _items(workspace, deflate.run.run_id)
    assert _items(workspace, zstd.run.run_id)[0][3]  # outputs were read, not left empty


@pytest.mark.parametrize("log", [ZSTD_EVAL, None], ids=["zstd", "deflate"])
def test_a_member_over_the_cap_is_refused_whatever_its_packing(workspace, real_logs, monkeypatch, log):
    path = log or real_logs / "inspect" / DEFLATE_EVAL
    monkeypatch.setattr(eval_zip, "MAX_MEMBER_BYTES", 4000)
    before = table_counts(workspace.db)
    with pytest.raises(BadInputError) as caught:
        import_file(workspace, path)
    assert str(caught.value).startswith(f"{path}: 'samples/")
    assert str(caught.value).endswith("inside the log unpacks to more than the 4,000 bytes a member may hold")
    assert table_counts(workspace.db) == before


def test_a_zstd_member_that_unpacks_past_its_stated_size_stops_there(workspace):
    bomb = Path(__file__).resolve().parents[1] / "data" / "bad" / "eval_zstd_bomb.eval"
    assert bomb.stat().st_size < 20_000  # 300 MB of spaces once unpacked
    with pytest.raises(BadInputError) as caught:
        import_file(workspace, bomb)
    assert str(caught.value) == (
        f"{bomb}: 'samples/1_epoch_1.json' inside the log unpacks to more than the 92 bytes it states"
    )

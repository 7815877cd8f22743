"""The real-file corpus (../shared/corpus), imported and exported as a user would, scored by its truth.

Every mapped field must reach 99 % accuracy and 99 % recall against exiftool's reading, no file Pillow
opens may be refused, and the orientation samples must all come out upright, by their pixels.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from tests import corpus

pytestmark = [
    pytest.mark.slow,  # about a minute and a half with two jobs
    pytest.mark.skipif(not corpus.CORPUS.is_dir(), reason="corpus not present"),
]


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, dict, list]:
    """Import the whole corpus once, with two jobs, into a fresh archive."""
    workdir = tmp_path_factory.mktemp("corpus")
    mapped, results = corpus.run(workdir, jobs=2)
    return workdir, mapped, results


def test_every_field_reaches_99_percent(imported) -> None:
    workdir, mapped, _ = imported
    figures, table = corpus.score(mapped, workdir, show=5)
    low = {
        name: (round(f["acc"], 3), round(f["recall"], 3))
        for name, f in figures["fields"].items()
        if f["acc"] < 0.99 or (f["n_truth"] and f["recall"] < 0.99)
    }
    assert not low, f"fields below 99 % (accuracy, recall): {low}\n{table}"


def test_no_file_pillow_opens_is_refused(imported) -> None:
    _, _, results = imported
    refused = [(r["path"], r["code"], r["detail"]) for r in corpus.refused_openable(results)]
    assert refused == []


def test_damaged_jpeg_is_kept_with_a_warning(imported) -> None:
    workdir, _, results = imported
    export = json.loads((workdir / "export.json").read_text(encoding="utf-8"))
    by_id = {p["id"]: p for p in export["photos"]}
    result = next(r for r in results if r["path"].endswith("pillow-tests/truncated_jpeg.jpg"))
    assert result["status"] == "imported"
    assert "the picture data is damaged" in by_id[result["photo_id"]]["warnings"]


@pytest.mark.parametrize("shape", ["Landscape", "Portrait"])
def test_orientation_samples_come_out_upright_once(imported, shape: str) -> None:
    workdir, _, results = imported
    export = json.loads((workdir / "export.json").read_text(encoding="utf-8"))
    by_id = {p["id"]: p for p in export["photos"]}

    def shown(n: int) -> Image.Image:
        result = next(r for r in results if r["path"].endswith(f"/{shape}_{n}.jpg"))
        photo = by_id[result["photo_id"]]
        return Image.open(workdir / "media" / photo["derivatives"]["thumb"]).convert("L")

    reference = shown(1)
    for n in range(2, 9):
        picture = shown(n)
        assert picture.size == reference.size, (shape, n)
        difference = ImageStat.Stat(ImageChops.difference(picture, reference)).mean[0]
        mirrored = ImageChops.difference(
            picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT), reference
        )
        # The samples differ only by JPEG loss once upright; a mirrored or turned one differs a lot.
        assert difference < 8 < ImageStat.Stat(mirrored).mean[0], (shape, n, difference)

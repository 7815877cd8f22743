"""Search benchmark: 100,000 photo documents in Whoosh, against SQLite FTS5 (trigram) in the same run."""

from __future__ import annotations

import random
import re
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from gallery.analysis import DEFAULT_SYNONYMS, load_synonyms, plan_query
from gallery.search_index import SearchIndex
from tests.bench import web
from tests.search_corpus import EVENTS, PHOTOS, QUERIES, relevant

DOCUMENTS = 100_000
QUERY_SET = {
    "one word": "检验科",
    "two words": "检验科 合影",
    "phrase": '"重温入党誓词"',
    "filtered": "合影 kind:主题党日 year:2024",
}
PEOPLE = ["杨军", "李满桂", "张雯", "王海涛", "马晓梅", "韩雪", "才让多杰", "李明"]


def synthetic_documents(count: int, seed: int = 15189) -> list[dict]:
    """Return ``count`` photo documents: the judged corpus' phrases mixed into everyday vocabulary.

    Events of 50 photos each, one in five named after a judged event; a caption is two to four common
    words (pypinyin's phrase list), and one photo in three also carries a judged caption. The queries
    then find a few per cent of the archive, as in a real one, rather than half of it.
    """
    from pypinyin.phrases_dict import phrases_dict

    rng = random.Random(seed)
    vocabulary = sorted(k for k in phrases_dict if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", k))
    events = list(EVENTS.values())
    captions = [caption for _event, caption, _who in PHOTOS.values()]
    documents = []
    for n in range(count):
        number = n // 50
        event_rng = random.Random(number)
        title, kind, _date, place, organisers = events[event_rng.randrange(len(events))]
        if (
            event_rng.random() < 0.8
        ):  # most events share nothing with the judged corpus but the kind
            title = "".join(event_rng.sample(vocabulary, 3))
            place = "".join(event_rng.sample(vocabulary, 1)) + "会议室"
            organisers = ["".join(event_rng.sample(vocabulary, 1)) + "科"]
        year = 2015 + number % 11
        caption = "".join(rng.sample(vocabulary, rng.randint(2, 4)))
        if rng.random() < 1 / 3:
            caption += "，" + rng.choice(captions)
        who = rng.choice(PEOPLE)
        documents.append(
            {
                "id": f"photo:{n}",
                "type": "photo",
                "photo_id": n,
                "event_slug": f"event-{number}",
                "title": title,
                "kind": kind,
                "place": place,
                "organisers": organisers,
                "caption": caption,
                "keywords": [],
                "names": [who],
                "photographer": who,
                "taken": f"{year}-{1 + number % 12:02d}-{1 + number % 28:02d}",
                "year": str(year),
            }
        )
    return documents


def percentiles(times: list[float]) -> tuple[float, float]:
    """Return the median and 95th percentile, in milliseconds."""
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def fts_text(document: dict) -> str:
    """Return the text FTS5 indexes for a document (as written, no folding: the stock behaviour)."""
    parts = [document["title"], document["kind"], document["place"], *document["organisers"]]
    return " ".join([*parts, document["caption"], *document["names"]])


def fts_match(query: str) -> str:
    """Translate a query into FTS5: each word quoted, all required."""
    words = [w.strip('"') for w in query.replace(":", " ").split()]
    return " AND ".join(f'"{w}"' for w in words if w)


def main(documents: int = DOCUMENTS) -> None:
    """Print the search figures."""
    synonyms = load_synonyms(DEFAULT_SYNONYMS)
    docs = synthetic_documents(documents)
    with tempfile.TemporaryDirectory(prefix="gallery-search-bench-") as tmp:
        index = SearchIndex(Path(tmp) / "index")
        index.clear()
        start = time.perf_counter()
        for offset in range(0, len(docs), 5000):
            index.write(docs[offset : offset + 5000])
        index.optimize()
        build = time.perf_counter() - start
        size = sum(p.stat().st_size for p in (Path(tmp) / "index").iterdir()) / 2**20
        print(
            f"\nsearch: {documents} photo documents, full build {build:.1f} s, index {size:.0f} MiB"
        )
        header = ("query", "Whoosh med ms", "p95 ms", "hits", "FTS5 med ms", "p95 ms", "hits")
        print("{:<12}{:>15}{:>9}{:>8}{:>13}{:>9}{:>8}".format(*header))

        fts = sqlite3.connect(":memory:")
        fts.execute("create virtual table docs using fts5(body, tokenize='trigram')")
        fts.executemany("insert into docs(body) values (?)", ((fts_text(d),) for d in docs))
        for name, query in QUERY_SET.items():
            parsed = plan_query(query, synonyms)
            index.search(parsed)  # warm the searcher and caches
            times, total = [], 0
            for _ in range(30):
                t = time.perf_counter()
                total = index.search(parsed, per_page=20).total
                times.append(time.perf_counter() - t)
            ftimes, ftotal = [], 0
            match = fts_match(query)
            for _ in range(30):
                t = time.perf_counter()
                ftotal = fts.execute(
                    "select count(*) from docs where docs match ?", (match,)
                ).fetchone()[0]
                fts.execute(
                    "select rowid from docs where docs match ? order by rank limit 20", (match,)
                ).fetchall()
                ftimes.append(time.perf_counter() - t)
            (wm, wp), (fm, fp) = percentiles(times), percentiles(ftimes)
            print(f"{name:<12}{wm:>15.1f}{wp:>9.1f}{total:>8}{fm:>13.1f}{fp:>9.1f}{ftotal:>8}")

        times = []
        for n in range(40):
            document = dict(docs[n], id=f"photo:new-{n}", photo_id=documents + n)
            t = time.perf_counter()
            index.write([document])
            times.append(time.perf_counter() - t)
        median, p95 = percentiles(times)
        print(f"one incremental add + commit: median {median:.1f} ms, p95 {p95:.1f} ms")
        index.close()
        web.search_page(Path(tmp) / "index", docs, QUERY_SET)
    judged_fts_recall()


def recall_at_10(search) -> tuple[float, int]:
    """Return mean recall@10 over the judged set for ``search(query) -> keys``, and queries with none."""
    recalls = []
    for query, judged in QUERIES:
        wanted = relevant(judged)
        top = set(search(query)[:10])
        recalls.append(len(wanted & top) / min(len(wanted), 10))
    return sum(recalls) / len(recalls), sum(r == 0 for r in recalls)


def judged_fts_recall() -> None:
    """Print recall@10 on the judged set for FTS5 trigram and for ours, measured now."""
    from gallery import create_app, get_archive
    from tests.test_search import load_corpus

    fts = sqlite3.connect(":memory:")
    fts.execute("create virtual table docs using fts5(key, body, tokenize='trigram')")
    for key, (event, caption, who) in PHOTOS.items():
        title, kind, _date, place, organisers = EVENTS[event]
        body = " ".join([title, kind, place, *organisers, caption, who])
        fts.execute("insert into docs values (?, ?)", (key, body))

    def fts_search(query: str) -> list[str]:
        sql = "select key from docs where docs match ? order by rank limit 10"
        try:
            return [row[0] for row in fts.execute(sql, (fts_match(query),))]
        except sqlite3.OperationalError:
            return []

    with tempfile.TemporaryDirectory(prefix="gallery-judged-") as tmp:
        app = create_app({"MEDIA_DIR": Path(tmp) / "media", "INDEX_DIR": Path(tmp) / "index"})
        archive = get_archive(app)
        ids = load_corpus(archive, Path(tmp) / "in")

        def ours(query: str) -> list[str]:
            return [ids[hit.photo_id] for hit in archive.search(query, per_page=10).hits]

        theirs, their_empty = recall_at_10(fts_search)
        mine, my_empty = recall_at_10(ours)
        archive.close()
    print(
        f"judged set ({len(QUERIES)} queries) recall@10: ours {mine:.3f} ({my_empty} found nothing),"
        f" FTS5 trigram {theirs:.3f} ({their_empty} found nothing)"
    )


if __name__ == "__main__":
    main()

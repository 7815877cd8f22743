"""Search benchmark: 100,000 photo documents in Whoosh, against tantivy on the same analysis in the same run.

``python -m tests.bench search --docs N --json`` prints one JSON object: per query the median, p95 and
CPU milliseconds and the hits, the rebuild's documents per second, incremental add + commit median
and p95, and tantivy's figures for the same queries over the same grams.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from gallery.analysis import DEFAULT_SYNONYMS, Exact, index_grams, load_synonyms, plan_query
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
    """Return ``count`` photo documents and their events': judged phrases in everyday vocabulary.

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
        taken = f"{year}-{1 + number % 12:02d}-{1 + number % 28:02d}"
        if n % 50 == 0:  # the event's own document, as the indexer writes one per event
            documents.append(
                {
                    "id": f"event:{number}",
                    "type": "event",
                    "event_slug": f"event-{number}",
                    "title": title,
                    "kind": kind,
                    "place": place,
                    "organisers": organisers,
                    "names": [],
                    "taken": taken,
                    "year": str(year),
                }
            )
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
                "taken": taken,
                "year": str(year),
            }
        )
    return documents


def percentiles(times: list[float]) -> tuple[float, float]:
    """Return the median and 95th percentile, in milliseconds."""
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[
        max(0, math.ceil(len(ordered) * 0.95) - 1)
    ] * 1000


def fts_text(document: dict) -> str:
    """Return the text FTS5 indexes for a document (as written, no folding: the stock behaviour)."""
    parts = [document["title"], document["kind"], document["place"], *document["organisers"]]
    return " ".join([*parts, document["caption"], *document["names"]])


def fts_match(query: str) -> str:
    """Translate a query into FTS5: each word quoted, all required."""
    words = [w.strip('"') for w in query.replace(":", " ").split()]
    return " AND ".join(f'"{w}"' for w in words if w)


def timed(action, runs: int) -> dict[str, float]:
    """Run ``action`` ``runs`` times: median and p95 wall ms, median CPU ms (this thread)."""
    walls, cpus = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.thread_time()
        action()
        cpus.append(time.thread_time() - c)
        walls.append(time.perf_counter() - t)
    median, p95 = percentiles(walls)
    return {
        "median_ms": round(median, 2),
        "p95_ms": round(p95, 2),
        "cpu_ms": round(statistics.median(cpus) * 1000, 2),
    }


def whoosh_figures(docs: list[dict], folder: Path, runs: int) -> dict:
    """Build the index as a rebuild does, time the queries and incremental adds."""
    synonyms = load_synonyms(DEFAULT_SYNONYMS)
    index = SearchIndex(folder)
    start, cpu = time.perf_counter(), time.process_time()
    # As gallery index rebuild does: a new generation beside the live one, swapped in.
    index.swap(index.build(docs[offset : offset + 500] for offset in range(0, len(docs), 500)))
    build, cpu = time.perf_counter() - start, time.process_time() - cpu
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
    figures: dict = {
        "rebuild_docs_per_s": round(len(docs) / build, 1),
        # CPU time too: on a shared machine the wall clock measures the neighbours as well.
        "rebuild_cpu_docs_per_s": round(len(docs) / cpu, 1),
        "rebuild_s": round(build, 1),
        "index_mib": round(size, 1),
        "queries": {},
    }
    for name, query in QUERY_SET.items():
        plan = plan_query(query, synonyms)
        first = index.search(plan, per_page=20)  # warm the searcher and the columns
        figures["queries"][name] = {
            "query": query,
            "hits": first.total,
            **timed(lambda p=plan: index.search(p, per_page=20), runs),
        }
    times, cpus = [], []
    for n in range(40):
        document = dict(docs[n + 1], id=f"photo:new-{n}", photo_id=len(docs) + n)
        t, c = time.perf_counter(), time.thread_time()
        index.write([document])
        cpus.append(time.thread_time() - c)
        times.append(time.perf_counter() - t)
    median, p95 = percentiles(times)
    figures["add_commit"] = {
        "median_ms": round(median, 2),
        "p95_ms": round(p95, 2),
        "cpu_median_ms": round(statistics.median(cpus) * 1000, 2),
        "cpu_p95_ms": round(percentiles(cpus)[1], 2),
    }
    index.close()
    return figures


def tantivy_figures(docs: list[dict], runs: int) -> dict:
    """Time the same queries in tantivy over the same gram analysis (the reference, bench only).

    Each document's grams go in one whitespace-tokenized field (terms only, as our word matches
    use them); kind and year are raw fields; hits are ranked by tantivy's BM25, top 20 and count.
    """
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("grams", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("kind", tokenizer_name="raw")
    builder.add_text_field("year", tokenizer_name="raw")
    builder.add_integer_field("n", stored=True, fast=True)
    schema = builder.build()
    index = tantivy.Index(schema)
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    start = time.perf_counter()
    for n, d in enumerate(d for d in docs if d["type"] == "photo"):
        text = " ".join(
            [d["title"], d["kind"], d["place"], *d["organisers"], d["caption"], d["year"]]
        )
        grams = " ".join(t for t, _p in index_grams(f"{text} {' '.join(d['names'])}"))
        writer.add_document(tantivy.Document(grams=grams, kind=d["kind"], year=d["year"], n=n))
    writer.commit()
    writer.wait_merging_threads()
    build = time.perf_counter() - start
    index.reload()
    searcher = index.searcher()
    figures: dict = {"rebuild_docs_per_s": round(len(docs) / build, 1), "queries": {}}
    for name, query in QUERY_SET.items():
        plan = plan_query(query)
        musts = []
        for clause in plan.clauses:
            option = clause.options[0]
            if isinstance(option, Exact):
                musts.append(tantivy.Query.term_query(schema, option.field, option.value))
            elif option.field == "kind":
                musts.append(tantivy.Query.term_query(schema, "kind", clause.text))
            else:
                terms = [tantivy.Query.term_query(schema, "grams", t) for t in option.terms]
                musts.append(
                    terms[0]
                    if len(terms) == 1
                    else tantivy.Query.boolean_query([(tantivy.Occur.Must, t) for t in terms])
                )
        q = tantivy.Query.boolean_query([(tantivy.Occur.Must, m) for m in musts])
        hits = searcher.search(q, 20).count
        figures["queries"][name] = {
            "query": query,
            "hits": hits,
            **timed(lambda q=q: searcher.search(q, 20).hits, runs),
        }
    return figures


def main(documents: int = DOCUMENTS, as_json: bool = False, runs: int = 30) -> dict:
    """Measure and print the search figures (one JSON object with ``as_json``)."""
    docs = synthetic_documents(documents)
    with tempfile.TemporaryDirectory(prefix="gallery-search-bench-") as tmp:
        ours = whoosh_figures(docs, Path(tmp) / "index", runs)
        if not as_json:
            web.search_page(Path(tmp) / "index", docs, QUERY_SET)
    reference = tantivy_figures(docs, runs)
    figures = {
        "documents": documents,
        "whoosh": ours,
        "tantivy": reference,
        "ratio_p95": {
            name: round(
                ours["queries"][name]["p95_ms"] / max(reference["queries"][name]["p95_ms"], 0.01), 1
            )
            for name in QUERY_SET
        },
    }
    if as_json:
        print(json.dumps(figures, ensure_ascii=False))
        return figures
    print(
        f"search: {documents} photo documents; rebuild {ours['rebuild_docs_per_s']} docs/s,"
        f" index {ours['index_mib']} MiB"
    )
    print(
        f"{'query':<12}{'med ms':>9}{'p95 ms':>9}{'cpu ms':>9}{'hits':>8}"
        f"{'tantivy med':>13}{'p95':>8}{'hits':>8}"
    )
    for name in QUERY_SET:
        w, t = ours["queries"][name], reference["queries"][name]
        print(
            f"{name:<12}{w['median_ms']:>9.1f}{w['p95_ms']:>9.1f}{w['cpu_ms']:>9.1f}{w['hits']:>8}{t['median_ms']:>13.2f}{t['p95_ms']:>8.2f}{t['hits']:>8}"
        )
    add = ours["add_commit"]
    print(
        f"one incremental add + commit: median {add['median_ms']:.1f} ms, p95 {add['p95_ms']:.1f} ms"
    )
    judged_fts_recall()
    return figures


def cli(argv: list[str]) -> None:
    """Parse ``search --docs N --json [--runs R] [--backend postgres]`` and run the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench search")
    parser.add_argument("--docs", type=int, default=DOCUMENTS)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh")
    options = parser.parse_args(argv)
    if options.backend == "postgres":
        from tests.bench import pg_search

        pg_search.main(options.docs, options.json, options.runs)
        return
    main(options.docs, options.json, options.runs)


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
            return [ids[hit.photo_id] for hit in archive.search.search(query, per_page=10).hits]

        theirs, their_empty = recall_at_10(fts_search)
        mine, my_empty = recall_at_10(ours)
        archive.close()
    print(
        f"judged set ({len(QUERIES)} queries) recall@10: ours {mine:.3f} ({my_empty} found nothing),"
        f" FTS5 trigram {theirs:.3f} ({their_empty} found nothing)"
    )


if __name__ == "__main__":
    cli(sys.argv[1:])

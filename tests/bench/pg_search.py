"""Search benchmark on PostgreSQL (``--backend postgres``): the Whoosh bench's documents and queries.

It starts a throwaway server (``tests/postgres.py``), writes the synthetic documents as a rebuild
does, then times the same queries and incremental adds; it prints the same figures as the Whoosh
bench, under ``postgres``.
"""

from __future__ import annotations

import json
import time

from gallery.analysis import DEFAULT_SYNONYMS, load_synonyms, plan_query
from gallery.catalog import Catalog
from gallery.pg_search import PostgresSearch
from tests.bench.search import QUERY_SET, percentiles, synthetic_documents, timed
from tests.postgres import TestServer


def postgres_figures(docs: list[dict], url: str, runs: int) -> dict:
    """Write the documents, time the queries and incremental adds on PostgreSQL."""
    synonyms = load_synonyms(DEFAULT_SYNONYMS)
    catalog = Catalog(url)
    index = PostgresSearch(catalog)
    index.clear()
    start = time.perf_counter()
    index.bulk(docs[offset : offset + 500] for offset in range(0, len(docs), 500))
    with catalog.transaction() as session:  # fresh statistics, as autovacuum would make soon
        session.connection().exec_driver_sql("ANALYZE search_document")
    build = time.perf_counter() - start
    figures: dict = {
        "rebuild_docs_per_s": round(len(docs) / build, 1),
        "rebuild_s": round(build, 1),
        "queries": {},
    }
    for name, query in QUERY_SET.items():
        plan = plan_query(query, synonyms)
        first = index.search(plan, per_page=20)
        figures["queries"][name] = {
            "query": query,
            "hits": first.total,
            **timed(lambda p=plan: index.search(p, per_page=20), runs),
        }
    times = []
    for n in range(40):
        document = dict(docs[n + 1], id=f"photo:new-{n}", photo_id=len(docs) + n)
        t = time.perf_counter()
        index.write([document])
        times.append(time.perf_counter() - t)
    median, p95 = percentiles(times)
    figures["add_commit"] = {"median_ms": round(median, 2), "p95_ms": round(p95, 2)}
    catalog.close()
    return figures


def main(documents: int, as_json: bool, runs: int) -> dict:
    """Measure and print the PostgreSQL search figures."""
    docs = synthetic_documents(documents)
    server = TestServer().start()
    try:
        figures = {
            "documents": documents,
            "postgres": postgres_figures(docs, server.new_database(), runs),
        }
    finally:
        server.stop()
    if as_json:
        print(json.dumps(figures, ensure_ascii=False))
        return figures
    ours = figures["postgres"]
    print(
        f"search on PostgreSQL: {documents} documents; rebuild {ours['rebuild_docs_per_s']} docs/s"
    )
    print(f"{'query':<12}{'med ms':>9}{'p95 ms':>9}{'cpu ms':>9}{'hits':>8}")
    for name, q in ours["queries"].items():
        print(
            f"{name:<12}{q['median_ms']:>9.1f}{q['p95_ms']:>9.1f}{q['cpu_ms']:>9.1f}{q['hits']:>8}"
        )
    add = ours["add_commit"]
    print(
        f"one incremental add + commit: median {add['median_ms']:.1f} ms, p95 {add['p95_ms']:.1f} ms"
    )
    return figures

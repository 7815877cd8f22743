"""Worker processes that stage the files of ``gallery import``: one, or as many as ``--jobs`` asks.

Each worker is ``python -m gallery.workers``: a fresh interpreter that imports :mod:`gallery.ingest`
and nothing else. (multiprocessing's spawn would re-import the parent's ``__main__`` in every worker,
and for the ``gallery`` command that is the CLI with Flask and the whole web app.) Jobs and results
travel as length-prefixed pickles over the worker's stdin and stdout; the worker's own stdout is
redirected to stderr so a library printing cannot corrupt the stream.

A worker ends with its parent: the kernel signals it when the parent dies (``PR_SET_PDEATHSIG``), and
it stops when its stdin closes.
"""

from __future__ import annotations

import ctypes
import dataclasses
import os
import pickle
import queue
import selectors
import signal
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gallery.errors import RejectedFile
from gallery.media_store import MediaStore, hash_file

if TYPE_CHECKING:  # imported where used: a head start spawns the workers before loading it
    from gallery.ingest import Job, Prepared, Staged

_LENGTH = struct.Struct(">Q")
_PR_SET_PDEATHSIG = 1


@dataclass
class _Worker:
    """One worker process and the jobs sent to it, oldest first."""

    process: subprocess.Popen[bytes]
    jobs: deque[Job] = field(default_factory=deque)


class WorkerPool:
    """A few worker processes staging jobs; results come back in the order each worker ends them."""

    def __init__(self, size: int, depth: int = 2) -> None:
        self.size = size
        self.depth = depth  # jobs queued per worker, so it never waits for the parent between two
        self._workers: list[_Worker] = []
        self._selector = selectors.DefaultSelector()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        # Leaving on an error (Ctrl-C, a catalogue failure) stops the files in hand at once.
        self.close(kill=exc_type is not None)

    def start(self, count: int) -> None:
        """Start up to ``count`` workers now, so they have their libraries loaded when jobs come."""
        while len(self._workers) < min(count, self.size):
            self._start()

    def submit(self, job: Job) -> None:
        """Send a job now; its result comes out of :meth:`run` with the others."""
        self._send(job)

    def run(self, jobs: Iterable[Job]) -> Iterator[Staged]:
        """Stage every job in the workers and yield each result as it ends."""
        queue = iter(jobs)
        exhausted = False
        while True:
            while not exhausted and self._has_room():
                job = next(queue, None)
                if job is None:
                    exhausted = True
                else:
                    self._send(job)
            if not any(w.jobs for w in self._workers):
                return
            yield from self._receive()

    def close(self, *, kill: bool = False) -> None:
        """End the workers: close their input, which they take as the end of the import."""
        for worker in self._workers:  # all told first, so they end together
            if kill:
                worker.process.kill()
            elif worker.process.stdin is not None:
                worker.process.stdin.close()
        for worker in self._workers:
            self._retire(worker)
        self._workers = []
        self._selector.close()

    def _has_room(self) -> bool:
        """Tell whether a job can be sent now (a worker has fewer than ``depth`` in hand)."""
        return len(self._workers) < self.size or any(
            len(w.jobs) < self.depth for w in self._workers
        )

    def _send(self, job: Job) -> None:
        """Send a job to the least busy worker, starting one if the pool is not full."""
        idle = [w for w in self._workers if not w.jobs]
        if idle:
            worker = idle[0]
        elif len(self._workers) < self.size:
            worker = self._start()
        else:
            worker = min(self._workers, key=lambda w: len(w.jobs))
        worker.jobs.append(job)
        data = pickle.dumps(job, pickle.HIGHEST_PROTOCOL)
        assert worker.process.stdin is not None
        try:
            worker.process.stdin.write(_LENGTH.pack(len(data)) + data)
            worker.process.stdin.flush()
        except BrokenPipeError:
            pass  # it died: _receive reports its jobs

    def _start(self) -> _Worker:
        """Start one worker process."""
        env = dict(os.environ)
        if self.size > 1:
            env["VIPS_CONCURRENCY"] = "1"  # one libvips thread each: the workers fill the cores
        process = subprocess.Popen(
            [sys.executable, "-m", "gallery.workers", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            bufsize=0,
        )
        worker = _Worker(process)
        assert process.stdout is not None
        self._selector.register(process.stdout, selectors.EVENT_READ, worker)
        self._workers.append(worker)
        return worker

    def _receive(self) -> Iterator[Staged]:
        """Wait for a worker to answer and yield its result; a worker that died fails its oldest job."""
        for key, _ in self._selector.select():
            worker: _Worker = key.data
            try:
                yield _read_message(key.fileobj)  # type: ignore[arg-type]
                worker.jobs.popleft()
            except EOFError:
                code = worker.process.wait()
                failed = worker.jobs.popleft()
                later = list(worker.jobs)
                self._selector.unregister(key.fileobj)
                self._workers.remove(worker)
                self._retire(worker)
                from gallery.ingest import Staged

                detail = f"the decoder crashed ({_how_it_ended(code)})"
                yield Staged.failed(failed, RejectedFile("decode_failed", detail))
                for job in later:  # they never started: give them to a fresh worker
                    self._send(job)

    @staticmethod
    def _retire(worker: _Worker) -> None:
        """Close a worker's pipes and wait for it to end."""
        for pipe in (worker.process.stdin, worker.process.stdout):
            if pipe is not None:
                pipe.close()
        try:
            worker.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()


@dataclass
class HeadStart:
    """Workers started before the catalogue opens, and the first files of the import sent to them.

    A command's start is mostly the catalogue's libraries loading (half a second); the workers
    stage the first files meanwhile. Whether a file is stored already is known only once the
    catalogue is open, so only files of which no stored file exists go ahead, in order: the rest
    wait for the importer. Each holds an intent marker until the importer records it, or
    :meth:`abandon` removes what it left.
    """

    pool: WorkerPool
    store: MediaStore
    files: list[Path]  # what the import takes, in order
    early: dict[Path, tuple[Job, Path]]  # the first files → their job and intent marker

    @classmethod
    def begin(
        cls, paths: Iterable[Path], settings: Mapping[str, Any], size: int, ahead: int = 3
    ) -> HeadStart:
        """Start the workers (``size``, no more than files), send each up to ``ahead`` first files."""
        head = cls(WorkerPool(size), MediaStore(settings["MEDIA_DIR"]), [], {})
        store = head.store
        try:
            head.pool.start(1)  # first: it loads its libraries while this process loads its own
            from gallery.ingest import files_to_import, job_template

            head.files = files_to_import(paths, store)
            head.pool.start(len(head.files))  # no more workers than files
            template = job_template(settings)
            for path in head.files[: size * ahead]:
                try:
                    sha, stamp = hash_file(path)
                except (RejectedFile, OSError):
                    break  # the importer reports it, in its turn
                if any(job.sha256 == sha for job, _ in head.early.values()) or store.files_of(sha):
                    break  # twice in the batch, or stored already: the importer decides
                job = dataclasses.replace(template, source=path, sha256=sha, stamp=stamp)
                head.early[path] = (job, store.intend(sha))
                head.pool.submit(job)
        except BaseException:
            head.abandon(lambda _sha: False)
            raise
        return head

    def abandon(self, held: Callable[[str], bool]) -> None:
        """Stop the workers and remove the early files' files, unless a row holds them (``held``)."""
        self.pool.close(kill=True)
        self.store.withdraw([(marker, job.sha256) for job, marker in self.early.values()], held)
        self.early.clear()


def _how_it_ended(code: int) -> str:
    """Describe a worker's exit status."""
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
    return f"exit status {code}"


def _read_exactly(stream, size: int) -> bytes:  # noqa: ANN001 - a raw binary stream
    """Read ``size`` bytes from an unbuffered stream; raise EOFError if it ends first."""
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_message(stream):  # noqa: ANN001, ANN202 - a raw binary stream; any pickled object
    """Read one length-prefixed pickle."""
    (size,) = _LENGTH.unpack(_read_exactly(stream, _LENGTH.size))
    return pickle.loads(_read_exactly(stream, size))


def _end_with_parent(parent: int) -> None:
    """Have the kernel end this process when its parent dies (Linux), and end now if it already has."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass  # the closed stdin still ends it, after the file in hand
    if os.getppid() != parent:
        os._exit(0)


def serve(parent: int) -> None:
    """Stage jobs read from stdin until it closes, answering each on the original stdout.

    One thread writes and syncs each file's derivatives and original while this one decodes the
    next (the disk's waits are a tenth of a photo's time); answers leave in the jobs' order.
    """
    from gallery.ingest import prepare

    _end_with_parent(parent)
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # what decoders print goes to stderr, not into the answers
    sys.stdout = sys.stderr
    source = os.fdopen(0, "rb", buffering=0)
    ready: queue.Queue[Prepared | None] = queue.Queue(maxsize=1)
    writer = threading.Thread(target=_publish_and_answer, args=(ready, answers))
    writer.start()
    try:
        while True:
            try:
                job = _read_message(source)
            except EOFError:
                return
            ready.put(prepare(job))
    finally:
        ready.put(None)
        writer.join()


def _publish_and_answer(ready: queue.Queue[Prepared | None], answers) -> None:  # noqa: ANN001
    """Store each prepared file and send its result, until ``None`` comes."""
    from gallery.ingest import publish

    try:
        while (prepared := ready.get()) is not None:
            data = pickle.dumps(publish(prepared), pickle.HIGHEST_PROTOCOL)
            answers.write(_LENGTH.pack(len(data)) + data)
    except BaseException:
        # The parent would wait for this answer for ever: end, and it reports the file as crashed.
        os._exit(1)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    serve(int(sys.argv[1]))
    # Every answer was written whole and every file published: the interpreter's teardown
    # (libvips's among it, 60 ms) would only hold up the end of the import.
    sys.stderr.flush()
    os._exit(0)

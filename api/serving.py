"""What a server serves: one generation's searcher, catalog and graph (``Served``), held with
a lease so no build deletes it underneath, and the follower that switches to a newer build.

Requests take the ``Served`` that is current when they start and keep it to the end, so a
switch drops nothing: a new build is opened beside the old one, put in place by one
assignment, and the old one is closed (and its lease released) only after a grace period
longer than any request. The encoder is kept across switches when the new build was
embedded by the same model, so a switch does not load the model again."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from rdflib import Graph

from policykg.index.catalog import Catalog
from policykg.index.encoders import Encoder
from policykg.index.match import matcher_for
from policykg.index.open import collector_paused, open_encoder, open_searcher, reading_build
from policykg.index.search import Searcher
from policykg.kg.queries import graph_for_queries
from policykg.datadir import DataDir, DataDirError, Lease
from policykg.settings import Settings


log = logging.getLogger("policykg.serve")
WARM_UP = "补贴"


@dataclass
class Served:
    """One generation, opened for serving."""

    folder: Path
    encoder: Encoder | None
    searcher: Searcher
    catalog: Catalog
    graph: Graph
    lease: Lease | None

    @classmethod
    def open(cls, data: DataDir, settings: Settings, previous: Served | None = None) -> Served:
        """The current generation (or the one ``settings.generation`` pins), leased, then
        opened (reusing ``previous``'s encoder when the same model built both)."""
        lease = data.lease(data.generations_dir / settings.generation) if settings.generation else data.lease_current()
        try:
            folder = lease.generation
            with collector_paused(collect_after=True):
                with reading_build(folder):  # a damaged file is one BuildFileError naming it
                    encoder = open_encoder(folder, settings.threads, reuse=previous.encoder if previous is not None else None)
                    catalog = Catalog.load(folder)  # the read model, shared with search
                    searcher = open_searcher(folder, threads=settings.threads, catalog=catalog, encoder=encoder)
                    matcher_for(folder, encoder=encoder, catalog=catalog)  # POST /match's rules and links, read now: a damaged file stops the start
                searcher.search(WARM_UP, 1)  # loads the segmenter's dictionary now, not on a client's time
            return cls(
                folder=folder,
                encoder=encoder,
                searcher=searcher,
                catalog=catalog,
                graph=graph_for_queries(folder),
                lease=lease,
            )
        except BaseException:
            lease.release()
            raise

    def close(self) -> None:
        """Close the graph and give up the lease; a second call does nothing (``policykg
        serve`` closes what it opened even when the app's lifespan already did)."""
        if self.lease is None:
            return
        self.graph.close()
        self.lease.release()
        self.lease = None


async def follow(app: FastAPI, data: DataDir, settings: Settings, grace_seconds: float, retired: list[Served]) -> None:
    """Every ``settings.follow_seconds``, switch ``app.state.served`` to the current
    generation if a build has made a newer one; close the old one ``grace_seconds`` later
    (until then it is in ``retired``, which the app closes when it stops).
    A build that cannot be opened is logged and the server keeps the one it has."""
    failed: Path | None = None
    while True:
        await asyncio.sleep(settings.follow_seconds)
        try:
            current = await asyncio.to_thread(data.current)
        except DataDirError as problem:
            log.warning("cannot read the current build: %s", problem)
            continue
        served: Served = app.state.served
        if current is None or current == served.folder or current == failed:
            continue
        try:
            fresh = await asyncio.to_thread(Served.open, data, settings, served)
        except Exception as problem:  # keep serving the build we have
            log.error("cannot open the new build %s, still serving %s: %s", current, served.folder, problem)
            failed = current
            continue
        app.state.served = fresh
        app.state.sparql.follow(fresh.folder)
        log.info("now serving %s (was %s)", fresh.folder, served.folder)
        retired.append(served)
        asyncio.get_running_loop().call_later(grace_seconds, _close, served, retired)


def _close(served: Served, retired: list[Served]) -> None:
    if served in retired:
        retired.remove(served)
        served.close()

"""What the dense side embeds for a clause of the shipped build: the clause with its
document's title and heading path (the title says what an item is about when its own words
do not), and each sentence of a longer clause with the path alone."""
from __future__ import annotations

from policykg.index.search import UNIT_SEPARATOR, dense_passages, searchable


def _units(corpus_clauses, corpus_documents) -> dict[str, str]:
    chosen = searchable(corpus_clauses, corpus_documents)
    return dict(dense_passages(chosen, corpus_documents))


def test_the_clause_vector_reads_the_title_then_the_heading_path_then_the_clause(corpus_clauses, corpus_documents):
    units = _units(corpus_clauses, corpus_documents)
    text = units["d8b79ebff25/3.1.2"]  # 2.扶持集成电路产业发展 of the 黄埔区 IAB opinions
    assert text.startswith("黄埔区广州开发区促进IAB主导产业发展实施意见 三、政策支持 （一）I（新一代信息技术产业）8项政策 2.扶持集成电路产业发展 ")
    assert "对新设立的集成电路设计或封测企业" in text


def test_every_clause_vector_carries_its_own_documents_title(corpus_clauses, corpus_documents):
    titles = {d.id: d.title for d in corpus_documents}
    chosen = searchable(corpus_clauses, corpus_documents)
    units = dict(dense_passages(chosen, corpus_documents))
    titled = [c for c in chosen if titles[c.document]]
    assert titled  # every shipped document has a title
    assert all(units[c.id].startswith(titles[c.document]) for c in titled)
    assert len({c.document for c in titled}) > 1  # titles looked up per clause, not one for the build


def test_sentence_vectors_keep_the_path_without_the_title(corpus_clauses, corpus_documents):
    titles = {d.id: d.title for d in corpus_documents}
    chosen = {c.id: c for c in searchable(corpus_clauses, corpus_documents)}
    sentence_units = [(uid, text) for uid, text in dense_passages(list(chosen.values()), corpus_documents) if UNIT_SEPARATOR in uid]
    assert sentence_units
    for uid, text in sentence_units:
        clause = chosen[uid.split(UNIT_SEPARATOR)[0]]
        assert not text.startswith(titles[clause.document] or "\0")
        assert text.startswith(" ".join(clause.path))

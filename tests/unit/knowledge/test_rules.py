"""The similarity rules on plain values: which words count, how evidence adds up, and how
each choice is explained."""

from __future__ import annotations

import pytest

from warroom.knowledge.rules import Candidate, fts5_query, judge, matched, terms, tsquery


def test_terms_keep_the_telling_words_most_frequent_first() -> None:
    found = terms("The checkout is failing", "checkout 500 errors from payment-proxy")
    assert found[0] == "checkout"
    assert "payment-proxy" in found
    assert not {"the", "is", "failing", "500"} & set(found)


def test_queries_are_safe_in_either_engine() -> None:
    words = terms('drop"table; payment-proxy OR NOT x')
    assert fts5_query(words) == '"drop" OR "payment-proxy" OR "table"'
    assert tsquery(words) == "drop | payment | proxy | table"


def test_evidence_adds_up_and_is_explained() -> None:
    judged = judge([
        Candidate(1, text_rank=8.0, matched_words=("checkout", "payment")),
        Candidate(2, text_rank=4.0, shared=("service:orders", "fingerprint:abc")),
        Candidate(3, shared=("host:web-01", "host:web-02", "host:web-03", "host:web-04")),
        Candidate(4, text_rank=8.0, unhelpful=4),
    ])  # fmt: skip
    assert [j.entry_id for j in judged] == [2, 3, 1, 4]
    assert judged[0].reasons == (
        "matching text", "same alert fingerprint: abc", "shared service: orders",
    )  # fmt: skip
    assert judged[1].reasons == ("shared hosts: web-01, web-02, web-03 and 1 more",)
    assert judged[2].reasons == ("matching text: checkout, payment",)
    assert "marked helpful 0, not helpful 4" in judged[3].reasons


def test_a_mark_of_not_helpful_here_sinks_it() -> None:
    judged = judge([Candidate(1, text_rank=1.0, unhelpful_here=True), Candidate(2, 0.5)])
    assert [j.entry_id for j in judged] == [2, 1]


def test_references_and_severities_are_not_symptoms() -> None:
    found = terms("Priya saw INC-7 as SEV2: orders hang; see CHG-12 and SOL-3")
    assert found == ["hang", "orders", "priya", "saw"]


def test_a_word_matches_the_words_it_stems_from_not_inside_others() -> None:
    assert matched(["hang", "failover"], "after the change of the failovers") == ("failover",)


def test_meaning_counts_above_the_floor_and_weighs_at_most_twice_the_text() -> None:
    weak, some, strong, off = (
        Candidate(1, meaning=0.1), Candidate(2, meaning=0.3), Candidate(3, meaning=0.9),
        Candidate(4),
    )  # fmt: skip
    judged = {j.entry_id: j for j in judge([weak, some, strong, off])}
    assert (judged[1].score, judged[1].reasons) == (0, ())
    assert judged[2].reasons == ("similar in meaning",)
    assert judged[2].score == pytest.approx(2.0 * (0.3 - 0.15) / (0.45 - 0.15))
    assert judged[3].reasons == ("close in meaning",)
    assert judged[3].score == pytest.approx(2.0)  # capped: no cosine outweighs the keys twice
    assert judged[4].score == 0

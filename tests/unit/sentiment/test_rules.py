"""Sentiment rules: labels and the outreach threshold on VADER's scale, and the chart's
buckets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.sentiment.rules import Label, label, needs_outreach, series, step_for
from warroom.sentiment.service import VaderScorer

T0 = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)


def test_labels_follow_vaders_cut_offs_and_only_strong_anger_is_queued() -> None:
    assert label(-0.3) is Label.negative
    assert label(0.0) is Label.neutral
    assert label(0.04) is Label.neutral
    assert label(0.5) is Label.positive
    assert needs_outreach(-0.8)
    assert not needs_outreach(-0.3)


def test_vader_scores_an_angry_post_below_a_happy_one() -> None:
    scorer = VaderScorer()
    angry = scorer.score("Your shop has been down for hours, this is a disgrace. Terrible!")
    happy = scorer.score("Thanks for the quick fix, ordering works great again")
    assert angry < -0.6 < 0.5 < happy


def test_series_counts_volume_and_negatives_per_bucket_and_ignores_outsiders() -> None:
    step = timedelta(minutes=10)
    mentions = [
        (T0 + timedelta(minutes=1), "negative"),
        (T0 + timedelta(minutes=2), "neutral"),
        (T0 + timedelta(minutes=25), "negative"),
        (T0 - timedelta(minutes=5), "negative"),  # before the start
        (T0 + timedelta(minutes=31), "positive"),  # after the end
    ]
    buckets = series(mentions, T0, T0 + timedelta(minutes=30), step)
    assert [(b.count, b.negative) for b in buckets] == [(2, 1), (0, 0), (1, 1)]
    assert buckets[0].negative_share == 0.5
    assert buckets[1].negative_share == 0.0


def test_the_bucket_size_keeps_the_chart_readable() -> None:
    assert step_for(timedelta(hours=2)) == timedelta(minutes=5)
    assert step_for(timedelta(hours=10)) == timedelta(minutes=15)
    assert step_for(timedelta(days=3)) == timedelta(minutes=120)

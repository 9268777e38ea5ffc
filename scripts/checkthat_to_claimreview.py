"""Convert the CheckThat! 2022 task 2B PolitiFact fact-checks to a ClaimReview data feed.

    .venv/bin/python scripts/checkthat_to_claimreview.py OUT.json \
        [--source ../shared/datasets/clef2022-checkthat-task2b-claim-retrieval/vclaims.jsonl.gz]

Each line of ``vclaims.jsonl.gz`` (vclaim_id, vclaim, title, speaker, date
"stated on October 22, 2019 in a campaign mailer.:", truth_label, url, text)
becomes one schema.org ClaimReview in a Fact Check Tools style data feed
(``dataFeedElement`` items with an ``item`` list): ``claimReviewed`` =
vclaim, ``itemReviewed.author`` = speaker, ``itemReviewed.datePublished`` =
the date stated (ISO), ``reviewRating.alternateName`` = PolitiFact's label
as it publishes it ("Pants on Fire", "Half True"...), with its number on
PolitiFact's 1-6 scale for truth labels, ``author`` = PolitiFact, ``url`` =
the article on politifact.com. The article text is left out.

The data is research material (see SOURCE.txt there): write OUT outside the
repository (e.g. /tmp); never commit it.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
from datetime import datetime
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / \
    "clef2022-checkthat-task2b-claim-retrieval" / "vclaims.jsonl.gz"
SITE = "https://www.politifact.com"
# truth_label -> (the label as PolitiFact publishes it, its place on the 1-6 Truth-O-Meter or None).
LABELS = {
    "pants-fire": ("Pants on Fire", 1), "false": ("False", 2), "barely-true": ("Mostly False", 3),
    "half-true": ("Half True", 4), "mostly-true": ("Mostly True", 5), "true": ("True", 6),
    "full-flop": ("Full Flop", None), "half-flip": ("Half Flip", None), "no-flip": ("No Flip", None),
}
_STATED = re.compile(r"stated on (\w+ \d{1,2}, \d{4})")


def stated_date(text: str) -> str | None:
    """'stated on October 22, 2019 in ...' -> '2019-10-22'."""
    m = _STATED.search(text or "")
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1), "%B %d, %Y").date().isoformat()
    except ValueError:
        return None


def review_date(url: str) -> str | None:
    """The article's date from its path, /factchecks/2019/oct/30/... -> '2019-10-30'."""
    m = re.search(r"/factchecks/(\d{4})/(\w{3})/(\d{1,2})/", url or "")
    if not m:
        return None
    try:
        return datetime.strptime(" ".join(m.groups()), "%Y %b %d").date().isoformat()
    except ValueError:
        return None


def claimreview(row: dict) -> dict:
    label, value = LABELS.get(row["truth_label"], (row["truth_label"], None))
    rating = {"@type": "Rating", "alternateName": label}
    if value is not None:
        rating.update(ratingValue=value, bestRating=6, worstRating=1)
    review = {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "url": SITE + row["url"] if row["url"].startswith("/") else row["url"],
        "claimReviewed": row["vclaim"],
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": row["speaker"]},
                         "datePublished": stated_date(row["date"])},
        "author": {"@type": "Organization", "name": "PolitiFact", "url": SITE},
        "datePublished": review_date(row["url"]),
        "reviewRating": rating,
        "name": row["title"],
    }
    return review


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", help="the data feed to write (outside the repository)")
    parser.add_argument("--source", default=str(SOURCE), help="vclaims.jsonl.gz")
    args = parser.parse_args()
    elements = []
    with gzip.open(args.source, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                review = claimreview(json.loads(line))
                elements.append({"@type": "DataFeedItem", "dateCreated": review["datePublished"],
                                 "item": [review]})
    feed = {"@context": "https://schema.org", "@type": "DataFeed", "name": "CheckThat! 2022 task 2B vclaims",
            "dataFeedElement": elements}
    Path(args.output).write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    print(f"{len(elements)} ClaimReviews written to {args.output}")


if __name__ == "__main__":
    main()

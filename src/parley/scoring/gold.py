"""Scorers for every layer, with the definitions of ../shared/gold/score.py.

Both sides are gold-format dicts (``Analysis.to_json()`` or a gold file).
The definitions, restated:

- turns: exact span match (P/R/F1); speaker accuracy over gold turns.
- entities: mention P/R/F1 by exact span, untyped and typed; identity as
  B-cubed F1 over the mentions both sides found.
- attributions: greedy one-to-one match in predicted order, content IoU of at
  least 0.5 of the longer span, ties to the best IoU; "with source" also
  needs the source to resolve (through gold mentions) to the gold source.
- timex: first unused gold span that overlaps; value accuracy over matches.
- claims: a span counts when it has IoU >= 0.5 with any span on the other side.
- stance: polarity accuracy over gold (holder, target) pairs, predicted
  targets mapped to gold ids by majority of their mentions.

``tests/test_scoring.py`` checks that these agree with score.py on the seed.
"""
from __future__ import annotations

from typing import Any, Iterable

from parley.scoring.classes import precision_recall_f1

Pair = tuple[int, int]


def prf(hit_pred: int, n_pred: int, hit_gold: int, n_gold: int) -> dict[str, Any]:
    """P/R/F1 rounded to 4 places, with the counts (as score.py reports them)."""
    p, r, f = precision_recall_f1(hit_pred, n_pred, hit_gold, n_gold)
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "pred": n_pred, "gold": n_gold}


def _pair(x: Iterable[int] | None) -> Pair | None:
    if x is None:
        return None
    a, b = x
    return int(a), int(b)


def iou(a: Pair, b: Pair) -> float:
    longer = max(a[1] - a[0], b[1] - b[0])
    return max(0, min(a[1], b[1]) - max(a[0], b[0])) / longer if longer else 0.0


def overlap(a: Pair, b: Pair) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


def turns(gold: list[dict], pred: list[dict]) -> dict[str, Any]:
    g = {_pair(t["span"]): t for t in gold}
    p = {_pair(t["span"]): t for t in pred}
    both = g.keys() & p.keys()
    out = prf(len(both), len(p), len(both), len(g))
    right = sum(str(g[s].get("speaker", "")).lower() == str(p[s].get("speaker", "")).lower() for s in both)
    out["speaker_acc"] = round(right / len(g), 4) if g else 0.0
    return out


def mention_index(entities: list[dict], typed: bool) -> dict[Pair, tuple[str | None, str]]:
    index: dict[Pair, tuple[str | None, str]] = {}
    for e in entities:
        for m in e.get("mentions", []):
            index[_pair(m)] = (e.get("type") if typed else None, e.get("id"))
    return index


def entities(gold: list[dict], pred: list[dict]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for typed in (False, True):
        g, p = mention_index(gold, typed), mention_index(pred, typed)
        hit_p = sum(1 for s, v in p.items() if s in g and g[s][0] == v[0])
        hit_g = sum(1 for s, v in g.items() if s in p and p[s][0] == v[0])
        out["typed" if typed else "untyped"] = prf(hit_p, len(p), hit_g, len(g))
    out["identity_b3"] = b_cubed(mention_index(gold, False), mention_index(pred, False))
    return out


def b_cubed(gold: dict[Pair, tuple], pred: dict[Pair, tuple]) -> dict[str, Any]:
    shared = [s for s in gold if s in pred]
    if not shared:
        return {"p": 0.0, "r": 0.0, "f1": 0.0, "mentions": 0}
    g_clusters: dict[str, set] = {}
    p_clusters: dict[str, set] = {}
    for s in shared:
        g_clusters.setdefault(gold[s][1], set()).add(s)
        p_clusters.setdefault(pred[s][1], set()).add(s)
    precision = recall = 0.0
    for s in shared:
        gs, ps = g_clusters[gold[s][1]], p_clusters[pred[s][1]]
        precision += len(gs & ps) / len(ps)
        recall += len(gs & ps) / len(gs)
    precision, recall = precision / len(shared), recall / len(shared)
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": round(precision, 4), "r": round(recall, 4), "f1": round(f, 4), "mentions": len(shared)}


def _source_of(att: dict, mention_ids: dict[Pair, str]) -> str:
    span = _pair(att.get("source_span"))
    if span is not None:
        for m, eid in mention_ids.items():
            if overlap(m, span):
                return str(eid).lower()
    return str(att.get("source", "")).lower()


def attributions(gold: list[dict], pred: list[dict], gold_entities: list[dict]) -> dict[str, Any]:
    ids = {m: v[1] for m, v in mention_index(gold_entities, False).items()}
    taken: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for i, pa in enumerate(pred):
        ps = _pair(pa["content_span"])
        best, best_iou = None, 0.5
        for j, ga in enumerate(gold):
            if j in taken:
                continue
            score = iou(ps, _pair(ga["content_span"]))
            if score >= best_iou:
                best, best_iou = j, score
        if best is not None:
            taken.add(best)
            pairs.append((i, best))
    out = prf(len(pairs), len(pred), len(pairs), len(gold))
    right = 0
    for i, j in pairs:
        want = _source_of(gold[j], ids)
        by_span = _source_of(pred[i], ids) if pred[i].get("source_span") else None
        right += want in (by_span, str(pred[i].get("source", "")).lower())
    out["with_source"] = prf(right, len(pred), right, len(gold))
    return out


def timex(gold: list[dict], pred: list[dict]) -> dict[str, Any]:
    taken: set[int] = set()
    matched = right = 0
    for pt in pred:
        ps = _pair(pt["span"])
        for j, gt in enumerate(gold):
            if j not in taken and overlap(ps, _pair(gt["span"])):
                taken.add(j)
                matched += 1
                right += str(pt.get("value")) == str(gt.get("value"))
                break
    out = prf(matched, len(pred), matched, len(gold))
    out["value_acc"] = round(right / matched, 4) if matched else 0.0
    out["value_correct"] = right
    return out


def claims(gold: list[dict], pred: list[dict]) -> dict[str, Any]:
    g = [_pair(c["span"]) for c in gold]
    p = [_pair(c["span"]) for c in pred]
    hit_p = sum(any(iou(s, x) >= 0.5 for x in g) for s in p)
    hit_g = sum(any(iou(s, x) >= 0.5 for x in p) for s in g)
    return prf(hit_p, len(p), hit_g, len(g))


def stance_hits(gold: list[dict], pred: list[dict], gold_entities: list[dict],
                pred_entities: list[dict]) -> list[bool]:
    """Per gold (holder, target) record, whether the prediction matched to it has its polarity."""
    gold_ids = {m: v[1] for m, v in mention_index(gold_entities, False).items()}
    to_gold: dict[str, str] = {}
    for e in pred_entities:
        votes: dict[str, int] = {}
        for m in e.get("mentions", []):
            gid = gold_ids.get(_pair(m))
            if gid is not None:
                votes[gid] = votes.get(gid, 0) + 1
        if votes:
            to_gold[e.get("id")] = max(votes, key=votes.get)
    by_pair: dict[tuple[str, str], str] = {}
    by_target: dict[str, str] = {}
    for st in pred:
        target = to_gold.get(st.get("target"), st.get("target"))
        holder = to_gold.get(st.get("holder"), st.get("holder"))
        by_pair.setdefault((str(holder).lower(), target), st.get("polarity"))
        by_target.setdefault(target, st.get("polarity"))
    one_holder = len({g.get("holder") for g in gold}) == 1
    hits = []
    for st in gold:
        got = by_pair.get((str(st.get("holder")).lower(), st["target"]))
        if got is None and one_holder:
            got = by_target.get(st["target"])
        hits.append(got == st["polarity"])
    return hits


def stance(gold: list[dict], pred: list[dict], gold_entities: list[dict], pred_entities: list[dict]) -> dict[str, Any]:
    right = sum(stance_hits(gold, pred, gold_entities, pred_entities))
    return {"acc": round(right / len(gold), 4) if gold else 0.0, "right": right, "gold": len(gold)}


def _inside(span: Pair | None, extent: Pair) -> bool:
    return span is not None and extent[0] <= span[0] and span[1] <= extent[1]


def restrict(pred: dict, extent: Iterable[int]) -> dict:
    """Predictions inside the gold file's annotated extent only."""
    ext = _pair(extent)
    out = dict(pred)
    for layer, key in (("turns", "span"), ("attributions", "content_span"), ("timex", "span"), ("claims", "span")):
        out[layer] = [r for r in pred.get(layer, []) if _inside(_pair(r[key]), ext)]
    out["entities"] = [dict(e, mentions=[m for m in e.get("mentions", []) if _inside(_pair(m), ext)])
                       for e in pred.get("entities", [])]
    return out


def score(gold: dict, pred: dict) -> dict[str, Any]:
    """Every layer the gold annotates, scored."""
    if gold.get("extent"):
        pred = restrict(pred, gold["extent"])
    out: dict[str, Any] = {}
    if "turns" in gold:
        out["turns"] = turns(gold["turns"], pred.get("turns", []))
    if "entities" in gold:
        out["entities"] = entities(gold["entities"], pred.get("entities", []))
    if "attributions" in gold:
        out["attributions"] = attributions(gold["attributions"], pred.get("attributions", []), gold.get("entities", []))
    if "timex" in gold:
        out["timex"] = timex(gold["timex"], pred.get("timex", []))
    if "claims" in gold:
        out["claims"] = claims(gold["claims"], pred.get("claims", []))
    if "stance" in gold:
        out["stance"] = stance(gold["stance"], pred.get("stance", []), gold.get("entities", []), pred.get("entities", []))
    return out

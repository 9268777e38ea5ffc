"""The claims layer: check-worthiness model, claim decider, kinds, quantities."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from parley.analysers.claims.features import ASKER, SPEAKER, LinearModel, load_model, sentence_features, tokens
from parley.errors import InputError, ModelUnavailable
from parley.models.heads import sigmoid
from parley.nlp.quantities import find_in_text
from parley.scoring.classes import positive_f1
from parley.scoring.ranking import average_precision, precision_at
from parley_lab import checkthat
from tests.conftest import needs


def test_tokens_fold_numbers_to_shapes():
    assert tokens("In 2024 exports fell 12% to 4,500 tonnes.") == [
        "in", "<year>", "exports", "fell", "<pct>", "to", "<num>", "tonnes"]


def test_sentence_features_mark_numbers_questions_and_role():
    f = sentence_features("Unemployment fell by 4 percent in 2019.")
    assert f["shape=number"] == 1.0 and f["shape=percent"] == 1.0 and f["shape=year"] == 1.0
    assert "shape=question" not in f and "role=asker" not in f
    q = sentence_features("Did unemployment fall?", ASKER)
    assert q["shape=question"] == 1.0 and q["role=asker"] == 1.0


def test_model_file_loads_and_ranks_a_statistic_above_thanks():
    model = load_model()
    assert 0.0 < model.threshold < 1.0 and len(model.weights) > 100
    stat = model.score_text("Unemployment fell by 4 percent last year, the lowest rate in 50 years.")
    thanks = model.score_text("Thank you very much.")
    assert stat > thanks
    # the same words are less check-worthy from an interviewer
    assert model.score_text("Crime rose by 30 percent.", ASKER) < model.score_text("Crime rose by 30 percent.", SPEAKER)


def test_linear_model_round_trips_and_rejects_malformed_files():
    model = LinearModel(-1.0, {"w=tax": 2.0}, 0.5, {"name": "toy"})
    again = LinearModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again == model
    assert again.score({"w=tax": 1.0}) == pytest.approx(1 / (1 + 2.718281828 ** -1.0), rel=1e-6)
    weighted = LinearModel(0.0, {"w=tax": 1.0, "w=cut": 1.0}, 0.5, {}, idf={"w=tax": 2.0, "w=cut": 1.0})
    again = LinearModel.from_json(json.loads(json.dumps(weighted.to_json())))
    x = again.transform({"w=tax": 1.0, "w=cut": 1.0, "w=unseen": 1.0})
    assert set(x) == {"w=tax", "w=cut"} and x["w=tax"] == pytest.approx(2 / 5 ** 0.5)
    with pytest.raises(ModelUnavailable) as e:
        LinearModel.from_json({"weights": {}})
    assert e.value.code == "E401"


def test_ranking_measures():
    assert average_precision([0.9, 0.8, 0.1], [1, 0, 1]) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision([0.1, 0.2], [0, 0]) == 0.0
    assert precision_at([3, 2, 1], [1, 0, 0], 10) == pytest.approx(0.1)
    f = positive_f1([True, True, False], [1, 0, 1])
    assert f["p"] == 0.5 and f["r"] == 0.5 and f["f1"] == 0.5


def test_read_debate_and_roles(tmp_path: Path):
    path = tmp_path / "debate.tsv"
    path.write_text(
        "1\tMOD\tWhat is your plan?\t0\n2\tMOD\tWhy now?\t0\n3\tLEE\tWe cut taxes by 10 percent.\t01\n"
        "4\tLEE\tThat is all.\t0\n", encoding="utf-8")
    debate = checkthat.read_debate(path)
    assert [line.label for line in debate.lines] == [0, 0, 1, 0]
    assert checkthat.speaker_roles(debate) == {"MOD": ASKER, "LEE": SPEAKER}
    path.write_text("x\tMOD\tHello.\t0\n", encoding="utf-8")
    with pytest.raises(InputError):
        checkthat.read_debate(path)


def test_quantities_in_plain_text():
    text = "In 2019 they paid $2 billion and 15 percent more, 750 in all."
    found = [text[s.start:s.end] for s in find_in_text(text)]
    assert found == ["$2 billion", "15 percent", "750"]


@pytest.fixture(scope="module")
def claims_analysis(parser):
    from parley.analysers.claims import analyser as claims  # noqa: F401
    from parley.analysers.structure import analyser as structure  # noqa: F401  (registers it)
    from parley.document import Document
    from parley.pipeline import REGISTRY, analyze

    text = (Path(__file__).parent / "fixtures" / "claims_interview.txt").read_text(encoding="utf-8")
    return analyze(Document(text, "claims-fixture"), [REGISTRY["structure"], REGISTRY["claims"]], parser=parser)


def _assert_readable_list(records, threshold: float) -> None:
    """The check-worthy yes/no of a document's ``records``: yes only at or
    above ``threshold``, at most CHECKWORTHY_SHARE of them (rounded up), and
    the yes scores the highest of those at the cut."""
    from parley.analysers.claims.analyser import CHECKWORTHY_SHARE

    yes = [r.score for r in records if r.checkworthy]
    assert all(score >= threshold - 1e-4 for score in yes)
    assert len(yes) <= math.ceil(CHECKWORTHY_SHARE * len(records))
    passed_over = [r.score for r in records if not r.checkworthy and r.score >= threshold + 1e-4]
    assert not passed_over or (yes and min(yes) >= max(passed_over) - 1e-4)


def _cw_threshold(analysis) -> float:
    """The yes/no cut of whichever model scored ``analysis``."""
    from parley.analysers.claims.analyser import threshold_of

    used = {r.model for r in analysis.layer("checkworthiness")}
    assert len(used) == 1
    return threshold_of(used.pop())


def _claims(analysis) -> dict[str, object]:
    return {analysis.text[c.span.start:c.span.end]: c for c in analysis.layer("claims")}


@pytest.mark.slow
def test_claims_keep_facts_and_drop_questions_hedges_wishes(claims_analysis):
    found = _claims(claims_analysis)
    assert "The ministry received 339 requests from families in 2024." in found
    assert "The president signed the water treaty in Geneva last March." in found
    assert "The minister said that the border had been closed for two weeks." in found
    for not_claim in ("Do you think the talks in Vienna will succeed?", "Is it true that exports fell by 12 percent?",
                      "It seems that the plan has failed.", "We hope for a better future.", "Tell them to wait.",
                      "Thank you for having me.", "I think we will see progress next year."):
        assert not_claim not in found, not_claim


@pytest.mark.slow
def test_claim_kinds_scores_and_quantities(claims_analysis):
    found = _claims(claims_analysis)
    text = claims_analysis.text
    numeric = found["The ministry received 339 requests from families in 2024."]
    assert numeric.kind == "numeric"
    assert [text[q.start:q.end] for q in numeric.quantities] == ["339 requests"]
    assert found["The president signed the water treaty in Geneva last March."].kind == "event"
    assert found["The minister said that the border had been closed for two weeks."].kind == "quote"
    assert found["Prices rose because the central bank cut interest rates."].kind == "causal"
    exports = found["Exports fell by 12 percent, to $4 billion, after the northern port was closed in May."]
    assert [text[q.start:q.end] for q in exports.quantities] == ["12 percent", "$4 billion"]
    flags = {r.span: r.checkworthy for r in claims_analysis.layer("checkworthiness")}
    for claim in found.values():
        assert 0.0 <= claim.score <= 1.0 and claim.checkworthy == flags[claim.span]
        assert claim.quantities == tuple(q for q in claim.quantities if claim.span.contains(q))


@pytest.mark.slow
def test_claims_section_links_each_row_to_its_sentence(claims_analysis):
    from parley.render.table import SECTIONS, Cell

    header, rows = SECTIONS["claims"].rows(claims_analysis)
    assert header[3] == "sentence" and len(rows) == len(claims_analysis.layer("claims"))
    scores = [float(r[0]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    for row in rows:
        cell = row[3]
        assert isinstance(cell, Cell) and claims_analysis.text[cell.span.start:cell.span.end].replace("\n", " ") == cell.text


@pytest.mark.slow
def test_threshold_option_and_missing_model(claims_analysis, parser, monkeypatch):
    from parley.analysers.claims import analyser as claims
    from parley.pipeline import Config

    everything = claims.claims(claims_analysis, parser.parse(claims_analysis.text), Config(options={"claims": {"threshold": 0.0}}))
    assert len(everything["claims"]) > len(claims_analysis.layer("claims"))
    monkeypatch.setattr(claims, "load_decider", lambda: (_ for _ in ()).throw(ModelUnavailable("gone", code="E401")))
    assert "gone" in claims._check()


@pytest.mark.slow
def test_every_sentence_has_a_score(claims_analysis, parser):
    from parley.analysers.claims import analyser as claims
    from parley.pipeline import Config

    # With the decider's cut at 0, the claims layer holds every sentence the rules let through.
    result = claims.claims(claims_analysis, parser.parse(claims_analysis.text),
                           Config(options={"claims": {"threshold": 0.0}}))
    sentences = claims_analysis.layer("sentences")
    scored = result["checkworthiness"]
    assert [r.span for r in scored] == [s.span for s in sentences]
    text = claims_analysis.text
    kept = {text[c.span.start:c.span.end] for c in result["claims"]}
    assert "Do you think the talks in Vienna will succeed?" not in kept  # questions are never claims
    assert {c.span for c in claims_analysis.layer("claims")} <= {c.span for c in result["claims"]}
    assert all(0.0 <= r.score <= 1.0 for r in scored)
    _assert_readable_list(scored, _cw_threshold(claims_analysis))


@pytest.mark.slow
def test_without_a_parse_quantities_come_from_the_text(claims_analysis):
    from parley.analysers.claims import analyser as claims
    from parley.pipeline import Config

    result = claims.claims(claims_analysis, None, Config(options={"claims": {"threshold": 0.0}}))
    text = claims_analysis.text
    by_text = {text[c.span.start:c.span.end]: c for c in result["claims"]}
    exports = by_text["Exports fell by 12 percent, to $4 billion, after the northern port was closed in May."]
    assert [text[q.start:q.end] for q in exports.quantities] == ["12 percent", "$4 billion"]


def test_head_features_layout():
    np = needs("numpy")
    from parley.analysers.claims.head import head_features

    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=np.float32)
    x = head_features(vectors, [0.5, -1.0, 2.0], [ASKER, SPEAKER, SPEAKER], ("emb", "ctx", "lex", "role"))
    assert x.shape == (3, 2 + 4 + 1 + 1)
    assert x[0, 2:4].tolist() == [0.0, 0.0] and x[0, 4:6].tolist() == [0.0, 1.0]  # no previous; next is row 1
    assert x[2, 2:4].tolist() == [0.0, 1.0] and x[2, 4:6].tolist() == [0.0, 0.0]  # previous is row 1; no next
    assert x[:, 6].tolist() == [0.5, -1.0, 2.0] and x[:, 7].tolist() == [1.0, 0.0, 0.0]
    with pytest.raises(ModelUnavailable):
        head_features(vectors, [0, 0, 0], [SPEAKER] * 3, ("emb", "nonsense"))


def test_encoder_head_scores_and_round_trips(tmp_path: Path):
    np = needs("numpy")
    from parley.analysers.claims.head import HEAD_NAME, score
    from parley.models.heads import SIGMOID, Head, read_head, write_heads

    head = Head.linear(np.array([[1.0, -1.0, 0.5]], dtype=np.float32), np.array([-0.25]), output=SIGMOID,
                       meta={"layout": ["emb", "lex"], "threshold": 0.4, "name": "toy"})
    scores = score(head, np.array([[1.0, 0.0], [0.0, 1.0]]), [0.0, 2.0], [SPEAKER, SPEAKER])
    assert scores[0] == pytest.approx(1 / (1 + np.exp(-0.75))) and scores[1] == pytest.approx(1 / (1 + np.exp(0.25)))
    assert score(head, np.zeros((0, 2)), [], []) == []
    write_heads(tmp_path / "toy.npz", {HEAD_NAME: head})
    again = read_head(tmp_path / "toy.npz")
    assert again.meta == {"layout": ["emb", "lex"], "threshold": 0.4, "name": "toy"}
    assert again.layers[0][0].tolist() == [[1.0, -1.0, 0.5]] and again.output == SIGMOID
    assert score(again, np.array([[1.0, 0.0]]), [0.0], [SPEAKER]) == scores[:1]
    with pytest.raises(ModelUnavailable):  # wrong width for the layout
        score(head, np.zeros((1, 5)), [0.0], [SPEAKER])


def test_shipped_head_matches_its_layout():
    from parley.analysers.claims.head import PARTS, load_head
    from parley.models import encoder

    head = load_head()
    layout = head.meta["layout"]
    width = {"emb": encoder.DIMENSION, "ctx": 2 * encoder.DIMENSION, "lex": 1, "role": 1}
    assert set(layout) <= set(PARTS)
    assert head.n_features == sum(width[p] for p in layout) and head.layers[0][0].shape[0] == 1
    assert 0.0 < head.meta["threshold"] < 1.0 and head.meta["cv_map"] > 0.0


def test_a_broken_claims_head_is_e401(tmp_path: Path, monkeypatch):
    from parley.analysers.claims import head as claims_head

    monkeypatch.setattr(claims_head, "__file__", str(tmp_path / "data" / "head.py"))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "broken.npz").write_bytes(b"not a zip file")
    for name in ("broken.npz", "absent.npz"):
        with pytest.raises(ModelUnavailable) as e:
            claims_head.load_head.__wrapped__(name)
        assert e.value.code == "E401"


@pytest.mark.slow
def test_every_sentence_gets_a_checkworthiness_record(parser):
    from parley.analysers.claims import analyser as claims  # noqa: F401
    from parley.analysers.structure import analyser as structure  # noqa: F401  (registers it)
    from parley.document import Document
    from parley.pipeline import REGISTRY, Config, analyze

    text = (Path(__file__).parent / "fixtures" / "claims_interview.txt").read_text(encoding="utf-8")
    config = Config(options={"claims": {"checkworthiness": "lexical"}})
    analysis = analyze(Document(text, "cw"), [REGISTRY["structure"], REGISTRY["claims"]], config, parser=parser)
    records = analysis.layer("checkworthiness")
    sentences = analysis.layer("sentences")
    assert [r.span for r in records] == [s.span for s in sentences]
    assert [r.sentence for r in records] == list(range(len(sentences)))
    model = load_model()
    assert all(r.model == "lexical" and 0.0 <= r.score <= 1.0 for r in records)
    _assert_readable_list(records, model.threshold)
    by_text = {text[r.span.start:r.span.end]: r for r in records}
    assert by_text["The ministry received 339 requests from families in 2024."].score > by_text["Thank you for having me."].score
    assert analysis.to_json(include_text=False)["checkworthiness"][0]["model"] == "lexical"
    from parley.errors import PipelineError

    with pytest.raises(PipelineError) as e:
        claims.claims(analysis, None, Config(options={"claims": {"checkworthiness": "oracle"}}))
    assert e.value.code == "E300"


@pytest.mark.slow
def test_encoder_head_scores_every_sentence(claims_analysis, parser, monkeypatch):
    needs("torch", extra="models")
    from parley.analysers.claims import analyser as claims
    from parley.models import adapters, encoder
    from parley.pipeline import Config

    if encoder.available():
        pytest.skip(encoder.available())
    records = claims_analysis.layer("checkworthiness")
    # auto picks the fine-tuned adapter when installed, else the head, when the extra can run
    expected = claims.FINETUNED if adapters.installed(claims.ADAPTER, claims.DATA) else claims.ENCODER
    assert {r.model for r in records} == {expected}
    text = claims_analysis.text
    by_text = {text[r.span.start:r.span.end]: r for r in records}
    assert by_text["The ministry received 339 requests from families in 2024."].score > by_text["Thank you for having me."].score
    _assert_readable_list(records, claims.threshold_of(expected))
    # without the extra, auto falls back to the lexical model; 'encoder' then fails with E400
    monkeypatch.setattr(encoder, "available", lambda: "the 'models' extra is not installed")
    fallback = claims.claims(claims_analysis, parser.parse(text), Config())
    assert {r.model for r in fallback["checkworthiness"]} == {"lexical"}
    assert [c.span for c in fallback["claims"]] == [c.span for c in claims_analysis.layer("claims")]
    with pytest.raises(ModelUnavailable) as e:
        claims.claims(claims_analysis, parser.parse(text), Config(options={"claims": {"checkworthiness": "encoder"}}))
    assert e.value.code == "E400"


def test_sigmoid_of_an_extreme_logit_does_not_overflow():
    # math.exp(1000.0) raises OverflowError; a clamped logistic saturates instead.
    assert 0.0 < sigmoid(-1000.0) < 1e-12
    assert sigmoid(1000.0) == pytest.approx(1.0)
    assert sigmoid(0.0) == 0.5


def test_the_check_worthy_list_is_the_top_share_at_the_cut():
    from parley.analysers.claims.analyser import readable_flags
    from parley.errors import PipelineError

    scores = [0.95, 0.2, 0.91, 0.99, 0.5, 0.97]
    assert readable_flags(scores, 0.9, share=0.5) == [True, False, False, True, False, True]
    assert readable_flags(scores, 0.9, share=0.3) == [False, False, False, True, False, True]
    assert readable_flags(scores, 0.9, share=1.0) == [True, False, True, True, False, True]
    assert readable_flags(scores, 0.98, share=1.0) == [False, False, False, True, False, False]
    assert readable_flags(scores, 0.9, share=0.01) == [False, False, False, True, False, False]  # at least one
    assert readable_flags([], 0.5) == []
    with pytest.raises(PipelineError) as e:
        readable_flags(scores, 0.9, share=0.0)
    assert e.value.code == "E870"

"""The entities analyser: named-entity mentions resolved to entity identities.

Mentions of PERSON, ORG, GPE, LOC, NORP, EVENT, LAW and PRODUCT (as
``../shared/gold/GUIDELINES.md`` defines them) come from the alias table
(``data/gazetteer/`` plus the user's ``--aliases`` files), speaker
labels, patterns for named processes and documents, and spaCy's NER corrected
for the genre (see ``parley.analysers.entities.mentions``). They are flat: the longest match wins
and nothing overlaps.

Every mention resolves to one ``Entity`` id:

- a form the alias table knows takes the table's id (``Kiev`` and ``Kyiv``,
  ``the US`` and ``America``, ``Steve`` and ``Steven Witkoff``);
- a person's surname alone, a full name, a title plus name, an all-caps
  label and a possessive share the id of the full name found in the document
  (``MR. SULLIVAN`` and ``Jake Sullivan``); a surname alone that spaCy missed is
  found again wherever a known person's surname recurs;
- an acronym joins the organisation whose initials it spells;
- anything else gets the slug of its name, which is the same in every
  document.

Titles right before a person's name are kept as the entity's ``roles``.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any

from parley.analysers.entities.identity import AliasTable, EntityInfo, alias_table, fold, surface_key
from parley.analysers.entities.mentions import (
    Candidate, add_free, headline_labels, is_language_use, label_candidates, pattern_candidates, select,
    spacy_candidates, table_candidates, trim, url_spans
)
from parley.analysers.entities.offices import office_candidates, unique_title_candidates
from parley.analysers.entities.people import (
    HONORIFICS, People, add_surnames, collect_people, first_names, honorific_people, name_words, role_before
)
from parley.document import Analysis, Span
from parley.document.records import Entity
from parley.nlp.ids import slug
from parley.pipeline.registry import Config, analyser
from parley.render.table import Cell, highlighter, section

VERSION = "1.0"
_FUNCTION_WORDS = {"of", "the", "and", "for", "on", "in", "to", "a", "an", "de", "al", "la"}
_NAME_PARTICLES = {"al", "bin", "ibn", "de", "da", "von", "van", "der", "le", "la", "el", "du"}


@analyser("entities", version=VERSION, requires=("turns",), assigns=("entities",), needs_parse=True, order=20)
def analyse_entities(analysis: Analysis, parse: Any, config: Config) -> dict[str, list[Any]]:
    ents = [(span, label) for span, label, _ in parse.entities()] if parse is not None else []
    return {"entities": find_entities(analysis, ents, alias_table(config.aliases))}


def find_entities(analysis: Analysis, spacy_ents: list[tuple[Span, str]], table: AliasTable) -> list[Entity]:
    """Entities of ``analysis`` given spaCy's (span, label) pairs and an alias table."""
    text = analysis.text
    urls = url_spans(text)
    labels = [t.label_span for t in analysis.layer("turns") if t.label_span is not None]
    labels += [h.label_span for h in analysis.layer("headline") if getattr(h, "label_span", None) is not None]
    labels += [s for s in headline_labels(text) if not any(s.overlaps(lab) for lab in labels)]
    speakers = {t.label_span: t.speaker for t in analysis.layer("turns") if t.label_span is not None}

    table_cands = [c for c in table_candidates(text, table) if not _language(text, c, table)]
    places = {c.span.start: c for c in sorted(table_cands, key=lambda c: -len(c.span))
              if c.type in ("GPE", "LOC")}
    candidates: list[Candidate] = []
    candidates += [_with_speaker(c, analysis) for c in label_candidates(text, labels, table)]
    candidates += table_cands
    candidates += pattern_candidates(text, places)
    candidates += office_candidates(text, analysis.reference_date)
    lower_words = set(re.findall(r"\b[a-z]+\b", text))
    known = {}
    for c in table_cands:
        known.setdefault(c.span, c)
    named_labels = {c.span for c in candidates if c.source == "label"}
    nameless = [lab for lab in labels if not any(lab.contains(s) for s in named_labels)]
    spacy_ents = [(_after_label(text, span, nameless), label) for span, label in spacy_ents]
    from_spacy = spacy_candidates(text, [e for e in spacy_ents if e[0] is not None], known)
    candidates += [_product_by_context(text, c) for c in from_spacy
                   if not _language(text, c, table) and not _common_word(text, c, lower_words)
                   and not _known_plus_common(text, c, known, lower_words)
                   and not _known_compound(text, c, table)]
    chosen = honorific_people(text, select(candidates, blocked=urls + nameless), urls + nameless)

    people = collect_people(text, chosen, table, speakers, labels)
    chosen = add_surnames(text, chosen, people, urls, first_names(table, people))
    chosen = _add_unique_titles(text, chosen, people, table, urls)
    chosen = _resolve_bare_heads(text, chosen, people, table, urls)
    return _build(text, chosen, people, table)


_BARE_HEADS = ("Treaty", "Agreement", "Agreements", "Accords", "Convention", "Declaration", "Resolution", "Summit")


def _resolve_bare_heads(text: str, chosen: list[Candidate], people: "People", table: AliasTable,
                        urls: list[Span]) -> list[Candidate]:
    """"the Treaty" after "the START Treaty": the last named document or event with that head."""
    heads = "|".join(_BARE_HEADS)
    extra = [Candidate(Span(m.start(1), m.end(1)), "LAW", "anaphor")
             for m in re.finditer(rf"\bthe\s+({heads})\b(?![\w-]|\s+(?:of|on|for)\b|\s+[A-Z])", text)]
    out = []
    last: dict[str, EntityInfo] = {}
    for c in add_free(chosen, extra, urls):
        raw = text[c.span.start:c.span.end]
        if raw in _BARE_HEADS and (c.info is None or c.info.id == slug(raw)):
            info = last.get(raw.rstrip("s")) or last.get(raw)
            if info is None:
                if c.source != "anaphor":
                    out.append(c)
                continue
            c = replace(c, info=info, type=info.type)
        else:
            info = c.info if c.info is not None else None
            if info is None and c.type in ("LAW", "EVENT"):
                info = _identity(text, c, people, table)
            if info is not None and info.type in ("LAW", "EVENT"):
                for head in _BARE_HEADS:
                    if re.search(rf"\b{head}\b", info.name) or re.search(rf"\b{head}\b", raw):
                        last[head.rstrip("s")] = info
        out.append(c)
    return out


def _add_unique_titles(text: str, chosen: list[Candidate], people: "People", table: AliasTable,
                       urls: list[Span]) -> list[Candidate]:
    """"the King", "the Crown Prince" for the one person carrying that title."""
    roles: dict[str, set[str]] = defaultdict(set)
    infos: dict[str, EntityInfo] = {}
    for c in chosen:
        if c.type != "PERSON":
            continue
        info = _identity(text, c, people, table)
        role = c.role or role_before(text, c.span, table)
        if role:
            roles[info.id].add(role)
            infos[info.id] = info
    return add_free(chosen, unique_title_candidates(text, roles, infos), urls)


_PRODUCT_NOUNS = re.compile(r"[ \t\n]+(?:[a-z-]+[ \t\n]+)?(?:missiles?|systems?|batter(?:y|ies)|launchers?|tanks?|jets?|"
                            r"fighters?|drones?|pipelines?|rockets?|aircraft|helicopters?|howitzers?|warheads?)\b")


def _product_by_context(text: str, cand: Candidate) -> Candidate:
    """"Tomahawk cruise missiles", "Patriot battery": a name before a weapon noun is a PRODUCT."""
    if cand.info is None and cand.type in ("ORG", "PERSON", "GPE", "NORP", "LOC") and _PRODUCT_NOUNS.match(text, cand.span.end):
        return replace(cand, type="PRODUCT")
    return cand


def _with_speaker(cand: Candidate, analysis: Analysis) -> Candidate:
    """A label the table does not know takes the speaker identity the structure gave its turn."""
    if cand.info is not None:
        return cand
    for turn in analysis.layer("turns"):
        if turn.label_span is not None and turn.label_span.contains(cand.span):
            if turn.speaker != "interviewer" and turn.speaker_name:
                return replace(cand, info=EntityInfo(turn.speaker, turn.speaker_name, "PERSON"))
            break
    return cand


_GROUP_NOUNS = {"allies", "partners", "alliance", "members", "countries", "colleagues", "friends", "people",
                "government", "leaders", "officials", "authorities", "troops", "side", "counterparts"}


def _after_label(text: str, span: Span, labels: list[Span]) -> Span | None:
    """A spaCy span that swallowed a nameless label ("Q    Olga ...") starts after it."""
    for lab in labels:
        if lab.overlaps(span):
            if span.end <= lab.end:
                return None
            start = lab.end
            while start < span.end and (text[start].isspace() or text[start] == ":"):
                start += 1
            return Span(start, span.end) if start < span.end else None
    return span


def _known_plus_common(text: str, cand: Candidate, known: dict[Span, Candidate], lower_words: set[str]) -> bool:
    """"NATO Allies", "EU partners": a known name plus a group noun is the name alone."""
    m = re.search(r"\s+(\w+)$", text[cand.span.start:cand.span.end])
    if not m or m.group(1).lower() not in _GROUP_NOUNS:
        return False
    return Span(cand.span.start, cand.span.start + m.start()) in known


def _known_compound(text: str, cand: Candidate, table: AliasTable) -> bool:
    """"U.S.-China", "Russia and Ukraine": known names joined by a hyphen or "and" stay apart."""
    parts = re.split(r"-|\s+and\s+|,\s*|\s*/\s*", text[cand.span.start:cand.span.end])
    return len(parts) > 1 and all(table.lookup(p) is not None for p in parts)


def _common_word(text: str, cand: Candidate, lower_words: set[str]) -> bool:
    """A capitalised common word spaCy took for an organisation or place ("State", "Correct")."""
    raw = text[cand.span.start:cand.span.end]
    return cand.type != "PERSON" and raw.istitle() and raw.isalpha() and raw.lower() in lower_words


def _language(text: str, cand: Candidate, table: AliasTable) -> bool:
    """A nationality word used as a language name ("(Speaks Ukrainian.)")."""
    info = cand.info or table.lookup(text[cand.span.start:cand.span.end])
    is_norp = cand.type == "NORP" or (info is not None and info.type == "NORP")
    return is_norp and is_language_use(text, cand.span)


# -- people -------------------------------------------------------------------
def _identity(text: str, cand: Candidate, people: People, table: AliasTable) -> EntityInfo:
    raw = text[cand.span.start:cand.span.end]
    if cand.info is not None:
        return cand.info
    if cand.type == "PERSON" and cand.source == "spacy" and \
            _type_by_head(surface_key(raw), "PERSON") in ("ORG", "LAW", "EVENT"):  # "The Straits Times"
        cand = replace(cand, type=_type_by_head(surface_key(raw), "PERSON"))
    if cand.type == "PERSON":
        words = name_words(raw)
        if words and words[0].lower() in _NAME_PARTICLES:  # "bin Salman", "von der Leyen"
            hit = people.for_surname(words[-1])
        elif len(words) >= 2:
            hit = people.for_full_name(raw)
        elif fold(raw) in first_names(table, people):
            hit = people.for_first_name(raw)
        else:
            hit = people.for_surname(raw)
        if hit is None and raw.isupper():
            hit = people.for_surname(words[-1])
        if hit is None and len(words) == 1:
            hit = people.for_first_name(raw)
        if hit is not None:
            return EntityInfo(hit[0], hit[1], "PERSON")
        info = table.lookup(raw) or table.lookup_folded(raw)
        if info is not None:
            return info
        name = surface_key(raw).title() if raw.isupper() and len(raw) > 4 else surface_key(raw)
        return EntityInfo(slug(name), name, "PERSON")
    info = table.lookup(raw) or (table.lookup_folded(raw) if raw.isupper() else None)
    if info is not None:
        return info
    if cand.source == "spacy" and raw.istitle() and " " not in raw:
        hit = people.for_first_name(raw)  # "Justin" typed as an organisation
        if hit is not None:
            return EntityInfo(hit[0], hit[1], "PERSON")
    name = surface_key(raw)
    if cand.type == "ORG" and _TWO_NAMES.fullmatch(raw) and _HOMETOWN.match(text, cand.span.end):
        return EntityInfo(slug(name), name, "PERSON")  # "Thom Foulks of Colorado Springs, Colo., asks"
    return EntityInfo(slug(name), name, _type_by_head(name, cand.type))


_HEAD_TYPES = (
    (re.compile(r"\b(?:Act|Treaty|Agreements?|Accords?|Charter|Resolution|Declaration|Protocol|"
                r"Communiqu[eé]s?|Memorandum|Constitution|Doctrine)$"), "LAW"),
    (re.compile(r"\b(?:Summit|War|Conference|Convention|Forum|Olympics|Games|Congress of|Revolution|Crisis)$"), "EVENT"),
    (re.compile(r"\b(?:Sea|Ocean|Strait|Shoal|Gulf|Bay|River|Mountains|Islands?|Peninsula|Lake|Desert|Canal|Room|"
                r"Hall|Square|Garden|Building|Bridge|Tunnel|Airport)$"), "LOC"),
    (re.compile(r"\b(?:Times|Post|Journal|Herald|Gazette|Tribune|Telegraph|Magazine|Newspaper|News)$"), "ORG"),
)
# "<First Last> of <Town>, <State>": a listener or caller, not an organisation
_TWO_NAMES = re.compile(r"[A-Z][a-z]+ [A-Z][a-z]+")
_HOMETOWN = re.compile(r",? of [A-Z][a-z]+(?: [A-Z][a-z]+)?, [A-Z][a-z]")
# A person's name by its shape: a middle initial or a generational suffix ("Hubbard T. Saunders IV").
_PERSON_SHAPE = re.compile(r"[A-Z][a-z]+(?: [A-Z]\.)+ [A-Z][a-z]+(?:,? (?:Jr\.|Sr\.|II|III|IV))?"
                           r"|[A-Z][a-z]+(?: [A-Z]\.)? [A-Z][a-z]+,? (?:Jr\.|Sr\.|II|III|IV)")


def _type_by_head(name: str, type_: str) -> str:
    """The type a name's head noun gives ("Taiwan Relations Act" is a LAW), else spaCy's."""
    if type_ in ("ORG", "PRODUCT") and _PERSON_SHAPE.fullmatch(name):
        return "PERSON"
    if type_ in ("ORG", "PRODUCT", "PERSON", "GPE", "LOC", "EVENT", "LAW") and " " in name:
        for pattern, head_type in _HEAD_TYPES:
            if pattern.search(name):
                return head_type
    return type_


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w’'-]*", name) if w.lower() not in _FUNCTION_WORDS).upper()


def _build(text: str, chosen: list[Candidate], people: People, table: AliasTable) -> list[Entity]:
    infos: list[tuple[Candidate, EntityInfo]] = [(c, _identity(text, c, people, table)) for c in chosen]
    # acronyms join the organisation whose initials they spell
    long_orgs = {_initials(i.name): i for c, i in infos if i.type in ("ORG", "LAW", "EVENT") and len(i.name.split()) >= 2}
    merged = []
    for c, info in infos:
        raw = text[c.span.start:c.span.end]
        if c.info is None and raw.isupper() and 2 <= len(raw) <= 6 and raw in long_orgs:
            info = long_orgs[raw]
        merged.append((c, info))

    # a plural joins its singular ("Tomahawks", "Patriots")
    by_id = {info.id: info for _, info in merged}
    merged = [(c, by_id[slug(info.name[:-1])] if (c.info is None and info.type != "PERSON" and info.name.endswith("s")
                                                  and slug(info.name[:-1]) in by_id) else info)
              for c, info in merged]
    groups: dict[str, list[tuple[Candidate, EntityInfo]]] = defaultdict(list)
    for c, info in merged:
        groups[info.id].append((c, info))
    entities = []
    for entity_id, items in groups.items():
        known = table.info(entity_id)
        types = Counter(i.type for _, i in items)
        type_ = known.type if known else ("PRODUCT" if types["PRODUCT"] else types.most_common(1)[0][0])
        name = known.name if known else Counter(i.name for _, i in items).most_common(1)[0][0]
        roles: list[str] = []
        if type_ == "PERSON":
            for c, _ in items:
                role = c.role if c.role and c.role.lower() not in HONORIFICS else None
                role = role or role_before(text, c.span, table)
                if role and role not in roles:
                    roles.append(role.title() if role.isupper() and len(role) > 4 else role)
        aliases = []
        for c, _ in items:
            form = surface_key(text[c.span.start:c.span.end])
            if form not in aliases:
                aliases.append(form)
        mentions = tuple(sorted(c.span for c, _ in items))
        entities.append(Entity(entity_id, name, type_, mentions, tuple(roles), tuple(aliases)))
    entities.sort(key=lambda e: e.mentions[0].start)
    return entities


# -- helpers for other analysers ------------------------------------------------
def entity_at(analysis: Analysis, span: Span) -> Entity | None:
    """The entity with a mention overlapping ``span`` (the first, by offset)."""
    for entity in analysis.layer("entities"):
        for mention in entity.mentions:
            if mention.overlaps(span):
                return entity
    return None


def spacy_ner_baseline(analysis: Analysis, parse: Any) -> list[Entity]:
    """spaCy's NER alone, one entity per distinct surface text: the baseline."""
    groups: dict[str, list[Span]] = defaultdict(list)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for span, label, _ in (parse.entities() if parse is not None else []):
        if label not in ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "LAW", "PRODUCT"):
            continue
        name = surface_key(analysis.text[span.start:span.end])
        entity_id = slug(name) or "entity"
        groups[entity_id].append(span)
        types[entity_id][label] += 1
        names.setdefault(entity_id, name)
    return [Entity(i, names[i], types[i].most_common(1)[0][0], tuple(sorted(spans))) for i, spans in groups.items()]


# -- report -----------------------------------------------------------------
@section("entities", "Entities", ("entities",), order=30)
def entity_rows(analysis: Analysis):
    header = ("identity", "name", "type", "mentions", "roles")
    entities = sorted(analysis.layer("entities"), key=lambda e: (-len(e.mentions), e.id))
    rows = []
    for e in entities:
        first = e.mentions[0] if e.mentions else None
        rows.append((Cell(e.id, first), e.name, e.type, len(e.mentions), "; ".join(e.roles)))
    return header, rows


@highlighter("entities")
def highlight_entity(analysis: Analysis, entity: Entity) -> list[tuple[Span, str, str]]:
    """Every mention, labelled by type (one toggle per type in the HTML report)."""
    roles = f"; {', '.join(entity.roles)}" if entity.roles else ""
    tip = f"{entity.name} ({entity.type}, {entity.id}){roles}"
    return [(m, entity.type, tip) for m in entity.mentions]


__all__ = ["analyse_entities", "entity_at", "entity_rows", "find_entities", "spacy_ner_baseline", "trim"]

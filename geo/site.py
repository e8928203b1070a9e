"""The static briefing site (``python -m geo export-site OUT/``): the read-only path that scales.

Why: a Streamlit replica serves a few dozen officials; a folder of static files behind nginx
(``/briefing/``), on a share or a USB stick serves any number, with no Python on the way. The
site is the app's briefing scenes frozen: every preset (``geo.view.PRESETS``), every 권역 and
every 시도, each as a standalone map per level and language, its records as CSV, its PNG/PDF
briefing sheet and its one-page 한글 (HWPX) 보고서 (``geo.report``), and an index (Korean
``index.html``, English ``index.en.html``) with each scene's key figures and the reconciliation
lines the app shows beside its map.

Every number comes from the functions the app uses (``geo.dataset`` → ``geo.view.compute``,
``geo.coverage.coverage_by_year``), so the site and the app cannot disagree; text from records is
escaped (``geo.maps.markup.esc``). Leaflet and kdim.js are written once under ``static/`` and
linked by relative URLs, so pages work from ``file://`` and under any sub-path of a server.

The site is built in a temporary folder beside OUT and renamed into place at the end: a
killed build leaves the old site (or none) whole, never half of one. OUT is replaced only when
it is empty or a previous site (it carries :data:`MARKER`); any other folder is refused.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from geo import coverage, dataset, export, i18n, maps, offline, policy_areas, regions, view
from geo.dataset import DataSet
from geo.maps.markup import esc
from geo.view import PRESETS, ViewState

MARKER = "kdim-site.json"
SITE_KIND = "kdim-briefing-site"
LANGS = ("ko", "en")
LEVELS = view.LEVELS
STATIC = "static"
ASSET_PREFIX = f"../{STATIC}/"  # from a scene's folder; relative, so file:// and /briefing/ both work
SHEET_MODES = ("natural", "all", "none")
INDEX = {"ko": "index.html", "en": "index.en.html"}
BUILDING = ".building"  # in a build's temporary folder: the pid writing it (a killed build's folder is removed later)
KST = timezone(timedelta(hours=9), "KST")  # officials read Korean time; UTC beside it for the logs

TEXT: dict[str, dict[str, str]] = {
    "title": {
        "ko": "지방 디지털 혁신 지도 — 브리핑 자료",
        "en": "Korea Regional Digital Innovation Map — briefing site",
    },
    "lead": {
        "ko": "앱의 브리핑 장면을 고정한 읽기 전용 자료입니다. 모든 지도·CSV·시트는 인터넷 없이 열립니다.",
        "en": "The app's briefing scenes, frozen and read-only. Every map, CSV and sheet opens without internet.",
    },
    "built": {"ko": "작성", "en": "Built"},
    "records_file": {"ko": "기록 {n}건 (data/programs.csv)", "en": "{n} records (data/programs.csv)"},
    "other_lang": {"ko": "English", "en": "한국어"},
    "coverage": {"ko": "공식 통계 대비 (연도별)", "en": "Against the official figures, by year"},
    "presets": {"ko": "브리핑 장면", "en": "Briefing scenes"},
    "areas": {
        "ko": "인구감소지역 (행정안전부 지정)",
        "en": "Population-decline designations (Ministry of the Interior)",
    },
    "groups": {"ko": "권역", "en": "Region groups (권역)"},
    "sido": {"ko": "시도", "en": "Provinces and metropolitan cities (시도)"},
    "col_scene": {"ko": "장면", "en": "Scene"},
    "col_filters": {"ko": "필터", "en": "Filters"},
    "col_maps": {"ko": "지도", "en": "Maps"},
    "col_files": {"ko": "자료", "en": "Files"},
    "map_sido": {"ko": "시도별", "en": "by province"},
    "map_sigungu": {"ko": "시군구별", "en": "by municipality"},
    "sheet_note_natural": {
        "ko": "PNG/PDF 브리핑 시트와 한글(HWPX) 보고서는 장면마다 그 기본 단위(표의 굵은 지도)로 하나씩 있습니다.",
        "en": "One PNG/PDF briefing sheet and one 한글 (HWPX) report per scene, at the scene's own level (the map "
        "in bold).",
    },
    "sheet_note_all": {
        "ko": "PNG/PDF 브리핑 시트와 한글(HWPX) 보고서는 장면마다 시도·시군구 단위로 있습니다.",
        "en": "PNG/PDF briefing sheets and 한글 (HWPX) reports for each scene at both levels.",
    },
    "sheet_note_none": {
        "ko": "이 빌드에는 PNG/PDF 시트와 한글 보고서가 없습니다.",
        "en": "This build has no PNG/PDF sheets and no 한글 reports.",
    },
    "report_link": {"ko": "한글 보고서", "en": "한글 report"},
    "back": {"ko": "← 브리핑 자료 목록", "en": "← Briefing site index"},
}


def tr(key: str, lang: str, **kw: object) -> str:
    """A site label; the page's own labels come from geo.i18n."""
    text = TEXT[key][lang]
    return text.format(**kw) if kw else text


# --------------------------------------------------------------------------- scenes


@dataclass(frozen=True)
class Scene:
    """One briefing scene: a view (in Korean, at its own level) and where its files go."""

    slug: str  # folder name, ASCII
    kind: str  # "presets" | "areas" | "groups" | "sido"
    state: ViewState
    names: dict[str, str] = field(default_factory=dict)  # lang -> name shown in the index

    def at(self, level: str, lang: str) -> ViewState:
        return self.state.replace(level=level, lang=lang)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def scenes() -> list[Scene]:
    """Every preset, the 인구감소지역 designations, every 권역 (and 영남권), every 시도: the site's order."""
    out = [
        Scene(name, "presets", state.replace(lang="ko"), {lang: i18n.t(f"preset_{name}", lang) for lang in LANGS})
        for name, state in PRESETS.items()
    ]
    for area in policy_areas.AREAS:  # where the money goes against where the country is emptying
        names = {lang: i18n.t(f"area_{area}", lang) for lang in LANGS}
        out.append(Scene(f"area-{area}", "areas", ViewState(level="sigungu", area=area), names))
    for group in (*regions.REGION_GROUPS, *regions.SUPER_GROUPS):
        en = regions.REGION_GROUPS_EN.get(group, group)
        state = ViewState(level="sigungu", region_group=group)
        out.append(Scene(f"group-{_slug(en.split(' (')[0])}", "groups", state, {"ko": group, "en": en}))
    for code in regions.SIDO["sido_code"]:
        names = {lang: regions.name(code, lang) for lang in LANGS}
        out.append(Scene(f"sido-{code}", "sido", ViewState(level="sigungu", sido_code=code), names))
    return out


def select(wanted: Iterable[str] | None) -> list[Scene]:
    """Scenes by slug (or kind: presets, groups, sido); None means all. Unknown names raise ValueError."""
    every = scenes()
    if wanted is None:
        return every
    names = [w.strip() for w in wanted if w.strip()]
    known = {s.slug for s in every} | {s.kind for s in every}
    unknown = [w for w in names if w not in known]
    if unknown:
        raise ValueError(f"unknown scene(s) {unknown}; choose from {sorted(known)}")
    return [s for s in every if s.slug in names or s.kind in names]


def sheet_levels(scene: Scene, sheets: str) -> tuple[str, ...]:
    """Levels that get a PNG/PDF sheet: the scene's own (default), both, or none."""
    return {"natural": (scene.state.level,), "all": LEVELS, "none": ()}[sheets]


def map_file(scene: Scene, level: str, lang: str) -> str:
    return f"{scene.slug}/map-{level}.{lang}.html"


def csv_file(scene: Scene, lang: str) -> str:
    return f"{scene.slug}/records.{lang}.csv"


def sheet_file(scene: Scene, level: str, lang: str, ext: str) -> str:
    return f"{scene.slug}/sheet-{level}.{lang}.{ext}"


def report_file(scene: Scene, level: str, lang: str) -> str:
    return f"{scene.slug}/report-{level}.{lang}.hwpx"


# --------------------------------------------------------------------------- writing files


class SiteError(RuntimeError):
    """OUT cannot be (re)placed: said in one sentence, no traceback."""


@dataclass
class Written:
    """What a build wrote: relative paths and bytes (the summary line and the marker list them)."""

    root: Path
    files: dict[str, int] = field(default_factory=dict)

    def write(self, rel: str, data: bytes | str) -> None:
        """Write under the build folder: a temporary name, then renamed (no half file, ever)."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o755)  # nginx may run as nobody
        part = path.with_name(path.name + ".part")
        part.write_bytes(raw)
        os.chmod(part, 0o644)
        part.replace(path)
        self.files[rel] = len(raw)

    @property
    def pages(self) -> int:
        return sum(1 for r in self.files if r.endswith(".html"))


def map_page(html_text: str, lang: str, scene_name: str) -> str:
    """A scene map with the site's stylesheet, a link back to the index (both relative) and the
    scene's name first in its title (browser tabs of many maps must tell them apart)."""
    css = f'<link rel="stylesheet" href="{ASSET_PREFIX}site.css"/>'
    back = f'<a class="kdim-site-back" href="../{INDEX[lang]}">{esc(tr("back", lang))}</a>'
    html_text = html_text.replace("<title>", f"<title>{esc(scene_name)} — ", 1)
    html_text = html_text.replace("</head>", f"    {css}\n</head>", 1)
    return html_text.replace("<body>", f"<body>\n    {back}", 1)


def sheet_arguments(data: DataSet, state: ViewState) -> dict[str, object]:
    """The briefing sheet's arguments for a view: what the app's PNG/PDF buttons pass."""
    return {
        "filters": state.filters(),
        "level": state.level,
        "metric": state.metric,
        "lang": state.lang,
        "settings": maps.MapSettings(scheme=state.scheme, represent=state.represent),
        "layers": maps.sheet_layers(state.program_type, state.specialty),  # the web map's scene
        "reconciliation": data.reconciliation,
    }


def write_scene(w: Written, data: DataSet, scene: Scene, sheets: str) -> None:
    """One scene's maps (level × language), CSVs (per language), sheets and 보고서 (with the sheets)."""
    from geo import briefing, report  # matplotlib, lxml: only when a sheet is drawn

    for lang in LANGS:
        for level in LEVELS:
            v = dataset.computed(data, scene.at(level, lang))
            page = export.view_html(v, asset_prefix=ASSET_PREFIX)
            w.write(map_file(scene, level, lang), map_page(page, lang, scene.names[lang]))
        v = dataset.computed(data, scene.at(scene.state.level, lang))
        w.write(csv_file(scene, lang), export.records_csv(v.table))
        for level in sheet_levels(scene, sheets):
            kwargs = sheet_arguments(data, scene.at(level, lang))
            w.write(sheet_file(scene, level, lang, "png"), briefing.briefing_png(data.records, **kwargs))
            w.write(sheet_file(scene, level, lang, "pdf"), briefing.briefing_pdf(data.records, **kwargs))
            w.write(report_file(scene, level, lang), report.report_hwpx(data.records, **kwargs))


# --------------------------------------------------------------------------- the index pages

# The index pages' styles are scoped to body.kdim-index: map pages link the same file for the back link.
SITE_CSS = """\
body.kdim-index { font-family: "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", sans-serif;
  color: #1f2a36; margin: 0 auto; max-width: 78rem; padding: 1.5rem 1.5rem 3rem; line-height: 1.5; }
.kdim-index h1 { font-size: 1.8rem; margin: 0 0 .3rem; color: #253494; }
.kdim-index h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #253494; padding-bottom: .2rem; }
.kdim-index h3 { font-size: 1rem; margin: 0 0 .3rem; }
.kdim-index .lead { margin: 0 0 .3rem; font-size: 1.05rem; }
.kdim-index .meta, .kdim-index footer, .kdim-index small, .kdim-index .note { color: #5b6670; }
.kdim-index .years { display: flex; flex-wrap: wrap; gap: 1rem; }
.kdim-index .year { background: #f3f5f8; border-radius: 6px; padding: .7rem 1rem; flex: 1 1 22rem; }
.kdim-index .year ul { margin: 0; padding-left: 1.1rem; }
.kdim-index table { border-collapse: collapse; width: 100%; font-size: .95rem; }
.kdim-index th, .kdim-index td { text-align: left; vertical-align: top; padding: .45rem .5rem;
  border-bottom: 1px solid #d5dbe1; }
.kdim-index thead th { background: #f3f5f8; font-weight: 600; }
.kdim-index td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.kdim-index td.links a { margin-right: .6rem; white-space: nowrap; }
.kdim-index a { color: #1d4f91; }
.kdim-index a.natural { font-weight: 700; }
.kdim-index footer { margin-top: 2.5rem; font-size: .9rem; }
.kdim-site-back { position: fixed; top: 10px; left: 50%; transform: translateX(-50%); z-index: 1100;
  background: #fff; border: 1px solid #8a96a3; border-radius: 4px; padding: 3px 10px;
  font: 14px/1.4 sans-serif; color: #1d4f91; text-decoration: none; box-shadow: 0 1px 4px rgba(0,0,0,.25); }
@media print { .kdim-site-back { display: none; } body.kdim-index { max-width: none; } }
"""


def _coverage_html(data: DataSet, lang: str) -> str:
    """The reconciliation lines per year, as the app shows them beside the map."""
    years = data.coverage_by_year.get(lang) or coverage.coverage_by_year(data.records, lang)
    boxes = [
        f'<div class="year"><h3>{esc(y)}</h3><ul>{"".join(f"<li>{esc(x)}</li>" for x in lines)}</ul></div>'
        for y, lines in years.items()
    ]
    return f'<section><h2>{esc(tr("coverage", lang))}</h2><div class="years">{"".join(boxes)}</div></section>'


def _links(scene: Scene, lang: str, sheets: str) -> tuple[str, str]:
    """(map links, file links) of a scene row; the scene's own level in bold."""
    maps_ = []
    for level in LEVELS:
        cls = ' class="natural"' if level == scene.state.level else ""
        maps_.append(f'<a{cls} href="{esc(map_file(scene, level, lang))}">{esc(tr(f"map_{level}", lang))}</a>')
    files = [f'<a href="{esc(csv_file(scene, lang))}">CSV</a>']
    for level in sheet_levels(scene, sheets):
        suffix = f" ({tr(f'map_{level}', lang)})" if sheets == "all" else ""
        for ext in ("png", "pdf"):
            files.append(f'<a href="{esc(sheet_file(scene, level, lang, ext))}">{ext.upper()}{esc(suffix)}</a>')
        name = tr("report_link", lang) + suffix
        files.append(f'<a href="{esc(report_file(scene, level, lang))}" type="application/hwp+zip">{esc(name)}</a>')
    return "".join(maps_), "".join(files)


def _scene_row(data: DataSet, scene: Scene, lang: str, sheets: str) -> str:
    """One row: name, filters in words, the key figures of the scene's own view, links."""
    state = scene.at(scene.state.level, lang)
    v = dataset.computed(data, state)
    k = v.kpis
    notes = "".join(f"<br><small>{esc(n)}</small>" for n in v.notes)
    official = f"<br><small>{esc(k['official'])}</small>" if k["official"] else ""
    maps_, files = _links(scene, lang, sheets)
    return (
        f'<tr id="{esc(scene.slug)}"><th scope="row">{esc(scene.names[lang])}</th>'
        f"<td>{esc(view.filter_words(state))}</td>"
        f'<td class="num">{esc(k["budget"])}<br><small>{esc(k["budget_title"])}</small>{official}{notes}</td>'
        f'<td class="num">{esc(k["records"])}</td><td class="num">{esc(k["lgs"])}</td>'
        f'<td class="links">{maps_}</td><td class="links">{files}</td></tr>'
    )


def _scene_table(data: DataSet, kind: str, chosen: list[Scene], lang: str, sheets: str) -> str:
    rows = [_scene_row(data, s, lang, sheets) for s in chosen if s.kind == kind]
    if not rows:
        return ""
    heads = (
        tr("col_scene", lang),
        tr("col_filters", lang),
        i18n.t("kpi_budget", lang),
        i18n.t("kpi_records", lang),
        i18n.t("kpi_lgs", lang),
        tr("col_maps", lang),
        tr("col_files", lang),
    )
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in heads)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f"<section><h2>{esc(tr(kind, lang))}</h2>{table}</section>"


def index_html(data: DataSet, chosen: list[Scene], lang: str, sheets: str, built: datetime) -> str:
    """The site's front page in one language: title, date, coverage, a table per kind of scene."""
    other = "en" if lang == "ko" else "ko"
    meta = " · ".join(
        [
            f"{esc(tr('built', lang))}: {built.astimezone(KST):%Y-%m-%d %H:%M} KST ({built:%H:%M} UTC)",
            esc(tr("records_file", lang, n=f"{len(data.records):,}")),
            f'<a href="{INDEX[other]}" hreflang="{other}" lang="{other}">{esc(tr("other_lang", lang))}</a>',
        ]
    )
    tables = "".join(_scene_table(data, kind, chosen, lang, sheets) for kind in ("presets", "areas", "groups", "sido"))
    footer = " ".join(f"<p>{esc(x)}</p>" for x in (tr(f"sheet_note_{sheets}", lang), i18n.t("eok_note", lang)))
    return (
        f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(tr('title', lang))}</title>\n"
        f'<link rel="stylesheet" href="{STATIC}/site.css">\n</head>\n<body class="kdim-index">\n'
        f'<header><h1>{esc(tr("title", lang))}</h1><p class="lead">{esc(tr("lead", lang))}</p>'
        f'<p class="meta">{meta}</p></header>\n'
        f"{_coverage_html(data, lang)}\n{tables}\n"
        f'<footer>{footer}<p class="source">{esc(i18n.t("source_line", lang))}</p></footer>\n</body>\n</html>\n'
    )


# --------------------------------------------------------------------------- build and swap


def is_site(path: Path) -> bool:
    """True for a folder a previous ``export-site`` wrote (its marker file says so)."""
    try:
        return json.loads((path / MARKER).read_text(encoding="utf-8")).get("kind") == SITE_KIND
    except (OSError, ValueError, AttributeError):
        return False


def check_target(out: Path) -> None:
    """Raise SiteError unless OUT is absent, an empty folder or a previous site."""
    if out.is_symlink():
        raise SiteError(f"{out} is a symbolic link: pass the folder it points to")
    if not out.exists():
        return
    if not out.is_dir():
        raise SiteError(f"{out} is a file, not a folder: refusing to replace it")
    if any(out.iterdir()) and not is_site(out):
        raise SiteError(
            f"{out} exists and is not a briefing site written by export-site (it has no {MARKER}): "
            "refusing to replace it. Choose another folder, or move its contents away yourself."
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_stale_builds(out: Path) -> list[Path]:
    """Clear what killed builds (their pid is gone) left beside OUT: temporary folders, each up to
    a whole site, are removed; a previous site set aside by an unfinished swap is put back at OUT
    if OUT is missing. A build still running (pid alive) is left alone.
    """
    gone = []
    for d in sorted(out.parent.glob(f".{out.name}.tmp-*")) + sorted(out.parent.glob(f".{out.name}.old-*")):
        try:
            pid = int((d / BUILDING).read_text() if ".tmp-" in d.name else d.name.rsplit("-", 1)[1])
        except (OSError, ValueError, IndexError):
            continue  # not ours: leave it
        if _alive(pid):
            continue
        if ".old-" in d.name and not out.exists() and is_site(d):
            d.rename(out)  # killed between the two renames of replace_dir: the previous site comes back
        else:
            shutil.rmtree(d, ignore_errors=True)
        gone.append(d)
    return gone


def replace_dir(tmp: Path, out: Path) -> None:
    """Put the finished build at OUT; the previous site is removed only once the new one is there."""
    check_target(out)  # again: something may have appeared there while the site was built
    old = out.with_name(f".{out.name}.old-{os.getpid()}") if out.exists() else None
    if old is not None:
        out.rename(old)
    try:
        tmp.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(
    out: Path | str,
    chosen: list[Scene] | None = None,
    *,
    sheets: str = "natural",
    data: DataSet | None = None,
    log: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr, flush=True),
) -> Written:
    """Write the site to a temporary folder beside OUT, then rename it into place.

    ``data``: the records to show (default: the bundled data/programs.csv, as the app's).
    """
    out = Path(out).absolute()
    chosen = scenes() if chosen is None else chosen
    if sheets not in SHEET_MODES:
        raise ValueError(f"sheets must be one of {SHEET_MODES}, not {sheets!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    for d in remove_stale_builds(out):
        log(f"[export-site] cleared {d.name}, left by a build that was killed")
    check_target(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700; nginx may read it as nobody
        (tmp / BUILDING).write_text(str(os.getpid()))
        w = Written(tmp)
        data = dataset.bundled() if data is None else data
        offline.write_assets(tmp / STATIC)
        w.files.update({f"{STATIC}/{a.rel}": (tmp / STATIC / a.rel).stat().st_size for a in offline.ASSETS})
        w.write(f"{STATIC}/site.css", SITE_CSS)
        for i, scene in enumerate(chosen, 1):
            t0 = time.perf_counter()
            write_scene(w, data, scene, sheets)
            log(f"[export-site] {i}/{len(chosen)} {scene.slug}: {time.perf_counter() - t0:.1f} s")
        built = datetime.now(UTC)
        for lang in LANGS:
            w.write(INDEX[lang], index_html(data, chosen, lang, sheets, built))
        marker = {"kind": SITE_KIND, "built": built.isoformat(timespec="seconds"), "sheets": sheets}
        marker |= {"scenes": [s.slug for s in chosen], "files": dict(sorted(w.files.items()))}
        w.write(MARKER, json.dumps(marker, ensure_ascii=False, indent=1))
        for d in (p for p in tmp.rglob("*") if p.is_dir()):
            os.chmod(d, 0o755)
        (tmp / BUILDING).unlink()
        replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    w.root = out
    return w


# --------------------------------------------------------------------------- CLI


def _cli(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    try:
        chosen = select(args.scenes.split(",") if args.scenes else None)
        w = build(args.out, chosen, sheets=args.sheets)
    except (SiteError, ValueError) as exc:
        print(f"export-site: {exc}", file=sys.stderr)
        return 2
    total = sum(w.files.values())
    print(
        f"wrote {w.root}: {w.pages} pages ({len(chosen)} scenes), {len(w.files)} files, "
        f"{total / 1e6:.1f} MB, in {time.perf_counter() - t0:.1f} s"
    )
    return 0


def register_cli(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export-site",
        help="write the static briefing site: every scene's maps, CSV and sheets, with an index",
        description="Write a static, offline briefing site to OUT: index.html (Korean) and index.en.html, "
        "a standalone map per scene (presets, 권역, 시도) x level x language, each scene's CSV and its "
        "PNG/PDF briefing sheets, Leaflet once under static/. Built beside OUT and renamed into place; "
        "OUT must be absent, empty or a previous site.",
    )
    p.add_argument("out", metavar="OUT")
    p.add_argument("--scenes", help="comma-separated scene names or kinds (presets, areas, groups, sido); default: all")
    p.add_argument(
        "--sheets",
        choices=SHEET_MODES,
        default="natural",
        help="PNG/PDF sheets and 한글 보고서 at each scene's own level (default), at both levels, or none",
    )
    p.set_defaults(func=_cli)

"""Compare PDF text extractors on the corpus in tests/fixtures/pdfs (see docs/pdf-extraction.md).

Run: .venv/bin/python benchmarks/pdf_extractors.py [--repeat 3] [--hostile-timeout 30] [--json out.json]
Needs: pypdf, pdfminer.six, pdfplumber, pypdfium2 (pip install into .venv; not project dependencies).
Prints Markdown tables: libraries, speed, word accuracy per PDF, RTL checks, artefacts, layout lines, hostile PDFs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pdf_backends as backends  # noqa: E402
import pdf_scoring as scoring  # noqa: E402

CORPUS = HERE.parent / "tests" / "fixtures" / "pdfs"
HOSTILE = CORPUS / "hostile"
MEMORY_LIMIT = 4 << 30  # address space of each hostile-PDF child


def corpus() -> list[tuple[Path, dict[str, Any]]]:
    docs = []
    for path in sorted(CORPUS.glob("*.expected.json")):
        docs.append((path.with_name(path.name.replace(".expected.json", ".pdf")), json.loads(path.read_text("utf-8"))))
    return docs


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def licence(dist: str) -> str:
    meta = metadata.metadata(dist).json
    if meta.get("license_expression"):
        return str(meta["license_expression"])
    classifiers = [c.split(" :: ")[-1] for c in meta.get("classifier", []) if c.startswith("License ::")]
    return ", ".join(classifiers) or str(meta.get("license", "?")).splitlines()[0]


def import_ms(module: str, runs: int = 5) -> float:
    """Cumulative import time of ``module`` in a fresh interpreter (-X importtime), median of runs, in ms."""
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True, check=True
        )
        for line in done.stderr.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == module:
                times.append(int(parts[1]) / 1000)
    return statistics.median(times) if times else float("nan")


def run_variants(
    docs: list[tuple[Path, dict[str, Any]]], repeat: int
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, list[Any]]], dict[str, float]]:
    texts: dict[str, dict[str, str]] = {}
    lines: dict[str, dict[str, list[Any]]] = {}
    seconds: dict[str, float] = {}
    for name, fn in backends.TEXT.items():
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            texts[name] = {pdf.stem: fn(pdf) for pdf, _ in docs}
            best = min(best, time.perf_counter() - start)
        seconds[name] = best
    for name, lines_fn in backends.LINES.items():
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            lines[name] = {pdf.stem: lines_fn(pdf) for pdf, _ in docs}
            best = min(best, time.perf_counter() - start)
        seconds[name] = best
        texts[name] = {stem: "\n".join(line.text for line in found) for stem, found in lines[name].items()}
    return texts, lines, seconds


def zwnj_marks(path: Path) -> int:
    """Text objects marked /ActualText U+200C, read through pdfium's page-object marks."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    count = 0
    pdf = pdfium.PdfDocument(path)
    try:
        for index in range(len(pdf)):
            for obj in pdf[index].get_objects():
                for k in range(raw.FPDFPageObj_CountMarks(obj.raw)):
                    buf, size = (ctypes.c_ushort * 16)(), ctypes.c_ulong()
                    mark = raw.FPDFPageObj_GetMark(obj.raw, k)
                    if raw.FPDFPageObjMark_GetParamStringValue(mark, b"ActualText", buf, 32, ctypes.byref(size)):
                        units = list(buf)[: size.value // 2]
                        # pdfium 5.x widens each byte of the UTF-16BE string: U+200C arrives as 0x20, 0x0C
                        count += units[:2] in ([0x20, 0x0C], [0x200C, 0]) or units[:1] == [0x200C]
    finally:
        pdf.close()
    return count


def hostile_child(variant: str, path: str) -> None:
    """Runs in a subprocess: extract, then print one JSON line (characters, seconds, peak memory)."""
    start = time.perf_counter()
    functions = backends.all_variants()
    try:
        chars = len(functions[variant](Path(path)))
        outcome = f"ok, {chars} chars"
    except BaseException as e:  # any failure, even RecursionError, is the measurement
        outcome = f"{type(e).__name__}: {str(e)[:60]}".replace("|", "/").replace("\n", " ")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - start, "peak_mb": peak}))


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_hostile(variant: str, path: Path, timeout: float) -> str:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", variant, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_limit_memory,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    except subprocess.TimeoutExpired:
        return f"killed after {timeout:.0f} s timeout"
    if done.returncode < 0:
        return f"crashed (signal {-done.returncode}) after {time.perf_counter() - start:.1f} s"
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1][:60]
        return f"exit {done.returncode}: {tail}"
    return f"{result['outcome']} ({result['seconds']:.1f} s, {result['peak_mb']:.0f} MB)"


def report(args: argparse.Namespace) -> dict[str, Any]:
    docs = corpus()
    pages = sum(int(e["pages"]) for _, e in docs)
    texts, lines, seconds = run_variants(docs, args.repeat)
    variants = list(texts)
    out: dict[str, Any] = {"pages": pages, "docs": [p.stem for p, _ in docs]}

    print(f"# PDF extractors on {len(docs)} PDFs, {pages} pages (tests/fixtures/pdfs)\n")
    rows = []
    for dist, module in backends.LIBRARIES.items():
        rows.append([dist, metadata.version(dist), licence(dist), f"{import_ms(module):.0f}"])
    print(table(["library", "version", "licence", "import ms (cold process, -X importtime)"], rows) + "\n")

    rows = [[v, backends.VARIANT_LIBRARY[v], f"{seconds[v] / pages * 1000:.1f}"] for v in variants]
    out["ms_per_page"] = {v: seconds[v] / pages * 1000 for v in variants}
    print(table(["variant", "library", f"ms per page (best of {args.repeat})"], rows) + "\n")

    print("## Word accuracy: body words found in order % / lost / junk words\n")
    rows, totals = [], {v: [0, 0, 0] for v in variants}
    out["words"] = {}
    for pdf, expected in docs:
        row = [pdf.stem]
        for v in variants:
            s = scoring.word_score(expected, texts[v][pdf.stem])
            totals[v][0] += s.expected
            totals[v][1] += s.found_in_order
            totals[v][2] += s.junk
            row.append(f"{s.ratio:.0%} / {s.lost} / {s.junk}")
            out["words"].setdefault(pdf.stem, {})[v] = [s.expected, s.found_in_order, s.junk]
        rows.append(row)
    rows.append(["**all**"] + [f"**{t[1] / t[0]:.1%} / {t[0] - t[1]} / {t[2]}**" for t in totals.values()])
    clean = {v: [scoring.word_score(e, scoring.cleaned(texts[v][p.stem])) for p, e in docs] for v in variants}
    rows.append(
        ["all, after dropping control chars and U+FFFE"]
        + [
            f"{sum(s.found_in_order for s in clean[v]) / sum(s.expected for s in clean[v]):.1%} / "
            f"{sum(s.lost for s in clean[v])} / {sum(s.junk for s in clean[v])}"
            for v in variants
        ]
    )
    for label, langs in (("Latin/CJK only, cleaned", ("en", "fr", "es", "zh")), ("fa+ar only, cleaned", ("fa", "ar"))):
        picked = [i for i, (_, e) in enumerate(docs) if e["language"] in langs]
        shares = [
            sum(clean[v][i].found_in_order for i in picked) / sum(clean[v][i].expected for i in picked)
            for v in variants
        ]
        rows.append([label] + [f"{share:.1%}" for share in shares])
    out["words_cleaned"] = {v: [[s.expected, s.found_in_order, s.junk] for s in clean[v]] for v in variants}
    print(table(["PDF"] + variants, rows) + "\n")

    print("## Persian and Arabic: logical/reversed words, ZWNJ, diacritics, digits, control characters\n")
    rows = []
    for pdf, expected in docs:
        if expected["language"] not in ("fa", "ar"):
            continue
        for v in variants:
            r = scoring.rtl_score(expected, texts[v][pdf.stem])
            c = scoring.rtl_score(expected, scoring.cleaned(texts[v][pdf.stem]))
            rows.append(
                [
                    pdf.stem,
                    v,
                    f"{r.logical:.0%} ({c.logical:.0%})",
                    f"{r.reversed:.0%} ({c.reversed:.0%})",
                    f"{r.zwnj_kept[0]}/{r.zwnj_kept[1]} (dropped {r.zwnj_dropped})" if r.zwnj_kept[1] else "-",
                    f"{r.marks_kept[0]}/{r.marks_kept[1]}" if r.marks_kept[1] else "-",
                    f"{r.digits_right[0]}/{r.digits_right[1]} (reversed {r.digits_reversed})",
                    str(r.controls),
                    str(r.bidi_marks),
                ]
            )
    print(
        table(
            [
                "PDF",
                "variant",
                "logical (cleaned)",
                "reversed (cleaned)",
                "ZWNJ words kept",
                "diacritic words kept",
                "numbers right",
                "control chars",
                "bidi marks",
            ],
            rows,
        )
        + "\n"
    )
    rows = [
        [p.stem, str(sum(s.count("\u200c") for s in scoring.document_strings(e))), str(zwnj_marks(p))]
        for p, e in docs
        if e["language"] == "fa"
    ]
    print("ZWNJ has no glyph; Writer writes each one as a zero-width glyph inside /Span <</ActualText (U+200C)>>.\n")
    print(table(["PDF", "ZWNJ in the source", "ActualText U+200C spans (pdfium page objects)"], rows) + "\n")

    print("## Artefacts over the whole corpus\n")
    rows = []
    for v in variants:
        found = [scoring.artefacts(e, texts[v][p.stem]) for p, e in docs]
        spaced = sum(
            1
            for p, e in docs
            if e.get("letterhead") and scoring.normalised(e["letterhead"]) in scoring.normalised(texts[v][p.stem])
        )
        rows.append(
            [
                v,
                str(sum(a.split_words for a in found)),
                str(sum(a.soft_hyphens for a in found)),
                str(sum(a.fffe for a in found)),
                str(sum(a.cid for a in found)),
                str(sum(a.replacement for a in found)),
                f"{spaced}/{sum(1 for _, e in docs if e.get('letterhead'))}",
            ]
        )
    print(
        table(
            ["variant", "words split at line-end hyphen", "U+00AD", "U+FFFE", "(cid:N)", "U+FFFD", "letterhead intact"],
            rows,
        )
        + "\n"
    )

    print("## Layout lines: title = largest font on page 1, and bold from the font name\n")
    rows = []
    for v, by_doc in lines.items():
        checks = [scoring.title_by_size(e, by_doc[p.stem]) for p, e in docs]
        failed = [p.stem for (p, _), c in zip(docs, checks) if not c[0]]
        rows.append(
            [
                v,
                f"{sum(c[0] for c in checks)}/{len(docs)}",
                f"{sum(c[1] for c in checks)}/{len(docs)}",
                ", ".join(failed) or "-",
            ]
        )
    print(table(["variant", "title right", "title bold", "title wrong in"], rows) + "\n")

    if not args.skip_hostile:
        print(
            f"## Hostile PDFs (own process, {MEMORY_LIMIT >> 30} GB address-space limit, "
            f"{args.hostile_timeout:.0f} s timeout)\n"
        )
        rows = []
        for path in sorted(HOSTILE.glob("*.pdf")):
            for v in backends.TEXT:
                rows.append([path.name, v, run_hostile(v, path, args.hostile_timeout)])
        print(table(["PDF", "variant", "outcome"], rows) + "\n")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hostile-timeout", type=float, default=30.0)
    parser.add_argument("--skip-hostile", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "PDF"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        hostile_child(*args.child)
        return 0
    import logging
    import warnings

    logging.disable(logging.WARNING)  # pypdf and pdfminer log every quirk of every PDF
    warnings.simplefilter("ignore")
    out = report(args)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

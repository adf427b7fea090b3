"""A corpus of hostile links: query parameters a shared link may carry that the app must refuse
with a short note, never a traceback, never reading a file outside its own folders.

Each entry is (name, query): every one of the link's parameters (ui/session.py
init_from_url) gets every value of HOSTILE (wrong types, huge values, negative steps,
unknown names, path traversal, HTML and script, Markdown and math, a 10,000-character value,
NUL, emoji, right-to-left text), then the cases that only one parameter has.
"""

from __future__ import annotations

PARAMETERS = (
    "task",
    "model",
    "input",
    "step",
    "decoding",
    "beam",
    "model_id",
    "head",
    "view",
    "attribution",
    "classroom",
)
HOSTILE = {
    "empty": "",
    "negative": "-1",
    "float": "2.5",
    "exponent": "1e9",
    "huge-number": "9" * 400,
    "10k-characters": "x" * 10_000,
    "nul": "a\x00b",
    "emoji": "🙂🙂",
    "rtl-override": "\u202eevil",
    "arabic-digit": "٣",
    "superscript-two": "²",
    "script": "<script>alert(1)</script>",
    "markdown-link": "[click](javascript:alert(1))",
    "math": "$\\frac{1}{0}$",
    "traversal": "../../etc/passwd",
    "encoded-traversal": "..%2F..%2Fetc%2Fpasswd",
}
ONE_PARAMETER: list[tuple[str, dict[str, str | list[str]]]] = [
    ("step-past-the-end", {"step": "999"}),
    ("step-one-past-max", {"step": "42"}),
    ("beam-one", {"decoding": "beam", "beam": "1"}),
    ("beam-nine", {"decoding": "beam", "beam": "9"}),
    ("beam-zero-padded", {"decoding": "beam", "beam": "03"}),
    ("head-zero", {"head": "0.0"}),
    ("head-three-parts", {"head": "1.2.3"}),
    ("model-of-another-task", {"task": "reverse", "model": "sort-additive"}),
    ("model-trained-elsewhere", {"model": "reverse-additive-d64 (trained 09:00)"}),
    ("model-absolute-path", {"model": "/etc/passwd"}),
    ("task-upper-case", {"task": "REVERSE"}),
    ("id-unknown", {"model_id": "A" * 22}),
    ("id-with-slash", {"model_id": "A" * 10 + "/" + "A" * 11}),
    ("id-dot-dot", {"model_id": ".." + "A" * 20}),
    ("id-nul", {"model_id": "A" * 21 + "\x00"}),
    ("id-too-long", {"model_id": "A" * 23}),
    ("id-non-ascii", {"model_id": "é" * 22}),
    ("ids-too-many", {"model_id": ["B" * 22] * 7}),
    ("id-absolute", {"model_id": "/tmp/" + "A" * 17}),
]


def corpus() -> list[tuple[str, dict[str, str | list[str]]]]:
    """Every hostile link: (a readable name, its query parameters)."""
    links: list[tuple[str, dict[str, str | list[str]]]] = [
        (f"{param}={name}", {param: value})
        for param in PARAMETERS
        for name, value in HOSTILE.items()
    ]
    return links + ONE_PARAMETER

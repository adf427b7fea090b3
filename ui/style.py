"""Classroom mode's CSS: larger text for a projector (our own fixed CSS, no user text in it).

Figures take their sizes from presentation/style.py (font_size: 22 px in Classroom mode, 13
otherwise); this CSS enlarges Streamlit's own text by about the same factor.
"""

CLASSROOM_CSS = (
    "<style>[data-testid='stMarkdownContainer'] p, [data-testid='stCaptionContainer'],"
    " [data-testid='stWidgetLabel'] p, button p, input "
    "{ font-size: 1.3rem !important; } "
    "h1, h1 * { font-size: 3rem !important; } "
    "h2, h2 * { font-size: 2.3rem !important; } "
    "h3, h3 * { font-size: 1.9rem !important; } "
    # outputs and formulas: the answers must not be the smallest text
    "[data-testid='stCode'] code, [data-testid='stMarkdownContainer'] code "
    "{ font-size: 1.3rem !important; } "
    ".katex-display .katex { font-size: 1.5em !important; } "
    # a slider's value above its thumb, clear of the track
    "[data-testid='stSliderThumbValue'] { margin-top: -0.45rem; font-size: 1.2rem !important; } "
    # the what-if choices (pills) and other button groups
    "[data-testid='stButtonGroup'] button, [data-testid='stButtonGroup'] p "
    "{ font-size: 1.3rem !important; }</style>"
)

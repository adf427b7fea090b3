"""The app's own CSS (fixed text, no user text in it): what every page gets for WCAG 2.1 AA,
and Classroom mode's larger text for a projector.

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


# Every page (ui/frame.py), for WCAG 2.1 AA (tests/browser/test_accessibility.py runs axe-core):
# - captions: Streamlit greys them (60% opacity) to 3.8:1 on white; this grey, opaque, gives
#   6.3:1 (5.9:1 on the sidebar's background)
# - a formula or a table wider than a phone's screen: KaTeX and st.table make it a scrolling
#   box that a keyboard cannot reach; on narrow screens formulas are drawn a little smaller,
#   table cells wrap their words, and neither scrolls
ACCESSIBLE_CSS = (
    "<style>[data-testid='stCaptionContainer'] { opacity: 1 !important; } "
    "[data-testid='stCaptionContainer'], [data-testid='stCaptionContainer'] * "
    "{ color: #5b606b !important; } "
    "@media (max-width: 640px) { .katex-display { overflow: visible !important; } "
    ".katex-display > .katex { font-size: 0.9em; } "
    ".stTable > div { overflow: visible !important; } "
    ".stTable th, .stTable td { white-space: normal !important; overflow-wrap: anywhere; } }"
    "</style>"
)

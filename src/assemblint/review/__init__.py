"""The HTML review report: the page (page.py and its template, CSS and JS) and its SVG pictures (pictures.py)."""

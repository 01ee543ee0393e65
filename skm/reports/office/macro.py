"""Runs inside LibreOffice (its Python script provider), copied into the resident office's
profile as user/Scripts/python/skm_layout.py by skm.reports.office: opens a DOCX hidden,
and returns, as JSON, the page on which every non-empty paragraph of the body starts, as
LibreOffice lays it out. In-process, the whole walk costs tens of milliseconds; the same
walk over the UNO bridge costs a round trip per call (about half a second a document).

Not imported by the application: the ``uno`` module and ``XSCRIPTCONTEXT`` exist only
inside LibreOffice.
"""

import json

import uno  # noqa: F401 (registers the UNO types used below)
from com.sun.star.beans import PropertyValue


def paragraph_pages(url):
    context = XSCRIPTCONTEXT.getComponentContext()  # noqa: F821 (given by LibreOffice)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context
    )
    hidden = PropertyValue()
    hidden.Name, hidden.Value = "Hidden", True
    document = desktop.loadComponentFromURL(url, "_blank", 0, (hidden,))
    try:
        cursor = document.getCurrentController().getViewCursor()
        out = []
        paragraphs = document.Text.createEnumeration()
        while paragraphs.hasMoreElements():
            paragraph = paragraphs.nextElement()
            if not paragraph.supportsService("com.sun.star.text.Paragraph"):
                continue  # a table: captions and headings stand outside tables
            text = paragraph.getString()
            if text.strip():
                cursor.gotoRange(paragraph.getStart(), False)
                out.append([cursor.getPage(), text])
        return json.dumps(out)
    finally:
        document.close(True)


g_exportedScripts = (paragraph_pages,)

"""Curators' spreadsheets: a template made from the shapes, the import of a filled-in
workbook as one write (matched, previewed, gated), and the export of the data in the
template's shape."""

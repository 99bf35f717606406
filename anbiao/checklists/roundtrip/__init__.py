"""The checklist's Excel round trip: download the unit's own 附件1/附件2 as an .xlsx with a 结论
column, fill it offline in WPS or Excel, upload it back, read the preview, confirm.

- :mod:`.workbook`: the file to download (official layout, 结论 dropdown, hidden clause keys,
  a hidden sheet with the signed identity of the checklist and each answer's version);
- :mod:`.reader`: an uploaded file read with the registry import's protections;
- :mod:`.plan`: what the file would change, clause by clause (nothing written);
- :mod:`.services`: keeping the upload between preview and confirm, and the confirmation (one
  transaction, through :func:`anbiao.checklists.services.answer_save`);
- :mod:`.views` / :mod:`.urls`: the pages, included from ``anbiao/checklists/urls.py``.
"""

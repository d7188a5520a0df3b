"""亮照亮证 (licence display) inspection: find, validate and locate a shop's licence information.

``uscc`` checks 统一社会信用代码 (GB 32100-2015), ``patterns`` the labels and
ICP / 公安备案号 formats, ``finder`` turns a page's text blocks into located
findings, ``boxes`` draws them on a screenshot copy (the capture step is
``capture/licence_step.py``, writing ``licence.json``),
``csv_report`` the patrol licence report.
"""

"""Statistics for leaders: summaries (pandas), periods, Vietnamese collation, the «Thống kê» sheet,
charts and the Word report. May import `ledger`, `workbook`, `law` and `documents`.
"""

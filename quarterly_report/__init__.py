"""The quarterly report to the commune People's Committee: built from the warehouse, written as Word and Excel."""

from quarterly_report.builder import QuarterlyReport, ReportRefused, build_quarterly_report
from quarterly_report.excel import render_xlsx
from quarterly_report.word import render_docx

__all__ = ["QuarterlyReport", "ReportRefused", "build_quarterly_report", "render_docx", "render_xlsx"]

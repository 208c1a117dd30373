"""The quarterly report to the commune People's Committee: built from the warehouse, written as Word (filled into an
editable template, templates/) and Excel."""

from quarterly_report.builder import QuarterlyReport, ReportRefused, build_quarterly_report
from quarterly_report.excel import render_xlsx
from quarterly_report.template import TemplateRefused
from quarterly_report.word import render_docx

__all__ = ["QuarterlyReport", "ReportRefused", "TemplateRefused", "build_quarterly_report", "render_docx",
           "render_xlsx"]

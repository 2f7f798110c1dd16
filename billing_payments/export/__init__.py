"""Spreadsheet exports, fed by the same model queries as the APIs."""

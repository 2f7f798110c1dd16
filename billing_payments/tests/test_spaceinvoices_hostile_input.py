# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hostile input to the Space Invoices dialect: each case is a 4xx in
LoopBack's error shape, writes nothing, and leaks no key."""

import contextlib
import datetime
import json
import logging

from werkzeug.datastructures import MultiDict

from odoo.tests import BaseCase, tagged

from ..dialects import spaceinvoices
from ..dialects.spaceinvoices import values
from ..dialects.spaceinvoices.payments import SCHEMA
from ..dialects.spaceinvoices.querystring import decode_param
from ..exceptions import FilterError
from .common import SpaceInvoicesCommon, pay_invoice

VALID_BODY = {"type": "bank", "date": "2026-03-04", "amount": 5}
SNAPSHOT_MODELS = (
    "account.payment",
    "account.move",
    "account.move.line",
    "account.partial.reconcile",
    "ir.attachment",
)
BAD_TEXTS = {"NUL": "a\x00b", "lone surrogate": "a\ud800b"}


def compact(value):
    """JSON without blanks (a URL holds at most 64 kB)."""
    return json.dumps(value, separators=(",", ":"))


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@tagged("post_install", "-at_install")
class TestSpaceInvoicesHostileInput(SpaceInvoicesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payment = pay_invoice(
            cls.invoice, "bank", datetime.date(2026, 3, 1), 100.0, "Wire 1"
        )

    def setUp(self):
        super().setUp()
        self.before = self.snapshot()

    # --- helpers ------------------------------------------------------------------

    def snapshot(self):
        self.env.invalidate_all()
        return {
            model: self.env[model].search_count([]) for model in SNAPSHOT_MODELS
        } | {
            "payment": (self.payment.amount, self.payment.memo, self.payment.state),
        }

    def assert_nothing_written(self):
        self.assertEqual(self.snapshot(), self.before)

    def write_routes(self):
        """(verb, path) of every v1 route that reads a body."""
        return (
            ("POST", self.document_path()),
            ("PUT", f"/payments/{self.payment.uuid}"),
            ("PATCH", f"/payments/{self.payment.uuid}"),
        )

    def read_routes(self):
        """(path, parameter) of every v1 route that reads a filter or a where."""
        company = f"/organizations/{self.company.uuid}/payments"
        return (
            (self.document_path(), "filter"),
            (company, "filter"),
            (f"/payments/{self.payment.uuid}", "filter"),
            (self.document_path(suffix="/count"), "where"),
            (company + "/count", "where"),
        )

    def assert_refused(self, response, status, name="Error"):
        error = self.assert_error(response, status, name)
        self.assert_nothing_written()
        return error

    @contextlib.contextmanager
    def captured_logs(self, *names):
        """Every message the loggers ``names`` log meanwhile (at INFO and up)."""
        handler = _Capture()
        loggers = [logging.getLogger(name) for name in names]
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
        try:
            yield handler.messages
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.removeHandler(handler)
                logger.setLevel(level)

    # --- the key never leaks ------------------------------------------------------

    def test_access_token_is_in_no_log_line_and_no_body(self):
        key = self.billing_key
        with self.captured_logs("werkzeug", "odoo.http") as messages:
            listed = self.si(
                "GET", self.document_path(), key=False, params={"access_token": key}
            )
            self.assert_json(listed, 200)
            missing = self.si(
                "GET", "/nothing/here", key=False, params={"access_token": key}
            )
            error = self.assert_error(
                missing, 404, message="Cannot GET /v1/nothing/here"
            )
            refused = self.si(
                "POST",
                self.document_path(),
                key=False,
                params={"access_token": key},
                data="<payment/>",
                headers={"Content-Type": "application/xml"},
            )
            self.assert_error(refused, 415, "UnsupportedMediaTypeError")
        for response in (listed, missing, refused):
            self.assertNotIn(key, response.text)
            self.assertNotIn(key, str(response.headers))
        self.assertNotIn(key, json.dumps(error))
        request_lines = [m for m in messages if "access_token=" in m]
        # The three request lines are logged, the key as ***.
        self.assertEqual(len(request_lines), 3, messages)
        for message in request_lines:
            self.assertIn("access_token=***", message)
        for message in messages:
            self.assertNotIn(key, message)
        self.assert_nothing_written()

    # --- bodies in another media type, or that do not parse -----------------------

    def test_json_in_another_media_type_is_415(self):
        for verb, path in self.write_routes():
            for mimetype in ("text/plain", "application/xml", "text/html"):
                with self.subTest(verb=verb, mimetype=mimetype):
                    error = self.assert_refused(
                        self.si(
                            verb,
                            path,
                            data=json.dumps({**VALID_BODY, "amount": 7}),
                            headers={"Content-Type": mimetype},
                        ),
                        415,
                        "UnsupportedMediaTypeError",
                    )
                    self.assertIn(f'"{mimetype}"', error["message"])

    def test_bodies_that_do_not_parse_are_400(self):
        boundary_body = (
            b"--right\r\n"
            b'Content-Disposition: form-data; name="type"\r\n\r\nbank\r\n'
            b"--right--\r\n"
        )
        deep = "[" * 1000 + "]" * 1000
        cases = {
            "broken JSON": ("application/json", b'{"type": "bank",'),
            "JSON nested 1000 deep": (
                "application/json",
                json.dumps({**VALID_BODY, "description": "x"}).replace('"x"', deep),
            ),
            "wrong boundary": ("multipart/form-data; boundary=wrong", boundary_body),
            "no boundary": ("multipart/form-data", boundary_body),
            "truncated multipart": (
                "multipart/form-data; boundary=right",
                boundary_body[:60],
            ),
        }
        for verb, path in self.write_routes():
            for case, (content_type, body) in cases.items():
                with self.subTest(verb=verb, case=case):
                    self.assert_refused(
                        self.si(
                            verb,
                            path,
                            data=body,
                            headers={"Content-Type": content_type},
                        ),
                        400,
                    )

    # --- text that no column can store ----------------------------------------------

    def test_nul_and_lone_surrogates_in_the_body_are_422(self):
        for verb, path in self.write_routes():
            for label, text in BAD_TEXTS.items():
                with self.subTest(verb=verb, text=label):
                    error = self.assert_refused(
                        self.si(verb, path, json={**VALID_BODY, "description": text}),
                        422,
                        "ValidationError",
                    )
                    self.assertEqual(
                        error["details"]["codes"], {"description": ["invalid"]}
                    )
            with self.subTest(verb=verb, body="form with %00"):
                error = self.assert_refused(
                    self.si(verb, path, data={**VALID_BODY, "description": "a\x00b"}),
                    422,
                    "ValidationError",
                )
                self.assertEqual(
                    error["details"]["codes"], {"description": ["invalid"]}
                )
            with self.subTest(verb=verb, body="surrogate key, list type"):
                # Echoed in the error body, which must still encode.
                error = self.assert_refused(
                    self.si(
                        verb, path, json={**VALID_BODY, "\ud800": 1, "type": ["b"]}
                    ),
                    422,
                    "ValidationError",
                )
                self.assertEqual(
                    error["details"]["codes"],
                    {"\ufffd": ["unknown-property"], "type": ["inclusion"]},
                )

    def where_params(self, param, where=None, brackets=None):
        """Query parameters sending ``where`` (JSON text of a where object) or
        ``brackets`` (key suffix → value) as ``param``'s where."""
        if where is not None:
            return {param: '{"where": %s}' % where if param == "filter" else where}
        prefix = f"{param}[where]" if param == "filter" else param
        return {prefix + suffix: value for suffix, value in brackets.items()}

    def test_nul_and_lone_surrogates_in_filters_are_400(self):
        cases = {
            "bracket %00": {"brackets": {"[description]": "a\x00b"}},
            "bracket key %00": {"brackets": {"[descr\x00]": "x"}},
            "JSON \\u0000": {"where": '{"description": "a\\u0000b"}'},
            "JSON \\ud800": {"where": '{"description": {"like": "\\ud800"}}'},
            "JSON key \\ud800": {"where": '{"\\ud800": 1}'},
        }
        for path, param in self.read_routes():
            for label, case in cases.items():
                with self.subTest(path=path, case=label):
                    error = self.assert_refused(
                        self.si("GET", path, params=self.where_params(param, **case)),
                        400,
                    )
                    self.assertIn(param, error["details"])

    def test_nul_in_an_id_is_404(self):
        for path in ("/payments/a%00b", "/documents/%00/payments"):
            with self.subTest(path=path):
                self.assert_refused(self.si("GET", path), 404)

    # --- nesting, big numbers, long text, long lists ----------------------------------

    def test_deeply_nested_filters_are_400(self):
        deep_or = '{"or": [' * 1000 + '{"type": "bank"}' + "]}" * 1000
        deep_value = '{"type": ' + "[" * 1000 + "]" * 1000 + "}"
        cases = {
            "JSON and/or": {"where": deep_or},
            "JSON value": {"where": deep_value},
            "brackets": {"brackets": {"[or][0]" * 300 + "[type]": "bank"}},
        }
        for path, param in self.read_routes():
            for label, case in cases.items():
                with self.subTest(path=path, case=label):
                    error = self.assert_refused(
                        self.si("GET", path, params=self.where_params(param, **case)),
                        400,
                    )
                    self.assertIn(param, error["details"])
        # Deep elsewhere in the filter than its where.
        error = self.assert_refused(
            self.si(
                "GET",
                self.document_path(),
                params={"filter": '{"fields": ' + "[" * 1000 + "]" * 1000 + "}"},
            ),
            400,
        )
        self.assertIn("filter", error["details"])

    def test_integers_beyond_64_bits_are_400(self):
        path = self.document_path()
        self.assert_json(
            self.si("GET", path, params={"filter[skip]": str(2**63 - 1)}), 200, []
        )
        for params in (
            {"filter[skip]": str(2**63)},
            {"filter[skip]": str(2**64)},
            {"filter[offset]": "9" * 30},
            {"filter[limit]": str(2**64)},
            {"filter": json.dumps({"skip": 2**64})},
            {"filter": json.dumps({"offset": 10**40, "limit": 1})},
            {"filter[skip]": "1_000"},
            {"filter[skip]": "١٢"},
            {"filter[where][amount][gt]": "1e-999999"},
            {"filter[where][amount][gt]": "1_000"},
            {"filter[where][amount][gt]": "١٢"},
        ):
            with self.subTest(params=params):
                error = self.assert_refused(self.si("GET", path, params=params), 400)
                self.assertIn("filter", error["details"])
        for verb, route in self.write_routes():
            with self.subTest(verb=verb):
                error = self.assert_refused(
                    self.si(verb, route, json={**VALID_BODY, "amount": 2**70}),
                    422,
                    "ValidationError",
                )
                self.assertEqual(
                    error["details"]["codes"], {"amount": ["numericality"]}
                )

    def test_description_is_at_most_500_characters(self):
        # 500 characters of four UTF-8 bytes each fit the journal items'
        # (partner_id, ref) btree index; the 501st is refused.
        widest = "\U0001f4b6" * 500
        response = self.si(
            "POST", self.document_path(), json={**VALID_BODY, "description": widest}
        )
        self.assertEqual(self.assert_json(response, 200)["description"], widest)
        self.assertTrue(
            self.env["account.move.line"].search_count([("ref", "=", widest)])
        )
        self.before = self.snapshot()
        for verb, path in self.write_routes():
            for text in (widest + "x", "x" * 3000):
                with self.subTest(verb=verb, length=len(text)):
                    error = self.assert_refused(
                        self.si(verb, path, json={**VALID_BODY, "description": text}),
                        422,
                        "ValidationError",
                    )
                    self.assertEqual(
                        error["details"]["codes"], {"description": ["length.max"]}
                    )
                    self.assertIn("at most 500 characters", error["message"])

    def test_inq_and_nin_items_count_toward_the_condition_limit(self):
        path = self.document_path()
        hundred = {"where": {"amount": {"inq": [100] + [1] * 99}}}
        listed = self.assert_json(
            self.si("GET", path, params={"filter": json.dumps(hundred)}), 200
        )
        self.assertEqual([p["id"] for p in listed], [self.payment.uuid])
        for where in (
            {"amount": {"inq": [1] * 101}},
            {"amount": {"nin": [1] * 14000}},
            {"type": {"inq": ["bank"] * 60}, "amount": {"nin": [1] * 41}},
            {"or": [{"amount": {"inq": [1] * 50}}, {"amount": {"nin": [2] * 51}}]},
        ):
            with self.subTest(items=len(json.dumps(where))):
                error = self.assert_refused(
                    self.si("GET", path, params={"filter": compact({"where": where})}),
                    400,
                )
                self.assertIn("inq or nin", error["message"])
                self.assertIn("filter", error["details"])
        count = self.document_path(suffix="/count")
        error = self.assert_refused(
            self.si("GET", count, params={"where": compact(where)}), 400
        )
        self.assertIn("where", error["details"])
        # Brackets: qs' 1,000-parameter limit, then the condition limit.
        brackets = [("filter[where][type][inq]", "bank")] * 1001
        self.assert_refused(self.si("GET", path, params=brackets), 400)
        brackets = [("filter[where][type][inq]", "bank")] * 101
        error = self.assert_refused(self.si("GET", path, params=brackets), 400)
        self.assertIn("inq or nin", error["message"])

    # --- amounts ----------------------------------------------------------------------

    def test_amounts_are_ascii_decimal_only(self):
        for verb, path in self.write_routes():
            for amount in ("1_000", "١٢", "１２", "1 000", "0x10", "1,5"):
                for encoding in ("json", "data"):
                    with self.subTest(verb=verb, amount=amount, encoding=encoding):
                        error = self.assert_refused(
                            self.si(
                                verb,
                                path,
                                **{encoding: {**VALID_BODY, "amount": amount}},
                            ),
                            422,
                            "ValidationError",
                        )
                        self.assertEqual(
                            error["details"]["codes"], {"amount": ["numericality"]}
                        )
            with self.subTest(verb=verb, date="non-ASCII digits"):
                error = self.assert_refused(
                    self.si(verb, path, json={**VALID_BODY, "date": "٢٠٢٦-٠٣-٠٤"}),
                    422,
                    "ValidationError",
                )
                self.assertEqual(error["details"]["codes"], {"date": ["date"]})
        # ASCII text is a number, as JavaScript's Number() reads it.
        response = self.si(
            "PATCH", f"/payments/{self.payment.uuid}", data={"amount": " 1.5e2 "}
        )
        self.assertEqual(self.assert_json(response, 200)["amount"], 150)


@tagged("post_install", "-at_install")
class TestSpaceInvoicesHostileParsers(BaseCase):
    """The same limits on the pure parsers, without a server."""

    def test_redact_and_the_log_filter(self):
        line = '"GET /v1/x?a=1&access_token=s3cr.et&ACCESS%5FTOKEN%3Dk2 HTTP/1.1" 200'
        self.assertEqual(
            spaceinvoices.redact(line),
            '"GET /v1/x?a=1&access_token=***&ACCESS%5FTOKEN%3D*** HTTP/1.1" 200',
        )
        for name in spaceinvoices.REDACTED_LOGGERS:
            filters = logging.getLogger(name).filters
            with self.subTest(logger=name):
                self.assertEqual(
                    sum(
                        isinstance(f, spaceinvoices.RedactAccessToken) for f in filters
                    ),
                    1,
                )
        spaceinvoices.install_log_filter()  # idempotent
        record = logging.LogRecord(
            "werkzeug",
            logging.INFO,
            __file__,
            1,
            '"%s" %s',
            ("/v1?access_token=k", 200),
            None,
        )
        spaceinvoices.RedactAccessToken().filter(record)
        self.assertEqual(record.getMessage(), '"/v1?access_token=***" 200')

    def test_decode_param_limits(self):
        def decode(*pairs):
            return decode_param(MultiDict(pairs), "filter")

        self.assertEqual(
            decode(("filter", '{"where": {"a": "ok"}}')), {"where": {"a": "ok"}}
        )
        for raw in (
            '{"where": {"a": "\\u0000"}}',
            '{"where": {"\\udfff": 1}}',
            "[" * 5000 + "]" * 5000,
            '{"a": ' * 33 + "1" + "}" * 33,
        ):
            with self.subTest(raw=raw[:30]), self.assertRaises(FilterError):
                decode(("filter", raw))
        self.assertTrue(decode(("filter", '{"a": ' * 32 + "1" + "}" * 32)))
        with self.assertRaises(FilterError):
            decode(*[("filter[where][type][inq]", "x")] * 1001)
        with self.assertRaises(FilterError):
            decode(("filter[where][description]", "a\x00"))

    def test_numbers_and_naturals_are_ascii_and_bounded(self):
        self.assertEqual(values.natural(str(values.MAX_NATURAL), "p"), 2**63 - 1)
        for bad in (2**63, str(2**63), "1_0", "١٢", "１", " ", "+1", "9" * 5000):
            with self.subTest(bad=bad), self.assertRaises(FilterError):
                values.natural(bad, "p")
        self.assertEqual(values.number(" 1.5e2 ", "p"), 150)
        self.assertEqual(values.number("0e-999999", "p"), 0)
        for bad in ("1_000", "١٢", "0x10", "1e-21", "Infinity", "1,5"):
            with self.subTest(bad=bad), self.assertRaises(FilterError):
                values.number(bad, "p")
        for bad in ("1_000", "١٢"):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                values.parse_number(bad)
        with self.assertRaises(ValueError):
            values.parse_instant("٢٠٢٦-٠٣-٠٤")

    def test_inq_items_count_as_conditions(self):
        self.assertTrue(SCHEMA.compile_where({"type": {"inq": ["bank"] * 100}}))
        for where in (
            {"type": {"inq": ["bank"] * 101}},
            {"type": {"nin": ["bank"] * 100}, "amount": 1},
        ):
            with self.subTest(where=str(where)[:40]), self.assertRaises(FilterError):
                SCHEMA.compile_where(where)
        with self.assertRaises(FilterError):
            SCHEMA.compile_filter({"order": ["amount ASC"] * 21})

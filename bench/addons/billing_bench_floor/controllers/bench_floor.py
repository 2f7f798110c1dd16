# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The benchmark's no-op API route: the fixed cost of every API request.

It goes through everything a real endpoint of the Waldur dialect goes
through (the dialect's route options, API-key authentication in
``ir.http._auth_method_billing_api_key``, the verb check, the JSON response
with its ETag and security headers) and does nothing else, so that its
time is what any API request costs before its own work. Only the benchmark
puts this addon on the addons path (bench/common.py); it never ships.
"""

from odoo import http

from odoo.addons.billing_payments.dialects import common, waldur


class BenchFloorController(http.Controller):
    @waldur.route("/api/bench-noop/")
    def bench_noop(self, **_params):
        common.method("GET")
        return common.json_response({})

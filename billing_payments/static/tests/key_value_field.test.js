// Copyright 2026 billing_payments contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// The key/value widget (billing_key_value) in a form: read-only table,
// editing, kinds (text / JSON), the refusals and the raw JSON mode. Run by
// tests/test_key_value_widget.py in headless Chromium.
import { describe, expect, test } from "@odoo/hoot";
import { mailModels } from "@mail/../tests/mail_test_helpers";
import { queryAllTexts, queryOne } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import {
    clickSave,
    contains,
    defineModels,
    fields,
    models,
    mountView,
    onRpc,
} from "@web/../tests/web_test_helpers";

import { rowsToValue, valueToRows } from "@billing_payments/fields/key_value_field";

const ATTRIBUTES = {
    agreement_number: "A-1",
    contract_sum: 1200,
    sum_as_text: "1200",
    renewal: { auto: true, months: [1, 12] },
};

class Profile extends models.Model {
    _name = "billing.payment.profile";

    name = fields.Char();
    attributes = fields.Json();

    _records = [{ id: 1, name: "Monthly invoices" }];
}

defineModels({ ...mailModels, Profile });

// The mock server only stores JSON fields as strings, where Odoo sends and
// receives objects: the record's attributes are served from here.
let stored;

function serveRecord() {
    return [{ id: 1, display_name: "Monthly invoices", name: "Monthly invoices", attributes: stored }];
}

const FORM = /* xml */ `<form><field name="name"/><field name="attributes" widget="billing_key_value"/></form>`;

function row(index) {
    return `.o_billing_key_value_row:nth-child(${index})`;
}

async function mountForm(arch = FORM) {
    stored = ATTRIBUTES;
    onRpc("web_read", serveRecord);
    await mountView({ type: "form", resModel: "billing.payment.profile", resId: 1, arch });
}

describe.current.tags("desktop");

test("lines round-trip every kind of value unchanged", () => {
    const rows = valueToRows(ATTRIBUTES);
    expect(rows.map((line) => line.key)).toEqual([
        "agreement_number",
        "contract_sum",
        "renewal",
        "sum_as_text",
    ]);
    expect(rows.map((line) => line.kind)).toEqual(["text", "json", "json", "text"]);
    expect(rowsToValue(rows)).toEqual({ value: ATTRIBUTES, errors: {} });
    expect(rowsToValue([]).value).toBe(false);
});

test("read only: a table sorted by key, non-text values as JSON", async () => {
    await mountForm(
        `<form><field name="attributes" widget="billing_key_value" readonly="1"/></form>`
    );
    expect(queryAllTexts(".o_billing_key_value_key")).toEqual([
        "agreement_number",
        "contract_sum",
        "renewal",
        "sum_as_text",
    ]);
    expect(queryAllTexts(".o_billing_key_value_value")).toEqual([
        "A-1",
        "1200",
        '{"auto":true,"months":[1,12]}',
        "1200",
    ]);
    // The number and the object are code, the texts are not.
    expect(queryAllTexts(".o_billing_key_value_value code")).toEqual([
        "1200",
        '{"auto":true,"months":[1,12]}',
    ]);
    expect(".o_billing_key_value input").toHaveCount(0);
});

test("edit a value, add and remove lines: the other values keep their types", async () => {
    onRpc("web_save", ({ args }) => {
        expect.step("web_save");
        expect(args[1].attributes).toEqual({
            agreement_number: "A-2",
            contract_sum: 1200,
            renewal: { auto: true, months: [1, 12] },
            end_date: "2026-12-31",
            discount: 12.5,
        });
        stored = args[1].attributes;
        return serveRecord();
    });
    await mountForm();
    expect(".o_billing_key_value_row").toHaveCount(4);
    await contains(`${row(1)} .o_billing_key_value_value input`).edit("A-2");
    await contains(`${row(4)} .o_billing_key_value_remove button`).click();
    await contains(".o_billing_key_value_add").click();
    await contains(`${row(4)} .o_billing_key_value_key input`).edit("end_date");
    await contains(`${row(4)} .o_billing_key_value_value input`).edit("2026-12-31");
    await contains(".o_billing_key_value_add").click();
    await contains(`${row(5)} .o_billing_key_value_key input`).edit("discount");
    await contains(`${row(5)} .o_billing_key_value_kind select`).select("json");
    await contains(`${row(5)} .o_billing_key_value_value input`).edit("12.5");
    // A blank line added and left empty holds nothing and is not saved.
    await contains(".o_billing_key_value_add").click();
    await clickSave();
    expect.verifySteps(["web_save"]);
});

test("empty and duplicate keys and bad JSON are refused inline, nothing saved", async () => {
    onRpc("web_save", ({ args }) => {
        expect.step("web_save");
        expect(args[1].attributes).toEqual({ ...ATTRIBUTES, contract_sum: "twelve hundred" });
        stored = args[1].attributes;
        return serveRecord();
    });
    await mountForm();
    await contains(`${row(3)} .o_billing_key_value_key input`).edit("agreement_number");
    expect(".o_billing_key_value_error").toHaveText(
        "The key “agreement_number” is used more than once."
    );
    // The field is invalid: Odoo disables saving and says why.
    expect(".o_form_button_save").toHaveAttribute("disabled");
    expect(".o_form_status_indicator .text-danger").toHaveCount(1);

    await contains(`${row(3)} .o_billing_key_value_key input`).edit("");
    expect(".o_billing_key_value_error").toHaveText("Enter a key, or remove the line.");
    expect(".o_form_button_save").toHaveAttribute("disabled");

    await contains(`${row(3)} .o_billing_key_value_key input`).edit("renewal");
    await contains(`${row(2)} .o_billing_key_value_value input`).edit("twelve hundred");
    expect(".o_billing_key_value_error").toHaveText(/^Not valid JSON/);
    expect(".o_form_button_save").toHaveAttribute("disabled");

    // Made a text line, the same value is accepted as the text typed.
    await contains(`${row(2)} .o_billing_key_value_kind select`).select("text");
    expect(".o_billing_key_value_error").toHaveCount(0);
    expect(".o_form_button_save").not.toHaveAttribute("disabled");
    await clickSave();
    expect.verifySteps(["web_save"]);
});

test("discarding a refused edit shows the saved value again", async () => {
    onRpc("web_save", () => expect.step("web_save"));
    await mountForm();
    await contains(`${row(1)} .o_billing_key_value_key input`).edit("");
    expect(".o_billing_key_value_error").toHaveCount(1);
    await contains(".o_form_button_cancel").click();
    await animationFrame();
    expect(".o_billing_key_value_error").toHaveCount(0);
    expect(".o_billing_key_value_key input").toHaveCount(4);
    expect(`${row(1)} .o_billing_key_value_key input`).toHaveValue("agreement_number");
    expect(".o_form_button_save").not.toHaveAttribute("disabled");
    expect.verifySteps([]);
});

test("raw JSON mode edits the whole object, and refuses what is not one", async () => {
    onRpc("web_save", ({ args }) => {
        expect.step("web_save");
        expect(args[1].attributes).toEqual({ a: 1, b: "x" });
        stored = args[1].attributes;
        return serveRecord();
    });
    await mountForm();
    // The raw text shows what was just typed in the lines.
    await contains(`${row(1)} .o_billing_key_value_value input`).edit("A-5");
    await contains(".o_billing_key_value_toggle").click();
    expect(".o_billing_key_value_raw").toHaveCount(1);
    expect(queryOne(".o_billing_key_value_raw").value).toMatch(/"agreement_number": "A-5"/);
    await contains(".o_billing_key_value_raw").edit("[1, 2]");
    expect(".o_billing_key_value_error").toHaveText('Enter a JSON object, e.g. {"key": "value"}.');
    expect(".o_form_button_save").toHaveAttribute("disabled");
    await contains(".o_billing_key_value_raw").edit('{"a": 1, "b": "x"}');
    expect(".o_billing_key_value_error").toHaveCount(0);
    await clickSave();
    expect.verifySteps(["web_save"]);
    await contains(".o_billing_key_value_toggle").click();
    expect(".o_billing_key_value_row").toHaveCount(2);
});

test("list cell: a summary, edited in a dialog while the row is edited", async () => {
    stored = ATTRIBUTES;
    onRpc("web_search_read", () => ({ length: 1, records: serveRecord() }));
    onRpc("web_save", ({ args }) => {
        expect.step("web_save");
        expect(args[1].attributes).toEqual({ ...ATTRIBUTES, agreement_number: "A-9" });
        stored = args[1].attributes;
        return serveRecord();
    });
    await mountView({
        type: "list",
        resModel: "billing.payment.profile",
        arch: /* xml */ `<list editable="bottom"><field name="name"/><field name="attributes" widget="billing_key_value" options="{'dialog': True}"/></list>`,
    });
    expect(queryAllTexts(".o_billing_key_value_entry")).toEqual([
        "agreement_number: A-1",
        "contract_sum: 1200",
        'renewal: {"auto":true,"months":[1,12]}',
        "sum_as_text: 1200",
    ]);
    expect(".o_billing_key_value_open").toHaveCount(0); // not in edition
    await contains(".o_data_cell[name=name]").click();
    await contains(".o_billing_key_value_open").click();
    expect(".modal .o_billing_key_value_row").toHaveCount(4);
    // A refused edit keeps the dialog open.
    await contains(`.modal ${row(1)} .o_billing_key_value_key input`).edit("contract_sum");
    await contains(".modal .o_billing_key_value_done").click();
    expect(".modal .o_billing_key_value_error").toHaveCount(1);
    await contains(`.modal ${row(1)} .o_billing_key_value_key input`).edit("agreement_number");
    await contains(`.modal ${row(1)} .o_billing_key_value_value input`).edit("A-9");
    await contains(".modal .o_billing_key_value_done").click();
    expect(".modal").toHaveCount(0);
    expect(".o_billing_key_value_entry:first").toHaveText("agreement_number: A-9");
    await contains(".o_list_button_save").click();
    expect.verifySteps(["web_save"]);
});

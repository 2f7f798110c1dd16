/** @odoo-module **/
// Copyright 2026 billing_payments contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// A key/value editor for ``fields.Json`` values that are JSON objects
// (``widget="billing_key_value"``).
//
// Read-only, it shows a two-column table, sorted by key: the key, then the value; a text
// value as it is, any other value (a number, true/false, null, a list, an
// object) as compact JSON in a monospace ``code`` element, so that the text
// "1200" and the number 1200 never look the same.
//
// Editing, every line has a key, a value and its kind:
// - "Text": the value is stored as the string typed, exactly;
// - "JSON": the value is parsed as JSON (12.5, true, null, "quoted text",
//   [1, 2], {"a": 1}); what does not parse is refused, never kept as a string.
// Existing non-text values open as JSON lines, so saving an unchanged line
// stores the same number, boolean or object. A line whose key and value are
// both empty is left out; an empty key, a key used twice or a JSON value that
// does not parse gets a message under its line, and the field is marked
// invalid so that the record is not saved with it. "Edit as JSON" switches
// to the raw object in a text area, for power users.
//
// With ``options="{'dialog': true}"`` (list cells) the field shows a compact
// summary, one "key: value" line each, and, while the row is edited, an
// "Edit" button that opens the same editor in a dialog.
import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { useRecordObserver } from "@web/model/relational_model/utils";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

function isObject(value) {
    return Boolean(value) && typeof value === "object" && !Array.isArray(value);
}

/** JSON with the keys of every object sorted (jsonb does not keep their order). */
export function stableStringify(value) {
    if (Array.isArray(value)) {
        return `[${value.map(stableStringify).join(",")}]`;
    }
    if (isObject(value)) {
        const keys = Object.keys(value).sort();
        return `{${keys
            .map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`)
            .join(",")}}`;
    }
    return JSON.stringify(value === undefined ? null : value);
}

/** The field's value as it is stored: an object with keys, else false. */
export function normalizeValue(value) {
    if (isObject(value) && !Object.keys(value).length) {
        return false;
    }
    return value === null || value === undefined ? false : value;
}

let nextRowId = 1;

/** The entries of an object by key (jsonb keeps no order of its own). */
export function sortedEntries(value) {
    return Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** One editable line per key: text values as "text", the others as "json". */
export function valueToRows(value) {
    if (!isObject(value)) {
        return [];
    }
    return sortedEntries(value).map(([key, item]) => ({
        id: nextRowId++,
        key,
        kind: typeof item === "string" ? "text" : "json",
        text: typeof item === "string" ? item : JSON.stringify(item),
    }));
}

/**
 * The object the lines make, or the messages that refuse it.
 *
 * @returns {{ value: Object|false, errors: Object<number, string> }} ``errors``
 *   maps a line's id to its message; ``value`` is false when there is none.
 */
export function rowsToValue(rows) {
    const value = {};
    const errors = {};
    const seen = new Set();
    for (const row of rows) {
        if (!row.key.trim() && !row.text.trim()) {
            continue; // a blank line holds nothing
        }
        if (!row.key.trim()) {
            errors[row.id] = _t("Enter a key, or remove the line.");
            continue;
        }
        if (seen.has(row.key)) {
            errors[row.id] = _t("The key “%s” is used more than once.", row.key);
            continue;
        }
        seen.add(row.key);
        if (row.kind === "text") {
            value[row.key] = row.text;
            continue;
        }
        try {
            value[row.key] = JSON.parse(row.text);
        } catch {
            errors[row.id] = _t(
                'Not valid JSON: enter a number (12.5), true, false, null, "a quoted text", a [list] or an {object}, or make the line Text.'
            );
        }
    }
    return { value: normalizeValue(value), errors };
}

/** The raw text of "Edit as JSON" parsed, or the message that refuses it. */
export function rawToValue(text) {
    if (!text.trim()) {
        return { value: false, error: "" };
    }
    let value;
    try {
        value = JSON.parse(text);
    } catch (error) {
        return { value: false, error: _t("Not valid JSON: %s", error.message) };
    }
    if (!isObject(value)) {
        return { value: false, error: _t('Enter a JSON object, e.g. {"key": "value"}.') };
    }
    return { value: normalizeValue(value), error: "" };
}

export class KeyValueField extends Component {
    static template = "billing_payments.KeyValueField";
    static props = {
        ...standardFieldProps,
        dialog: { type: Boolean, optional: true },
    };

    setup() {
        this.dialogService = useService("dialog");
        const value = this.props.record.data[this.props.name];
        this.state = useState({
            rows: valueToRows(value),
            errors: {},
            raw: Boolean(value) && !isObject(value),
            rawText: this.formatRaw(value),
            rawError: "",
        });
        // The stored value the lines show (stable JSON), and whether the
        // lines hold edits not yet given to the record.
        this.shown = stableStringify(normalizeValue(value));
        this.pending = false;
        this.refused = false;
        useRecordObserver((record) => {
            const current = normalizeValue(record.data[this.props.name]);
            const invalid = record.isFieldInvalid(this.props.name);
            if (this.pending) {
                return;
            }
            // Changed from outside (onchange, reload, discard), or the record
            // dropped our refusal (discard): show the record's value again.
            if (stableStringify(current) !== this.shown || (this.refused && !invalid)) {
                this.reset(current);
            }
        });
        const { bus } = this.props.record.model;
        useBus(bus, "NEED_LOCAL_CHANGES", (ev) => ev.detail.proms.push(this.commit()));
        useBus(bus, "WILL_SAVE_URGENTLY", () => this.commit());
    }

    /** List cells: the editor opens in a dialog (and only it commits). */
    openDialog() {
        const { record, name } = this.props;
        this.dialogService.add(
            KeyValueDialog,
            { record, name, title: record.fields[name].string },
            {
                // Closed without "Done": edits the editor refused are dropped.
                onClose: () => record.isFieldInvalid(name) && record.resetFieldValidity(name),
            }
        );
    }

    formatRaw(value) {
        return value ? JSON.stringify(value, null, 2) : "";
    }

    reset(value) {
        this.shown = stableStringify(normalizeValue(value));
        this.refused = false;
        this.state.rows = valueToRows(value);
        this.state.errors = {};
        this.state.raw = this.state.raw || (Boolean(value) && !isObject(value));
        this.state.rawText = this.formatRaw(value);
        this.state.rawError = "";
    }

    // --- read-only ----------------------------------------------------------

    get entries() {
        const value = this.props.record.data[this.props.name];
        if (!isObject(value)) {
            return [];
        }
        return sortedEntries(value).map(([key, item]) => ({
            key,
            isText: typeof item === "string",
            display: typeof item === "string" ? item : JSON.stringify(item),
        }));
    }

    get rawDisplay() {
        const value = this.props.record.data[this.props.name];
        return value && !isObject(value) ? JSON.stringify(value) : "";
    }

    get hasErrors() {
        return Boolean(Object.keys(this.state.errors).length || this.state.rawError);
    }

    // --- editing ------------------------------------------------------------

    markDirty() {
        this.pending = true;
        this.props.record.model.bus.trigger("FIELD_IS_DIRTY", true);
    }

    onInput(row, attribute, ev) {
        row[attribute] = ev.target.value;
        this.markDirty();
    }

    onKindChange(row, ev) {
        row.kind = ev.target.value;
        this.markDirty();
        this.commit();
    }

    onRawInput(ev) {
        this.state.rawText = ev.target.value;
        this.markDirty();
    }

    addRow() {
        this.state.rows.push({ id: nextRowId++, key: "", kind: "text", text: "" });
    }

    removeRow(row) {
        this.state.rows = this.state.rows.filter((line) => line.id !== row.id);
        this.markDirty();
        this.commit();
    }

    async toggleRaw() {
        // Switch only from a valid state, so that nothing typed is lost.
        if (this.pending || this.hasErrors) {
            await this.commit();
            if (this.hasErrors) {
                return;
            }
        }
        const value = this.props.record.data[this.props.name];
        if (this.state.raw && value && !isObject(value)) {
            return; // not an object: only the raw JSON can show it
        }
        this.state.raw = !this.state.raw;
        this.state.rows = valueToRows(value);
        this.state.rawText = this.formatRaw(value);
    }

    /** Give the lines (or the raw text) to the record, or mark the field invalid. */
    async commit() {
        if (this.props.dialog) {
            return; // a summary: the dialog's editor commits
        }
        this.pending = false;
        const { record, name } = this.props;
        let value;
        if (this.state.raw) {
            const parsed = rawToValue(this.state.rawText);
            this.state.rawError = parsed.error;
            this.state.errors = {};
            value = parsed.value;
        } else {
            const parsed = rowsToValue(this.state.rows);
            this.state.errors = parsed.errors;
            this.state.rawError = "";
            value = parsed.value;
        }
        if (this.hasErrors) {
            this.refused = true;
            await record.setInvalidField(name);
            return;
        }
        this.refused = false;
        const shown = stableStringify(value);
        this.shown = shown;
        if (record.isFieldInvalid(name)) {
            await record.resetFieldValidity(name);
        }
        if (shown !== stableStringify(normalizeValue(record.data[name]))) {
            await record.update({ [name]: value });
        }
    }
}

export class KeyValueDialog extends Component {
    static template = "billing_payments.KeyValueDialog";
    static components = { Dialog, KeyValueField };
    static props = {
        record: Object,
        name: String,
        title: { type: String, optional: true },
        close: Function,
    };

    /** Commit the editor; close unless it refused the lines. */
    async done() {
        const { record, name } = this.props;
        const proms = [];
        record.model.bus.trigger("NEED_LOCAL_CHANGES", { proms });
        await Promise.all(proms);
        if (!record.isFieldInvalid(name)) {
            this.props.close();
        }
    }
}

export const keyValueField = {
    component: KeyValueField,
    displayName: _t("Key/value pairs"),
    supportedTypes: ["json"],
    supportedOptions: [
        {
            label: _t("Edit in a dialog"),
            name: "dialog",
            type: "boolean",
            help: _t("Show a summary, edited in a dialog (for list cells)."),
        },
    ],
    extractProps: ({ options }) => ({ dialog: Boolean(options.dialog) }),
};

registry.category("fields").add("billing_key_value", keyValueField);

/* Copyright 2026 billing_payments contributors
   License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
/**
 * A small reader for the addon's OpenAPI 3.1 documents: fetches the document
 * named by ?spec= (a path of this server) and shows its operations,
 * parameters, bodies, responses and schemas. No dependencies, no CDN.
 */
(function () {
    "use strict";

    const METHODS = ["get", "head", "post", "put", "patch", "delete"];

    function el(tag, attrs, ...children) {
        const node = document.createElement(tag);
        for (const [name, value] of Object.entries(attrs || {})) {
            node.setAttribute(name, value);
        }
        for (const child of children) {
            if (child !== null && child !== undefined) {
                node.append(child instanceof Node ? child : String(child));
            }
        }
        return node;
    }

    function resolve(doc, item) {
        let current = item;
        while (current && current.$ref) {
            current = current.$ref
                .replace(/^#\//, "")
                .split("/")
                .reduce(
                    (node, part) => node[part.replace(/~1/g, "/").replace(/~0/g, "~")],
                    doc
                );
        }
        return current || {};
    }

    /** A schema in one line: its type, format, limits and $ref name. */
    function schemaSummary(schema) {
        if (!schema) {
            return "";
        }
        if (schema.$ref) {
            const name = schema.$ref.split("/").pop();
            return el("a", {href: `#schema-${name}`}, name);
        }
        for (const keyword of ["anyOf", "oneOf", "allOf"]) {
            if (schema[keyword]) {
                const span = el("span");
                schema[keyword].forEach((part, index) => {
                    if (index) {
                        span.append(keyword === "allOf" ? " & " : " | ");
                    }
                    span.append(schemaSummary(part));
                });
                return span;
            }
        }
        const span = el("span");
        if (schema.type === "array") {
            span.append("array of ", schemaSummary(schema.items));
            return span;
        }
        const facts = [];
        if (schema.format) {
            facts.push(schema.format);
        }
        if (schema.enum) {
            facts.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
        }
        if (schema.const !== undefined) {
            facts.push(`= ${JSON.stringify(schema.const)}`);
        }
        if (schema.maxLength) {
            facts.push(`max ${schema.maxLength} chars`);
        }
        if (schema.pattern) {
            facts.push(`pattern ${schema.pattern}`);
        }
        for (const bound of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]) {
            if (schema[bound] !== undefined) {
                facts.push(`${bound} ${schema[bound]}`);
            }
        }
        span.append(el("code", {}, [].concat(schema.type || "any").join(" | ")));
        if (facts.length) {
            span.append(` (${facts.join("; ")})`);
        }
        return span;
    }

    function propertiesTable(schema) {
        const properties = schema.properties || {};
        const required = new Set(schema.required || []);
        const table = el("table", {}, el("tr", {}, el("th", {}, "Name"), el("th", {}, "Schema"), el("th", {}, "Description")));
        for (const [name, property] of Object.entries(properties)) {
            table.append(
                el(
                    "tr",
                    {},
                    el("td", {}, el("code", {}, name), required.has(name) ? " *" : ""),
                    el("td", {}, schemaSummary(property)),
                    el("td", {class: "description"}, property.description || "")
                )
            );
        }
        return table;
    }

    function schemaBlock(doc, schema) {
        const resolved = resolve(doc, schema);
        const block = el("div", {}, schemaSummary(schema));
        if (resolved.properties && !schema.$ref) {
            block.append(propertiesTable(resolved));
        }
        return block;
    }

    function parametersTable(doc, parameters) {
        const table = el("table", {}, el("tr", {}, el("th", {}, "Parameter"), el("th", {}, "In"), el("th", {}, "Schema"), el("th", {}, "Description")));
        for (const item of parameters) {
            const parameter = resolve(doc, item);
            table.append(
                el(
                    "tr",
                    {},
                    el("td", {}, el("code", {}, parameter.name), parameter.required ? " *" : ""),
                    el("td", {}, parameter.in),
                    el("td", {}, schemaSummary(parameter.schema)),
                    el("td", {class: "description"}, parameter.description || "")
                )
            );
        }
        return table;
    }

    function contentList(doc, content) {
        const list = el("ul");
        for (const [media, value] of Object.entries(content || {})) {
            list.append(el("li", {}, el("code", {}, media), ": ", schemaBlock(doc, value.schema || {})));
        }
        return list;
    }

    function operationSection(doc, path, method, operation) {
        const section = el(
            "section",
            {class: "operation", id: operation.operationId || `${method}-${path}`},
            el("h3", {}, el("span", {class: `method ${method}`}, method), el("code", {}, path), operation.summary || "")
        );
        if (operation.description) {
            section.append(el("p", {class: "description"}, operation.description));
        }
        if (operation.security && !operation.security.length) {
            section.append(el("p", {}, el("em", {}, "No authentication.")));
        }
        if (operation.parameters && operation.parameters.length) {
            section.append(el("h4", {}, "Parameters"), parametersTable(doc, operation.parameters));
        }
        if (operation.requestBody) {
            const body = resolve(doc, operation.requestBody);
            section.append(el("h4", {}, "Request body"));
            if (body.description) {
                section.append(el("p", {class: "description"}, body.description));
            }
            section.append(contentList(doc, body.content));
        }
        const responses = el("table", {}, el("tr", {}, el("th", {}, "Status"), el("th", {}, "Description"), el("th", {}, "Headers"), el("th", {}, "Body")));
        for (const [status, item] of Object.entries(operation.responses || {})) {
            const response = resolve(doc, item);
            responses.append(
                el(
                    "tr",
                    {},
                    el("td", {}, el("code", {}, status)),
                    el("td", {class: "description"}, response.description || ""),
                    el("td", {}, Object.keys(response.headers || {}).join(", ")),
                    el("td", {}, contentList(doc, response.content))
                )
            );
        }
        section.append(el("h4", {}, "Responses"), responses);
        return section;
    }

    function render(doc) {
        const info = doc.info || {};
        document.title = info.title || "API reference";
        document.getElementById("title").textContent = info.title || "API reference";
        document.getElementById("meta").textContent = `OpenAPI ${doc.openapi} · version ${info.version || ""}`;
        const content = document.getElementById("content");
        const toc = el("ul");
        content.replaceChildren();
        if (info.description) {
            content.append(el("p", {class: "description"}, info.description));
        }
        const byTag = new Map();
        for (const [path, item] of Object.entries(doc.paths || {})) {
            for (const method of METHODS) {
                const operation = item[method];
                if (operation && method !== "head") {
                    const tag = (operation.tags || ["other"])[0];
                    if (!byTag.has(tag)) {
                        byTag.set(tag, []);
                    }
                    byTag.get(tag).push([path, method, operation]);
                }
            }
        }
        for (const [tag, operations] of byTag) {
            const tagInfo = (doc.tags || []).find((t) => t.name === tag) || {};
            content.append(el("h2", {id: `tag-${tag}`}, tag));
            if (tagInfo.description) {
                content.append(el("p", {}, tagInfo.description));
            }
            toc.append(el("li", {}, el("a", {href: `#tag-${tag}`}, tag)));
            for (const [path, method, operation] of operations) {
                content.append(operationSection(doc, path, method, operation));
            }
        }
        const schemas = (doc.components || {}).schemas || {};
        content.append(el("h2", {id: "schemas"}, "Schemas"));
        toc.append(el("li", {}, el("a", {href: "#schemas"}, "Schemas")));
        for (const [name, schema] of Object.entries(schemas)) {
            const details = el("details", {id: `schema-${name}`, open: "open"}, el("summary", {}, el("strong", {}, name)));
            if (schema.description) {
                details.append(el("p", {class: "description"}, schema.description));
            }
            details.append(schema.properties ? propertiesTable(schema) : el("p", {}, schemaSummary(schema)));
            content.append(details);
        }
        document.getElementById("toc").replaceChildren(toc);
    }

    function specPath() {
        const spec = new URLSearchParams(window.location.search).get("spec") || "/api/openapi.json";
        // Only a document of this server: never fetch another origin's.
        return spec.startsWith("/") && !spec.startsWith("//") ? spec : "/api/openapi.json";
    }

    document.addEventListener("DOMContentLoaded", () => {
        fetch(specPath(), {headers: {Accept: "application/json"}})
            .then((response) => {
                if (!response.ok) {
                    throw new Error(`${response.status} ${response.statusText}`);
                }
                return response.json();
            })
            .then(render)
            .catch((error) => {
                document
                    .getElementById("content")
                    .replaceChildren(el("p", {class: "error"}, `The document could not be loaded: ${error.message}`));
            });
    });
})();

// ../../tmp/pdfprof/run-src.ts
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

// src/lib/form-definition.ts
import { z as z2 } from "zod";

// src/lib/policy-schema.ts
import { z } from "zod";

// src/lib/categories.ts
var CATEGORIES = [
  { slug: "general", label: "\u901A\u7528", description: "\u9002\u7528\u4E8E\u5404\u7C7B\u5C97\u4F4D\u7684\u5DE5\u4F5C\u4EA4\u63A5\u4E0E\u4EBA\u5458\u53D8\u52A8\u5236\u5EA6" },
  { slug: "sales", label: "\u9500\u552E/\u4E1A\u52A1", description: "\u4E1A\u52A1\u4EBA\u5458\u3001\u5BA2\u6237\u4E0E\u5408\u540C\u7684\u4EA4\u63A5\u53CA\u7EF4\u62A4" },
  { slug: "operations", label: "\u8FD0\u8425", description: "\u8FD0\u8425\u5C97\u4F4D\u3001\u95E8\u5E97\u4E0E\u7CFB\u7EDF\u8D26\u53F7\u7684\u4EA4\u63A5" },
  { slug: "customer-service", label: "\u5BA2\u670D", description: "\u5BA2\u670D\u5C97\u4F4D\u4E0E\u5BA2\u6237\u8D44\u6599\u7684\u4EA4\u63A5\u548C\u4FDD\u5BC6" },
  { slug: "institutional", label: "\u673A\u5173/\u9662\u6821", description: "\u673A\u5173\u3001\u4E8B\u4E1A\u5355\u4F4D\u4E0E\u9662\u6821\u7684\u5DE5\u4F5C\u53D8\u52A8\u4EA4\u63A5" }
];
var CATEGORY_SLUGS = CATEGORIES.map((c) => c.slug);

// src/lib/template-vars.ts
var VARIABLE_KEY = /^[a-zA-Z][a-zA-Z0-9]*$/;

// src/lib/policy-schema.ts
var APPLIES_TO = ["\u79BB\u804C", "\u8F9E\u9000", "\u5408\u540C\u7EC8\u6B62", "\u8C03\u5C97", "\u664B\u5347", "\u533A\u57DF\u8C03\u6574", "\u75C5\u5047", "\u4EA7\u5047", "\u957F\u5047"];
var PARTY_ROLES = ["\u79FB\u4EA4\u4EBA", "\u63A5\u6536\u4EBA", "\u76D1\u4EA4\u4EBA", "\u5206\u7BA1\u7ECF\u7406", "HR/\u884C\u653F\u5907\u6848", "\u4F1A\u7B7E\u90E8\u95E8"];
var VARIABLE_TYPES = ["text", "number", "duration", "department", "date", "email"];
var nonEmpty = (what) => z.string({ required_error: `\u7F3A\u5C11${what}` }).trim().min(1, `${what}\u4E0D\u80FD\u4E3A\u7A7A`);
var policyVariableSchema = z.object({
  key: z.string().regex(VARIABLE_KEY, "\u53D8\u91CF\u540D\u53EA\u80FD\u7531\u82F1\u6587\u5B57\u6BCD\u548C\u6570\u5B57\u7EC4\u6210\uFF0C\u4E14\u4EE5\u5B57\u6BCD\u5F00\u5934"),
  label: nonEmpty("\u53D8\u91CF\u8BF4\u660E label"),
  // YAML reads `30` as a number; the text always needs a string.
  default: z.union([z.string(), z.number()]).transform(String).pipe(nonEmpty("\u53D8\u91CF\u9ED8\u8BA4\u503C default")),
  type: z.enum(VARIABLE_TYPES).default("text")
});
var policyFrontmatterSchema = z.object({
  title: nonEmpty("\u6807\u9898 title"),
  category: z.enum(CATEGORY_SLUGS, {
    errorMap: () => ({ message: `\u5206\u7C7B category \u5FC5\u987B\u662F\u4EE5\u4E0B\u4E4B\u4E00\uFF1A${CATEGORY_SLUGS.join(", ")}` })
  }),
  summary: nonEmpty("\u6458\u8981 summary"),
  appliesTo: z.array(z.enum(APPLIES_TO)).min(1, "\u81F3\u5C11\u5199\u4E00\u79CD\u9002\u7528\u60C5\u5F62 appliesTo"),
  parties: z.array(z.object({ role: z.enum(PARTY_ROLES), who: nonEmpty("\u53C2\u4E0E\u65B9\u8BF4\u660E who") })).min(2, "\u81F3\u5C11\u5217\u51FA\u4E24\u4E2A\u53C2\u4E0E\u65B9 parties"),
  variables: z.array(policyVariableSchema).default([]),
  forms: z.array(z.string().regex(/^[a-z0-9-]+$/, "\u8868\u5355 id \u53EA\u80FD\u7528\u5C0F\u5199\u5B57\u6BCD\u3001\u6570\u5B57\u548C\u8FDE\u5B57\u7B26")).default([]),
  keywords: z.array(z.string()).default([]),
  /** Headings (text after `## `) of clauses HR may switch off in the customizer. */
  optionalClauses: z.array(z.string()).default([]),
  version: z.union([z.string(), z.number()]).transform(String),
  updated: z.coerce.date({ errorMap: () => ({ message: "\u66F4\u65B0\u65E5\u671F updated \u5FC5\u987B\u662F\u65E5\u671F\uFF0C\u4F8B\u5982 2026-11-23" }) })
});

// src/lib/form-definition.ts
var STATUS_VALUES = ["\u5DF2\u4EA4\u63A5", "\u672A\u4EA4\u63A5", "\u4E0D\u9002\u7528"];
var id = z2.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, "\u5B57\u6BB5 id \u53EA\u80FD\u7531\u82F1\u6587\u5B57\u6BCD\u3001\u6570\u5B57\u3001\u4E0B\u5212\u7EBF\u7EC4\u6210\uFF0C\u4E14\u4EE5\u5B57\u6BCD\u5F00\u5934");
var label = z2.string().trim().min(1, "\u7F3A\u5C11\u663E\u793A\u540D\u79F0 label");
var base = {
  id,
  label,
  required: z2.boolean().default(false),
  help: z2.string().optional()
};
var scalarOptions = [
  z2.object({ ...base, type: z2.literal("text"), maxLength: z2.number().int().positive().max(2e3).default(200) }),
  z2.object({ ...base, type: z2.literal("longtext"), maxLength: z2.number().int().positive().max(2e4).default(2e3) }),
  /** notBefore: another date field (same form level, or same table row) this one cannot precede. */
  z2.object({ ...base, type: z2.literal("date"), notBefore: id.optional() }),
  z2.object({ ...base, type: z2.literal("number"), min: z2.number().optional(), max: z2.number().optional(), integer: z2.boolean().default(false) }),
  z2.object({ ...base, type: z2.literal("money") }),
  z2.object({ ...base, type: z2.literal("phone") }),
  z2.object({ ...base, type: z2.literal("email") }),
  z2.object({ ...base, type: z2.literal("choice"), options: z2.array(z2.string().min(1)).min(2, "\u9009\u9879 options \u81F3\u5C11\u4E24\u4E2A") }),
  z2.object({ ...base, type: z2.literal("status") }),
  z2.object({ ...base, type: z2.literal("rating"), max: z2.number().int().min(3).max(10).default(5) }),
  z2.object({ ...base, type: z2.literal("yesno") })
];
var typeError = (allowed) => (issue, ctx) => issue.code === "invalid_union_discriminator" ? { message: `\u5B57\u6BB5\u7C7B\u578B type \u5FC5\u987B\u662F\u4EE5\u4E0B\u4E4B\u4E00\uFF1A${allowed.join(", ")}` } : { message: ctx.defaultError };
var SCALAR_TYPES = scalarOptions.map((o) => o.shape.type.value);
var scalarField = z2.discriminatedUnion("type", [...scalarOptions], { errorMap: typeError(SCALAR_TYPES) });
var computed = z2.object({
  id,
  label,
  type: z2.literal("computed"),
  /** count: rows of a table; sum: a numeric column; countWhere: rows whose column equals a value */
  compute: z2.discriminatedUnion("kind", [
    z2.object({ kind: z2.literal("count"), table: id }),
    z2.object({ kind: z2.literal("sum"), table: id, column: id }),
    z2.object({ kind: z2.literal("countWhere"), table: id, column: id, equals: z2.string() })
  ])
});
var requireRule = z2.object({
  when: z2.object({ field: id, equals: z2.union([z2.string().min(1), z2.array(z2.string().min(1)).min(1)]) }).strict(),
  require: id
}).strict();
var orderRule = z2.object({ field: id, notBefore: id }).strict();
var ruleSchema = z2.union([requireRule, orderRule], {
  errorMap: (issue, ctx) => issue.code === "invalid_union" ? { message: '\u89C4\u5219 rules \u53EA\u80FD\u662F { "when": { "field", "equals" }, "require" } \u6216 { "field", "notBefore" }' } : { message: ctx.defaultError }
});
var table = z2.object({
  id,
  label,
  type: z2.literal("table"),
  /** Optional (not defaulted): Astro's content cache keeps entries parsed before rules existed. */
  rules: z2.array(ruleSchema).optional(),
  help: z2.string().optional(),
  columns: z2.array(scalarField).min(1, "\u8868\u683C\u81F3\u5C11\u4E00\u5217 columns"),
  minRows: z2.number().int().min(0).default(0),
  maxRows: z2.number().int().positive().max(5e3).default(500),
  /** Column to sort by when the user asks (e.g. customer grade). */
  sortBy: id.optional()
});
var formFieldSchema = z2.discriminatedUnion("type", [...scalarOptions, computed, table], {
  errorMap: typeError([...SCALAR_TYPES, "computed", "table"])
});
var formDefinitionSchema = z2.object({
  id: z2.string().regex(/^[a-z0-9-]+$/, "\u8868\u5355 id \u53EA\u80FD\u7528\u5C0F\u5199\u5B57\u6BCD\u3001\u6570\u5B57\u548C\u8FDE\u5B57\u7B26"),
  title: label,
  description: z2.string().trim().min(1, "\u7F3A\u5C11\u8868\u5355\u8BF4\u660E description"),
  signing: z2.object({
    order: z2.enum(["sequential", "parallel"]),
    parties: z2.array(z2.object({ role: z2.enum(PARTY_ROLES), label: label.optional() })).min(1, "\u81F3\u5C11\u4E00\u4E2A\u7B7E\u7F72\u65B9")
  }),
  sections: z2.array(z2.object({ id, title: label, help: z2.string().optional(), fields: z2.array(formFieldSchema).min(1) })).min(1),
  rules: z2.array(ruleSchema).optional()
}).superRefine((def2, ctx) => {
  const fields = def2.sections.flatMap((s) => s.fields);
  const seen = /* @__PURE__ */ new Set();
  fields.forEach((f) => {
    if (seen.has(f.id)) ctx.addIssue({ code: "custom", message: `\u5B57\u6BB5 id ${f.id} \u91CD\u590D`, path: ["sections"] });
    seen.add(f.id);
  });
  const tables = new Map(fields.flatMap((f) => f.type === "table" ? [[f.id, f]] : []));
  const checkOrder = (scope, where) => {
    for (const f of scope) {
      if (f.type !== "date" || !f.notBefore) continue;
      const other = scope.find((x) => x.id === f.notBefore);
      if (!other || other.type !== "date" || other.id === f.id)
        ctx.addIssue({ code: "custom", message: `${where}\u65E5\u671F\u5B57\u6BB5 ${f.id} \u7684 notBefore \u5FC5\u987B\u6307\u5411\u540C\u4E00\u5C42\u7EA7\u7684\u53E6\u4E00\u4E2A\u65E5\u671F\u5B57\u6BB5\uFF08\u73B0\u4E3A ${f.notBefore}\uFF09`, path: ["sections"] });
    }
  };
  checkOrder(fields, "");
  for (const t of tables.values()) checkOrder(t.columns, `\u8868\u683C ${t.id} \u7684`);
  const checkRules = (rules, scope, path) => {
    const inScope = (name) => scope.find((x) => x.id === name && x.type !== "table" && x.type !== "computed");
    rules.forEach((r, i) => {
      const bad = (message) => ctx.addIssue({ code: "custom", message, path: [...path, "rules", i] });
      if ("when" in r) {
        const cond = inScope(r.when.field);
        if (!cond) bad(`when.field \u6307\u5411\u4E0D\u5B58\u5728\u7684\u5B57\u6BB5 ${r.when.field}`);
        if (!inScope(r.require)) bad(`require \u6307\u5411\u4E0D\u5B58\u5728\u7684\u5B57\u6BB5 ${r.require}`);
        if (r.require === r.when.field) bad("when.field \u4E0E require \u4E0D\u80FD\u662F\u540C\u4E00\u4E2A\u5B57\u6BB5");
        const allowed = cond ? optionsOf(cond) : null;
        for (const v of [r.when.equals].flat())
          if (allowed && !allowed.includes(v)) bad(`when.equals \u7684\u53D6\u503C\u201C${v}\u201D\u4E0D\u662F\u5B57\u6BB5 ${cond.id} \u7684\u9009\u9879\uFF08${allowed.join("\u3001")}\uFF09`);
      } else {
        for (const name of [r.field, r.notBefore]) {
          const f = inScope(name);
          if (!f) bad(`\u6307\u5411\u4E0D\u5B58\u5728\u7684\u5B57\u6BB5 ${name}`);
          else if (f.type !== "date") bad(`\u5B57\u6BB5 ${name} \u4E0D\u662F\u65E5\u671F\uFF0C\u4E0D\u80FD\u6BD4\u8F83\u5148\u540E`);
        }
        if (r.field === r.notBefore) bad("field \u4E0E notBefore \u4E0D\u80FD\u662F\u540C\u4E00\u4E2A\u5B57\u6BB5");
      }
    });
  };
  checkRules(def2.rules ?? [], fields, []);
  def2.sections.forEach(
    (s, si) => s.fields.forEach((f, fi) => f.type === "table" && checkRules(f.rules ?? [], f.columns, ["sections", si, "fields", fi]))
  );
  for (const f of fields) {
    if (f.type === "table" && f.minRows > f.maxRows)
      ctx.addIssue({ code: "custom", message: `\u8868\u683C ${f.id} \u7684 minRows \u5927\u4E8E maxRows`, path: ["sections"] });
    if (f.type === "table" && f.sortBy && !f.columns.some((c) => c.id === f.sortBy))
      ctx.addIssue({ code: "custom", message: `\u8868\u683C ${f.id} \u7684 sortBy \u6307\u5411\u4E0D\u5B58\u5728\u7684\u5217 ${f.sortBy}`, path: ["sections"] });
    if (f.type !== "computed") continue;
    const t = tables.get(f.compute.table);
    if (!t) {
      ctx.addIssue({ code: "custom", message: `\u8BA1\u7B97\u5B57\u6BB5 ${f.id} \u5F15\u7528\u4E86\u4E0D\u5B58\u5728\u7684\u8868\u683C ${f.compute.table}`, path: ["sections"] });
      continue;
    }
    if ("column" in f.compute && !t.columns.some((c) => "column" in f.compute && c.id === f.compute.column))
      ctx.addIssue({ code: "custom", message: `\u8BA1\u7B97\u5B57\u6BB5 ${f.id} \u5F15\u7528\u4E86\u8868\u683C ${t.id} \u4E2D\u4E0D\u5B58\u5728\u7684\u5217 ${f.compute.column}`, path: ["sections"] });
  }
});
function optionsOf(field) {
  if (field.type === "choice") return field.options;
  if (field.type === "status") return STATUS_VALUES;
  if (field.type === "yesno") return ["\u662F", "\u5426"];
  return null;
}
var WIDE_TABLE_COLUMNS = 8;
function hasWideTable(definition) {
  return definition.sections.some((s) => s.fields.some((f) => f.type === "table" && f.columns.length > WIDE_TABLE_COLUMNS));
}

// src/lib/pdf/form-pdf.ts
import { PDFDocument as PDFDocument2 } from "pdf-lib";

// src/lib/form-data.ts
import { z as z4 } from "zod";

// src/lib/zod-messages.ts
import { z as z3, ZodIssueCode } from "zod";
var TYPE_NAMES = {
  string: "\u6587\u672C",
  number: "\u6570\u5B57",
  boolean: "\u662F/\u5426",
  object: "\u5BF9\u8C61",
  array: "\u5217\u8868",
  null: "\u7A7A\u503C",
  undefined: "\u672A\u586B\u5199",
  integer: "\u6574\u6570",
  date: "\u65E5\u671F"
};
var zhErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case ZodIssueCode.invalid_type:
      return { message: issue.received === "undefined" ? "\u7F3A\u5C11\u5FC5\u586B\u5185\u5BB9" : `\u7C7B\u578B\u4E0D\u6B63\u786E\uFF1A\u5E94\u4E3A${TYPE_NAMES[issue.expected] ?? issue.expected}` };
    case ZodIssueCode.invalid_literal:
      return { message: `\u53D6\u503C\u4E0D\u6B63\u786E\uFF1A\u5E94\u4E3A ${JSON.stringify(issue.expected)}` };
    case ZodIssueCode.unrecognized_keys:
      return { message: `\u4E0D\u8BA4\u8BC6\u7684\u5B57\u6BB5\uFF1A${issue.keys.join("\u3001")}` };
    case ZodIssueCode.invalid_union:
    case ZodIssueCode.invalid_union_discriminator:
      return { message: "\u53D6\u503C\u4E0D\u5728\u5141\u8BB8\u7684\u8303\u56F4\u5185" };
    case ZodIssueCode.invalid_enum_value:
      return { message: `\u53D6\u503C\u53EA\u80FD\u662F\uFF1A${issue.options.join("\u3001")}` };
    case ZodIssueCode.invalid_string:
      return { message: issue.validation === "email" ? "\u90AE\u7BB1\u683C\u5F0F\u4E0D\u6B63\u786E" : "\u6587\u672C\u683C\u5F0F\u4E0D\u6B63\u786E" };
    case ZodIssueCode.too_small:
      return { message: issue.type === "array" ? `\u81F3\u5C11\u9700\u8981 ${issue.minimum} \u9879` : issue.type === "string" ? `\u81F3\u5C11 ${issue.minimum} \u4E2A\u5B57` : `\u4E0D\u80FD\u5C0F\u4E8E ${issue.minimum}` };
    case ZodIssueCode.too_big:
      return { message: issue.type === "array" ? `\u6700\u591A ${issue.maximum} \u9879` : issue.type === "string" ? `\u4E0D\u80FD\u8D85\u8FC7 ${issue.maximum} \u4E2A\u5B57` : `\u4E0D\u80FD\u5927\u4E8E ${issue.maximum}` };
    case ZodIssueCode.invalid_date:
      return { message: "\u65E5\u671F\u4E0D\u6B63\u786E" };
    default:
      return { message: ctx.defaultError === "Invalid input" ? "\u5185\u5BB9\u4E0D\u6B63\u786E" : ctx.defaultError };
  }
};
z3.setErrorMap(zhErrorMap);

// src/lib/field-values.ts
function numericText(v) {
  return v.normalize("NFKC").replace(/[,\s¥元]/g, "");
}
function parseNumber(v) {
  const t = numericText(v);
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}
var amountFormat;
function displayValue(field, raw) {
  if (field.type === "money") {
    const n2 = parseNumber(raw);
    if (n2 !== null) return (amountFormat ??= new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 })).format(n2);
  }
  return raw;
}

// src/lib/form-data.ts
function allFields(definition) {
  return definition.sections.flatMap((s) => s.fields);
}
function emptyRow(table2) {
  return Object.fromEntries(table2.columns.map((c) => [c.id, ""]));
}
function emptyValues(definition) {
  const values = {};
  for (const f of allFields(definition)) {
    if (f.type === "table") values[f.id] = Array.from({ length: f.minRows }, () => emptyRow(f));
    else if (f.type !== "computed") values[f.id] = "";
  }
  return values;
}
function isRowEmpty(row) {
  return Object.values(row).every((v) => !v.trim());
}
var rowsOf = (values, tableId) => {
  const v = values[tableId];
  return Array.isArray(v) ? v : [];
};
var textOf = (values, id2) => {
  const v = values[id2];
  return typeof v === "string" ? v : "";
};
function computeValue(definition, id2, values) {
  const f = allFields(definition).find((x) => x.id === id2);
  if (!f || f.type !== "computed") throw new Error(`not a computed field: ${id2}`);
  const rows = rowsOf(values, f.compute.table).filter((r) => !isRowEmpty(r));
  const c = f.compute;
  switch (c.kind) {
    case "count":
      return rows.length;
    case "countWhere":
      return rows.filter((r) => (r[c.column] ?? "").trim() === c.equals).length;
    case "sum":
      return rows.reduce((sum, r) => sum + Math.round((parseNumber(r[c.column] ?? "") ?? 0) * 100), 0) / 100;
  }
}
function formatComputed(definition, id2, values) {
  const f = allFields(definition).find((x) => x.id === id2);
  const n2 = computeValue(definition, id2, values);
  if (f?.type === "computed" && f.compute.kind === "sum") return n2.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return String(n2);
}

// src/lib/pdf/writer.ts
import fontkit2 from "@pdf-lib/fontkit";
import { rgb } from "pdf-lib";

// src/lib/pdf/fonts.ts
import { createRequire as createRequire2 } from "node:module";

// src/lib/pdf/hb-subset.ts
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
var require2 = createRequire(import.meta.url);
var HB_MEMORY_MODE_WRITABLE = 2;
var HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;
var harfbuzz;
function loadHarfBuzz() {
  harfbuzz ??= readFile(require2.resolve("harfbuzzjs/dist/harfbuzz-subset.wasm")).then(async (wasm) => {
    const { instance } = await WebAssembly.instantiate(wasm);
    const hb = instance.exports;
    hb._initialize();
    return hb;
  });
  return harfbuzz;
}
async function subsetFace(path) {
  const hb = await loadHarfBuzz();
  const fd = openSync(path, "r");
  let size = 0;
  let data = 0;
  try {
    size = fstatSync(fd).size;
    data = hb.malloc(size);
    if (!data) throw new Error("HarfBuzz could not allocate memory for the font");
    const view = new Uint8Array(hb.memory.buffer, data, size);
    for (let at = 0; at < size; ) {
      const n2 = readSync(fd, view, at, size - at, at);
      if (n2 === 0) throw new Error(`The font file ${path} ended early`);
      at += n2;
    }
  } catch (error) {
    if (data) hb.free(data);
    throw error;
  } finally {
    closeSync(fd);
  }
  const blob = hb.hb_blob_create(data, size, HB_MEMORY_MODE_WRITABLE, 0, 0);
  const face2 = hb.hb_face_create(blob, 0);
  hb.hb_blob_destroy(blob);
  return {
    subset(codePoints, { layout = true } = {}) {
      const input2 = hb.hb_subset_input_create_or_fail();
      if (!input2) throw new Error("HarfBuzz could not create a subset input");
      let subset = 0;
      try {
        const features = hb.hb_subset_input_set(input2, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
        hb.hb_set_clear(features);
        if (layout) hb.hb_set_invert(features);
        const unicodes = hb.hb_subset_input_unicode_set(input2);
        for (const cp of codePoints) hb.hb_set_add(unicodes, cp);
        subset = hb.hb_subset_or_fail(face2, input2);
      } finally {
        hb.hb_subset_input_destroy(input2);
      }
      if (!subset) throw new Error("HarfBuzz could not subset the font");
      const result = hb.hb_face_reference_blob(subset);
      try {
        const offset = hb.hb_blob_get_data(result, 0);
        const length = hb.hb_blob_get_length(result);
        if (!length) throw new Error("HarfBuzz made an empty subset");
        return new Uint8Array(hb.memory.buffer).slice(offset, offset + length);
      } finally {
        hb.hb_blob_destroy(result);
        hb.hb_face_destroy(subset);
      }
    }
  };
}

// src/lib/pdf/fonts.ts
var require3 = createRequire2(import.meta.url);
var FONT_FILES = {
  regular: require3.resolve("@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf"),
  bold: require3.resolve("@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf"),
  signature: require3.resolve("@expo-google-fonts/ma-shan-zheng/400Regular/MaShanZheng_400Regular.ttf")
};
var faces = /* @__PURE__ */ new Map();
function face(name) {
  let f = faces.get(name);
  if (!f) {
    f = subsetFace(FONT_FILES[name]);
    f.catch(() => faces.delete(name));
    faces.set(name, f);
  }
  return f;
}
async function fontSubset(name, text, options = {}) {
  const chars = /* @__PURE__ */ new Set();
  for (const ch of name === "signature" ? text.replace(/\s/g, "") : text + " ") chars.add(ch.codePointAt(0));
  return (await face(name)).subset(chars, options);
}

// src/lib/pdf/font-chain.ts
import { readFile as readFile2 } from "node:fs/promises";
import { createRequire as createRequire3 } from "node:module";
import { dirname, join } from "node:path";
import fontkit from "@pdf-lib/fontkit";
import subsetFont from "subset-font";
var require4 = createRequire3(import.meta.url);
var FALLBACK_FONT_FILES = [
  require4.resolve("@expo-google-fonts/noto-sans-tc/400Regular/NotoSansTC_400Regular.ttf"),
  require4.resolve("@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf")
];
var FALLBACK_SLICES_CSS = require4.resolve("hanamin/HanaMin.css");
var HAN = /\p{Script=Han}/u;
var slices;
function fallbackSlices() {
  slices ??= readFile2(FALLBACK_SLICES_CSS, "utf8").then((css) => {
    const dir = dirname(FALLBACK_SLICES_CSS);
    const found = [];
    for (const m of css.matchAll(/url\(([^)]*Ideographs[^)]*\.woff2)\)[^;]*;\s*unicode-range:\s*([^;}]+)/g)) {
      const ranges = m[2].split(",").map((r) => {
        const [a, b] = r.trim().replace(/^U\+/i, "").split("-");
        return [parseInt(a, 16), parseInt(b ?? a, 16)];
      });
      found.push({ file: join(dir, m[1].replace(/["']/g, "")), ranges });
    }
    return found;
  });
  return slices;
}
var files = /* @__PURE__ */ new Map();
function readOnce(file) {
  let bytes = files.get(file);
  if (!bytes) {
    bytes = readFile2(file);
    files.set(file, bytes);
  }
  return bytes;
}
var cmaps = /* @__PURE__ */ new Map();
function hasGlyph(file) {
  let has = cmaps.get(file);
  if (!has) {
    has = readOnce(file).then((bytes) => {
      const font = fontkit.create(bytes);
      return (ch) => font.hasGlyphForCodePoint(ch.codePointAt(0));
    });
    cmaps.set(file, has);
  }
  return has;
}
function subsetCharacters(bytes) {
  try {
    return new Set(fontkit.create(bytes).characterSet);
  } catch {
    return /* @__PURE__ */ new Set();
  }
}
async function subsetOf(file, chars) {
  const bytes = await subsetFont(await readOnce(file), chars.join(""), { targetFormat: "truetype" });
  const cmap = subsetCharacters(bytes);
  const has = chars.filter((ch) => cmap.has(ch.codePointAt(0)));
  return has.length ? { bytes, has } : null;
}
async function fallbackSubsets(chars) {
  let rest = [...new Set(chars)].filter((ch) => HAN.test(ch));
  const out = [];
  for (const file of FALLBACK_FONT_FILES) {
    if (!rest.length) return out;
    const has = await hasGlyph(file);
    const cut = rest.some(has) ? await subsetOf(file, rest.filter(has)) : null;
    if (cut) {
      out.push(cut.bytes);
      rest = rest.filter((ch) => !cut.has.includes(ch));
    }
  }
  if (!rest.length) return out;
  const bySlice = /* @__PURE__ */ new Map();
  const all = await fallbackSlices();
  for (const ch of rest) {
    const cp = ch.codePointAt(0);
    const slice = all.find((sl) => sl.ranges.some(([a, b]) => cp >= a && cp <= b));
    if (slice) bySlice.set(slice, [...bySlice.get(slice) ?? [], ch]);
  }
  const cuts = await Promise.all([...bySlice].map(([slice, cs]) => subsetOf(slice.file, cs)));
  for (const cut of cuts) if (cut) out.push(cut.bytes);
  return out;
}
var FontChain = class {
  constructor(fonts) {
    this.fonts = fonts;
    this.sets = fonts.map((f) => new Set(f.getCharacterSet()));
  }
  fonts;
  sets;
  get primary() {
    return this.fonts[0];
  }
  /** The font that draws `ch`, or undefined when none has it. */
  fontFor(ch) {
    return this.fontForCodePoint(ch.codePointAt(0));
  }
  fontForCodePoint(cp) {
    const i = this.sets.findIndex((s) => s.has(cp));
    return i < 0 ? void 0 : this.fonts[i];
  }
  hasCodePoint(cp) {
    for (const set of this.sets) if (set.has(cp)) return true;
    return false;
  }
  has(ch) {
    return this.fontFor(ch) !== void 0;
  }
  /** `text` split into maximal runs of one font each. */
  runs(text) {
    const runs = [];
    for (const ch of text) {
      const font = this.fontFor(ch) ?? this.primary;
      const last = runs.at(-1);
      if (last && last.font === font) last.text += ch;
      else runs.push({ text: ch, font });
    }
    return runs;
  }
  widthOfTextAtSize(text, size) {
    let w = 0;
    for (const r of this.runs(text)) w += r.font.widthOfTextAtSize(r.text, size);
    return w;
  }
  /** Draws `text` run by run from (x, y) on its baseline. */
  draw(page, text, options) {
    let x = options.x;
    for (const r of this.runs(text)) {
      page.drawText(r.text, { ...options, x, font: r.font });
      x += r.font.widthOfTextAtSize(r.text, options.size);
    }
  }
};

// src/lib/pdf/ink.ts
import { deflateSync } from "node:zlib";
import { PDFName, PDFRawStream, PDFStream } from "pdf-lib";
var PageInk = class {
  constructor(page) {
    this.page = page;
    const context = page.doc.context;
    page.node.addContentStream(context.register(new InkStream(context.obj({}), this)));
  }
  page;
  ops = [];
  source;
  fontKeys = /* @__PURE__ */ new Map();
  // The graphics state so far, to write an operator only when it changes.
  font;
  size = -1;
  fill;
  stroke;
  lineWidth = -1;
  /** Glyph ids (4 hex digits each, Identity-H) in `font` with the baseline starting at (x, y). */
  text(font, glyphHex, x, y, size, color) {
    let op = "BT";
    if (font !== this.font || size !== this.size) {
      let key = this.fontKeys.get(font);
      if (!key) {
        key = this.page.node.newFontDictionary(font.name, font.ref).toString();
        this.fontKeys.set(font, key);
      }
      op += ` ${key} ${num(size)} Tf`;
      [this.font, this.size] = [font, size];
    }
    if (!same(color, this.fill)) op += ` ${colour(this.fill = color, "rg")}`;
    this.push(`${op} ${num(x)} ${num(y)} Td <${glyphHex}> Tj ET`);
  }
  line(x1, y1, x2, y2, thickness, color) {
    this.strokeStyle(thickness, color);
    this.push(`${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
  }
  fillRect(x, y, width, height, color) {
    if (!same(color, this.fill)) this.push(colour(this.fill = color, "rg"));
    this.push(`${num(x)} ${num(y)} ${num(width)} ${num(height)} re f`);
  }
  strokeRect(x, y, width, height, thickness, color) {
    this.strokeStyle(thickness, color);
    this.push(`${num(x)} ${num(y)} ${num(width)} ${num(height)} re S`);
  }
  /** The operators, wrapped in q/Q so nothing drawn after them inherits this state. */
  bytes() {
    this.source ??= Buffer.from(`q
${this.ops.join("\n")}
Q
`, "latin1");
    return this.source;
  }
  strokeStyle(thickness, color) {
    if (thickness !== this.lineWidth) this.push(`${num(this.lineWidth = thickness)} w`);
    if (!same(color, this.stroke)) this.push(colour(this.stroke = color, "RG"));
  }
  push(op) {
    this.ops.push(op);
    this.source = void 0;
  }
};
function num(n2) {
  return String(Math.round(n2 * 1e3) / 1e3);
}
function same(a, b) {
  return a === b || !!b && a.red === b.red && a.green === b.green && a.blue === b.blue;
}
function colour(c, op) {
  return `${num(c.red)} ${num(c.green)} ${num(c.blue)} ${op}`;
}
var InkStream = class extends PDFStream {
  constructor(dict, ink) {
    super(dict);
    this.ink = ink;
    dict.set(PDFName.of("Filter"), PDFName.of("FlateDecode"));
  }
  ink;
  deflated;
  getContents() {
    const from = this.ink.bytes();
    if (this.deflated?.from !== from) this.deflated = { from, bytes: deflateSync(from) };
    return this.deflated.bytes;
  }
  getContentsSize() {
    return this.getContents().length;
  }
  getContentsString() {
    return Buffer.from(this.getContents()).toString("latin1");
  }
  /** A copy (pdf-lib's copyPages) is a plain stream of the bytes so far. */
  clone(context) {
    return PDFRawStream.of(this.dict.clone(context), this.getContents().slice());
  }
};
function deflateNatively(doc) {
  const context = doc.context;
  context.flateStream = (contents, dict = {}) => context.stream(deflateSync(typeof contents === "string" ? Buffer.from(contents, "latin1") : contents), { ...dict, Filter: "FlateDecode" });
}

// src/lib/pdf/line-break.ts
var NO_LINE_START = new Set(
  "\u3002\uFF0C\u3001\uFF1B\uFF1A\uFF1F\uFF01\uFF09\u300D\u300F\u300B\u3009\u3011\u3015\u3017\u3019\u301B\uFF5D\uFF3D\u2019\u201D\u2026\u2025\xB7\u30FB\u30FC\u3005\u303B\u309D\u309E\u30FD\u30FE%\uFF05,.;:?!)]}>\xBB\u203A\u301C\uFF5E\u2014\uFF0D".split("")
);
var NO_LINE_END = new Set("\uFF08\u300C\u300E\u300A\u3008\u3010\u3014\u3016\u3018\u301A\uFF5B\uFF3B\u2018\u201C([{<\xAB\u2039\xA5\uFFE5$\u20AC\xA3".split(""));
var WORD_CHAR = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Nd}@#&_\-+=/\\.:'’]/u;
var wordChars = /* @__PURE__ */ new Map();
var isWordChar = (ch) => {
  let is = wordChars.get(ch);
  if (is === void 0) {
    is = WORD_CHAR.test(ch);
    if (wordChars.size < 65536) wordChars.set(ch, is);
  }
  return is;
};
var lastChar = (s) => {
  const cp = s.codePointAt(s.length - 1);
  return cp >= 56320 && cp <= 57343 && s.length > 1 ? String.fromCodePoint(s.codePointAt(s.length - 2)) : String.fromCodePoint(cp);
};
var isDigitGroupComma = (chars, i) => chars[i] === "," && /\d/.test(chars[i - 1] ?? "") && /\d/.test(chars[i + 1] ?? "");
function breakUnits(text) {
  const chars = Array.from(text);
  const units = [];
  let i = 0;
  while (i < chars.length) {
    let unit = chars[i];
    if (isWordChar(chars[i]) && !NO_LINE_START.has(chars[i])) {
      while (i + 1 < chars.length && (isWordChar(chars[i + 1]) || isDigitGroupComma(chars, i + 1))) unit += chars[++i];
    }
    i++;
    while (i < chars.length && (NO_LINE_START.has(chars[i]) || chars[i] === " ")) unit += chars[i++];
    units.push(unit);
  }
  const merged = [];
  for (let k = 0; k < units.length; k++) {
    let u = units[k];
    while (NO_LINE_END.has(lastChar(u)) && k + 1 < units.length) u += units[++k];
    merged.push(u);
  }
  return merged;
}
var atomicUnits = (text) => {
  const ext = /\s*(?:转|分机|ext\.?)\s*\d/i.exec(text);
  if (!ext || ext.index === 0) return [text];
  const cut = ext.index + ext[0].length - ext[0].trimStart().length;
  return [text.slice(0, cut), text.slice(cut)];
};
function wrapParagraph(text, maxWidth, measure, split) {
  if (!text) return [""];
  const lines = [];
  let line = "";
  const push = () => {
    lines.push(line.trimEnd());
    line = "";
  };
  for (const unit of split(text)) {
    if (measure((line + unit).trimEnd()) <= maxWidth) {
      line += unit;
      continue;
    }
    if (line) push();
    if (measure(unit.trimEnd()) <= maxWidth) {
      line = unit.trimStart();
      continue;
    }
    for (const ch of Array.from(unit)) {
      if (line && measure(line + ch) > maxWidth && !NO_LINE_START.has(ch)) push();
      line += ch;
    }
  }
  if (line || lines.length === 0) push();
  return lines;
}
function wrapText(text, maxWidth, measure, split = breakUnits) {
  return text.replace(/\r\n?/g, "\n").split("\n").flatMap((p) => wrapParagraph(p, maxWidth, measure, split));
}

// src/lib/pdf/table.ts
var SAMPLE_ROWS = 300;
var MAX_TARGET = 8;
var OUTLIERS = 0.03;
var PREFERRED_LINES = 2;
function drawTable(w, columns, rows, maxSize = 8.5, options = {}) {
  const pad = options.pad ?? maxSize / 3;
  const padX = options.padX ?? pad;
  const cells = rows.map((row) => columns.map((_, i) => paragraphs(w, row[i] ?? "")));
  const splitters = columns.map((c) => remembered(c.atomic ? atomicUnits : breakUnits));
  const content = { ...measureContent(w, splitters, cells), headerMin: columns.map((c) => headerMinWidth(w, c.label)) };
  let size = maxSize;
  let layout = columnWidths(content, w.contentWidth, size, padX);
  for (let s = maxSize - 0.5; layout.lines > PREFERRED_LINES && s >= (options.minSize ?? maxSize) - 1e-9; s -= 0.5) {
    [size, layout] = [s, columnWidths(content, w.contentWidth, s, padX)];
  }
  const { widths } = layout;
  const lh = size * (options.leading ?? 1.32);
  const xs = widths.reduce((acc, width, i) => [...acc, acc[i] + width], [w.margin.left]);
  const tableWidth = xs[xs.length - 1] - w.margin.left;
  const wrapped = columns.map(() => /* @__PURE__ */ new Map());
  const wrap = (paras, i) => paras.flatMap((p) => {
    let lines = wrapped[i].get(p);
    if (!lines) {
      lines = wrapText(p, widths[i] - 2 * padX, (s) => w.width(s, w.regular, size), splitters[i]);
      wrapped[i].set(p, lines);
    }
    return lines;
  });
  const headerLines = columns.map((c, i) => headerLabelLines(w, c.label, widths[i] - 2 * padX, size));
  const headerHeight = Math.max(...headerLines.map((l) => l.length)) * lh + 2 * pad;
  const lift = size * 0.06;
  const drawLines = (lines, i, top, font) => {
    lines.forEach((l, n2) => {
      const x = columns[i].align === "right" ? xs[i] + widths[i] - padX - w.width(l, font, size) : xs[i] + padX;
      w.line(l, x, top - pad + lift - n2 * lh, size, font);
    });
  };
  let segmentTop = 0;
  const drawColumnRules = () => {
    for (const x of xs) w.rule(x, segmentTop, x, w.y, 0.5, RULE);
  };
  const rule = (y) => w.rule(w.margin.left, y, w.margin.left + tableWidth, y, 0.5, RULE);
  const drawHeader = () => {
    segmentTop = w.y;
    w.ink().fillRect(w.margin.left, w.y - headerHeight, tableWidth, headerHeight, SHADE);
    rule(w.y);
    rule(w.y - headerHeight);
    headerLines.forEach((lines, i) => drawLines(lines, i, w.y, w.bold));
    w.y -= headerHeight;
  };
  const nextPage = () => {
    drawColumnRules();
    w.newPage();
    drawHeader();
  };
  const pageRoom = w.pageSize[1] - w.margin.top - w.bottom - headerHeight;
  rows.forEach((_, r) => {
    const lines = cells[r].map((paras, i) => wrap(paras, i));
    const lineCount2 = Math.max(...lines.map((l) => l.length));
    const height = lineCount2 * lh + 2 * pad;
    if (r === 0) {
      w.ensureSpace(headerHeight + Math.min(height, pageRoom));
      drawHeader();
    }
    if (height <= w.y - w.bottom) {
      lines.forEach((l, i) => drawLines(l, i, w.y, w.regular));
      w.y -= height;
      rule(w.y);
      return;
    }
    if (height <= pageRoom) {
      nextPage();
      lines.forEach((l, i) => drawLines(l, i, w.y, w.regular));
      w.y -= height;
      rule(w.y);
      return;
    }
    let offset = 0;
    while (offset < lineCount2) {
      const fit = Math.floor((w.y - w.bottom - 2 * pad) / lh);
      if (fit < Math.min(2, lineCount2 - offset)) {
        nextPage();
        continue;
      }
      const take = Math.min(fit, lineCount2 - offset);
      lines.forEach((l, i) => drawLines(l.slice(offset, offset + take), i, w.y, w.regular));
      w.y -= take * lh + 2 * pad;
      rule(w.y);
      offset += take;
    }
  });
  if (rows.length === 0) {
    w.ensureSpace(headerHeight);
    drawHeader();
  }
  drawColumnRules();
  w.y -= 8;
  return { widths, size };
}
function remembered(split) {
  const seen = /* @__PURE__ */ new Map();
  return (text) => {
    let units = seen.get(text);
    if (!units) seen.set(text, units = split(text));
    return units;
  };
}
function paragraphs(w, text) {
  return text.replace(/\r\n?/g, "\n").split("\n").map((p) => w.clean(p).trim());
}
function measureContent(w, splitters, cells) {
  const measure = (text, split) => {
    const units = split(text);
    return { full: units.map((u) => w.width(u, w.regular, 1)), trimmed: units.map((u) => w.width(u.trimEnd(), w.regular, 1)) };
  };
  const cache = splitters.map(() => /* @__PURE__ */ new Map());
  const measured = cells.map(
    (row) => row.map(
      (paras, i) => paras.filter(Boolean).map((p) => {
        let m = cache[i].get(p);
        if (!m) cache[i].set(p, m = measure(p, splitters[i]));
        return m;
      })
    )
  );
  const minContent = splitters.map(() => 0);
  const maxContent = splitters.map(() => 0);
  for (const row of measured) {
    row.forEach((paras, i) => {
      for (const { full, trimmed } of paras) {
        let sum = 0;
        for (let k = 0; k < full.length; k++) {
          if (trimmed[k] > minContent[i]) minContent[i] = trimmed[k];
          sum += full[k];
        }
        maxContent[i] = Math.max(maxContent[i], sum - full[full.length - 1] + trimmed[trimmed.length - 1]);
      }
    });
  }
  const sample = measured.length <= SAMPLE_ROWS ? measured : Array.from({ length: SAMPLE_ROWS }, (_, k) => measured[Math.floor(k * measured.length / SAMPLE_ROWS)]);
  return { minContent, maxContent, headerMin: [], sample };
}
function headerLabelLines(w, label2, inner, size) {
  const text = w.clean(label2, w.bold);
  const measure = (s) => w.width(s, w.bold, size);
  const lines = wrapText(text, inner, measure);
  if (lines.length !== 2) return lines;
  const units = breakUnits(text);
  let best = lines;
  let bestWidth = Infinity;
  for (let k = 1; k < units.length; k++) {
    const pair = [units.slice(0, k).join("").trim(), units.slice(k).join("").trim()];
    const width = Math.max(...pair.map(measure));
    if (width <= inner + 1e-6 && width <= bestWidth) [best, bestWidth] = [pair, width];
  }
  return best;
}
function headerMinWidth(w, label2) {
  const units = breakUnits(w.clean(label2, w.bold));
  const widthOf = (us) => w.width(us.join("").trim(), w.bold, 1);
  let best = widthOf(units);
  for (let k = 1; k < units.length; k++) best = Math.min(best, Math.max(widthOf(units.slice(0, k)), widthOf(units.slice(k))));
  return best;
}
function lineCount(paras, inner) {
  let total = 0;
  const limit = inner + 1e-6;
  for (const { full, trimmed } of paras) {
    let lines = 1;
    let used = 0;
    for (let k = 0; k < full.length; k++) {
      if (used + trimmed[k] <= limit) {
        used += full[k];
        continue;
      }
      if (used > 0) lines++;
      if (trimmed[k] <= limit) {
        used = full[k];
        continue;
      }
      const extra = Math.ceil(trimmed[k] / inner) - 1;
      lines += extra;
      used = trimmed[k] - extra * inner;
    }
    total += lines;
  }
  return total;
}
function columnWidths(content, avail, size, padX) {
  const { sample } = content;
  const columnCount = content.minContent.length;
  const floor = content.minContent.map((min, i) => Math.max(min, content.headerMin[i]) * size + 2 * padX + 0.1);
  const ceiling = content.maxContent.map((max, i) => Math.max(floor[i], Math.min(max * size + 2 * padX + 0.1, avail)));
  const floorTotal = floor.reduce((a, b) => a + b, 0);
  if (floorTotal >= avail) return { widths: floor.map((f) => f / floorTotal * avail), lines: Infinity };
  const linesAt = (i, width) => {
    const inner = (width - 2 * padX) / size;
    return sample.map((row) => lineCount(row[i], inner));
  };
  const start = startWidths(linesAt, floor, ceiling, avail, sample.length);
  const widths = start.widths;
  let rest = avail - widths.reduce((a, b) => a + b, 0);
  const lines = widths.map((width, i) => linesAt(i, width));
  const top1 = new Array(sample.length);
  const top1Col = new Array(sample.length);
  const top2 = new Array(sample.length);
  const rank = () => {
    for (let r = 0; r < sample.length; r++) {
      let [a, ac, b] = [1, -1, 1];
      for (let i = 0; i < columnCount; i++) {
        const n2 = lines[i][r];
        if (n2 > a) [b, a, ac] = [a, n2, i];
        else if (n2 > b) b = n2;
      }
      [top1[r], top1Col[r], top2[r]] = [a, ac, b];
    }
  };
  rank();
  const step = Math.max(1, avail / 160);
  const trials = widths.map(() => /* @__PURE__ */ new Map());
  while (rest > 0.01) {
    let best;
    for (let i = 0; i < columnCount; i++) {
      const room = Math.min(rest, ceiling[i] - widths[i]);
      if (room <= 0.01) continue;
      for (const s of [step, step * 4, step * 16]) {
        const width = widths[i] + Math.min(s, room);
        let trial = trials[i].get(width);
        if (!trial) trials[i].set(width, trial = linesAt(i, width));
        let rowsSaved = 0;
        let cellsSaved = 0;
        for (let r = 0; r < trial.length; r++) {
          const other = top1Col[r] === i ? top2[r] : top1[r];
          rowsSaved += top1[r] - Math.max(other, trial[r]);
          cellsSaved += lines[i][r] - trial[r];
        }
        const used = width - widths[i];
        const [score, cellScore] = [rowsSaved / used, cellsSaved / used];
        if (!best || score > best.score || score === best.score && cellScore > best.cellScore) best = { i, width, lines: trial, score, cellScore };
        if (s >= room) break;
      }
    }
    if (!best || best.score <= 0 && best.cellScore <= 0) break;
    rest -= best.width - widths[best.i];
    widths[best.i] = best.width;
    lines[best.i] = best.lines;
    trials[best.i].clear();
    rank();
  }
  if (rest > 0.01) {
    const want = widths.map((x, i) => Math.max(0, Math.min(ceiling[i], avail * 0.4) - x));
    const wantTotal = want.reduce((a, b) => a + b, 0);
    if (wantTotal > 0.01) {
      const share = Math.min(1, rest / wantTotal);
      want.forEach((d, i) => widths[i] += d * share);
      rest -= wantTotal * share;
    }
    const total = widths.reduce((a, b) => a + b, 0);
    if (rest > 0.01) widths.forEach((x, i) => widths[i] += x / total * rest);
  }
  return { widths, lines: start.lines };
}
function startWidths(linesAt, floor, ceiling, avail, rowCount) {
  const atFloor = floor.map((x, i) => linesAt(i, x));
  const atCeiling = ceiling.map((x, i) => linesAt(i, x));
  const allowed = Math.floor(rowCount * OUTLIERS);
  for (let target = 1; target <= MAX_TARGET; target++) {
    const over = (i, n2) => n2.reduce((count, x, r) => count + (x > target && atCeiling[i][r] <= target ? 1 : 0), 0);
    const widths = [];
    let total = 0;
    for (let i = 0; i < floor.length && total <= avail; i++) {
      let [lo, hi] = [floor[i], ceiling[i]];
      if (over(i, atFloor[i]) > allowed) {
        while (hi - lo > 1) {
          const mid = (lo + hi) / 2;
          if (over(i, linesAt(i, mid)) <= allowed) hi = mid;
          else lo = mid;
        }
      } else hi = lo;
      widths.push(hi);
      total += hi;
    }
    if (total <= avail) return { widths, lines: target };
  }
  return { widths: [...floor], lines: MAX_TARGET + 1 };
}

// src/lib/pdf/writer.ts
var A4 = [595.28, 841.89];
var MISSING_GLYPH = "\u25A1";
var INK = rgb(0.12, 0.12, 0.14);
var MUTED = rgb(0.42, 0.44, 0.47);
var RULE = rgb(0.55, 0.57, 0.6);
var SHADE = rgb(0.93, 0.94, 0.95);
var LINE_HEIGHT = 1.45;
var CMAP_GLYPHS_ONLY = { liga: false, clig: false, dlig: false, rlig: false, calt: false, ccmp: false, locl: false };
var PdfWriter = class _PdfWriter {
  constructor(doc, regular, bold, pageSize, margin, fallbacks, metrics) {
    this.doc = doc;
    this.regular = regular;
    this.bold = bold;
    this.pageSize = pageSize;
    this.margin = margin;
    this.fallbacks = fallbacks;
    this.metrics = metrics;
    this.chains = new Map([regular, bold].map((f) => [f, new FontChain([f, ...fallbacks])]));
  }
  doc;
  regular;
  bold;
  pageSize;
  margin;
  fallbacks;
  metrics;
  page;
  y = 0;
  pages = [];
  /** Per primary font (regular, bold): each code point as its chain draws it. */
  glyphs = /* @__PURE__ */ new Map();
  inks = /* @__PURE__ */ new Map();
  missingSet = /* @__PURE__ */ new Set();
  /** Per primary font (regular, bold): that font, then the fallbacks. */
  chains;
  /**
   * `text.regular` is every string the document draws in the regular weight, `text.bold`
   * every string in bold (headings, labels); each font is cut to its own characters.
   */
  static async create(doc, text, options = {}) {
    doc.registerFontkit(fontkit2);
    deflateNatively(doc);
    const always = MISSING_GLYPH + "0123456789\u7B2C\u9875\u5171/";
    const regularChars = [...new Set(text.regular + always)].join("");
    const boldChars = [...new Set(text.bold + always)].join("");
    const [regularBytes, boldBytes] = await Promise.all([fontSubset("regular", regularChars, { layout: false }), fontSubset("bold", boldChars, { layout: false })]);
    const metrics = /* @__PURE__ */ new Map();
    const embed = async (bytes) => {
      const font = await doc.embedFont(bytes, { subset: false, features: CMAP_GLYPHS_ONLY });
      metrics.set(font, fontkit2.create(bytes));
      return font;
    };
    const regular = await embed(regularBytes);
    const bold = await embed(boldBytes);
    const lacking = (font, s) => {
      const set = new Set(font.getCharacterSet());
      return Array.from(s).filter((ch) => ch.codePointAt(0) >= 32 && !set.has(ch.codePointAt(0)));
    };
    const rare = [...lacking(regular, regularChars), ...lacking(bold, boldChars)];
    const fallbacks = rare.length ? await Promise.all((await fallbackSubsets(rare)).map(embed)) : [];
    return new _PdfWriter(doc, regular, bold, options.pageSize ?? A4, options.margin ?? { top: 64, right: 42, bottom: 54, left: 42 }, fallbacks, metrics);
  }
  get contentWidth() {
    return this.pageSize[0] - this.margin.left - this.margin.right;
  }
  get bottom() {
    return this.margin.bottom;
  }
  /** Characters the fonts lack, replaced by □ when drawn. */
  get missingCharacters() {
    return [...this.missingSet].map((char) => ({ char, codePoint: `U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}` }));
  }
  /** The fonts text in `font` is drawn with: `font`, then the fallbacks. */
  chain(font) {
    let chain = this.chains.get(font);
    if (!chain) this.chains.set(font, chain = new FontChain([font, ...this.fallbacks]));
    return chain;
  }
  /**
   * Text as `font` will draw it: characters neither it nor a fallback has become □ and are
   * recorded. The result is drawable with `line` (which picks the font per run).
   */
  clean(text, font = this.regular) {
    const chain = this.chain(font);
    let i = 0;
    for (; i < text.length; i++) {
      const cp = text.charCodeAt(i);
      if (cp < 32 || cp >= 55296 && cp <= 57343 || !chain.hasCodePoint(cp)) break;
    }
    if (i === text.length) return text;
    let out = "";
    for (const ch of text) {
      const cp = ch.codePointAt(0);
      if (cp < 32) out += " ";
      else if (chain.has(ch)) out += ch;
      else {
        this.missingSet.add(ch);
        out += MISSING_GLYPH;
      }
    }
    return out;
  }
  /** The glyphs of text in `font`, by code point (filled by `lookUp`). */
  glyphsOf(font) {
    let map = this.glyphs.get(font);
    if (!map) this.glyphs.set(font, map = /* @__PURE__ */ new Map());
    return map;
  }
  /** Code point `cp` as text in `font` draws it: in the first font of the chain that has it (else as `font`'s .notdef). */
  lookUp(cp, font, map) {
    const drawnIn = this.chain(font).fontForCodePoint(cp) ?? font;
    const metrics = this.metrics.get(drawnIn);
    if (!metrics) throw new Error(`PdfWriter: the font ${drawnIn.name} was not embedded by this writer`);
    const { id: id2, advanceWidth } = metrics.glyphForCodePoint(cp);
    const g = { font: drawnIn, hex: id2.toString(16).padStart(4, "0"), width: advanceWidth * (1e3 / metrics.unitsPerEm) * (1 / 1e3) };
    map.set(cp, g);
    return g;
  }
  /** Width of cleaned text, each character measured in the font that draws it. */
  width(text, font, size) {
    const map = this.glyphsOf(font);
    let w = 0;
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i);
      if (cp > 65535) i++;
      w += (map.get(cp) ?? this.lookUp(cp, font, map)).width;
    }
    return w * size;
  }
  /** The page's own content stream, where the writer draws. */
  ink(page = this.page) {
    let ink = this.inks.get(page);
    if (!ink) this.inks.set(page, ink = new PageInk(page));
    return ink;
  }
  /** A straight line on `page` (default: the current page). */
  rule(x1, y1, x2, y2, thickness, color, page = this.page) {
    this.ink(page).line(x1, y1, x2, y2, thickness, color);
  }
  /** Wrapped lines of `text`; line breaks the writer typed (a multi-line note) are kept. */
  wrap(text, maxWidth, font, size) {
    const paragraphs2 = text.split(/\r\n?|\n/).map((p) => this.clean(p, font));
    return wrapText(paragraphs2.join("\n"), maxWidth, (s) => this.width(s, font, size));
  }
  lineHeight(size) {
    return size * LINE_HEIGHT;
  }
  newPage() {
    this.page = this.doc.addPage(this.pageSize);
    this.pages.push(this.page);
    this.ink(this.page);
    this.y = this.pageSize[1] - this.margin.top;
  }
  /** Starts a new page unless `height` still fits above the bottom margin. */
  ensureSpace(height) {
    if (!this.page || this.y - height < this.bottom) this.newPage();
  }
  /** Draws one line of already-cleaned text with its top at `top`. */
  line(text, x, top, size, font = this.regular, color = INK) {
    if (!text) return;
    this.drawOn(this.page, text, x, top - size * 1.1, size, font, color);
  }
  /** Draws cleaned text on `page` with its baseline at `y`, run by run when it needs a fallback. */
  drawOn(page, text, x, y, size, font = this.regular, color = INK) {
    const ink = this.ink(page);
    const map = this.glyphsOf(font);
    let runFont;
    let hex = "";
    let runX = x;
    let runWidth = 0;
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i);
      if (cp > 65535) i++;
      const g = map.get(cp) ?? this.lookUp(cp, font, map);
      if (g.font !== runFont && hex) {
        ink.text(runFont, hex, runX, y, size, color);
        [hex, runX, runWidth] = ["", runX + runWidth * size, 0];
      }
      runFont = g.font;
      hex += g.hex;
      runWidth += g.width;
    }
    if (hex) ink.text(runFont, hex, runX, y, size, color);
  }
  /** A wrapped paragraph at the cursor, across pages if needed. */
  paragraph(text, options = {}) {
    const size = options.size ?? 9.5;
    const font = options.font ?? this.regular;
    const indent = options.indent ?? 0;
    const lh = this.lineHeight(size);
    for (const l of this.wrap(text, this.contentWidth - indent, font, size)) {
      this.ensureSpace(lh);
      this.line(l, this.margin.left + indent, this.y, size, font, options.color);
      this.y -= lh;
    }
    this.y -= options.gapAfter ?? 4;
  }
  heading(text, size = 12) {
    this.ensureSpace(this.lineHeight(size) + 60);
    this.y -= 6;
    this.line(this.clean(text, this.bold), this.margin.left, this.y, size, this.bold);
    this.y -= this.lineHeight(size) + 1;
    this.rule(this.margin.left, this.y, this.margin.left + this.contentWidth, this.y, 0.8, INK);
    this.y -= 6;
  }
  /** Label/value pairs, two to a row; `wide` items take the full width. */
  keyValues(items, size = 9) {
    const gap = 16;
    const half = (this.contentWidth - gap) / 2;
    const lh = this.lineHeight(size);
    const layout = (item, width) => {
      const label2 = this.clean(item.label + "\uFF1A", this.bold);
      const labelWidth = Math.min(this.width(label2, this.bold, size), width * 0.45);
      const lines = this.wrap(item.value || " ", width - labelWidth - 4, this.regular, size);
      return { label: label2, labelWidth, lines, width };
    };
    let i = 0;
    while (i < items.length) {
      const row = items[i].wide || i + 1 >= items.length || items[i + 1].wide ? [items[i]] : [items[i], items[i + 1]];
      const width = row.length === 1 && items[i].wide ? this.contentWidth : half;
      const cells = row.map((it) => layout(it, width));
      const height = Math.max(...cells.map((c) => c.lines.length)) * lh + 4;
      if (height > this.y - this.bottom) this.newPage();
      cells.forEach((c, k) => {
        const x = this.margin.left + k * (half + gap);
        this.line(c.label, x, this.y, size, this.bold);
        c.lines.forEach((l, n2) => this.line(l, x + c.labelWidth + 4, this.y - n2 * lh, size));
        this.rule(x + c.labelWidth + 2, this.y - height + 2, x + c.width, this.y - height + 2, 0.4, RULE);
      });
      this.y -= height + 3;
      i += row.length;
    }
    this.y -= 4;
  }
  /** A table at the cursor; the layout lives in table.ts. */
  table(columns, rows, size = 8.5) {
    drawTable(this, columns, rows, size);
  }
  /**
   * Header and footer on every page, once the page count is known. `pageLabel` words the
   * page number (default 第 N 页 / 共 M 页); its characters must be in the regular text.
   */
  decoratePages(header, footerLeft, pageLabel = (i, total) => `\u7B2C ${i + 1} \u9875 / \u5171 ${total} \u9875`) {
    const size = 8;
    const total = this.pages.length;
    this.pages.forEach((page, i) => {
      const [w, h] = this.pageSize;
      const top = h - this.margin.top + 30;
      const draw = (text, x, y, align) => {
        const t = this.clean(text);
        const tx = align === "left" ? x : x - this.width(t, this.regular, size);
        this.drawOn(page, t, tx, y, size, this.regular, MUTED);
      };
      draw(header.left, this.margin.left, top, "left");
      draw(header.right, w - this.margin.right, top, "right");
      this.rule(this.margin.left, top - 5, w - this.margin.right, top - 5, 0.5, RULE, page);
      const bottom = this.margin.bottom - 26;
      this.rule(this.margin.left, bottom + 12, w - this.margin.right, bottom + 12, 0.5, RULE, page);
      draw(footerLeft, this.margin.left, bottom, "left");
      draw(pageLabel(i, total), w - this.margin.right, bottom, "right");
    });
  }
};

// src/lib/pdf/form-pdf.ts
var ATOMIC_TYPES = /* @__PURE__ */ new Set(["date", "phone", "email", "money", "number", "status", "rating", "yesno"]);
var RIGHT_TYPES = /* @__PURE__ */ new Set(["money", "number"]);
var DENSE_COLUMNS = 10;
var DENSE_TABLE = { minSize: 7, pad: 2.2, padX: 1.8, leading: 1.25 };
var LANDSCAPE_MARGIN = { top: 52, right: 28, bottom: 44, left: 28 };
var FIXED_TEXT = "\u4EA4\u63A5\u7F16\u53F7\uFF1A\u751F\u6210\u65E5\u671F\u7B7E\u5B57\u786E\u8BA4\u4F9D\u6B21\u7B7E\u7F72\u5404\u65B9\u53EF\u540C\u65F6\u7B7E\u7F72\u7B7E\u540D\uFF1A\u65E5\u671F\uFF1A\u7B2C\u9875\u5171\u5E8F\u53F7\uFF08\u672A\u586B\u5199\uFF09\u65E0\u5DE5\u4F5C\u4EA4\u63A5 /";
var PRODUCER = "Handover Kit \u5DE5\u4F5C\u4EA4\u63A5 (pdf-lib)";
function formatDateZh(d) {
  return `${d.getFullYear()}\u5E74${d.getMonth() + 1}\u6708${d.getDate()}\u65E5`;
}
function tableCells(input2) {
  const cells = /* @__PURE__ */ new Map();
  for (const s of input2.definition.sections) {
    for (const f of s.fields) {
      if (f.type !== "table") continue;
      const rows = rowsOf(input2.values, f.id).filter((r) => !isRowEmpty(r));
      cells.set(
        f.id,
        rows.map((r) => f.columns.map((c) => displayValue(c, r[c.id] ?? "")))
      );
    }
  }
  return cells;
}
function allText(input2, created, tables) {
  const { definition: def2, values } = input2;
  const regular = /* @__PURE__ */ new Set([def2.description, input2.company ?? "", input2.caseNumber ?? "", created, FIXED_TEXT, def2.title]);
  const bold = [def2.title, FIXED_TEXT];
  for (const s of def2.sections) {
    bold.push(s.title);
    for (const f of s.fields) {
      bold.push(f.label, "\uFF1A");
      if (f.type === "table") {
        for (const c of f.columns) bold.push(c.label);
        for (const row of tables.get(f.id) ?? []) for (const cell of row) regular.add(cell);
      } else if (f.type === "computed") regular.add(formatComputed(def2, f.id, values));
      else regular.add(displayValue(f, textOf(values, f.id)));
    }
  }
  for (const p of def2.signing.parties) bold.push(p.label ?? p.role);
  return { regular: [...regular].join(""), bold: bold.join("") };
}
async function renderFormPdf(input2) {
  const { definition: def2, values } = input2;
  const createdAt = input2.createdAt ?? /* @__PURE__ */ new Date();
  const created = formatDateZh(createdAt);
  const doc = await PDFDocument2.create();
  const wide = hasWideTable(def2);
  const pageSize = wide ? [A4[1], A4[0]] : A4;
  const margin = wide ? LANDSCAPE_MARGIN : void 0;
  const tables = tableCells(input2);
  const w = await PdfWriter.create(doc, allText(input2, created, tables), { pageSize, margin });
  w.newPage();
  const title = w.clean(def2.title, w.bold);
  w.line(title, w.margin.left + (w.contentWidth - w.width(title, w.bold, 18)) / 2, w.y, 18, w.bold);
  w.y -= w.lineHeight(18) + 2;
  const sub = w.clean([input2.company, input2.caseNumber ? `\u4EA4\u63A5\u7F16\u53F7\uFF1A${input2.caseNumber}` : "", `\u751F\u6210\u65E5\u671F ${created}`].filter(Boolean).join("    "));
  w.line(sub, w.margin.left + (w.contentWidth - w.width(sub, w.regular, 9)) / 2, w.y, 9, w.regular, MUTED);
  w.y -= w.lineHeight(9) + 10;
  for (const section of def2.sections) {
    w.heading(section.title);
    let pending = [];
    const flush = () => {
      if (pending.length) w.keyValues(pending);
      pending = [];
    };
    for (const f of section.fields) {
      if (f.type === "table") {
        flush();
        const rows = tables.get(f.id) ?? [];
        const columns = [
          { label: "\u5E8F\u53F7", atomic: true, align: "right" },
          ...f.columns.map((c) => ({ label: c.label, atomic: ATOMIC_TYPES.has(c.type), align: RIGHT_TYPES.has(c.type) ? "right" : "left" }))
        ];
        const cells = rows.length ? rows.map((r, i) => [String(i + 1), ...r]) : [["", "\uFF08\u672A\u586B\u5199\uFF09", ...f.columns.slice(1).map(() => "")]];
        if (columns.length > DENSE_COLUMNS) drawTable(w, columns, cells, 8, DENSE_TABLE);
        else drawTable(w, columns, cells, 8.5);
      } else if (f.type === "computed") {
        pending.push({ label: f.label, value: formatComputed(def2, f.id, values) });
      } else {
        pending.push({ label: f.label, value: displayValue(f, textOf(values, f.id)), wide: f.type === "longtext" });
      }
    }
    flush();
  }
  const signatureBoxes = drawSignatureBoxes(w, def2);
  w.decoratePages({ left: input2.company || "\u5DE5\u4F5C\u4EA4\u63A5", right: def2.title }, input2.caseNumber ? `\u4EA4\u63A5\u7F16\u53F7\uFF1A${input2.caseNumber}` : def2.title);
  doc.setTitle(input2.caseNumber ? `${def2.title}\uFF08${input2.caseNumber}\uFF09` : def2.title);
  doc.setSubject(def2.description);
  doc.setAuthor(input2.company || "\u5DE5\u4F5C\u4EA4\u63A5");
  doc.setKeywords(["\u5DE5\u4F5C\u4EA4\u63A5", def2.title, def2.id]);
  doc.setCreator("Handover Kit \u5DE5\u4F5C\u4EA4\u63A5");
  doc.setProducer(PRODUCER);
  doc.setLanguage("zh-CN");
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);
  const bytes = await doc.save();
  return { bytes, pageCount: w.pages.length, signatureBoxes, missingCharacters: w.missingCharacters };
}
function drawSignatureBoxes(w, def2) {
  const parties = def2.signing.parties;
  const perRow = Math.min(4, parties.length);
  const gap = 10;
  const boxW = (w.contentWidth - gap * (perRow - 1)) / perRow;
  const boxH = 104;
  const rows = Math.ceil(parties.length / perRow);
  w.ensureSpace(40 + rows * (boxH + gap));
  w.heading(`\u7B7E\u5B57\u786E\u8BA4\uFF08${def2.signing.order === "sequential" ? "\u4F9D\u6B21\u7B7E\u7F72" : "\u5404\u65B9\u53EF\u540C\u65F6\u7B7E\u7F72"}\uFF09`);
  const boxes = [];
  parties.forEach((p, i) => {
    const x = w.margin.left + i % perRow * (boxW + gap);
    const top = w.y - Math.floor(i / perRow) * (boxH + gap);
    const y = top - boxH;
    w.ink().strokeRect(x, y, boxW, boxH, 0.8, INK);
    w.line(w.clean(p.label ?? p.role, w.bold), x + 8, top - 6, 10.5, w.bold);
    const nameY = y + 28;
    const dateY = y + 10;
    for (const [label2, ly] of [["\u7B7E\u540D\uFF1A", nameY], ["\u65E5\u671F\uFF1A", dateY]]) {
      w.drawOn(w.page, label2, x + 8, ly, 8.5, w.regular, MUTED);
      w.rule(x + 38, ly - 2, x + boxW - 8, ly - 2, 0.4, RULE);
    }
    boxes.push({
      party: i,
      role: p.role,
      page: w.pages.length - 1,
      box: { x, y, width: boxW, height: boxH },
      signatureArea: { x: x + 6, y: y + 42, width: boxW - 12, height: boxH - 42 - 26 },
      nameAt: { x: x + 40, y: nameY },
      dateAt: { x: x + 40, y: dateY }
    });
  });
  w.y -= rows * (boxH + gap);
  return boxes;
}

// tests/fixtures/form-values.ts
function customerValues(def2, n2) {
  const v = emptyValues(def2);
  Object.assign(v, { giverName: "\u5F20\u4E09", department: "\u9500\u552E\u4E00\u90E8", reason: "\u79BB\u804C", receiverName: "\u674E\u56DB", witnessName: "\u738B\u4E94", handoverDate: "2026-11-23" });
  v.customers = Array.from({ length: n2 }, (_, i) => ({
    name: `\u4E0A\u6D77\u67D0\u67D0\u79D1\u6280\u6709\u9650\u516C\u53F8\u7B2C${i + 1}\u5206\u516C\u53F8`,
    grade: "ABC"[i % 3],
    contact: `\u738B\u7ECF\u7406${i + 1}`,
    phone: "13812345678",
    email: `client${i + 1}@example.com`,
    contractNo: `HT-2026-${String(i + 1).padStart(4, "0")}`,
    amount: String(12800 + i),
    paymentProgress: "\u5DF2\u56DE\u6B3E 60%",
    renewalDate: "2027-03-01",
    stage: "\u6267\u884C\u4E2D",
    needs: "\u6BCF\u6708\u4E94\u65E5\u524D\u63D0\u4F9B\u5BF9\u8D26\u5355\uFF0C\u53D1\u7968\u62AC\u5934\u987B\u4E0E\u5408\u540C\u4E00\u81F4\u3002",
    risks: i % 7 === 0 ? "\u4ED8\u6B3E\u5468\u671F\u957F\uFF0C\u6CE8\u610F\u50AC\u6536\u3002" : "",
    nextStep: "\u63A5\u6536\u4EBA\u9996\u6B21\u62DC\u8BBF",
    status: i % 2 ? "\u5DF2\u4EA4\u63A5" : "\u672A\u4EA4\u63A5",
    remark: ""
  }));
  return v;
}

// ../../tmp/pdfprof/run-src.ts
var def = formDefinitionSchema.parse(JSON.parse(readFileSync("/work/wt-pdfspeed/content/forms/customer-handover.json", "utf8")));
var n = Number(process.env.ROWS ?? 100);
var input = { createdAt: /* @__PURE__ */ new Date("2026-11-23T08:00:00Z"), definition: def, values: customerValues(def, n), company: "\u4E0A\u6D77\u67D0\u67D0\u8D38\u6613\u6709\u9650\u516C\u53F8", caseNumber: "HJ-20261123-0001" };
var session = new Session();
session.connect();
for (let i = 0; i < Number(process.env.REPS ?? 6); i++) {
  if (i === 2 && process.env.PROF) {
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  const t = performance.now();
  const c0 = process.cpuUsage();
  const r = await renderFormPdf(input);
  console.log(n, "rows", r.pageCount, "pages", r.bytes.length, "bytes", (performance.now() - t).toFixed(1), "ms wall", ((process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1e3).toFixed(0), "ms cpu");
}
if (process.env.PROF) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(process.env.PROF, JSON.stringify(profile));
}

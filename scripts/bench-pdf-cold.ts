export {};
/** One cold PDF render in a fresh process (module load and font read included); prints ms. */
const start = performance.now();
const { readFileSync } = await import('node:fs');
const { formDefinitionSchema } = await import('../src/lib/form-definition.js');
const { renderFormPdf } = await import('../src/lib/pdf/form-pdf.js');
const { workHandoverValues } = await import('../tests/fixtures/form-values.js');
const def = formDefinitionSchema.parse(JSON.parse(readFileSync('content/forms/work-handover.json', 'utf8')));
await renderFormPdf({ definition: def, values: workHandoverValues(def), company: '上海某某贸易有限公司', caseNumber: 'HJ-1' });
console.log(JSON.stringify({ coldMs: performance.now() - start }));

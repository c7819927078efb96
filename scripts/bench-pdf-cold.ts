export {};
/**
 * One cold PDF render in a fresh process (module load and font read included); prints
 * wall-clock and CPU ms. PDF_ROOT renders with another checkout's code (bench-pdf-compare.ts
 * runs this against the base commit too); default this one.
 */
const start = performance.now();
const cpu = process.cpuUsage();
const { resolve } = await import('node:path');
const root = resolve(process.env.PDF_ROOT ?? '.');
const { readFileSync } = await import('node:fs');
const { formDefinitionSchema } = await import(`${root}/src/lib/form-definition.ts`);
const { renderFormPdf } = await import(`${root}/src/lib/pdf/form-pdf.ts`);
const { workHandoverValues } = await import(`${root}/tests/fixtures/form-values.ts`);
const def = formDefinitionSchema.parse(JSON.parse(readFileSync(`${root}/content/forms/work-handover.json`, 'utf8')));
await renderFormPdf({ definition: def, values: workHandoverValues(def), company: '上海某某贸易有限公司', caseNumber: 'HJ-1' });
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ coldMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 }));

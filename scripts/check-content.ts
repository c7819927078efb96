/**
 * Fast check of the editable content without a full site build:
 *   npx tsx scripts/check-content.ts [file …]
 * Runs the same checks as the content collections in src/content.config.ts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checkFormSource, checkPolicySource } from '../src/lib/content-check.js';

const listDir = (dir: string, ext: string) => readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => join(dir, f));

const formFiles = listDir('content/forms', '.json');
const formIds = new Set(formFiles.map((f) => basename(f, '.json')));
const files = process.argv.length > 2 ? process.argv.slice(2) : [...formFiles, ...listDir('content/policies', '.md')];

let failed = 0;
for (const file of files) {
  const source = readFileSync(file, 'utf8');
  const problems = file.endsWith('.json') ? checkFormSource(basename(file, '.json'), source) : checkPolicySource(source, formIds);
  for (const p of problems) console.error(`ERR ${file}: ${p}`);
  if (problems.length) failed++;
  else console.log(`ok  ${file}`);
}
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

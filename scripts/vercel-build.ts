/**
 * `npm run build:vercel`: `vercel build` as the platform would run it for this project, without
 * a login or `vercel link` — the output (.vercel/output) is what `npm run serve:vercel` serves.
 * Extra arguments go to `vercel build` (e.g. `--prod`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
// What `vercel link` would write. With the settings in it, `vercel build` asks no account for
// them; the framework is null because vercel.json gives the build command and output folder.
mkdirSync('.vercel', { recursive: true });
writeFileSync('.vercel/project.json', `${JSON.stringify({ projectId: 'prj_handover_kit_local', orgId: 'team_local', settings: { framework: null } })}\n`);
const result = spawnSync('node_modules/.bin/vercel', ['build', '--yes', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, VERCEL_TELEMETRY_DISABLED: '1' },
});
process.exit(result.status ?? 1);

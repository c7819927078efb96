/**
 * A bad template must fail the real `astro build` with a message naming the file and the
 * problem. Runs the build in a scratch copy of the project so the real content is untouched.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve('.');
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'handover-build-'));
  for (const item of ['package.json', 'tsconfig.json', 'astro.config.mjs', 'src', 'content', 'public']) {
    cpSync(join(root, item), join(scratch, item), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function buildOutput(): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'node_modules/astro/astro.js'), 'build'], {
      cwd: scratch,
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { ok: true, output: stdout + stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

const base = readFileSync(join(root, 'content/policies/general-handover-policy.md'), 'utf8');

describe('astro build rejects bad content', () => {
  it('fails on an undeclared variable, naming the file and the variable', async () => {
    writeFileSync(join(scratch, 'content/policies/zz-bad-variable.md'), base.replace(/\n---\n/, '\n---\n\n本制度由{{approvalBoard}}批准。\n'));
    const { ok, output } = await buildOutput();
    expect(ok).toBe(false);
    expect(output).toContain('content/policies/zz-bad-variable.md: 正文使用了未声明的变量 {{approvalBoard}}');
    rmSync(join(scratch, 'content/policies/zz-bad-variable.md'));
  });

  it('fails on an unknown category, naming the entry and the field', async () => {
    writeFileSync(join(scratch, 'content/policies/zz-bad-category.md'), base.replace(/\ncategory: \S+/, '\ncategory: finance'));
    const { ok, output } = await buildOutput();
    expect(ok).toBe(false);
    expect(output).toContain('zz-bad-category');
    expect(output).toContain('分类 category 必须是以下之一');
    rmSync(join(scratch, 'content/policies/zz-bad-category.md'));
  });

  it('fails on a malformed form definition, naming the file and the field', async () => {
    const form = JSON.parse(readFileSync(join(root, 'content/forms/work-handover.json'), 'utf8'));
    form.id = 'zz-bad-form';
    form.sections[0].fields[1].type = 'signature';
    form.sections[1].fields[0].columns[3].options = ['只有一个'];
    form.sections[1].fields[0].columns[3].type = 'choice';
    writeFileSync(join(scratch, 'content/forms/zz-bad-form.json'), JSON.stringify(form));
    const { ok, output } = await buildOutput();
    expect(ok).toBe(false);
    expect(output).toContain('zz-bad-form.json');
    expect(output).toContain('sections[0] (id: basic).fields[1] (id: department).type: 字段类型 type 必须是以下之一：text, longtext');
    expect(output).toContain('sections[1] (id: duties).fields[0] (id: duties).columns[3] (id: status).options: 选项 options 至少两个');
    rmSync(join(scratch, 'content/forms/zz-bad-form.json'));
  });

  it('fails on a rule naming a field the form does not have', async () => {
    const form = JSON.parse(readFileSync(join(root, 'content/forms/office-property.json'), 'utf8'));
    form.id = 'zz-bad-rule';
    form.rules = [{ field: 'lastDay', notBefore: 'handoverDate' }];
    form.sections[1].fields[0].rules = [{ when: { field: 'condition', equals: '有损坏' }, require: 'damageNote' }];
    writeFileSync(join(scratch, 'content/forms/zz-bad-rule.json'), JSON.stringify(form));
    const { ok, output } = await buildOutput();
    expect(ok).toBe(false);
    expect(output).toContain('content/forms/zz-bad-rule.json: rules[0]: 指向不存在的字段 lastDay');
    expect(output).toContain('content/forms/zz-bad-rule.json: sections[1] (id: equipment).fields[0] (id: equipment).rules[0]: require 指向不存在的字段 damageNote');
    rmSync(join(scratch, 'content/forms/zz-bad-rule.json'));
  });
});

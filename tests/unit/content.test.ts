import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFormSource, checkPolicySource } from '../../src/lib/content-check.js';
import { CATEGORIES } from '../../src/lib/categories.js';
import { splitFrontmatter } from '../../src/lib/frontmatter.js';

const list = (dir: string, ext: string) => readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => join(dir, f));
const formFiles = list('content/forms', '.json');
const policyFiles = list('content/policies', '.md');
const formIds = new Set(formFiles.map((f) => basename(f, '.json')));

describe('shipped content', () => {
  it.each(formFiles)('%s is a valid form definition', (file) => {
    expect(checkFormSource(basename(file, '.json'), readFileSync(file, 'utf8'))).toEqual([]);
  });

  it.each(policyFiles)('%s is a valid policy template', (file) => {
    expect(checkPolicySource(readFileSync(file, 'utf8'), formIds)).toEqual([]);
  });

  it('has at least 16 templates with ASCII file names, covering all five categories', () => {
    expect(policyFiles.length).toBeGreaterThanOrEqual(16);
    for (const f of policyFiles) expect(basename(f)).toMatch(/^[a-z0-9-]+\.md$/);
    const categories = new Set(policyFiles.map((f) => /\ncategory:\s*(\S+)/.exec(readFileSync(f, 'utf8'))![1]));
    expect([...categories].sort()).toEqual(CATEGORIES.map((c) => c.slug).sort());
  });

  it('every form is used by at least one template', () => {
    const used = new Set(policyFiles.flatMap((f) => /\nforms:\s*\[([^\]]*)\]/.exec(readFileSync(f, 'utf8'))?.[1].split(',').map((s) => s.trim()) ?? []));
    for (const id of formIds) expect(used, id).toContain(id);
  });

  it('templates have substance and start at h2', () => {
    for (const f of policyFiles) {
      const { body } = splitFrontmatter(readFileSync(f, 'utf8'))!;
      expect(body.replace(/\s/g, '').length, f).toBeGreaterThan(1000);
      expect(body, f).not.toMatch(/^# /m);
    }
  });
});

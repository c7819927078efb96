import { describe, expect, it } from 'vitest';
import { checkPolicySource } from '../../src/lib/content-check.js';

const forms = new Set(['work-handover', 'handover-confirmation']);

function template({ category = 'general', variables = '', forms: formIds = '[work-handover]', body = '## 一、目的\n\n正文。' } = {}) {
  return `---
title: 测试制度
category: ${category}
summary: 用于测试的制度模板。
appliesTo: [离职, 调岗]
parties:
  - role: 移交人
    who: 离职员工
  - role: 接收人
    who: 接手人员
variables:${variables || ' []'}
forms: ${formIds}
version: "1.0"
updated: 2026-11-23
---
${body}
`;
}

const companyVar = `
  - key: companyName
    label: 公司名称
    default: 某某有限公司`;

describe('policy template validation', () => {
  it('accepts a sound template', () => {
    expect(checkPolicySource(template({ variables: companyVar, body: '{{companyName}}的制度。' }), forms)).toEqual([]);
  });

  it('names an undeclared variable', () => {
    const problems = checkPolicySource(template({ body: '由{{archiveDept}}存档。' }), forms);
    expect(problems).toEqual(['正文使用了未声明的变量 {{archiveDept}}：请在 variables 中声明，或改正拼写']);
  });

  it('names a declared variable the body never uses', () => {
    expect(checkPolicySource(template({ variables: companyVar }), forms)).toEqual([
      '变量 companyName 已声明但正文未使用：请删除声明或在正文中使用 {{companyName}}',
    ]);
  });

  it('rejects an unknown category with the allowed list', () => {
    const [problem] = checkPolicySource(template({ category: 'finance' }), forms);
    expect(problem).toMatch(/^category: 分类 category 必须是以下之一：general, sales, operations, customer-service, institutional$/);
  });

  it('rejects an unknown form id', () => {
    const [problem] = checkPolicySource(template({ forms: '[no-such-form]' }), forms);
    expect(problem).toContain('引用了不存在的表单 no-such-form');
  });

  it('points at the bad variable declaration by its key', () => {
    const bad = `
  - key: companyName
    label: 公司名称
    default: ""`;
    const [problem] = checkPolicySource(template({ variables: bad, body: '{{companyName}}' }), forms);
    expect(problem).toBe('variables[0].default: 变量默认值 default不能为空');
  });

  it('reports broken YAML and missing frontmatter', () => {
    expect(checkPolicySource('## 只有正文', forms)).toEqual(['缺少 --- 包围的 frontmatter']);
    expect(checkPolicySource('---\ntitle: [\n---\n正文', forms)[0]).toMatch(/^frontmatter 不是合法的 YAML/);
  });
});

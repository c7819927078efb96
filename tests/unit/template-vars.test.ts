import { describe, expect, it } from 'vitest';
import { fillVariables, splitVariables, usedVariables } from '../../src/lib/template-vars.js';

describe('template variables', () => {
  it('splits text into literal and variable segments', () => {
    expect(splitVariables('为保证{{companyName}}业务连续，提前{{ noticePeriod }}申请。')).toEqual([
      { kind: 'text', text: '为保证' },
      { kind: 'variable', key: 'companyName' },
      { kind: 'text', text: '业务连续，提前' },
      { kind: 'variable', key: 'noticePeriod' },
      { kind: 'text', text: '申请。' },
    ]);
  });

  it('lists each used key once, in order', () => {
    expect(usedVariables('{{b}} {{a}} {{b}}')).toEqual(['b', 'a']);
    expect(usedVariables('没有变量')).toEqual([]);
  });

  it('fills known keys and leaves unknown ones visible', () => {
    expect(fillVariables('{{companyName}}由{{hrDept}}解释', { companyName: '某某有限公司' })).toBe('某某有限公司由{{hrDept}}解释');
  });
});

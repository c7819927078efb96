import { STATUS_VALUES, type ScalarField } from './form-definition.js';

/**
 * What one cell or field may hold. Every value is kept as the text the user typed (so nothing
 * is lost while it is still wrong); these functions say whether it is valid and, for pasted
 * text, turn common spellings into the canonical form (2026/3/5 → 2026-03-05).
 */

export const YES_NO = ['是', '否'] as const;

export const MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}\d{7,8}(?:(?:转|ext\.?|#|-)\d{1,6})?$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Removes the separators people put in phone numbers: spaces, dashes, brackets. */
export function compactPhone(v: string): string {
  return v.replace(/[\s\-()（）]/g, '').replace(/^\+86|^0086/, '');
}

export function isValidDate(v: string): boolean {
  const m = DATE.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** Money/number text without thousands separators, ¥/￥/元 or full-width digits. */
function numericText(v: string): string {
  return v.normalize('NFKC').replace(/[,\s¥元]/g, '');
}

/** Parses money/number text; null when it is not a plain decimal number. */
export function parseNumber(v: string): number | null {
  const t = numericText(v);
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}

/** zh-CN message for an invalid value, or null when the value is acceptable. */
export function validateValue(field: ScalarField, raw: string): string | null {
  const v = raw.trim();
  if (!v) return field.required ? `请填写${field.label}` : null;
  switch (field.type) {
    case 'text':
    case 'longtext':
      return v.length > field.maxLength ? `${field.label}不能超过 ${field.maxLength} 字（当前 ${v.length} 字）` : null;
    case 'date':
      return isValidDate(v) ? null : `${field.label}不是有效日期，请按 2026-03-05 的格式填写`;
    case 'number': {
      const n = parseNumber(v);
      if (n === null) return `${field.label}必须是数字`;
      if (field.integer && !Number.isInteger(n)) return `${field.label}必须是整数`;
      if (field.min !== undefined && n < field.min) return `${field.label}不能小于 ${field.min}`;
      if (field.max !== undefined && n > field.max) return `${field.label}不能大于 ${field.max}`;
      return null;
    }
    case 'money': {
      const n = parseNumber(v);
      if (n === null) return `${field.label}必须是金额数字，例如 12800 或 12,800.50`;
      if (n < 0) return `${field.label}不能为负数`;
      return /^\d+(\.\d{1,2})?$/.test(numericText(v)) ? null : `${field.label}最多两位小数`;
    }
    case 'phone': {
      const c = compactPhone(v);
      return MOBILE.test(c) || LANDLINE.test(c) ? null : `${field.label}格式不正确：手机号为 11 位（如 13812345678），座机带区号（如 010-12345678）`;
    }
    case 'email':
      return EMAIL.test(v) && v.length <= 254 ? null : `${field.label}不是有效的邮箱地址`;
    case 'choice':
      return field.options.includes(v) ? null : `${field.label}只能选择：${field.options.join('、')}`;
    case 'status':
      return (STATUS_VALUES as readonly string[]).includes(v) ? null : `${field.label}只能是：${STATUS_VALUES.join('、')}`;
    case 'yesno':
      return (YES_NO as readonly string[]).includes(v) ? null : `${field.label}只能是“是”或“否”`;
    case 'rating': {
      const n = Number(v);
      return Number.isInteger(n) && n >= 1 && n <= field.max ? null : `${field.label}请打 1 到 ${field.max} 分`;
    }
  }
}

/**
 * Canonical form of pasted or imported text for a field; unrecognised text is returned
 * trimmed but otherwise unchanged, so validation can mark it rather than lose it.
 */
export function normalizeValue(field: ScalarField, raw: string): string {
  const v = raw.replace(/\r/g, '').trim();
  if (!v) return '';
  const nfkc = v.normalize('NFKC');
  switch (field.type) {
    case 'date': {
      const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(nfkc);
      return m ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}` : v;
    }
    case 'money':
    case 'number': {
      const n = parseNumber(v);
      return n === null ? v : String(n);
    }
    case 'phone':
      return nfkc.replace(/\s+/g, ' ');
    case 'email':
      return nfkc.toLowerCase();
    case 'choice': {
      const hit = field.options.find((o) => o.normalize('NFKC').toLowerCase() === nfkc.toLowerCase());
      return hit ?? v;
    }
    case 'yesno':
      if (/^(是|y|yes|true|1|√|✓)$/i.test(nfkc)) return '是';
      if (/^(否|n|no|false|0|×|✗)$/i.test(nfkc)) return '否';
      return v;
    case 'rating': {
      const m = /^(\d+)\s*分?$/.exec(nfkc);
      return m ? m[1] : v;
    }
    default:
      return v;
  }
}

/** One formatter: toLocaleString builds a new one per call, most of a 1,000-row PDF's formatting time. */
let amountFormat: Intl.NumberFormat | undefined;

/** How a value reads in print and PDF: amounts with thousands separators and two decimals. */
export function displayValue(field: ScalarField, raw: string): string {
  if (field.type === 'money') {
    const n = parseNumber(raw);
    if (n !== null) return (amountFormat ??= new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })).format(n);
  }
  return raw;
}

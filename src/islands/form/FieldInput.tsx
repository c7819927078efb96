import { memo } from 'react';
import type { ScalarField } from '../../lib/form-definition.js';
import { STATUS_VALUES } from '../../lib/form-definition.js';
import { YES_NO } from '../../lib/field-values.js';

interface Props {
  field: ScalarField;
  value: string;
  id: string;
  /** Accessible name when there is no visible <label> (table cells). */
  ariaLabel?: string;
  invalid: boolean;
  errorId?: string;
  compact?: boolean;
  onChange: (value: string) => void;
  onBlur?: () => void;
}

/** One input for one scalar field type; the value is always the text as typed. */
export const FieldInput = memo(function FieldInput({ field, value, id, ariaLabel, invalid, errorId, compact, onChange, onBlur }: Props) {
  const common = {
    id,
    'aria-label': ariaLabel,
    'aria-invalid': invalid || undefined,
    'aria-describedby': invalid ? errorId : undefined,
    'aria-required': field.required || undefined,
    onBlur,
    className: `fi fi-${field.type}`,
  };
  const options = (list: readonly string[], placeholder = compact ? '' : '请选择') => (
    <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{placeholder}</option>
      {/* A pasted value that is not an option stays visible (and marked) rather than vanishing. */}
      {value && !list.includes(value) && <option value={value}>{value}</option>}
      {list.map((o) => (
        <option key={o} value={o}>{o}</option>
      ))}
    </select>
  );
  // A one-line input would drop the line breaks of a cell pasted from Excel ("a\nb"): text with
  // line breaks is edited in a textarea tall enough to show them.
  const lines = value.split('\n').length;
  switch (field.type) {
    case 'longtext':
      return <textarea {...common} value={value} rows={compact ? Math.min(lines, 4) : Math.max(3, Math.min(lines, 8))} maxLength={field.maxLength + 1000} onChange={(e) => onChange(e.target.value)} />;
    case 'choice':
      return options(field.options);
    case 'status':
      return options(STATUS_VALUES);
    case 'yesno':
      return options(YES_NO);
    case 'rating':
      return options(Array.from({ length: field.max }, (_, i) => String(i + 1)), compact ? '' : '请打分');
    case 'date':
      // A date input cannot show text it cannot parse, so an invalid pasted date stays a text box.
      return value && !/^\d{4}-\d{2}-\d{2}$/.test(value) ? (
        <input {...common} type="text" value={value} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type="date" value={value} onChange={(e) => onChange(e.target.value)} />
      );
    case 'number':
    case 'money':
      return <input {...common} type="text" inputMode="decimal" value={value} onChange={(e) => onChange(e.target.value)} />;
    case 'phone':
      return <input {...common} type="tel" autoComplete="off" value={value} onChange={(e) => onChange(e.target.value)} />;
    case 'email':
      return <input {...common} type="email" autoComplete="off" value={value} onChange={(e) => onChange(e.target.value)} />;
    default:
      return lines > 1 ? (
        <textarea {...common} value={value} rows={Math.min(lines, 4)} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type="text" value={value} onChange={(e) => onChange(e.target.value)} />
      );
  }
});

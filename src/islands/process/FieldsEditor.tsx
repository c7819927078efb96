import { useCallback, useMemo } from 'react';
import type { FormDefinition, TableField } from '../../lib/form-definition.js';
import { allFields, rowsOf, textOf, type FormValues, type Row } from '../../lib/form-data.js';
import { validateValue } from '../../lib/field-values.js';
import { FieldInput } from '../form/FieldInput.js';
import { TableEditor } from '../form/TableEditor.js';

interface Props {
  definition: FormDefinition;
  values: FormValues;
  onChange: (update: (v: FormValues) => FormValues) => void;
  announce: (m: string) => void;
  /** Fields (ids) to leave out: those the process fills itself. */
  hide?: string[];
}

/** The inputs of one form definition (scalar fields and tables), for editing inside the case page. */
export function FieldsEditor({ definition, values, onChange, announce, hide = [] }: Props) {
  const fields = useMemo(() => allFields(definition).filter((f) => f.type !== 'computed' && !hide.includes(f.id)), [definition, hide]);
  const setRows = useCallback(
    (table: TableField) => (update: (rows: Row[]) => Row[]) => onChange((v) => ({ ...v, [table.id]: update(rowsOf(v, table.id)) })),
    [onChange],
  );
  return (
    <div className="fields-editor">
      {fields.map((f) => {
        if (f.type === 'computed') return null;
        if (f.type === 'table') {
          return (
            <section key={f.id} className="field-table">
              <h3>{f.label}</h3>
              <TableEditor table={f} rows={rowsOf(values, f.id)} formTitle={definition.title} onRowsChange={setRows(f)} announce={announce} />
            </section>
          );
        }
        const value = textOf(values, f.id);
        const error = value ? validateValue(f, value) : null;
        return (
          <div key={f.id} className={`field${f.type === 'longtext' ? ' field-wide' : ''}`}>
            <label htmlFor={`pf-${f.id}`}>{f.label}{f.required && <span className="req" aria-hidden="true"> *</span>}</label>
            <FieldInput field={f} id={`pf-${f.id}`} value={value} invalid={!!error} errorId={`pf-${f.id}-err`} onChange={(val) => onChange((v) => ({ ...v, [f.id]: val }))} />
            {error && <span className="field-error" id={`pf-${f.id}-err`}>{error}</span>}
          </div>
        );
      })}
    </div>
  );
}

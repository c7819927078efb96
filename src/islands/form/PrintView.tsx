import { memo } from 'react';
import type { FormDefinition, TableField } from '../../lib/form-definition.js';
import { formatComputed, isRowEmpty, rowsOf, textOf, type FormValues, type Row } from '../../lib/form-data.js';
import { displayValue } from '../../lib/field-values.js';

/**
 * The filled form as it prints on A4: values as plain text, tables with repeating headers,
 * and an empty signature box per party in signing order. Hidden on screen.
 */
const BLANK_ROWS = 3;

const PrintRow = memo(function PrintRow({ table, row, n }: { table: TableField; row: Row; n: number }) {
  return (
    <tr>
      <td className="col-no">{n}</td>
      {table.columns.map((c) => <td key={c.id} className={`col-${c.type}`}>{displayValue(c, row[c.id] ?? '')}</td>)}
    </tr>
  );
});

export const PrintView = memo(function PrintView({ definition, values }: { definition: FormDefinition; values: FormValues }) {
  return (
    <div className="print-view" aria-hidden="true">
      <h1 className="print-title">{definition.title}</h1>
      {definition.sections.map((section) => (
        <section key={section.id} className="print-section">
          <h2>{section.title}</h2>
          <div className="print-fields">
            {section.fields.map((f) => {
              if (f.type === 'table') {
                const rows = rowsOf(values, f.id).filter((r) => !isRowEmpty(r));
                return (
                  <table key={f.id} className="print-table">
                    <thead>
                      <tr>
                        <th className="col-no">序号</th>
                        {f.columns.map((c) => <th key={c.id} className={`col-${c.type}`}>{c.label}</th>)}
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((r, i) => <PrintRow key={i} table={f} row={r} n={i + 1} />)}
                      {rows.length === 0 &&
                        Array.from({ length: BLANK_ROWS }, (_, i) => (
                          <tr key={i} className="blank-row"><td className="col-no">{i + 1}</td>{f.columns.map((c) => <td key={c.id} />)}</tr>
                        ))}
                    </tbody>
                  </table>
                );
              }
              const value = f.type === 'computed' ? formatComputed(definition, f.id, values) : displayValue(f, textOf(values, f.id));
              return (
                <div key={f.id} className={f.type === 'longtext' ? 'print-kv print-kv-wide' : 'print-kv'}>
                  <span className="print-label">{f.label}</span>
                  <span className="print-value">{value}</span>
                </div>
              );
            })}
          </div>
        </section>
      ))}
      <section className="print-section signatures">
        <h2>签字确认（{definition.signing.order === 'sequential' ? '依次签署' : '各方可同时签署'}）</h2>
        <div className="sign-grid">
          {definition.signing.parties.map((p, i) => (
            <div className="sign-box" key={i}>
              <div className="sign-role">{p.label ?? p.role}</div>
              <div className="sign-row">签字：</div>
              <div className="sign-row">日期：</div>
            </div>
          ))}
        </div>
      </section>
    </div>
  );
});

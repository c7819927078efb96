import { Suspense, lazy, useEffect, useMemo, useRef } from 'react';
import { chineseNumeral, clauseTitle, numberedClauses, type Clause } from '../../../lib/policy-doc.js';
import { previewHtml } from '../preview.js';
import type { VariableOptions } from './schema.js';

/**
 * The clauses of a policy as HR edits them: switch, move, rename, and the body shown as the
 * document reads; "编辑正文" opens the rich-text editor for that one clause. The editor is
 * a separate chunk, fetched the first time a clause is opened.
 */
const ClauseEditor = lazy(() => import('./ClauseEditor.js'));

interface Props {
  clauses: Clause[];
  original: Clause[];
  values: Record<string, string>;
  variables: ReadonlyArray<{ key: string; label: string }>;
  editing: string | null;
  setEditing: (id: string | null) => void;
  update: (id: string, patch: Partial<Clause>) => void;
  move: (index: number, by: number) => void;
  reset: (id: string) => void;
  remove: (id: string) => void;
}

export function ClauseList({ clauses, original, values, variables, editing, setEditing, update, move, reset, remove }: Props) {
  const numbers = useMemo(() => new Map(numberedClauses(clauses).map((x) => [x.clause.id, x.number])), [clauses]);
  const labels = useMemo(() => new Map(variables.map((v) => [v.key, v.label])), [variables]);
  // Closing the editor (完成 or Escape) puts the keyboard back on that clause's 编辑正文 button.
  const list = useRef<HTMLOListElement>(null);
  const lastEditing = useRef<string | null>(null);
  useEffect(() => {
    const closed = lastEditing.current;
    lastEditing.current = editing;
    if (closed && !editing) list.current?.querySelector<HTMLButtonElement>(`button[data-edit="${CSS.escape(closed)}"]`)?.focus();
  }, [editing]);
  const lookup = useMemo<VariableOptions['lookup']>(() => (key) => ({ label: labels.get(key) ?? key, value: values[key] ?? '' }), [labels, values]);

  return (
    <ol className="cz-clauses" ref={list}>
      {clauses.map((c, i) => {
        const o = original.find((x) => x.id === c.id);
        const changed = c.origin === 'template' && o && (o.heading !== c.heading || o.body !== c.body || !c.enabled);
        const n = numbers.get(c.id);
        const title = clauseTitle(c.heading);
        const label = n ? `${chineseNumeral(n)}、${title}` : title || '开头部分';
        return (
          <li key={c.id} className={c.enabled ? 'cz-clause' : 'cz-clause cz-off'} data-testid="clause">
            <div className="cz-clause-bar">
              <label className="cz-toggle">
                <input type="checkbox" checked={c.enabled} onChange={(e) => update(c.id, { enabled: e.target.checked })} aria-label={`启用条款 ${label}`} />
                {c.optional ? '可选条款' : c.origin === 'custom' ? '自定义条款' : '启用'}
              </label>
              <button type="button" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`上移 ${label}`}>↑</button>
              <button type="button" onClick={() => move(i, 1)} disabled={i === clauses.length - 1} aria-label={`下移 ${label}`}>↓</button>
              {changed && <button type="button" onClick={() => reset(c.id)}>恢复原文</button>}
              {c.origin === 'custom' && <button type="button" onClick={() => remove(c.id)}>删除</button>}
            </div>
            <div className="cz-heading-row">
              {/* The number is computed from the position among enabled clauses, so it is not editable. */}
              {n && <span className="cz-number" aria-hidden="true">{chineseNumeral(n)}、</span>}
              <input
                className="cz-heading"
                type="text"
                value={c.heading}
                placeholder="（无标题）"
                maxLength={100}
                aria-label={`条款标题 ${label}`}
                onChange={(e) => update(c.id, { heading: e.target.value })}
                onBlur={(e) => e.target.value !== clauseTitle(e.target.value) && update(c.id, { heading: clauseTitle(e.target.value) })}
              />
            </div>
            {editing === c.id ? (
              <Suspense fallback={<p className="muted">正在打开编辑器…</p>}>
                <ClauseEditor label={label} markdown={c.body} onChange={(body) => update(c.id, { body })} onClose={() => setEditing(null)} variables={variables} lookup={lookup} />
              </Suspense>
            ) : (
              <>
                <div className="cz-body-view" onClick={() => setEditing(c.id)} title="点击编辑正文" dangerouslySetInnerHTML={{ __html: c.body.trim() ? previewHtml(c.body, values) : '<p class="muted">（正文为空）</p>' }} />
                <p className="cz-clause-actions">
                  <button type="button" data-edit={c.id} onClick={() => setEditing(c.id)} aria-label={`编辑正文 ${label}`}>编辑正文</button>
                </p>
              </>
            )}
          </li>
        );
      })}
    </ol>
  );
}

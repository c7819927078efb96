import { memo, type MouseEvent } from 'react';
import type { FormError } from '../../lib/form-errors.js';
import './table-editor.css';
import { whenRendered } from './useWindowedRows.js';

/** Asks the table holding `id` to show it (a filter may hide its row), then focuses it. */
export const SHOW_CELL_EVENT = 'handover:show-cell';

export function focusById(id: string) {
  const go = (el: HTMLElement) => {
    el.scrollIntoView({ block: 'center' });
    el.focus();
  };
  const el = document.getElementById(id);
  if (el) return go(el);
  // Not rendered: its row is filtered out or outside a long table's window. The table scrolls
  // to it; it is focused as soon as it is there.
  window.dispatchEvent(new CustomEvent(SHOW_CELL_EVENT, { detail: id }));
  whenRendered(id, go);
}

interface Props {
  errors: FormError[];
  /** DOM id of the input to focus for an error path. */
  anchor: (path: string) => string;
  title?: string;
  max?: number;
  /** How many errors there are when `errors` holds only the first ones (a 1,000-row table's summary). */
  total?: number;
  testId?: string;
}

/**
 * Errors next to the button that found them: a link to the first one, then each error (its
 * place in words) as a link that focuses the field or table cell to correct.
 */
// Memoized: the form page's summary stays as it is while the form re-renders for each keystroke.
export const ErrorList = memo(function ErrorList({ errors, anchor, title, max = 10, total = errors.length, testId }: Props) {
  if (errors.length === 0) return null;
  const link = (path: string) => ({
    href: `#${anchor(path)}`,
    onClick: (e: MouseEvent) => {
      e.preventDefault();
      focusById(anchor(path));
    },
  });
  return (
    <div className="error-list" data-testid={testId}>
      {title && <p className="error-list-title"><strong>{title}</strong></p>}
      <p>
        <a className="first-error" {...link(errors[0].path)}>转到第一处需要修改的地方</a>
        {total > 1 && <span>（共 {total} 处）</span>}
      </p>
      <ul>
        {errors.slice(0, max).map((e) => (
          <li key={e.path + e.text}><a {...link(e.path)}>{e.text}</a></li>
        ))}
        {total > max && <li>……另有 {total - Math.min(max, errors.length)} 处</li>}
      </ul>
    </div>
  );
});

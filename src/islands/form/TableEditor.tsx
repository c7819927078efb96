import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type ClipboardEvent, type FocusEvent, type KeyboardEvent } from 'react';
import { decodeTextFile, gridFormatOf } from '../../lib/text-file.js';
import { isOldExcelName, isXlsxName, readXlsxGrid, XlsxImportError } from '../../lib/xlsx-import.js';
import type { TableField } from '../../lib/form-definition.js';
import { tableWidthEm } from '../../lib/column-widths.js';
import { checkTable, emptyRow, rowErrors, type Row } from '../../lib/form-data.js';
import { applyImport, looksLikeGrid, parseGrid, planImport, tableToCsv, type ImportMode, type ImportPlan } from '../../lib/table-import.js';
import { cellId } from '../../lib/form-errors.js';
import { FieldInput } from './FieldInput.js';
import { MappingDialog } from './MappingDialog.js';
import { SHOW_CELL_EVENT } from './ErrorList.js';
import { useWindowedRows, whenRendered } from './useWindowedRows.js';
import { useSettled } from './useSettled.js';
import type { RowsSource } from './valuesStore.js';
import './table-editor.css';
import { downloadText } from './download.js';

interface Props {
  table: TableField;
  rows: Row[];
  formTitle: string;
  onRowsChange: (update: (rows: Row[]) => Row[]) => void;
  announce: (message: string) => void;
}

interface GridProps {
  table: TableField;
  /** The rows, read row by row: a keystroke re-renders its own row only. */
  source: RowsSource;
  formTitle: string;
  announce: (message: string) => void;
}

interface RowProps {
  table: TableField;
  source: RowsSource;
  index: number;
  /** Place among the rows shown (the filter may hide some). */
  position: number;
  selected: boolean;
  measure: ((el: Element | null) => void) | undefined;
  onCell: (index: number, column: string, value: string) => void;
  onRemove: (index: number) => void;
  onSelect: (index: number, selected: boolean) => void;
}

const NO_ROW: Row = {};

interface CellProps {
  tableId: string;
  column: TableField['columns'][number];
  index: number;
  value: string;
  error: string | undefined;
  onCell: (index: number, column: string, value: string) => void;
}

/** One cell: re-rendered when its own value or error changes, not with the rest of its row. */
const TableCell = memo(function TableCell({ tableId, column, index, value, error, onCell }: CellProps) {
  const id = cellId(tableId, index, column.id);
  const onChange = useCallback((v: string) => onCell(index, column.id, v), [onCell, index, column.id]);
  return (
    <td className={error ? 'cell cell-invalid' : 'cell'} data-col={column.id}>
      <FieldInput field={column} id={id} ariaLabel={`第 ${index + 1} 行 ${column.label}`} value={value} invalid={!!error} errorId={`${id}-err`} compact onChange={onChange} />
      {error && <span className="cell-error" id={`${id}-err`} role="note">{error}</span>}
    </td>
  );
});

const TableRow = memo(function TableRow({ table, source, index, position, selected, measure, onCell, onRemove, onSelect }: RowProps) {
  // Subscribed to its own row: typing in another row (or a top-level field) does not render it.
  // The same function while the row stays at its index: a new one each render would make React
  // schedule an extra task after every keystroke to re-check the store.
  const own = useCallback(() => source.get()[index] ?? NO_ROW, [source, index]);
  const row = useSyncExternalStore(source.subscribe, own, own);
  const errors = rowErrors(table, row); // checked once per row object: only the edited row is checked again
  return (
    <tr data-row={index} data-index={position} ref={measure} aria-rowindex={position + 2} className={selected ? 'row-selected' : undefined}>
      <th scope="row" className="rownum">
        <label>
          <input type="checkbox" checked={selected} aria-label={`选择第 ${index + 1} 行`} onChange={(e) => onSelect(index, e.target.checked)} />
          <span>{index + 1}</span>
        </label>
      </th>
      {table.columns.map((c) => (
        <TableCell key={c.id} tableId={table.id} column={c} index={index} value={row[c.id] ?? ''} error={errors[c.id]} onCell={onCell} />
      ))}
      <td className="row-actions">
        <button type="button" className="icon-btn" aria-label={`删除第 ${index + 1} 行`} title="删除此行" onClick={() => onRemove(index)}>×</button>
      </td>
    </tr>
  );
});

const rowCountOf = (rows: Row[]) => rows.length;

/** Orders a choice column by its option order (A, B, C); other columns by their text. */
function sortRows(table: TableField, rows: Row[], columnId: string): Row[] {
  const col = table.columns.find((c) => c.id === columnId)!;
  const rank = (v: string) => (col.type === 'choice' ? (col.options.indexOf(v) + 1 || 999) : 0);
  return [...rows].sort((a, b) => rank(a[columnId]) - rank(b[columnId]) || (a[columnId] ?? '').localeCompare(b[columnId] ?? '', 'zh-CN'));
}

/** Cells that move to the row above/below with the arrow keys and Enter: one-line text boxes (a date, a list or a text area uses those keys itself). */
const LINE_INPUT = new Set(['text', 'tel', 'email']);

/** Rows whose text contains the filter (any column), by index; `all` when there is no filter. */
function matchingRows(rows: Row[], filter: string, all: number[]): number[] {
  const q = filter.trim().toLowerCase();
  return q ? all.filter((i) => Object.values(rows[i]).some((v) => v.toLowerCase().includes(q))) : all;
}

/**
 * The table editor for a parent that keeps the rows in its state (the case page): the rows
 * are handed to the grid as a source its rows subscribe to.
 */
export const TableEditor = memo(function TableEditor({ rows, onRowsChange, ...rest }: Props) {
  const source = usePropsSource(rows, onRowsChange);
  return <TableGrid source={source} {...rest} />;
});

function usePropsSource(rows: Row[], onRowsChange: Props['onRowsChange']): RowsSource {
  const current = useRef({ rows, onRowsChange });
  // Read by the grid's rows while this renders; they are told of the change once it is committed.
  current.current = { rows, onRowsChange };
  const [listeners] = useState(() => new Set<() => void>());
  const [source] = useState<RowsSource>(() => ({
    get: () => current.current.rows,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    update: (change) => current.current.onRowsChange(change),
  }));
  useLayoutEffect(() => {
    for (const listener of [...listeners]) listener();
  }, [rows, listeners]);
  return source;
}

/**
 * The rows of a table with their toolbar, import, filter and bulk setting. It renders when the
 * row count, the filter, the selection or the settled rows (once typing pauses) change; a
 * keystroke renders only its row (TableRow subscribes to it).
 */
export const TableGrid = memo(function TableGrid({ table, source, formTitle, announce }: GridProps) {
  const onRowsChange = source.update;
  const [plan, setPlan] = useState<ImportPlan | null>(null);
  const [status, setStatus] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [filter, setFilter] = useState('');
  const [bulkColumn, setBulkColumn] = useState(() => (table.columns.find((c) => c.type === 'status') ?? table.columns[0]).id);
  const [bulkValue, setBulkValue] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  // A fixed-layout table needs a definite width, or typing into one cell makes the browser
  // re-measure every row (500 rows: ~200 ms per key instead of ~20). Set through the CSSOM,
  // not a style attribute: the CSP forbids inline style attributes.
  useLayoutEffect(() => {
    tableRef.current!.style.width = `${tableWidthEm(table)}em`;
  }, [table]);
  // The row count follows at once (a paste, a new or removed row); the rows' contents as they
  // are when typing pauses. Only rows new or edited since the last check are validated again
  // (checkTable), so the counts and the filter cost a pass over cached results, after the
  // keystroke's frame.
  const rowCount = useSyncExternalStore(source.subscribe, () => source.get().length, () => source.get().length);
  const rows = useSettled(source.subscribe, source.get, rowCountOf);
  const { filled, invalid: invalidRows } = useMemo(() => checkTable(table, rows), [table, rows]);
  /** Rows filled now (the settled count may be a moment behind the typing). */
  const filledNow = () => checkTable(table, source.get()).filled;
  // Unfiltered, the list of shown rows stays the same array while typing (only the row count
  // changes it), so the window's row keys and measurements are not worked out again per key.
  const all = useMemo(() => Array.from({ length: rowCount }, (_, i) => i), [rowCount]);
  const shown = useMemo(() => matchingRows(rows, filter, all), [rows, filter, all]);
  const keyOf = useCallback((p: number) => shown[p], [shown]);
  // A row showing an error message is about twice as tall.
  const kindOf = useCallback((p: number) => (Object.keys(rowErrors(table, source.get()[shown[p]] ?? NO_ROW)).length ? 'error' : 'ok'), [table, source, shown]);
  // Every rendered row is walked again by each keystroke's frame (paint and layerize go over the
  // whole rendered table): three rows beyond each edge (~110–220 px) are margin enough for a
  // wheel's scroll step, and keep ~16 rows rendered instead of ~24.
  const win = useWindowedRows({ count: shown.length, scrollRef, estimate: 38, header: 34, keyOf, kindOf, overscan: 3 });
  // A row to bring into view once rendered (an error link, a new row, the next row by keyboard).
  const [reveal, setReveal] = useState<{ index: number; column?: string } | null>(null);

  // Indexes shift when rows are added, removed or replaced: a selection then means nothing.
  useEffect(() => setSelected(new Set()), [rowCount]);
  // An error link may point at a row the filter hides: clear the filter so it can be focused.
  // Its row may also be outside the rendered window: scroll to it, then ErrorList focuses it.
  useEffect(() => {
    const show = (e: Event) => {
      const id = String((e as CustomEvent).detail);
      if (!id.startsWith(`${table.id}-`)) return;
      setFilter('');
      const index = Number(id.slice(table.id.length + 1).split('-')[0]);
      if (Number.isInteger(index)) setReveal({ index });
    };
    window.addEventListener(SHOW_CELL_EVENT, show);
    return () => window.removeEventListener(SHOW_CELL_EVENT, show);
  }, [table.id]);

  useLayoutEffect(() => {
    if (!reveal) return;
    const position = shown.indexOf(reveal.index);
    if (position < 0) return;
    setReveal(null);
    const column = reveal.column;
    const id = column && cellId(table.id, reveal.index, column);
    if (id && document.getElementById(id)) return document.getElementById(id)!.focus();
    win.scrollTo(position, 'center');
    if (id) whenRendered(id, (el) => el.focus());
  }, [reveal, shown, table.id, win]);

  /** Moves focus to a cell, rendering and scrolling to its row first when needed. */
  const focusCell = (index: number, column: string) => setReveal({ index, column });

  // Arrow keys and Enter in a one-line cell go to the same column one row down/up (as in a
  // spreadsheet); Ctrl+↑/↓ does it from any cell. Tab moves cell to cell as usual: the row
  // after the window is always rendered, and the focused row stays rendered when scrolled away.
  const onGridKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    const td = target.closest<HTMLElement>('td[data-col]');
    const tr = target.closest<HTMLElement>('tr[data-row]');
    if (!td || !tr || e.altKey || e.metaKey) return;
    const line = target instanceof HTMLInputElement && LINE_INPUT.has(target.type);
    let step = 0;
    if (e.key === 'ArrowDown' && (line || e.ctrlKey)) step = 1;
    else if (e.key === 'ArrowUp' && (line || e.ctrlKey)) step = -1;
    else if (e.key === 'Enter' && line && !e.ctrlKey) step = e.shiftKey ? -1 : 1;
    if (!step) return;
    const position = shown.indexOf(Number(tr.dataset.row)) + step;
    if (position < 0 || position >= shown.length) return;
    e.preventDefault();
    focusCell(shown[position], td.dataset.col!);
  };
  // The focused row is kept rendered while scrolled out of the window.
  const onGridFocus = (e: FocusEvent<HTMLDivElement>) => {
    const tr = (e.target as HTMLElement).closest<HTMLElement>('tr[data-index]');
    win.keep(tr ? Number(tr.dataset.index) : null);
  };
  // In a long table the browser's find only sees the rendered rows: Ctrl+F in the table goes to
  // the table's own search (筛选) first; pressed again there, it is the browser's find.
  const onEditorKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!win.windowed || !(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'f' || e.target === filterRef.current) return;
    e.preventDefault();
    filterRef.current?.focus();
    filterRef.current?.select();
  };

  const say = useCallback((m: string) => {
    setStatus(m);
    announce(m);
  }, [announce]);

  const onCell = useCallback(
    (index: number, column: string, value: string) =>
      onRowsChange((rs) => {
        // A new array and a new object for this row only: the others keep their identity (and their checks).
        const next = rs.slice();
        next[index] = { ...rs[index], [column]: value };
        return next;
      }),
    [onRowsChange],
  );
  const onRemove = useCallback(
    (index: number) => {
      onRowsChange((rs) => rs.filter((_, i) => i !== index));
      announce(`已删除第 ${index + 1} 行`);
    },
    [onRowsChange, announce],
  );
  const onSelect = useCallback((index: number, on: boolean) => {
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(index);
      else next.delete(index);
      return next;
    });
  }, []);

  const addRow = () => {
    const rows = source.get();
    if (rows.length >= table.maxRows) return announce(`${table.label}最多 ${table.maxRows} 行，不能再添加`);
    setFilter('');
    onRowsChange((rs) => [...rs, emptyRow(table)]);
    // Focus the first cell of the new row so keyboard users can type straight away.
    focusCell(rows.length, table.columns[0].id);
  };

  const runImport = (p: ImportPlan, mode: ImportMode) => {
    const filled = filledNow();
    const result = applyImport(p, table, source.get(), mode);
    onRowsChange(() => result.rows);
    setFilter('');
    const replaced = mode === 'replace' && filled > 0 ? `已替换原有 ${filled} 行，` : '';
    if (result.added === 0 && result.overflow === 0) say('没有可导入的数据行');
    else if (result.overflow > 0) say(`${replaced}已添加 ${result.added} 行；${table.label}最多 ${table.maxRows} 行，另有 ${result.overflow} 行未添加，请分表填写`);
    else say(`${replaced}已添加 ${result.added} 行`);
  };

  const startImport = (text: string, format: 'tsv' | 'csv') => startImportGrid(parseGrid(text, format));
  const startImportGrid = (grid: string[][]) => {
    if (grid.length === 0) return say('没有读到任何数据');
    const p = planImport(grid, table);
    // With rows already in the table the user says whether to replace them or add to them.
    if (p.needsMapping || filledNow() > 0) setPlan(p);
    else runImport(p, 'append');
  };

  const onPaste = (e: ClipboardEvent<HTMLDivElement>) => {
    const text = e.clipboardData.getData('text/plain');
    if (!looksLikeGrid(text)) return; // a single value pastes into the focused cell as usual
    e.preventDefault();
    startImport(text, 'tsv');
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    if (fileInput.current) fileInput.current.value = ''; // the same file can be chosen again
    if (file.size > 5 * 1024 * 1024) return say('文件超过 5 MB，请拆分后再导入');
    if (isOldExcelName(file.name)) return say('不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV 再导入');
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (isXlsxName(file.name)) {
      try {
        return startImportGrid(await readXlsxGrid(bytes));
      } catch (e) {
        return say(e instanceof XlsxImportError ? e.message : '无法读取这个 Excel 文件');
      }
    }
    const { text } = decodeTextFile(bytes);
    startImport(text, gridFormatOf(text));
  };

  const exportCsv = () => {
    downloadText(`${formTitle}-${table.label}.csv`, tableToCsv(table, source.get()), 'text/csv;charset=utf-8');
    announce(`已导出 ${filledNow()} 行`);
  };

  const bulkField = table.columns.find((c) => c.id === bulkColumn) ?? table.columns[0];
  const applyBulk = () => {
    const picked = new Set(selected);
    onRowsChange((rs) => rs.map((r, i) => (picked.has(i) ? { ...r, [bulkField.id]: bulkValue } : r)));
    say(bulkValue ? `已将所选 ${picked.size} 行的「${bulkField.label}」设为“${bulkValue}”` : `已清空所选 ${picked.size} 行的「${bulkField.label}」`);
  };
  const allShownSelected = shown.length > 0 && shown.every((i) => selected.has(i));

  const sortCol = table.sortBy ? table.columns.find((c) => c.id === table.sortBy) : undefined;

  return (
    <div className="table-editor" data-table={table.id} id={`table-${table.id}`} tabIndex={-1} onKeyDown={onEditorKey}>
      <div className="table-toolbar">
        <span className="table-count" data-testid={`count-${table.id}`}>
          共 {filled} 行{invalidRows > 0 && <strong className="bad">，{invalidRows} 行有误</strong>}（上限 {table.maxRows}）
        </span>
        <button type="button" onClick={addRow}>添加一行</button>
        {sortCol && (
          <button type="button" onClick={() => { onRowsChange((rs) => sortRows(table, rs, sortCol.id)); announce(`已按${sortCol.label}排序`); }}>
            按{sortCol.label}排序
          </button>
        )}
        <button type="button" onClick={() => fileInput.current?.click()}>导入 CSV / Excel</button>
        <input ref={fileInput} type="file" accept=".csv,text/csv,.txt,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" hidden onChange={(e) => onFile(e.target.files?.[0])} data-testid={`csv-input-${table.id}`} />
        <button type="button" onClick={exportCsv} disabled={filled === 0}>导出 CSV</button>
      </div>
      <p className="paste-hint">可直接从 Excel / WPS 复制多行（含表头更准确），点进表格后按 Ctrl+V 粘贴。</p>
      {status && <p className="table-status" data-testid={`table-status-${table.id}`}>{status}</p>}
      {rowCount > 0 && (
        <div className="bulk-bar" role="group" aria-label={`${table.label}：批量设置`}>
          <label className="bulk-filter">
            筛选
            <input ref={filterRef} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="查找任意内容" />
          </label>
          {filter.trim() && <span>显示 {shown.length} / {rowCount} 行</span>}
          <button type="button" onClick={() => setSelected(new Set(shown))} disabled={shown.length === 0}>
            {filter.trim() ? `选中筛选结果（${shown.length} 行）` : '全选'}
          </button>
          {selected.size > 0 && <button type="button" onClick={() => setSelected(new Set())}>取消选择</button>}
          <span data-testid={`selected-${table.id}`}>已选 {selected.size} 行</span>
          <label>
            把
            <select value={bulkField.id} onChange={(e) => { setBulkColumn(e.target.value); setBulkValue(''); }} aria-label="要批量设置的栏目">
              {table.columns.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
            </select>
          </label>
          <span className="bulk-value">
            设为
            <FieldInput key={bulkField.id} field={{ ...bulkField, required: false }} id={`${table.id}-bulk-value`} ariaLabel={`${bulkField.label}设为`} value={bulkValue} invalid={false} compact onChange={setBulkValue} />
          </span>
          <button type="button" disabled={selected.size === 0} onClick={applyBulk}>应用到所选 {selected.size} 行</button>
        </div>
      )}
      {win.windowed && (
        <p className="window-hint">行数较多，表格只显示滚动到的部分：浏览器的查找（Ctrl+F）只能找到当前显示的行，查找全部内容请用上面的“筛选”（在表格中按 Ctrl+F 即可跳到筛选框）。</p>
      )}
      {/* Focusable so the table can be scrolled sideways from the keyboard (and pasted into). */}
      <div className="table-scroll" ref={scrollRef} onPaste={onPaste} onKeyDown={onGridKey} onFocus={onGridFocus} tabIndex={0} role="region" aria-label={`${table.label}（表格，可左右滚动）`}>
        <table className="edit-table" ref={tableRef} aria-rowcount={shown.length + 1}>
          <caption className="visually-hidden">
            {table.label}：{filter.trim() ? `筛选出 ${shown.length} 行，共 ${rowCount} 行` : `共 ${rowCount} 行`}
            {win.windowed && '，滚动时逐段显示'}
          </caption>
          <colgroup>
            <col className="w-narrow" />
            {table.columns.map((c) => <col key={c.id} className={`w-${c.type}`} />)}
            <col className="w-narrow" />
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col" className="rownum">
                <input type="checkbox" aria-label={filter.trim() ? '选中全部筛选结果' : '全选'} checked={allShownSelected} onChange={(e) => setSelected(e.target.checked ? new Set(shown) : new Set())} disabled={shown.length === 0} />
              </th>
              {table.columns.map((c) => (
                <th scope="col" key={c.id} className={`col-${c.type}`}>
                  {c.label}
                  {c.required && <span className="req" aria-hidden="true">*</span>}
                </th>
              ))}
              <th scope="col"><span className="visually-hidden">操作</span></th>
            </tr>
          </thead>
          <tbody>
            {win.parts.map((part) =>
              part.kind === 'gap' ? (
                <tr key={part.key} className="window-gap" aria-hidden="true">
                  <td colSpan={table.columns.length + 2} style={{ height: part.height }} />
                </tr>
              ) : (
                <TableRow
                  key={part.key}
                  table={table}
                  source={source}
                  index={shown[part.index]}
                  position={part.index}
                  selected={selected.has(shown[part.index])}
                  measure={win.measure}
                  onCell={onCell}
                  onRemove={onRemove}
                  onSelect={onSelect}
                />
              ),
            )}
            {rowCount === 0 && (
              <tr>
                <td colSpan={table.columns.length + 2} className="empty-table">
                  还没有内容：点“添加一行”，或把 Excel 中的表格粘贴到这里。
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {plan && (
        <MappingDialog
          table={table}
          plan={plan}
          existingRows={filledNow()}
          onCancel={() => { setPlan(null); say('已取消导入'); }}
          onConfirm={(mapping, mode) => { setPlan(null); runImport({ ...plan, mapping }, mode); }}
        />
      )}
    </div>
  );
});

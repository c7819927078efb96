import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { FormDefinition, ScalarField } from '../../lib/form-definition.js';
import {
  allFields, completeness, emptyValues, errorSummary, fieldErrors, formatComputed, inputFields, rowsOf, tableFields, textOf,
  type FormValues,
} from '../../lib/form-data.js';
import { errorAnchor } from '../../lib/form-errors.js';
import { ErrorList } from './ErrorList.js';
import { DraftStore, DraftStoreError, draftFileContent, newDraftId, parseDraftFile, type DraftMeta } from '../../lib/drafts.js';
import { FieldInput } from './FieldInput.js';
import { TableGrid } from './TableEditor.js';
import { ValuesStore } from './valuesStore.js';
import { PrintView } from './PrintView.js';
import { PdfActions, type PdfHeader } from './PdfActions.js';
import { SendForSigning } from './SendForSigning.js';
import { downloadText } from './download.js';
import { useHydrated } from '../useHydrated.js';
import { usePrinting } from './useWindowedRows.js';
import { useSettled } from './useSettled.js';
import './form.css';

const AUTOSAVE_MS = 400;
/** Errors listed in the check summary (the rest are counted). */
const SUMMARY_MAX = 20;

function draftTitle(definition: FormDefinition, values: FormValues): string {
  const named = inputFields(definition).find((f) => f.type === 'text' && textOf(values, f.id).trim());
  return named ? textOf(values, named.id).trim().slice(0, 40) : '未命名草稿';
}

const formatTime = (iso: string) =>
  new Date(iso).toLocaleString('zh-CN', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** The checklist island: fill, validate as you go, paste tables, keep drafts, print. */
export default function FormFiller({ definition }: { definition: FormDefinition }) {
  const store = useMemo(() => (typeof window === 'undefined' ? null : new DraftStore(window.localStorage, definition.id)), [definition.id]);
  const [draftId, setDraftId] = useState('');
  // The values live in a store: a keystroke in a table renders its row, not this form (which
  // follows the top-level fields at once and the tables once typing pauses).
  const form = useMemo(() => new ValuesStore(emptyValues(definition)), [definition]);
  const values = useSyncExternalStore(form.subscribe, form.getFieldValues, form.getFieldValues);
  const [drafts, setDrafts] = useState<DraftMeta[]>([]);
  const [saveStatus, setSaveStatus] = useState<{ ok: boolean; text: string }>({ ok: true, text: '' });
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  // After the server refused the PDF: every field error is shown where it is (the list itself
  // is next to the PDF button, not repeated in the check summary).
  const [markAll, setMarkAll] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [importError, setImportError] = useState('');
  const [header, setHeader] = useState<PdfHeader>({ company: '', caseNumber: '' });
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef({ draftId });
  latest.current = { draftId };
  const importInput = useRef<HTMLInputElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);

  const hydrated = useHydrated();
  const announce = useCallback((m: string) => setAnnouncement(`${m}（${new Date().toLocaleTimeString('zh-CN')}）`), []);
  // The visible toast fades after a while; the live region keeps the last message.
  const [toastVisible, setToastVisible] = useState(false);
  useEffect(() => {
    if (!announcement) return;
    setToastVisible(true);
    const t = setTimeout(() => setToastVisible(false), 6000);
    return () => clearTimeout(t);
  }, [announcement]);

  const saveNow = useCallback(() => {
    if (pending.current) clearTimeout(pending.current);
    pending.current = null;
    if (!store || !form.dirty || !latest.current.draftId) return;
    try {
      const values = form.get();
      const meta = store.save({ id: latest.current.draftId, title: draftTitle(definition, values), values });
      form.dirty = false;
      setDrafts(store.list());
      setSaveStatus({ ok: true, text: `已自动保存 ${formatTime(meta.updatedAt)}` });
    } catch (e) {
      setSaveStatus({ ok: false, text: e instanceof DraftStoreError ? e.message : '草稿保存失败，请导出为文件。' });
    }
  }, [store, definition, form]);

  const loadDraft = useCallback(
    (id: string) => {
      const d = store?.load(id);
      if (!d) return false;
      setDraftId(d.id);
      form.replace({ ...emptyValues(definition), ...d.values }, false);
      setTouched(new Set());
      setShowAll(false);
      setMarkAll(false);
      setSaveStatus({ ok: true, text: `已打开草稿（保存于 ${formatTime(d.updatedAt)}）` });
      return true;
    },
    [store, definition, form],
  );

  // On first load, reopen the most recent draft of this form.
  useEffect(() => {
    if (!store) return;
    const list = store.list();
    setDrafts(list);
    if (!(list[0] && loadDraft(list[0].id))) setDraftId(newDraftId());
  }, [store, loadDraft]);

  // Autosave shortly after each change, and at once when the tab is hidden or closed.
  useEffect(
    () =>
      form.subscribe(() => {
        if (!form.dirty) return;
        if (pending.current) clearTimeout(pending.current);
        // Saved when the browser is idle: writing a 1,000-row draft should not land in a frame.
        pending.current = setTimeout(() => (window.requestIdleCallback ?? setTimeout)(saveNow, { timeout: 2000 }), AUTOSAVE_MS);
      }),
    [form, saveNow],
  );
  useEffect(() => {
    const flush = () => saveNow();
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', flush);
    };
  }, [saveNow]);

  const setField = useCallback((id: string, value: string) => form.setField(id, value), [form]);
  const touch = useCallback((id: string) => setTouched((t) => (t.has(id) ? t : new Set(t).add(id))), []);

  // Figures over every row (progress, totals, the check summary) follow the typing once it
  // pauses: the frame after a keystroke does not wait for a pass over 1,000 rows. When a table
  // gains or loses rows (a paste, a new row) they follow at once.
  const shapeOf = useCallback((v: FormValues) => tableFields(definition).map((t) => rowsOf(v, t.id).length).join(), [definition]);
  const settled = useSettled(form.subscribe, form.get, shapeOf);
  const progress = useMemo(() => completeness(definition, settled), [definition, settled]);
  // The summary is a count and the first errors as links: with an error on each of 1,000 rows,
  // a keystroke re-checks its own row (cached checks) and writes 20 messages, not 1,000.
  const summary = useMemo(() => (showAll ? errorSummary(definition, settled, SUMMARY_MAX) : null), [showAll, definition, settled]);
  const errorCount = summary?.count ?? 0;
  // Computed figures (e.g. the sum of a table's amounts) go over every row: deferred as well.
  const computedText = useMemo(() => {
    const out = new Map<string, string>();
    for (const f of allFields(definition)) if (f.type === 'computed') out.set(f.id, formatComputed(definition, f.id, settled));
    return out;
  }, [definition, settled]);
  // The PDF and signing panels read the values when clicked, so typing does not re-render them.
  const getValues = form.get;
  const onRefused = useCallback(() => setMarkAll(true), []);
  const anchor = useCallback((path: string) => errorAnchor(definition, path), [definition]);
  // Top-level fields only (value checks and the form's rules, e.g. 最后工作日 not before 交接日期):
  // cheap enough for every keystroke; table rows are checked row by row in TableEditor.
  const liveFieldErrors = useMemo(() => fieldErrors(definition, values), [definition, values]);
  // The print rendering holds every row of every table (1,000 rows: 15,000 cells): it is built
  // when the page is printed (beforeprint, or print media), not on every paste and keystroke.
  // Before hydration the server's copy stays, so printing works without JavaScript too.
  const printing = usePrinting();

  const newDraft = () => {
    saveNow();
    setDraftId(newDraftId());
    form.replace(emptyValues(definition), false);
    setTouched(new Set());
    setShowAll(false);
    setMarkAll(false);
    setSaveStatus({ ok: true, text: '新草稿：开始填写后自动保存' });
  };

  const deleteDraft = () => {
    if (!store || !drafts.some((d) => d.id === draftId)) return newDraft();
    if (!window.confirm('删除这个草稿？删除后无法恢复（可先导出备份）。')) return;
    store.remove(draftId);
    const rest = store.list();
    setDrafts(rest);
    if (!(rest[0] && loadDraft(rest[0].id))) newDraft();
    announce('草稿已删除');
  };

  const exportDraft = () => {
    saveNow();
    const now = new Date().toISOString();
    const values = form.get();
    const title = draftTitle(definition, values);
    downloadText(`${definition.title}-${title}.json`, draftFileContent(definition, { id: draftId, title, createdAt: now, updatedAt: now, values }), 'application/json');
    announce('草稿已导出为 JSON 文件');
  };

  const importDraft = async (file: File | undefined) => {
    if (importInput.current) importInput.current.value = '';
    if (!file) return;
    setImportError('');
    if (file.size > 10 * 1024 * 1024) return setImportError('文件超过 10 MB，不像是本系统的草稿，当前内容未改动。');
    const parsed = parseDraftFile(await file.text(), definition);
    if (!parsed.ok) return setImportError(parsed.error);
    saveNow();
    // An import becomes a new draft: the one being edited stays as it was.
    setDraftId(newDraftId());
    form.replace({ ...emptyValues(definition), ...parsed.values }, true);
    setShowAll(true);
    announce('已导入为新草稿，原草稿保持不变');
  };

  const check = () => {
    setShowAll(true);
    requestAnimationFrame(() => summaryRef.current?.focus());
  };

  const scalarError = (f: ScalarField) => {
    const e = liveFieldErrors[f.id];
    return e && (textOf(values, f.id).trim() || touched.has(f.id) || showAll || markAll) ? e : null;
  };

  const currentInList = drafts.some((d) => d.id === draftId);
  // Dates formatted once per list, not on every keystroke (toLocaleString is slow).
  const draftOptions = useMemo(() => drafts.map((d) => <option key={d.id} value={d.id}>{d.title} · {formatTime(d.updatedAt)}</option>), [drafts]);

  return (
    <div className="form-filler">
      <fieldset className="filler-screen bare-fieldset" disabled={!hydrated} aria-busy={!hydrated}>
        <div className="draft-bar" role="region" aria-label="草稿">
          <label htmlFor="draft-select">草稿</label>
          <select
            id="draft-select"
            value={currentInList ? draftId : ''}
            onChange={(e) => { saveNow(); if (e.target.value) loadDraft(e.target.value); }}
          >
            {!currentInList && <option value="">新草稿（未保存）</option>}
            {draftOptions}
          </select>
          <button type="button" onClick={newDraft}>新建</button>
          <button type="button" onClick={deleteDraft}>删除</button>
          <button type="button" onClick={exportDraft}>导出草稿</button>
          <button type="button" onClick={() => importInput.current?.click()}>导入草稿</button>
          <input ref={importInput} type="file" accept=".json,application/json" hidden onChange={(e) => importDraft(e.target.files?.[0])} data-testid="draft-import" />
          <span className={saveStatus.ok ? 'save-status' : 'save-status bad'} role="status" data-testid="save-status">{saveStatus.text}</span>
        </div>
        {importError && <p className="alert" role="alert">{importError}</p>}

        <div className="progress-bar" aria-label="完成情况">
          {progress.applicable > 0 && (
            <span data-testid="handed-meter">
              <progress max={progress.applicable} value={progress.handed} aria-label="已交接比例" />{' '}
              <strong>{progress.handed} / {progress.applicable}</strong> 项已交接
            </span>
          )}
          <span>必填项 {progress.requiredFilled} / {progress.requiredTotal}</span>
          <button type="button" onClick={check}>检查填写</button>
          <button type="button" onClick={() => window.print()}>打印</button>
        </div>
        <PdfActions definition={definition} getValues={getValues} header={header} onHeaderChange={setHeader} announce={announce} onRefused={onRefused} />
        <SendForSigning definition={definition} getValues={getValues} header={header} />

        {showAll && (
          <div className={errorCount ? 'error-summary' : 'ok-summary'} tabIndex={-1} ref={summaryRef} role="region" aria-label="检查结果" data-testid="check-result">
            {errorCount === 0 ? (
              <p>检查通过：所有内容格式正确。</p>
            ) : (
              <ErrorList errors={summary!.first} total={errorCount} anchor={anchor} title={`有 ${errorCount} 处需要修改：`} max={SUMMARY_MAX} />
            )}
          </div>
        )}

        {definition.sections.map((section) => (
          <section key={section.id} className="form-section" aria-labelledby={`s-${section.id}`}>
            <h2 id={`s-${section.id}`}>{section.title}</h2>
            {section.help && <p className="section-help">{section.help}</p>}
            <div className="fields">
              {section.fields.map((f) => {
                if (f.type === 'table') {
                  return (
                    <div key={f.id} className="field-table">
                      {f.help && <p className="section-help">{f.help}</p>}
                      {summary?.tables[f.id] && <p className="bad">{summary.tables[f.id]}</p>}
                      <TableGrid table={f} source={form.table(f.id)} formTitle={definition.title} announce={announce} />
                    </div>
                  );
                }
                if (f.type === 'computed') {
                  return (
                    <div key={f.id} className="field field-computed">
                      <span className="field-label" id={`l-${f.id}`}>{f.label}</span>
                      <output aria-labelledby={`l-${f.id}`} data-testid={`computed-${f.id}`}>{computedText.get(f.id)}</output>
                    </div>
                  );
                }
                const error = scalarError(f);
                return (
                  <div key={f.id} className={`field field-${f.type}${error ? ' field-invalid' : ''}`}>
                    <label className="field-label" htmlFor={`f-${f.id}`}>
                      {f.label}
                      {f.required && <span className="req" aria-hidden="true">*</span>}
                    </label>
                    <FieldInput field={f} id={`f-${f.id}`} value={textOf(values, f.id)} invalid={!!error} errorId={`f-${f.id}-err`} onChange={(v) => setField(f.id, v)} onBlur={() => touch(f.id)} />
                    {f.help && <span className="field-help">{f.help}</span>}
                    {error && <span className="field-error" id={`f-${f.id}-err`}>{error}</span>}
                  </div>
                );
              })}
            </div>
          </section>
        ))}
        <p className="visually-hidden" role="status" aria-live="polite">{announcement}</p>
        {toastVisible && <p className="toast" aria-hidden="true">{announcement}</p>}
      </fieldset>
      {/* Renders again with each settled change while printing: the values now, not a moment ago. */}
      {(printing || !hydrated) && <PrintView definition={definition} values={form.get()} />}
    </div>
  );
}

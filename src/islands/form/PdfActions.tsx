import { memo, useEffect, useState } from 'react';
import type { FormDefinition } from '../../lib/form-definition.js';
import type { FormValues } from '../../lib/form-data.js';
import { errorAnchor, type FormError } from '../../lib/form-errors.js';
import { downloadBlob } from './download.js';
import { ErrorList } from './ErrorList.js';

const HEADER_KEY = 'handover-kit:pdf-header';

export interface PdfHeader {
  company: string;
  caseNumber: string;
}

interface Props {
  definition: FormDefinition;
  /** The values as they are now (read when the button is pressed). */
  getValues: () => FormValues;
  header: PdfHeader;
  onHeaderChange: (header: PdfHeader) => void;
  announce: (message: string) => void;
  /** The server refused the values: the form shows every error next to its field. */
  onRefused?: () => void;
}

/** Asks /api/pdf for the stamped PDF, to preview in a new tab or to download. */
export const PdfActions = memo(function PdfActions({ definition, getValues, header, onHeaderChange, announce, onRefused }: Props) {
  const { company, caseNumber } = header;
  const setCompany = (v: string) => onHeaderChange({ ...header, company: v });
  const setCaseNumber = (v: string) => onHeaderChange({ ...header, caseNumber: v });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message: string; fields: string[]; errors?: FormError[] } | null>(null);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on mount
    try {
      const saved = JSON.parse(localStorage.getItem(HEADER_KEY) ?? '{}') as { company?: string };
      if (saved.company) onHeaderChange({ company: saved.company, caseNumber: '' });
    } catch {
      /* an unreadable saved header is simply not used */
    }
  }, []);

  const generate = async (mode: 'preview' | 'download') => {
    setBusy(true);
    setProblem(null);
    announce('正在生成 PDF…');
    try {
      localStorage.setItem(HEADER_KEY, JSON.stringify({ company }));
    } catch {
      /* storage full or blocked: the header just is not remembered */
    }
    try {
      // Blank rows are sent as they are: the server drops them after checking, so the row
      // numbers of its errors (第 4 行) are those of the table on screen.
      const res = await fetch(`/api/pdf${mode === 'download' ? '?download=1' : ''}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ formId: definition.id, values: getValues(), company: company.trim() || undefined, caseNumber: caseNumber.trim() || undefined }),
      });
      if (!res.ok) {
        const data = (await res.json().catch(() => ({}))) as { error?: string; fields?: string[]; errors?: FormError[] };
        setProblem({ message: data.error ?? `生成失败（${res.status}），请稍后重试`, fields: data.fields ?? [], errors: data.errors });
        if (data.errors?.length) onRefused?.();
        announce(data.errors?.length ? `PDF 未生成：有 ${data.errors.length} 处需要修改` : 'PDF 未生成');
        return;
      }
      const blob = await res.blob();
      const missing = res.headers.get('X-Missing-Characters');
      const pages = res.headers.get('X-Pdf-Pages');
      const name = `${definition.title}${caseNumber.trim() ? `-${caseNumber.trim()}` : ''}.pdf`;
      if (mode === 'preview') {
        const url = URL.createObjectURL(blob);
        const win = window.open(url, '_blank');
        if (!win) downloadBlob(name, blob);
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      } else downloadBlob(name, blob);
      announce(`PDF 已生成（${pages} 页）`);
      if (missing) {
        const chars = missing.split(',').map((cp) => `${String.fromCodePoint(parseInt(cp.slice(2), 16))}（${cp}）`);
        setProblem({ message: `以下字符字体中没有，PDF 中显示为 □：${chars.join('、')}`, fields: [] });
      }
    } catch {
      setProblem({ message: '无法连接服务器，PDF 未生成；填写内容已保存在本机，请稍后重试。', fields: [] });
      announce('PDF 未生成');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="pdf-actions" role="group" aria-label="PDF">
      <label>
        公司名称
        <input type="text" value={company} maxLength={100} onChange={(e) => setCompany(e.target.value)} placeholder="印在 PDF 抬头" />
      </label>
      <label>
        交接编号
        <input type="text" value={caseNumber} maxLength={64} onChange={(e) => setCaseNumber(e.target.value)} placeholder="可选，如 HJ-2026-001" />
      </label>
      <button type="button" onClick={() => generate('preview')} disabled={busy}>{busy ? '正在生成…' : '预览 PDF'}</button>
      <button type="button" onClick={() => generate('download')} disabled={busy}>下载 PDF</button>
      {problem && (
        <div className="alert" role="alert" data-testid="pdf-problem">
          <p>{problem.message}</p>
          {problem.errors?.length ? (
            <ErrorList errors={problem.errors} anchor={(path) => errorAnchor(definition, path)} />
          ) : (
            problem.fields.length > 0 && <ul>{problem.fields.slice(0, 10).map((f) => <li key={f}>{f}</li>)}</ul>
          )}
        </div>
      )}
    </div>
  );
});

import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FormDefinition } from '../../lib/form-definition.js';
import type { FormValues } from '../../lib/form-data.js';
import { postForBlob } from '../api.js';
import { downloadBlob } from '../form/download.js';
import { useProcess } from './useProcess.js';
import { CallsPanel, FormStage, MaterialsConfirm, RowsEditor, VisitsConfirm } from './StagePanels.js';
import { SIGNER_LABEL, STATUS_LABEL, time } from './labels.js';
import { CustomerTable } from './CustomerTable.js';
import { NoticeSender } from './NoticeSender.js';
import { RobotDeliveries } from '../robots/RobotDeliveries.js';
import { RobotChoice } from '../robots/RobotChoice.js';
import type { ProcessView } from '../../lib/process/view.js';
import './process.css';

/** The case page: stage progress, what is yours to do now, deadlines, every customer, the timeline. */
export default function ProcessPage({ forms }: { forms: Record<string, FormDefinition> }) {
  const { link, view, error, message, busy, call, refresh, setError } = useProcess();
  const [exporting, setExporting] = useState(false);
  // Customer notices: the sender panel, and the customers ticked in the table for it.
  const [noticeOpen, setNoticeOpen] = useState(false);
  const [picking, setPicking] = useState(false);
  const [picked, setPicked] = useState<Set<string>>(() => new Set());
  const announce = useCallback(() => undefined, []);
  const plan = useMemo(() => view?.plan as FormValues | null, [view?.plan]);
  const report = useMemo(() => view?.report as FormValues | null, [view?.report]);
  // Work the server does in the background (customer notices going out, a stage document
  // being rendered): the page asks again every few seconds until it is done.
  const working = !!view && view.status === 'open' && (view.preparing || (view.notices?.queued ?? 0) > 0);
  useEffect(() => {
    if (!working) return;
    const timer = setInterval(() => void refresh(), 3000);
    return () => clearInterval(timer);
  }, [working, refresh]);

  if (!view) return error ? <p className="alert" role="alert">{error}</p> : <p aria-busy="true">正在打开案件…</p>;
  const can = view.can;
  const current = view.stages.find((s) => s.progress === 'current');
  const lastReturn = [...view.returns].reverse().find((r) => r.stage === view.stage);
  const signing = current?.cases.at(-1);
  const panel = { view, forms, call, busy, announce };
  // Local drafts are per case, per person (one browser may serve several roles) and per editor.
  const draftKey = (editor: string) => `${link.processId}:${view.you.role}:${editor}`;

  const exportZip = async () => {
    setExporting(true);
    const r = await postForBlob('/api/process-export', { processId: link.processId, ...(link.token ? { token: link.token } : {}) });
    setExporting(false);
    if (r.ok) downloadBlob(`客户交接-${view.caseNumber}.zip`, r.blob);
    else setError(r.error);
  };
  const overdue = view.deadlines.filter((d) => d.daysLeft !== null && d.daysLeft < 0);

  return (
    <div className="process-page">
      <header className="case-head">
        <h1>客户交接案件 {view.caseNumber}</h1>
        <p>
          {view.company && <>{view.company} · </>}{view.department} · 移交人 {view.parties.find((p) => p.role === 'employee')?.name}（{view.reason}，最后工作日 {view.lastWorkingDay}）
          · <strong data-testid="case-status">{STATUS_LABEL[view.status]}</strong>
        </p>
        <p className="muted">您是：{view.you.label} {view.you.name}</p>
      </header>
      {error && <p className="alert" role="alert" data-testid="process-error">{error}</p>}
      {message && <p className="success" role="status" data-testid="process-message">{message}</p>}
      {view.linkClosesAt && (
        <p className="notice" data-testid="link-closes">
          案件已{view.status === 'completed' ? '完成归档' : '撤销'}：您的案件链接只能查看和导出，{time(view.linkClosesAt)} 后停止使用；之后如需案件资料，请联系 HR。
        </p>
      )}
      {view.purgedAt && <p className="alert" data-testid="purged-note">按数据保留期限，本案件的客户资料已于 {time(view.purgedAt)} 清除；下面只保留参与人、阶段和签署记录。</p>}
      {overdue.length > 0 && view.status === 'open' && <p className="alert overdue-banner">有 {overdue.length} 项期限已逾期：{overdue.map((d) => d.label).join('、')}</p>}

      <ol className="stage-bar" aria-label="交接阶段">
        <li className="done"><span>A</span>开立案件</li>
        {view.stages.map((s) => (
          <li key={s.stage} className={s.progress} aria-current={s.progress === 'current' ? 'step' : undefined}><span>{s.stage}</span>{s.title}</li>
        ))}
      </ol>

      {view.status === 'open' && current && (
        <section className="current-stage" data-testid="current-stage" data-stage={view.stage}>
          <h2>当前阶段：{current.stage} {current.title}</h2>
          {view.stageStatus === 'returned' && lastReturn && (
            <div className="alert" data-testid="return-note"><strong>{lastReturn.by} 退回修改（{time(lastReturn.at)}）：</strong>{lastReturn.comment}</div>
          )}
          {view.preparing && (
            <p className="notice" role="status" data-testid="document-preparing">正在生成“{current.title}”的签署文件（客户较多时约需一两分钟），生成后签署人会依次收到签署邮件。本页会自动更新。</p>
          )}
          {view.stageStatus === 'signing' && !view.preparing && signing && (
            <div className="signing-status" data-testid="signing-status">
              <p>{current.title}（{signing.caseNumber}）正在签署审核：</p>
              <ul>{signing.signers.map((s, i) => <li key={i}>{s.role} {s.name}：{SIGNER_LABEL[s.status] ?? s.status}</li>)}</ul>
              <p className="muted">签署链接已通过邮件分别发送给各位签署人。</p>
            </div>
          )}
          {view.stage === 'B' && can.editPlan && plan && (
            <FormStage {...panel} formId="customer-handover" initial={plan} draftKey={draftKey("plan")} saveAction="save-plan" submitAction="submit-plan" submitLabel="提交计划，送审签署" />
          )}
          {view.stage === 'B' && !can.editPlan && view.stageStatus !== 'signing' && <p>等待移交人填写并提交客户交接计划。</p>}
          {view.stage === 'C' && view.stageStatus !== 'signing' && (
            <>
              {can.editMaterials && <RowsEditor {...panel} formId="customer-materials-plan" tableId="materials" rows={view.materials} draftKey={draftKey("materials")} saveAction="save-materials" label="编辑资料移交清单（每位客户的纸质、电子资料）" />}
              <MaterialsConfirm {...panel} canConfirm={can.confirmMaterials} />
              {can.submitMaterials && <div className="actions"><button type="button" className="primary" disabled={busy} onClick={() => call({ action: 'submit-materials' })}>提交资料清单，送监交人审核</button></div>}
            </>
          )}
          {view.stage === 'D' && view.stageStatus !== 'signing' && (
            <>
              {can.editVisits && <RowsEditor {...panel} formId="customer-visit-plan" tableId="visits" rows={view.visits} draftKey={draftKey("visits")} saveAction="save-visits" label="编辑拜访计划（日期、方式、参加人）" />}
              {can.confirmVisits ? <VisitsConfirm {...panel} onlyRevisits={false} /> : <p>等待接收人逐一确认拜访结果。</p>}
              {can.submitVisits && <div className="actions"><button type="button" className="primary" disabled={busy} onClick={() => call({ action: 'submit-visits' })}>提交拜访记录，送签署</button></div>}
            </>
          )}
          {view.stage === 'E' && view.stageStatus !== 'signing' && (
            <>
              <CallsPanel {...panel} canRecord={can.recordCalls} />
              {can.confirmVisits && <><h3>需要重新拜访的客户</h3><VisitsConfirm {...panel} onlyRevisits /></>}
              {can.submitCalls && <div className="actions"><button type="button" className="primary" disabled={busy} onClick={() => call({ action: 'submit-calls' })}>提交抽查记录，送分管经理</button></div>}
            </>
          )}
          {view.stage === 'F' && can.editReport && report && (
            <FormStage {...panel} formId="customer-handover-report" initial={report} draftKey={draftKey("report")} saveAction="save-report" submitAction="submit-report" submitLabel="提交交接报告，送审批" />
          )}
          {view.stage === 'F' && !can.editReport && view.stageStatus !== 'signing' && <p>等待移交人核对并提交交接报告。</p>}
        </section>
      )}

      <section className="case-tools no-print">
        <button type="button" onClick={exportZip} disabled={exporting}>{exporting ? '正在打包…' : '导出整个案件（ZIP：已签署 PDF + 客户状态表）'}</button>
        {can.sendNotices && (
          <button type="button" disabled={busy} aria-expanded={noticeOpen} aria-controls="notice-sender" onClick={() => setNoticeOpen(!noticeOpen)}>向客户发送交接告知</button>
        )}
        {can.revokeAccounts && <button type="button" disabled={busy} onClick={() => call({ action: 'accounts-revoked' })}>确认系统账号已注销</button>}
        {can.cancel && (
          <button type="button" className="danger" disabled={busy} onClick={() => { const reason = prompt('请写明撤销原因'); if (reason) void call({ action: 'cancel', reason }); }}>撤销案件</button>
        )}
      </section>

      {view.notices && <NoticeProgressPanel progress={view.notices} onRefresh={() => void refresh()} />}

      {can.sendNotices && noticeOpen && (
        <div id="notice-sender">
          <NoticeSender
            customers={view.customers}
            link={link}
            call={call}
            busy={busy}
            picked={picked}
            setPicking={setPicking}
            onClose={() => {
              setNoticeOpen(false);
              setPicked(new Set());
            }}
          />
        </div>
      )}

      <section>
        <h2>期限</h2>
        {view.uncoveredYears.length > 0 && (
          <p className="calendar-gap" data-testid="calendar-gap">
            提示：系统尚未收录 {view.uncoveredYears.join('、')} 年的法定节假日和调休安排，落在其中的期限暂按周末计算，可能与实际工作日不符；请管理员补充该年的节假日安排（HOLIDAYS_FILE）。
          </p>
        )}
        <table className="data deadlines">
          <thead><tr><th>事项</th><th>期限</th><th>负责人</th><th>状态</th></tr></thead>
          <tbody>
            {view.deadlines.map((d) => (
              <tr key={d.key} className={d.daysLeft !== null && d.daysLeft < 0 ? 'overdue' : undefined}>
                <td>{d.label}</td><td>{d.due}</td><td>{view.parties.find((p) => p.role === d.owner)?.label}</td>
                <td>{d.done ? '已完成' : d.daysLeft! < 0 ? `逾期 ${-d.daysLeft!} 天` : d.daysLeft === 0 ? '今天到期' : `剩 ${d.daysLeft} 天`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {view.customers.length > 0 && <CustomerTable customers={view.customers} pick={picking && can.sendNotices ? { ids: picked, onChange: setPicked } : undefined} />}

      <section>
        <h2>参与人</h2>
        <ul className="parties" data-testid="parties">
          {view.parties.map((p) => (
            <li key={p.role}>
              {p.label}：{p.name}（{p.email}）{p.accessRevoked && <strong>（案件访问已收回）</strong>}
              {can.revokeAccess && p.role !== view.you.role && (
                <span className="no-print">
                  {' '}
                  {!p.accessRevoked && (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => {
                        if (confirm(`收回 ${p.label} ${p.name} 的案件访问权限？其案件链接（包括导出）立即失效；需要时可以重发新链接。`)) void call({ action: 'revoke-access', role: p.role });
                      }}
                    >
                      收回访问
                    </button>
                  )}{' '}
                  <button type="button" disabled={busy} onClick={() => void call({ action: 'resend-link', role: p.role })}>
                    {p.accessRevoked ? '恢复访问并发送新链接' : '重发链接'}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      </section>

      <RobotChoice choice={view.robotChoice} busy={busy} onSave={(robots) => call({ action: 'set-robots', robots })} />
      <RobotDeliveries items={view.robots} />

      <section>
        <h2>记录</h2>
        <ol className="timeline" data-testid="timeline">
          {view.timeline.map((t, i) => <li key={i}><time>{time(t.at)}</time> {t.who}：{t.text}</li>)}
        </ol>
      </section>
    </div>
  );
}

/** “已发送 120 / 300，失败 0”: the customer notices the background sender has mailed so far. */
function NoticeProgressPanel({ progress, onRefresh }: { progress: NonNullable<ProcessView['notices']>; onRefresh: () => void }) {
  const { total, sent, queued, failed, failedCustomers } = progress;
  return (
    <section className="notice-progress" aria-labelledby="notice-progress-heading" data-testid="notice-progress">
      <h2 id="notice-progress-heading">客户交接告知发送进度</h2>
      <p role="status" aria-live="polite">
        <strong data-testid="notice-progress-count">已发送 {sent} / {total}，失败 {failed}</strong>
        {queued > 0 ? `（还有 ${queued} 封在后台排队发送，本页每 3 秒自动更新）` : failed === 0 ? '（已全部发出）' : ''}
      </p>
      <progress max={total} value={sent} aria-label="告知邮件已发送比例" />
      {failed > 0 && (
        <div className="alert">
          <p>以下客户的告知邮件发送失败，系统会自动重试；多次失败时请核对客户邮箱是否正确：</p>
          <ul>{failedCustomers.map((c) => <li key={c.email}>{c.name}（{c.email}）</li>)}</ul>
          {failed > failedCustomers.length && <p>另有 {failed - failedCustomers.length} 位未列出。</p>}
        </div>
      )}
      <button type="button" onClick={onRefresh}>刷新进度</button>
    </section>
  );
}

import { useEffect, useState } from 'react';
import type { CaseRobotChoice } from '../../lib/robots/choice.js';
import type { RobotEvent } from '../../lib/robots/store.js';
import './robots.css';

const EVENT_LABEL: Record<RobotEvent, string> = { waiting: '待签署/待确认', returned: '退回修改', deadline: '临近截止与逾期', completed: '完成' };

type Choice = Array<{ robotId: string; events: RobotEvent[] }>;

/**
 * Which group robots hear about this one case (a customer-handover case or an acknowledgment
 * campaign): by default the robots page's settings; saved here, only the ticked groups.
 */
export function RobotChoice({ choice, busy, onSave }: { choice: CaseRobotChoice | null; busy?: boolean; onSave: (robots: Choice | null) => Promise<boolean> }) {
  const saved = (c: CaseRobotChoice | null) => Object.fromEntries((c?.robots ?? []).map((r) => [r.id, r.events])) as Record<string, RobotEvent[]>;
  const [picked, setPicked] = useState(() => saved(choice));
  // A saved choice comes back in the next view: the boxes show what is stored.
  useEffect(() => setPicked(saved(choice)), [choice]);
  if (!choice || !choice.robots.length) return null;
  const toggle = (id: string, e: RobotEvent) =>
    setPicked((p) => ({ ...p, [id]: p[id]?.includes(e) ? p[id]!.filter((x) => x !== e) : [...(p[id] ?? []), e] }));
  return (
    <section className="robots robot-subs robot-choice no-print" data-testid="robot-choice">
      <h2>通知哪些群</h2>
      <p className="muted">
        {choice.own ? '这个案件使用单独的设置：只通知下面勾选的群。' : '目前按“群机器人通知”页的默认设置通知；在这里修改后，只对这个案件生效。'}
        群消息只写明谁需要在什么时间前做什么，不含任何个人链接。
      </p>
      {choice.robots.map((r) => (
        <div className="sub-row" key={r.id} data-robot={r.id}>
          <span className="sub-label">{r.name}（{r.platform}）</span>
          {choice.events.map((e) => (
            <label className="check" key={e}>
              <input type="checkbox" checked={picked[r.id]?.includes(e) ?? false} onChange={() => toggle(r.id, e)} /> {EVENT_LABEL[e]}
            </label>
          ))}
        </div>
      ))}
      <p className="row-actions">
        <button type="button" disabled={busy} onClick={() => void onSave(choice.robots.map((r) => ({ robotId: r.id, events: picked[r.id] ?? [] })))}>
          保存群通知设置
        </button>
        {choice.own && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void onSave(null)}>
            恢复默认设置
          </button>
        )}
      </p>
    </section>
  );
}

import type { RobotDelivery } from '../../lib/robots/deliveries.js';
import './robots.css';

/** 北京时间 HH:MM of a retry; the date too when it is not today. */
function beijing(iso: string): string {
  const d = new Date(iso);
  const day = (x: Date) => new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'short' }).format(x);
  const hm = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  return day(d) === day(new Date()) ? hm : `${day(d)} ${hm}`;
}

function stateText(m: RobotDelivery): string {
  if (m.state === 'sent') return '已送达';
  if (m.state === 'queued') return '排队发送中';
  return `等待重试（下次 ${beijing(m.nextAttemptAt!)}，北京时间）`;
}

/**
 * The group robot messages about one case, on its case page and its management page: which
 * group was told what, and whether it arrived. Failures are retried automatically; the reason
 * says what an HR admin needs to fix.
 */
export function RobotDeliveries({ items }: { items: RobotDelivery[] | undefined }) {
  if (!items?.length) return null;
  const failing = items.filter((m) => m.state === 'retrying').length;
  return (
    <section className="robots robot-deliveries" data-testid="robot-deliveries">
      <h2>群机器人通知</h2>
      {failing > 0 && (
        <p className="alert small" data-testid="robot-failing">
          有 {failing} 条群消息暂未送达，系统会自动重发，不会丢失。
        </p>
      )}
      <table className="data">
        <thead>
          <tr><th>群</th><th>消息</th><th>状态</th></tr>
        </thead>
        <tbody>
          {items.map((m) => (
            <tr key={m.id} data-state={m.state}>
              <td>{m.robot}（{m.platform}）</td>
              <td>{m.title}</td>
              <td>
                {stateText(m)}
                {m.reason && <div className="robot-reason">失败原因：{m.reason}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

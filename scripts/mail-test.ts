/**
 * `npm run mail:test -- you@example.com`: sends one test email through the configured
 * transport (SMTP_URL, or the local outbox folder) and explains a failure in plain words.
 */
import { resolve } from 'node:path';
import { createMailer } from '../src/runtime/mailer.js';

const to = process.argv[2];
if (!to || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to)) {
  console.error('用法：npm run mail:test -- 收件人@example.com');
  process.exit(2);
}
const mailer = createMailer(resolve(process.env.DATA_DIR ?? '.data'));
console.log(`通过 ${mailer.describe} 发送测试邮件到 ${to} …`);
try {
  await mailer.send({
    to,
    subject: '工作交接：邮件设置测试',
    text: '这是一封测试邮件。收到它说明签署邮件可以正常发出。\n\n—— 工作交接 Handover Kit',
    html: '<p>这是一封测试邮件。收到它说明签署邮件可以正常发出。</p><p>—— 工作交接 Handover Kit</p>',
  });
  console.log(process.env.SMTP_URL ? '已发出：请到收件箱（以及垃圾邮件箱）查看。' : '未设置 SMTP_URL：邮件已写入本地发件箱（.eml 文件）。');
} catch (e) {
  const err = e as Error & { code?: string; responseCode?: number };
  const hint =
    err.code === 'ECONNREFUSED' || err.message.includes('ECONNREFUSED') ? '连接被拒绝：检查 SMTP_URL 的主机和端口，以及防火墙。'
    : err.code === 'EAUTH' || err.responseCode === 535 ? '登录失败：检查用户名和密码（很多邮箱需要“授权码”而不是登录密码）。'
    : err.code === 'ESOCKET' || err.code === 'ETLS' ? 'TLS 握手失败：465 端口用 smtps://，587 端口用 smtp://（会自动 STARTTLS）。'
    : err.code === 'EENVELOPE' ? '收件人或发件人被拒：检查 MAIL_FROM 是否为该 SMTP 账号允许的地址。'
    : '请检查 SMTP_URL 与 MAIL_FROM。';
  console.error(`发送失败：${err.message}\n${hint}`);
  process.exit(1);
} finally {
  mailer.close();
}

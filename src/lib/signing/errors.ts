/** A refusal the user should read: zh-CN message, HTTP status, and a stable code for tests. */
export class SigningError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Seconds a client should wait before trying again (sent as Retry-After). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const refuse = {
  expired: () => new SigningError('expired', '签署链接已过期：请联系发起人重新发送。', 410),
  invalid: () => new SigningError('invalid', '签署链接无效（可能被修改或复制不完整）：请直接点击邮件中的原始链接。', 401),
  revoked: () => new SigningError('revoked', '这个链接已失效：发起人已给您发送了新的链接，请使用最新的邮件。', 410),
  otherCase: () => new SigningError('other-case', '链接与这份交接文件不匹配：请使用该文件邮件中的链接。', 403),
  documentChanged: () => new SigningError('document-changed', '文件在发出链接后被修改过，此链接已失效：请联系发起人。', 409),
  cancelled: () => new SigningError('cancelled', '发起人已撤销这份交接，无需再签署。', 409),
  declined: (who: string) => new SigningError('declined', `${who}已拒绝签署，流程已终止，无需再签署。`, 409),
  /** A process document sent back: this version is void, the process goes on with a corrected one. */
  returned: (who: string, owner: string) =>
    new SigningError('returned', `${who}已将这份文件退回${owner}修改，这一版无需再签署：修改后重新提交时，系统会给您发送新的签署邮件。`, 409),
  completed: () => new SigningError('completed', '所有人都已签署完毕，这份文件已归档。', 409),
  notYourTurn: (role: string) => new SigningError('not-your-turn', `还没轮到您签署：请等${role}签署后，系统会自动发邮件通知您。`, 409),
  alreadySigned: () => new SigningError('already-signed', '您已经签署过这份文件，不能重复签署。', 409),
  notFound: () => new SigningError('not-found', '找不到这份交接文件：链接可能不完整。', 404),
  ackNoDecline: () =>
    new SigningError('ack-no-decline', '制度确认不能拒签，一个人的意见也不会终止全员的确认：如有疑问，请点“向 HR 提问”，问题只发给 HR，您之后仍可以确认。', 409),
  manageDenied: () => new SigningError('manage-denied', '管理链接无效：请使用创建时得到的完整管理链接。', 401),
};

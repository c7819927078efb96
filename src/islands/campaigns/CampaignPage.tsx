import { useState } from 'react';
import { CampaignPanel } from './CampaignPanel.js';

/** /hr/campaign/?c=… — one campaign for an HR admin signed in (the API refuses anyone else). */
export default function CampaignPage() {
  const [caseId] = useState(() => new URLSearchParams(location.search).get('c') ?? '');
  if (!caseId) return <p className="alert" role="alert">链接不完整：请从 HR 工作台打开这次制度确认。</p>;
  return (
    <>
      <p className="no-print"><a href="/hr/">← 返回 HR 工作台</a></p>
      <CampaignPanel caseId={caseId} />
    </>
  );
}

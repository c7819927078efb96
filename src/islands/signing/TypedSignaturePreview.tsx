import { useEffect, useState } from 'react';
import { postForBlob } from '../api.js';

/**
 * The typed name in the brush font it will be stamped in. The whole font is 5.7 MB, far too
 * much for a phone, so the server cuts it to the characters of the name (a few KB).
 */
let fonts = 0;

export function TypedSignaturePreview({ text, link }: { text: string; link: { caseId: string; secret: string } | null }) {
  const [family, setFamily] = useState<string | null>(null);
  const name = text.trim();

  useEffect(() => {
    if (!link || !name) return setFamily(null);
    let cancelled = false;
    // Wait for a pause in typing: one font cut per name, not per keystroke.
    const timer = setTimeout(async () => {
      const r = await postForBlob('/api/sign', { action: 'signature-font', caseId: link.caseId, token: link.secret, text: name });
      if (!r.ok || cancelled) return;
      try {
        const face = new FontFace(`handover-brush-${++fonts}`, await r.blob.arrayBuffer());
        await face.load();
        document.fonts.add(face);
        if (!cancelled) setFamily(face.family);
      } catch {
        // The preview is a courtesy: without it the name is still stamped in the brush font.
      }
    }, 400);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [name, link]);

  if (!name) return null;
  return (
    <div className="typed-preview" data-testid="typed-preview">
      <span className="typed-preview-label">签名效果</span>
      <span className="typed-preview-name" style={family ? { fontFamily: `"${family}", serif` } : undefined} data-font={family ?? ''}>
        {name}
      </span>
    </div>
  );
}

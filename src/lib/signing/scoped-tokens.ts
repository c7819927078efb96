/**
 * @deprecated Every link token is made and checked in ./links.js (one module, one audience
 * per kind of link). This re-export only keeps src/lib/senders/link.ts building until it
 * moves to `issueLink(secret, 'confirm', …)`; then delete this file.
 */
export { signLinkJwt, verifyLinkJwt } from './links.js';

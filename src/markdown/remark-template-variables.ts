import { splitVariables } from '../lib/template-vars.js';

/**
 * Remark plugin: every `{{key}}` in a policy's text becomes a visibly marked span holding the
 * variable's default value (from the frontmatter), so readers see the value and that HR may
 * change it. Undeclared keys are rendered as an error mark; the content loader fails the
 * build for them first.
 */
type Node = { type: string; value?: string; children?: Node[] };
type Variable = { key: string; label: string; default: string | number };

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function variableHtml(key: string, variable: Variable | undefined): string {
  if (!variable) return `<span class="var var-unknown" data-var="${escapeHtml(key)}">{{${escapeHtml(key)}}}</span>`;
  return `<span class="var" data-var="${escapeHtml(key)}" title="可自定义：${escapeHtml(variable.label)}">${escapeHtml(String(variable.default))}</span>`;
}

export function remarkTemplateVariables() {
  return (tree: Node, file: { data: { astro?: { frontmatter?: { variables?: Variable[] } } } }) => {
    const variables = new Map((file.data.astro?.frontmatter?.variables ?? []).map((v) => [v.key, v]));
    const walk = (node: Node) => {
      if (!node.children) return;
      node.children = node.children.flatMap((child): Node[] => {
        if (child.type !== 'text' || !child.value?.includes('{{')) {
          walk(child);
          return [child];
        }
        return splitVariables(child.value).map((s) =>
          s.kind === 'text' ? { type: 'text', value: s.text } : { type: 'html', value: variableHtml(s.key, variables.get(s.key)) },
        );
      });
    };
    walk(tree);
  };
}

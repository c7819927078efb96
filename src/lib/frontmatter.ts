/** Splits a Markdown file into its YAML frontmatter text and body (no YAML parsing here). */
export function splitFrontmatter(source: string): { yaml: string; body: string } | null {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(source);
  if (!match) return null;
  return { yaml: match[1], body: source.slice(match[0].length) };
}

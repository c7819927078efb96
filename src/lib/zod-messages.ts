import type { ZodError } from 'zod';

/**
 * Turns zod issues into zh-CN lines that say where the problem is, using the value's own
 * ids where there are any (`sections[2].fields[0] (id: phone)` rather than bare indexes).
 */
export function formatZodIssues(error: ZodError, input: unknown): string[] {
  return error.issues.map((issue) => {
    let node: unknown = input;
    const parts: string[] = [];
    for (const key of issue.path) {
      node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
      const ident = node && typeof node === 'object' && 'id' in node ? ` (id: ${String((node as { id: unknown }).id)})` : '';
      parts.push(typeof key === 'number' ? `[${key}]${ident}` : `${parts.length ? '.' : ''}${key}${ident}`);
    }
    return `${parts.join('') || '(根)'}: ${issue.message}`;
  });
}

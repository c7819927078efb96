/** The HR archive's filters, shared by its two lists (customer-handover cases, signing cases). */
export interface ArchiveFilters {
  department?: string;
  status?: string;
  from?: string;
  to?: string;
}

/**
 * A WHERE clause for the filters over the given column expressions; values go into `params`
 * (never into the SQL text). Department matches anywhere in the name, LIKE wildcards escaped.
 */
export function archiveWhere(f: ArchiveFilters, col: { department: string; status: string; created: string }, params: unknown[], extra: string[] = []): string {
  const where = [...extra];
  const add = (cond: string, v: unknown) => {
    params.push(v);
    where.push(cond.replaceAll('?', `$${params.length}`));
  };
  if (f.department) add(`${col.department} ILIKE ?`, `%${f.department.replace(/[%_\\]/g, (m) => `\\${m}`)}%`);
  if (f.status) add(`${col.status} = ?`, f.status);
  if (f.from) add(`${col.created} >= ?::date`, f.from);
  if (f.to) add(`${col.created} < (?::date + 1)`, f.to);
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

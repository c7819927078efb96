import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formDefinitionSchema, type FormDefinition } from '../lib/form-definition.js';

/**
 * The checklist definitions for server code (api/), read once from content/forms — the same
 * files the site is built from. On Vercel the folder is shipped with the function
 * (vercel.json includeFiles).
 */
let forms: Map<string, FormDefinition> | null = null;

export function formRegistry(dir = resolve(process.cwd(), 'content/forms')): Map<string, FormDefinition> {
  if (!forms) {
    forms = new Map();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const def = formDefinitionSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      forms.set(def.id, def);
    }
  }
  return forms;
}

export const findForm = (id: string): FormDefinition | undefined => formRegistry().get(id);

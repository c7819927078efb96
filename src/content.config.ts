import { defineCollection } from 'astro:content';
import { glob, type Loader } from 'astro/loaders';
import { readdirSync } from 'node:fs';
import { policyFrontmatterSchema, checkPolicyBody } from './lib/policy-schema.js';
import { formDefinitionSchema } from './lib/form-definition.js';
import { formatZodIssues } from './lib/zod-messages.js';

const POLICIES_DIR = './content/policies';
const FORMS_DIR = './content/forms';

/**
 * The glob loader validates frontmatter; this wrapper then checks what frontmatter alone
 * cannot: variables used in the body and form ids. Any problem fails the build, naming the
 * file and the variable or form.
 */
function policyLoader(): Loader {
  const inner = glob({ pattern: '*.md', base: POLICIES_DIR });
  return {
    name: 'policy-loader',
    load: async (context) => {
      await inner.load(context);
      const formIds = new Set(readdirSync(FORMS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)));
      const problems: string[] = [];
      for (const entry of context.store.values()) {
        const data = entry.data as Parameters<typeof checkPolicyBody>[0];
        const file = entry.filePath ?? `${POLICIES_DIR}/${entry.id}.md`;
        for (const p of checkPolicyBody(data, entry.body ?? '', formIds)) problems.push(`${file}: ${p}`);
      }
      if (problems.length) {
        throw new Error(`政策模板有 ${problems.length} 处错误：\n${problems.join('\n')}`);
      }
    },
  };
}

/**
 * Checklist definitions: checked against the definition schema first so that a malformed
 * file fails the build with every problem listed by field id (`sections[1].fields[0]
 * (id: phone).type: …`), not only Astro's generic schema error.
 */
function formLoader(): Loader {
  const inner = glob({ pattern: '*.json', base: FORMS_DIR });
  return {
    name: 'form-loader',
    load: (context) =>
      inner.load({
        ...context,
        parseData: async (props) => {
          const result = formDefinitionSchema.safeParse(props.data);
          if (!result.success) {
            const file = props.filePath ?? `${FORMS_DIR}/${props.id}.json`;
            throw new Error(`表单定义有误：${file}\n${formatZodIssues(result.error, props.data).map((p) => `${file}: ${p}`).join('\n')}`);
          }
          return context.parseData(props);
        },
      }),
  };
}

export const collections = {
  policies: defineCollection({ loader: policyLoader(), schema: policyFrontmatterSchema }),
  forms: defineCollection({ loader: formLoader(), schema: formDefinitionSchema }),
};

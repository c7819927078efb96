import { useEffect, useMemo, useRef } from 'react';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import { Variable, clauseExtensions, type VariableOptions } from './schema.js';
import { docToMarkdown, markdownToDoc } from './markdown.js';
import './editor.css';

/**
 * The rich-text editor of one clause body (loaded on demand: the customize page only pays
 * for Tiptap once HR opens a clause). Markdown in, Markdown out; variables are chips that
 * show the filled value and are inserted from a menu, never typed as braces.
 */
export interface ClauseEditorProps {
  /** Shown heading, for the editor's accessible name (条款内容 一、目的). */
  label: string;
  markdown: string;
  onChange: (markdown: string) => void;
  onClose: () => void;
  variables: ReadonlyArray<{ key: string; label: string }>;
  lookup: VariableOptions['lookup'];
}

export default function ClauseEditor({ label, markdown, onChange, onClose, variables, lookup }: ClauseEditorProps) {
  const lookupRef = useRef(lookup);
  lookupRef.current = lookup;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const views = useMemo(() => new Set<(l: VariableOptions['lookup']) => void>(), []);

  const editor = useEditor({
    immediatelyRender: false,
    extensions: clauseExtensions(Variable.configure({ lookup: (key) => lookupRef.current(key), views })),
    content: markdownToDoc(markdown),
    autofocus: 'end',
    editorProps: {
      attributes: { 'aria-label': `条款内容 ${label}`, role: 'textbox', 'aria-multiline': 'true', class: 'ce-content' },
      handleKeyDown: (_view, event) => {
        // Escape leaves the editor (the text is already saved), so keyboard users are not trapped.
        if (event.key === 'Escape') {
          onClose();
          return true;
        }
        return false;
      },
    },
    onUpdate: ({ editor: e }) => onChangeRef.current(docToMarkdown(e.getJSON())),
  });

  // A changed company profile or per-document value repaints the chips in place.
  useEffect(() => {
    for (const paint of views) paint(lookup);
  }, [lookup, views]);

  if (!editor) return <p className="muted">正在打开编辑器…</p>;
  return (
    <div className="ce">
      <Toolbar editor={editor} variables={variables} onClose={onClose} />
      <EditorContent editor={editor} />
    </div>
  );
}

function Toolbar({ editor, variables, onClose }: { editor: Editor; variables: ClauseEditorProps['variables']; onClose: () => void }) {
  const s = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      heading: e.isActive('heading', { level: 3 }),
      bullet: e.isActive('bulletList'),
      ordered: e.isActive('orderedList'),
      table: e.isActive('table'),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
  const chain = () => editor.chain().focus();
  const button = (text: string, aria: string, run: () => void, opts: { active?: boolean; disabled?: boolean; className?: string } = {}) => (
    <button
      type="button"
      aria-label={aria}
      title={aria}
      aria-pressed={opts.active === undefined ? undefined : opts.active}
      disabled={opts.disabled}
      className={opts.className}
      // Keep the selection in the editor: a toolbar click must not blur it first.
      onMouseDown={(e) => e.preventDefault()}
      onClick={run}
    >
      {text}
    </button>
  );
  return (
    <div className="ce-toolbar" role="toolbar" aria-label="正文格式">
      {button('B', '加粗', () => chain().toggleBold().run(), { active: s.bold, className: 'ce-bold' })}
      {button('标题', '小标题', () => chain().toggleHeading({ level: 3 }).run(), { active: s.heading })}
      {button('• 列表', '项目符号列表', () => chain().toggleBulletList().run(), { active: s.bullet })}
      {button('1. 列表', '编号列表', () => chain().toggleOrderedList().run(), { active: s.ordered })}
      {button('表格', '插入表格', () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(), { disabled: s.table })}
      {s.table && (
        <span className="ce-group" role="group" aria-label="表格">
          {button('+行', '在下方添加一行', () => chain().addRowAfter().run())}
          {button('−行', '删除当前行', () => chain().deleteRow().run())}
          {button('+列', '在右侧添加一列', () => chain().addColumnAfter().run())}
          {button('−列', '删除当前列', () => chain().deleteColumn().run())}
          {button('删表', '删除整个表格', () => chain().deleteTable().run())}
        </span>
      )}
      <select
        aria-label="插入变量"
        value=""
        onChange={(e) => {
          const key = e.target.value;
          if (key) chain().insertContent({ type: 'variable', attrs: { key } }).run();
        }}
      >
        <option value="">插入变量…</option>
        {variables.map((v) => (
          <option key={v.key} value={v.key}>
            {v.label}
          </option>
        ))}
      </select>
      {button('↶', '撤销', () => chain().undo().run(), { disabled: !s.canUndo })}
      {button('↷', '重做', () => chain().redo().run(), { disabled: !s.canRedo })}
      <button type="button" className="ce-done" onClick={onClose}>
        完成
      </button>
    </div>
  );
}

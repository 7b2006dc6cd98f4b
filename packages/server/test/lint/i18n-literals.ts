import ts from 'typescript';

/**
 * Visible text written as a literal in a front end's source, where it should be a catalogue key:
 * JSX text, a string in a JSX child expression (`{busy ? 'Saving…' : 'Save'}`), an `aria-label`,
 * `title`, `placeholder`, `alt`, `label` or `aria-description` given as a string or a template with
 * words (and our components' text props: `heading`, `newTitle`, `emptyText`, …); the first argument
 * of `toast`, `failed`, `setError`, `confirm`, `alert`; and in DOM code (the widget) `textContent`, `title`, `placeholder`, `ariaLabel` assigned a
 * string, or `setAttribute('aria-label' | 'title' | 'placeholder' | 'alt', '…')`. A literal counts
 * only when it holds a letter; punctuation, numbers and the brand name are not translated.
 */
export interface Literal {
  line: number;
  text: string;
}

const TEXT_ATTRIBUTES = new Set(['aria-label', 'title', 'placeholder', 'alt', 'label', 'aria-description', 'aria-roledescription', 'aria-valuetext']);
/** Props of our own components that are shown as text: `label`, `heading`, `newTitle`, `emptyText`, `confirmLabel`, … */
const textProp = (name: string) =>
  TEXT_ATTRIBUTES.has(name) || /^(legend|heading|caption|hint|description|message)$/.test(name) || /(Label|Title|Text|Hint|Heading)$/.test(name);
/** Functions whose first argument is shown to a person: toasts, errors, the browser's own dialogs. */
const TEXT_CALLS = new Set(['toast', 'failed', 'setError', 'confirm', 'alert', 'prompt']);
const DOM_PROPERTIES = new Set(['textContent', 'innerText', 'title', 'placeholder', 'ariaLabel', 'alt']);
/** Words that stay as they are in every language. */
const UNTRANSLATED = new Set(['Parley', 'P']);

const wordy = (s: string) => {
  const trimmed = s.trim();
  return !UNTRANSLATED.has(trimmed) && /\p{L}/u.test(trimmed.replace(/\bParley\b/g, ''));
};

function stringsOf(node: ts.Node): { node: ts.Node; text: string }[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [{ node, text: node.text }];
  if (ts.isTemplateExpression(node)) {
    const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
    return [{ node, text: parts }];
  }
  if (ts.isParenthesizedExpression(node)) return stringsOf(node.expression);
  if (ts.isConditionalExpression(node)) return [...stringsOf(node.whenTrue), ...stringsOf(node.whenFalse)];
  if (
    ts.isBinaryExpression(node) &&
    [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.PlusToken].includes(
      node.operatorToken.kind,
    )
  ) {
    return [...stringsOf(node.left), ...stringsOf(node.right)];
  }
  return [];
}

export function findLiterals(fileName: string, source: string): Literal[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Literal[] = [];
  const report = (node: ts.Node, text: string) => {
    if (wordy(text)) found.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: text.trim().replace(/\s+/g, ' ') });
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) report(node, node.text);
    else if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      for (const s of stringsOf(node.expression)) report(s.node, s.text);
    } else if (ts.isJsxAttribute(node) && textProp(node.name.getText(sf)) && node.initializer) {
      const init = node.initializer;
      if (ts.isStringLiteral(init)) report(init, init.text);
      else if (ts.isJsxExpression(init) && init.expression) for (const s of stringsOf(init.expression)) report(s.node, s.text);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) {
      if (DOM_PROPERTIES.has(node.left.name.text)) for (const s of stringsOf(node.right)) report(s.node, s.text);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      const [first, second] = node.arguments;
      if (name === 'setAttribute' && first && second && ts.isStringLiteral(first) && TEXT_ATTRIBUTES.has(first.text)) {
        for (const s of stringsOf(second)) report(s.node, s.text);
      } else if (TEXT_CALLS.has(name) && first) for (const s of stringsOf(first)) report(s.node, s.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

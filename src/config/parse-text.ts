// The text of a config file, parsed as JSON or YAML, for both readers: initgen's own
// config (config/load.ts) and a program's config files (service/config-files.ts).
// Each reader words its own error line: the CLI shows the parser's words to whoever
// runs initgen, while the library names only the place, since a program's config may
// hold secrets and its errors go to logs. No imports but types: the library loads it,
// with the yaml parser it ships (the CLI passes the one in its bundle).

type Yaml = Pick<typeof import('yaml'), 'parseDocument'>;

interface ParseError {
  format: 'JSON' | 'YAML';
  /** the parser's words, without the position (they may quote the text) */
  message: string;
  /** where, 1-based, when the parser says */
  line?: number;
  col?: number;
  /** YAML's error code (e.g. DUPLICATE_KEY), words that never quote the text */
  code?: string;
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: ParseError };

export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const where = at ? lineCol(text, Number(at[1])) : {};
    return { ok: false, error: { format: 'JSON', message: message.replace(/ in JSON at position \d+.*$/, ''), ...where } };
  }
}

export function parseYaml(text: string, yaml: Yaml): Parsed {
  const doc = yaml.parseDocument(text, { prettyErrors: true });
  const first = doc.errors[0];
  if (first === undefined) return { ok: true, value: doc.toJS() };
  const pos = first.linePos?.[0];
  const message = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return { ok: false, error: { format: 'YAML', message, code: first.code, ...(pos && { line: pos.line, col: pos.col }) } };
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
}

// Render one target's files from a normalised config, in memory: the CLI writes
// nothing until every target has rendered.
import { loadTarget, type TargetName } from './targets/registry.js';
import type { NormalizedConfig } from './config/types.js';
import type { RenderedFile, RenderContext, Target } from './targets/types.js';
import { renderTemplate } from './render/template.js';

export async function generate(
  config: NormalizedConfig,
  targetName: TargetName,
  warn: (message: string) => void,
): Promise<RenderedFile[]> {
  const target = await loadTarget(targetName);
  const files = renderWarning(target, config, {
    template: (file, view) => renderTemplate(target.name, file, view),
    warn: (field, message) => warn(`initgen: ${target.name}: field \`${field}\`: ${message}`),
  });
  for (const file of files) checkPaths(target.name, file);
  return files;
}

/**
 * TARGET's render, then issue 12: a field the user set that the target cannot express
 * is never dropped in silence. The warning comes from the field table unless the
 * target said more about that field itself.
 */
export function renderWarning(target: Target, config: NormalizedConfig, ctx: RenderContext): RenderedFile[] {
  const warned = new Set<string>();
  const files = target.render(config, {
    template: ctx.template,
    warn: (field, message) => {
      warned.add(field);
      ctx.warn(field, message);
    },
  });
  for (const field of config.given) {
    const mapping = target.fields[field];
    if (mapping?.support === 'unsupported' && !warned.has(field)) ctx.warn(field, `cannot be expressed: ${mapping.how}`);
  }
  return files;
}

// A target bug must not write outside --out or --root.
function checkPaths(target: string, file: RenderedFile): void {
  for (const path of [file.installPath, file.outPath]) {
    if (path === '' || path.startsWith('/') || path.split('/').some((s) => s === '..' || s === '.' || s === '')) {
      throw new Error(`${target}: bad relative path \`${path}\``);
    }
  }
}

/** Node version managers keep node under a home directory, which is absent or unmounted at boot. */
const VERSION_MANAGER_DIR = /(^|\/)(\.nvm|\.volta|\.asdf|\.fnm|fnm|fnm_multishells|\.nodenv|nodenv|n\/versions)\//;

export function warnNodePath(config: NormalizedConfig, warn: (message: string) => void): void {
  if (!VERSION_MANAGER_DIR.test(config.node)) return;
  const origin = config.given.has('node') ? '' : ' (the node running initgen; set `node` to choose another)';
  warn(
    `initgen: field \`node\`: ${config.node}${origin} is inside a Node version manager's directory, ` +
      'which may not exist when the service starts at boot; prefer a system-wide node such as /usr/bin/node',
  );
}

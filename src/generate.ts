// Render one target's files from a normalised config, in memory: the CLI writes
// nothing until every target has rendered.
import { loadTarget, type TargetName } from './targets/registry.js';
import type { NormalizedConfig } from './config/types.js';
import type { RenderedFile, RenderContext } from './targets/types.js';
import { renderTemplate } from './render/template.js';

export async function generate(
  config: NormalizedConfig,
  targetName: TargetName,
  warn: (message: string) => void,
): Promise<RenderedFile[]> {
  const target = await loadTarget(targetName);
  const warned = new Set<string>();
  const ctx: RenderContext = {
    template: (file, view) => renderTemplate(target.name, file, view),
    warn: (field, message) => {
      warned.add(field);
      warn(`initgen: ${target.name}: field \`${field}\`: ${message}`);
    },
  };
  const files = target.render(config, ctx);
  // issue 12: a field the user set that the target cannot express is never dropped
  // in silence; the warning comes from the field table when the target said nothing
  for (const field of config.given) {
    const mapping = target.fields[field];
    if (mapping?.support === 'unsupported' && !warned.has(field)) ctx.warn(field, `cannot be expressed: ${mapping.how}`);
  }
  for (const file of files) checkPaths(target.name, file);
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

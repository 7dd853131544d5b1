// SMF service manifests (service_bundle(5)). No SMF on Linux: the real reader
// here is xmllint against illumos' service_bundle DTD (dtd/service_bundle.dtd.1,
// the manifest's own DOCTYPE mapped to it by a catalog). What the DTD cannot say
// is checked from service_bundle(5), smf(7), smf_method(7) and svc.startd(8).
import { existsSync } from 'node:fs';
import { Report, descendants, dtdValid, kids, xmlTree } from './lib.js';

export const description = 'SMF service manifest (service_bundle)';
/** Tools the static checks need; runTools and root too for the runtime check. */
export const tools = ['xmllint', 'python3'];
export const runTools = [];
export const usage = 'FILE';
export const picks = (path) => path.endsWith('.xml');

const DEFAULT_RESTARTER = new Set(['svc:/system/svc/restarter:default', 'svc:/system/svc/restarter']);
// service_bundle(5) property types and what a value of each looks like
const TYPES = {
  boolean: (v) => v === 'true' || v === 'false',
  count: (v) => /^\d+$/.test(v) && BigInt(v) < 2n ** 64n,
  integer: (v) => /^-?\d+$/.test(v) && BigInt(v) >= -(2n ** 63n) && BigInt(v) < 2n ** 63n,
  time: (v) => /^-?\d+(\.\d{1,9})?$/.test(v),
  astring: (v) => !v.includes('\0'),
  ustring: (v) => !v.includes('\0'),
  opaque: (v) => /^([0-9a-fA-F]{2})*$/.test(v),
  fmri: (v) => validFmri(v),
  uri: (v) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(v),
  host: (v) => v.length > 0,
  hostname: (v) => /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(v),
  net_address_v4: (v) => /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$/.test(v),
  net_address_v6: (v) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(v),
};
// smf(7): service and instance names, property and group names
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9_.,/-]*$/;
const NAME = /^[A-Za-z][A-Za-z0-9_.,-]*$/;

/** smf(7) FMRIs: svc:/service[:instance] (optionally svc://localhost/...), or file://[localhost]/path. */
export function validFmri(v) {
  const svc = /^svc:(\/\/localhost)?\/([^:]+)(:([^:/]+))?$/.exec(v);
  if (svc) return SERVICE_NAME.test(svc[2]) && (svc[4] === undefined || NAME.test(svc[4]));
  return /^file:\/\/(localhost)?\/./.test(v);
}

export async function check(file) {
  const r = new Report(file);
  if (!existsSync(file)) return r.fail('no such file'), r;
  if (!r.need(...tools)) return r;
  dtdValid(r, file, 'service_bundle.dtd.1', [['system', '/usr/share/lib/xml/dtd/service_bundle.dtd.1']]);
  const root = xmlTree(r, file);
  if (!root) return r;
  const before = r.failures.length;
  rules(r, root);
  if (r.failures.length === before) r.ok('SMF rules hold (names, FMRIs, types, timeouts, methods, startd properties)');
  return r;
}

function rules(r, root) {
  if (root.tag !== 'service_bundle') return r.fail(`root element is <${root.tag}>, not <service_bundle>`);
  if (root.attrs.type !== 'manifest') r.fail(`service_bundle type="${root.attrs.type}": a manifest has type="manifest"`);
  const services = kids(root, 'service');
  if (services.length === 0) r.fail('no <service> in the bundle');
  for (const s of services) service(r, s);
}

function unique(r, nodes, what) {
  const seen = new Set();
  for (const n of nodes) {
    if (seen.has(n.attrs.name)) r.fail(`${what} name "${n.attrs.name}" used twice`);
    seen.add(n.attrs.name);
  }
}

function service(r, s) {
  const where = `service ${s.attrs.name}`;
  if (!SERVICE_NAME.test(s.attrs.name ?? '')) r.fail(`${where}: not a valid service name (smf(7))`);
  if (!/^\d+$/.test(s.attrs.version ?? '')) r.fail(`${where}: version="${s.attrs.version}" is not an integer`);
  if (kids(s, 'single_instance').length) r.warn(`${where}: <single_instance/> is obsolete`);
  const instances = kids(s, 'instance');
  unique(r, instances, 'instance');
  for (const i of instances) if (!NAME.test(i.attrs.name ?? '')) r.fail(`${where}: instance name "${i.attrs.name}" is not valid`);
  if (instances.length === 0 && kids(s, 'create_default_instance').length === 0) r.warn(`${where}: no instance: nothing can be enabled`);
  // a manifest's service carries a template with its common name (service_bundle(5))
  if (kids(s, 'template').length === 0) r.warn(`${where}: no <template> (common_name)`);

  for (const scope of [s, ...instances]) {
    const deps = kids(scope, 'dependency');
    unique(r, deps, `${where}: dependency`);
    for (const d of deps) {
      if (!NAME.test(d.attrs.name ?? '')) r.fail(`${where}: dependency name "${d.attrs.name}" is not valid`);
      if (d.attrs.type === 'service' || d.attrs.type === 'path') {
        for (const f of kids(d, 'service_fmri')) if (!validFmri(f.attrs.value ?? '')) r.fail(`${where}: dependency ${d.attrs.name}: "${f.attrs.value}" is not an FMRI`);
        if (kids(d, 'service_fmri').length === 0) r.fail(`${where}: dependency ${d.attrs.name} names no FMRI`);
      }
    }
    const methods = kids(scope, 'exec_method');
    unique(r, methods, `${where}: exec_method`);
    for (const m of methods) method(r, where, m);
    unique(r, kids(scope, 'property_group'), `${where}: property_group`);
    for (const ctx of kids(scope, 'method_context')) context(r, where, ctx);
  }
  for (const m of descendants(s, 'method_context')) if (!kids(s, 'method_context').includes(m) && !instances.some((i) => kids(i, 'method_context').includes(m))) context(r, where, m);

  // svc.startd(8): the default restarter needs start and stop methods, on the service or on every instance
  const restarter = kids(s, 'restarter')[0] && kids(kids(s, 'restarter')[0], 'service_fmri')[0]?.attrs.value;
  if (!restarter || DEFAULT_RESTARTER.has(restarter)) {
    const names = new Set(kids(s, 'exec_method').map((m) => m.attrs.name));
    for (const needed of ['start', 'stop']) {
      const everywhere = names.has(needed) || (instances.length > 0 && instances.every((i) => kids(i, 'exec_method').some((m) => m.attrs.name === needed)));
      if (!everywhere) r.fail(`${where}: no "${needed}" exec_method: svc.startd needs start and stop`);
    }
  }

  for (const pv of descendants(s, 'propval')) propval(r, where, pv.attrs.name, pv.attrs.type, [pv.attrs.value ?? '']);
  for (const p of descendants(s, 'property')) {
    const values = p.children.flatMap((list) => kids(list, 'value_node').map((v) => v.attrs.value ?? ''));
    for (const list of p.children) if (list.tag !== `${p.attrs.type}_list`) r.fail(`${where}: property ${p.attrs.name} of type ${p.attrs.type} holds <${list.tag}>`);
    propval(r, where, p.attrs.name, p.attrs.type, values);
  }
  for (const pg of descendants(s, 'property_group')) {
    if (!NAME.test(pg.attrs.name ?? '')) r.fail(`${where}: property_group name "${pg.attrs.name}" is not valid`);
    if (pg.attrs.name === 'startd') startd(r, where, pg);
  }
}

function propval(r, where, name, type, values) {
  if (!NAME.test(name ?? '')) r.fail(`${where}: property name "${name}" is not valid`);
  const ok = TYPES[type];
  for (const v of values) if (ok && !ok(v)) r.fail(`${where}: property ${name}: "${v}" is not a valid ${type}`);
}

// smf_method(7): exec is a command line run by /bin/sh -c, or one of the tokens
// :kill [-SIGNAL] and :true; timeout_seconds is an integer, 0 or -1 for none
function method(r, where, m) {
  const at = `${where}: exec_method ${m.attrs.name}`;
  if (!NAME.test(m.attrs.name ?? '')) r.fail(`${at}: name is not valid`);
  if (!/^(-1|\d+)$/.test(m.attrs.timeout_seconds ?? '')) r.fail(`${at}: timeout_seconds="${m.attrs.timeout_seconds}" is not an integer >= -1`);
  const exec = m.attrs.exec ?? '';
  if (exec.startsWith(':')) {
    if (!/^(:true|:kill( -[A-Z0-9]+)?)$/.test(exec)) r.fail(`${at}: exec="${exec}": the only tokens are :kill [-SIGNAL] and :true`);
  } else if (!exec.trim()) r.fail(`${at}: empty exec`);
  for (const ctx of kids(m, 'method_context')) context(r, at, ctx);
}

function context(r, where, ctx) {
  const wd = ctx.attrs.working_directory;
  if (wd !== undefined && wd !== ':default' && !wd.startsWith('/')) r.fail(`${where}: working_directory "${wd}" is neither absolute nor :default`);
  for (const cred of kids(ctx, 'method_credential')) if (!(cred.attrs.user ?? '').trim()) r.fail(`${where}: method_credential with an empty user`);
  for (const env of descendants(ctx, 'envvar')) {
    if (!/^[^=\0]+$/.test(env.attrs.name ?? '')) r.fail(`${where}: envvar name "${env.attrs.name}" is not a variable name`);
  }
}

// svc.startd(8): startd/duration is contract (default), child, transient or wait;
// startd/ignore_error is a comma list of core and signal
function startd(r, where, pg) {
  for (const pv of kids(pg, 'propval')) {
    if (pv.attrs.name === 'duration' && !['contract', 'child', 'transient', 'wait'].includes(pv.attrs.value)) r.fail(`${where}: startd/duration "${pv.attrs.value}" is not contract, child, transient or wait`);
    if (pv.attrs.name === 'ignore_error' && !(pv.attrs.value ?? '').split(',').every((w) => w === 'core' || w === 'signal')) r.fail(`${where}: startd/ignore_error "${pv.attrs.value}" is not a list of core and signal`);
  }
}

// OpenRC service scripts (openrc-run(8)): dependency words.

/**
 * Abstract dependency names → OpenRC services (Gentoo/Alpine names). network,
 * remote-fs and local-fs are hard `need`s; syslog and time are `use`: a machine
 * without a logger or an NTP client still boots, as with LSB's optional $syslog/$time.
 */
const OPENRC_DEPENDENCIES: Readonly<Record<string, { word: 'need' | 'use'; service: string }>> = {
  network: { word: 'need', service: 'net' },
  'remote-fs': { word: 'need', service: 'netmount' },
  'local-fs': { word: 'need', service: 'localmount' },
  syslog: { word: 'use', service: 'logger' },
  time: { word: 'use', service: 'ntp-client' },
};

export function openrcDependency(dependency: string): { word: 'need' | 'use'; service: string } {
  return Object.hasOwn(OPENRC_DEPENDENCIES, dependency)
    ? OPENRC_DEPENDENCIES[dependency]!
    : { word: 'need', service: dependency };
}

/**
 * Reads the versions a yarn v1 lockfile pinned for given `name@range` entries, so that the
 * suite runs on the dependencies its own CI used.
 */
export function pinnedVersions(
  lockfile: string,
  wanted: ReadonlyMap<string, string>,
): Map<string, string> {
  const versionsBySpec = new Map<string, string>();
  let headerSpecs: string[] = [];
  for (const line of lockfile.split('\n')) {
    if (line.length > 0 && !line.startsWith(' ') && !line.startsWith('#') && line.endsWith(':')) {
      headerSpecs = line
        .slice(0, -1)
        .split(',')
        .map((spec) => spec.trim().replace(/^"|"$/g, ''));
      continue;
    }
    const version = /^ {2}version "([^"]+)"$/.exec(line);
    if (version) for (const spec of headerSpecs) versionsBySpec.set(spec, version[1]);
  }
  const pinned = new Map<string, string>();
  for (const [name, range] of wanted) {
    const version = versionsBySpec.get(`${name}@${range}`);
    if (version === undefined) {
      throw new Error(
        `yarn.lock has no entry for ${name}@${range}; the archive does not match the ` +
          'Sequelize tag this script expects (v6.37.8)',
      );
    }
    pinned.set(name, version);
  }
  return pinned;
}

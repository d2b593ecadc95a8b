import { Command, Option } from 'commander';
import { getRelease, listReleases, OPERATOR, publishRelease, rebuildRelease, releaseDir, releaseSize, startRelease, verifyRelease, type Release } from '@openfeedback/server';
import { configFrom, withDatabaseOptions } from './common-options.js';
import { withContext } from './open-context.js';
import { progressBar } from './progress.js';

type DbOptions = { db?: string; config?: string; releasesDir?: string };

function withReleaseOptions(command: Command): Command {
  return withDatabaseOptions(command).addOption(new Option('--releases-dir <dir>', 'where releases are built, one folder per version (env OPENFEEDBACK_RELEASES_DIR; default ./data/releases)'));
}

export function releaseCommand(): Command {
  const release = new Command('release').description('Make, check and publish releases of the open pool');

  release.addCommand(
    withReleaseOptions(new Command('create').description('Make a release: an immutable, dated, versioned snapshot of the consented, licence-resolved pool'))
      .addOption(new Option('--version <version>', 'the version (default: today, e.g. 2026.11.28)'))
      .addOption(new Option('--out <dir>', 'also copy the built release to <dir>/<version> (checksums verified)'))
      .option('--json', 'print the release (with its manifest) as JSON')
      .action(async (options: DbOptions & { version?: string; out?: string; json?: boolean }) => {
        const { version, out, json, ...rest } = options;
        const made = await withContext(configFrom(rest), async (ctx) => {
          let bar = progressBar(false, 0, '');
          const { release: started, built } = await startRelease(ctx, OPERATOR, version === undefined ? {} : { version }, (p) => bar.update(p.conversations));
          bar = progressBar(json !== true, await releaseSize(ctx, started), 'conversations');
          try {
            const done = await built;
            bar.stop();
            if (out !== undefined) await publishRelease(ctx, OPERATOR, done.version, { kind: 'folder', path: out });
            return { release: done, dir: releaseDir(ctx, done.version) };
          } finally {
            bar.stop();
          }
        });
        process.stdout.write(json === true ? `${JSON.stringify(made.release, null, 2)}\n` : describe(made.release, made.dir, out));
      }),
  );

  release.addCommand(
    withReleaseOptions(new Command('list').description('Every release, newest first'))
      .option('--json', 'as JSON')
      .action(async (options: DbOptions & { json?: boolean }) => {
        const { json, ...rest } = options;
        const all = await withContext(configFrom(rest), (ctx) => listReleases(ctx));
        if (json === true) process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
        else process.stdout.write(all.length === 0 ? 'no releases yet\n' : `${all.map((r) => `${r.version.padEnd(16)} ${r.status.padEnd(9)} ${r.created_at}  ${r.manifest === null ? (r.error ?? '') : `${r.manifest.records.conversations} conversations, ${r.manifest.records.feedback} feedback`}`).join('\n')}\n`);
      }),
  );

  release.addCommand(
    withReleaseOptions(new Command('rebuild').description('Build an existing release again into another folder (the same database gives the same checksums)'))
      .argument('<version>')
      .requiredOption('--out <dir>', 'the folder to build into (must not be the release itself)')
      .action(async (version: string, options: DbOptions & { out: string }) => {
        const { out, ...rest } = options;
        const manifest = await withContext(configFrom(rest), async (ctx) => {
          if (releaseDir(ctx, version) === (await import('node:path')).resolve(out)) throw new Error('rebuild into another folder: the release itself is immutable');
          const original = await getRelease(ctx, version);
          const rebuilt = await rebuildRelease(ctx, version, out);
          const same = original.manifest !== null && JSON.stringify(original.manifest.files) === JSON.stringify(rebuilt.files);
          process.stderr.write(same ? `every file of ${version} rebuilt with the same sha256\n` : `the rebuild differs from ${version} (the pool changed since, or the release failed)\n`);
          if (!same) process.exitCode = 1;
          return rebuilt;
        });
        process.stdout.write(`${manifest.files.map((f) => `${f.sha256}  ${f.path}`).join('\n')}\n`);
      }),
  );

  release.addCommand(
    new Command('verify')
      .description("Check a release folder against its manifest: every file's size and sha256, and nothing extra")
      .argument('<dir>')
      .action(async (dir: string) => {
        const verified = await verifyRelease(dir);
        process.stdout.write(`${verified.version}: ${verified.files.length} files, ${verified.bytes.toLocaleString('en')} bytes, every checksum verified\n`);
      }),
  );

  release.addCommand(
    withReleaseOptions(new Command('publish').description('Publish a built release to the Hugging Face Hub (OPENFEEDBACK_HUB_TOKEN) or to a folder'))
      .argument('<version>')
      .addOption(new Option('--hub [repo]', 'the dataset repository owner/name (default OPENFEEDBACK_HUB_REPO)'))
      .addOption(new Option('--folder <dir>', 'copy the release to <dir>/<version> instead'))
      .option('--private', 'create the Hub repository private')
      .action(async (version: string, options: DbOptions & { hub?: string | true; folder?: string; private?: boolean }) => {
        const { hub, folder, private: isPrivate, ...rest } = options;
        if ((hub === undefined) === (folder === undefined)) throw new Error('say where: --hub [owner/name] or --folder <dir>');
        const result = await withContext(configFrom(rest), async (ctx) => {
          const bar = progressBar(true, 1, 'bytes');
          try {
            return await publishRelease(
              ctx,
              OPERATOR,
              version,
              folder !== undefined ? { kind: 'folder', path: folder } : { kind: 'hub', repo: typeof hub === 'string' ? hub : undefined, private: isPrivate },
              (done, total) => bar.update(total === 0 ? 1 : done / total),
            );
          } finally {
            bar.stop();
          }
        });
        process.stdout.write(`${version} published to ${result.target}: ${result.files} files, ${result.bytes.toLocaleString('en')} bytes${result.commit === undefined ? '' : `, commit ${result.commit}`}${result.alreadyPublished === true ? ' (already there)' : ''}\n`);
      }),
  );
  return release;
}

function describe(r: Release, dir: string, out: string | undefined): string {
  const m = r.manifest!;
  return [
    `release ${r.version} built in ${dir}${out === undefined ? '' : ` (copy in ${out}/${r.version})`}`,
    `records      ${m.records.conversations} conversations, ${m.records.messages} messages, ${m.records.feedback} feedback events`,
    `views        ${Object.entries(m.views).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `licences     ${Object.entries(m.licences).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
    `kept out     ${m.excluded.unresolved_licence.conversations} conversations and ${m.excluded.unresolved_licence.feedback} feedback events with no resolvable licence`,
    `re-scrubbed  ${Object.entries(m.rescrubbed).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing'}`,
    `removals     ${Object.entries(m.removals).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} since ${r.previous_version ?? 'the start'}`,
    `files        ${m.files.length} (sha256 in manifest.json)`,
    '',
  ].join('\n');
}

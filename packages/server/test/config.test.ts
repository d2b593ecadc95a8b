import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ConfigSchema, DEFAULT_CONFIG_FILE, envName, loadConfig } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'openfeedback-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a JSON config file into the temp dir and returns its name. */
function configFile(values: unknown, name = 'of.json'): string {
  writeFileSync(join(dir, name), typeof values === 'string' ? values : JSON.stringify(values));
  return name;
}

/** loadConfig isolated from this process: no real environment, the temp dir as cwd. */
const load = (sources: Parameters<typeof loadConfig>[0] = {}) => loadConfig({ env: {}, cwd: dir, ...sources });

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('envName', () => {
  it('maps camelCase keys to OPENFEEDBACK_SNAKE_CASE', () => {
    expect(envName('db')).toBe('OPENFEEDBACK_DB');
    expect(envName('port')).toBe('OPENFEEDBACK_PORT');
    expect(envName('rateLimitMax')).toBe('OPENFEEDBACK_RATE_LIMIT_MAX');
    expect(envName('rateLimitWindowSeconds')).toBe('OPENFEEDBACK_RATE_LIMIT_WINDOW_SECONDS');
    expect(envName('sqliteSynchronous')).toBe('OPENFEEDBACK_SQLITE_SYNCHRONOUS');
  });

  it('is read back by loadConfig for every key', () => {
    // One non-default value per key, given only through its environment variable.
    const viaEnv: Record<string, string> = {
      port: '9090',
      host: '0.0.0.0',
      db: '/srv/pool.db',
      sqliteSynchronous: 'normal',
      postgresPoolSize: '20',
      termsVersion: '2027-01',
      rateLimitMax: '5',
      rateLimitWindowSeconds: '10',
      rateLimitAccountMax: '12',
      bodyLimitBytes: '2048',
      ingestLimitBytes: '4096',
      sessionDays: '7',
      cookieSecure: 'true',
      trustProxy: '1',
      logLevel: 'warn',
      publicUrl: 'https://feedback.example.org',
      oidcIssuer: 'https://huggingface.co',
      oidcClientId: 'client-id',
      oidcClientSecret: 'client-secret',
      oidcName: 'Example ID',
      gatewayFirstTokenSeconds: '5',
      gatewayIdleSeconds: '6',
      gatewayRetries: '0',
      releasesDir: '/srv/releases',
      hubRepo: 'openfeedback/pool',
      hubToken: 'hf_token',
      hubUrl: 'https://hub.example.org',
      queueTargetRatings: '4',
      queueExtraRatingsOnDisagreement: '1',
      queueDisagreementThreshold: '0.25',
      queueGoldRate: '.2',
      dailyFeedbackCap: '50',
      qualityPassMinutes: '0',
      arenaBattleExpiryMinutes: '30',
    };
    expect(Object.keys(viaEnv).sort()).toEqual(Object.keys(ConfigSchema.shape).sort());
    const env = Object.fromEntries(Object.entries(viaEnv).map(([k, v]) => [envName(k), v]));
    expect(load({ env })).toEqual({
      port: 9090,
      host: '0.0.0.0',
      db: '/srv/pool.db',
      sqliteSynchronous: 'normal',
      postgresPoolSize: 20,
      termsVersion: '2027-01',
      rateLimitMax: 5,
      rateLimitWindowSeconds: 10,
      rateLimitAccountMax: 12,
      bodyLimitBytes: 2048,
      ingestLimitBytes: 4096,
      sessionDays: 7,
      cookieSecure: true,
      trustProxy: true,
      logLevel: 'warn',
      publicUrl: 'https://feedback.example.org',
      oidcIssuer: 'https://huggingface.co',
      oidcClientId: 'client-id',
      oidcClientSecret: 'client-secret',
      oidcName: 'Example ID',
      gatewayFirstTokenSeconds: 5,
      gatewayIdleSeconds: 6,
      gatewayRetries: 0,
      releasesDir: '/srv/releases',
      hubRepo: 'openfeedback/pool',
      hubToken: 'hf_token',
      hubUrl: 'https://hub.example.org',
      queueTargetRatings: 4,
      queueExtraRatingsOnDisagreement: 1,
      queueDisagreementThreshold: 0.25,
      queueGoldRate: 0.2,
      dailyFeedbackCap: 50,
      qualityPassMinutes: 0,
      arenaBattleExpiryMinutes: 30,
    });
  });
});

describe('loadConfig', () => {
  it('uses the defaults when nothing is given', () => {
    const config = load();
    expect(config).toMatchObject({ port: 8080, host: 'localhost', db: './data/openfeedback.db', sqliteSynchronous: 'full', cookieSecure: false, logLevel: 'info' });
    expect(config).toEqual(ConfigSchema.parse({}));
  });

  it('takes a flag over the environment, the environment over the file, the file over the default', () => {
    const file = configFile({ port: 1001, host: 'file-host', db: 'file.db', rateLimitMax: 7 });
    const env = { OPENFEEDBACK_PORT: '2002', OPENFEEDBACK_HOST: 'env-host' };
    const flags = { port: '3003' };
    const config = load({ file, env, flags });
    expect(config.port).toBe(3003); // flag
    expect(config.host).toBe('env-host'); // env beats file
    expect(config.db).toBe('file.db'); // file beats default
    expect(config.rateLimitMax).toBe(7);
    expect(config.sessionDays).toBe(30); // default
    expect(load({ file, env }).port).toBe(2002);
    expect(load({ file }).port).toBe(1001);
  });

  it('ignores undefined flags and empty environment variables', () => {
    const file = configFile({ port: 1001 });
    expect(load({ file, flags: { port: undefined }, env: { OPENFEEDBACK_PORT: '' } }).port).toBe(1001);
  });

  it('reads ./openfeedback.config.json from the working directory, or the file OPENFEEDBACK_CONFIG names', () => {
    configFile({ termsVersion: 'default-file' }, DEFAULT_CONFIG_FILE);
    expect(load().termsVersion).toBe('default-file');
    mkdirSync(join(dir, 'etc'));
    configFile({ termsVersion: 'named-file' }, 'etc/other.json');
    expect(load({ env: { OPENFEEDBACK_CONFIG: 'etc/other.json' } }).termsVersion).toBe('named-file');
    // An explicit file wins over OPENFEEDBACK_CONFIG.
    expect(load({ file: DEFAULT_CONFIG_FILE, env: { OPENFEEDBACK_CONFIG: 'etc/other.json' } }).termsVersion).toBe('default-file');
  });

  it('treats an empty OPENFEEDBACK_CONFIG as unset', () => {
    configFile({ termsVersion: 'default-file' }, DEFAULT_CONFIG_FILE);
    expect(load({ env: { OPENFEEDBACK_CONFIG: '' } }).termsVersion).toBe('default-file');
  });

  it('refuses an unknown key in the config file, naming the key and the file', () => {
    const file = configFile({ port: 8080, prot: 9090 });
    const e = errorOf(() => load({ file }));
    expect(e.message).toContain('"prot"');
    expect(e.message).toContain(join(dir, file));
  });

  it('names the key and where a bad value came from', () => {
    const fromEnv = errorOf(() => load({ env: { OPENFEEDBACK_PORT: 'abc' } }));
    expect(fromEnv.message).toMatch(/"port"/);
    expect(fromEnv.message).toContain('environment OPENFEEDBACK_PORT');

    const fromFlag = errorOf(() => load({ flags: { rateLimitMax: '0' } }));
    expect(fromFlag.message).toMatch(/"rateLimitMax"/);
    expect(fromFlag.message).toContain('flag --rate-limit-max');

    const file = configFile({ logLevel: 'loud' });
    const fromFile = errorOf(() => load({ file }));
    expect(fromFile.message).toMatch(/"logLevel"/);
    expect(fromFile.message).toContain(`config file ${join(dir, file)}`);
  });

  it('reports the source that won, not one it overrode', () => {
    const file = configFile({ port: 'not a port' });
    expect(load({ file, env: { OPENFEEDBACK_PORT: '81' } }).port).toBe(81);
    const e = errorOf(() => load({ file: configFile({ port: 80 }, 'ok.json'), env: { OPENFEEDBACK_PORT: '70000' } }));
    expect(e.message).toContain('environment OPENFEEDBACK_PORT');
  });

  it('refuses values that only look like numbers or booleans', () => {
    for (const value of ['abc', '', ' ', '80.5', '-1', '65536', '8080abc']) {
      expect(() => load({ flags: { port: value } }), JSON.stringify(value)).toThrow(/"port"/);
    }
    for (const value of [null, true, [8080], '']) {
      expect(() => load({ file: configFile({ port: value }) }), JSON.stringify(value)).toThrow(/"port"/);
    }
    expect(() => load({ env: { OPENFEEDBACK_COOKIE_SECURE: 'yes' } })).toThrow(/"cookieSecure".*OPENFEEDBACK_COOKIE_SECURE/);
    expect(() => load({ env: { OPENFEEDBACK_SQLITE_SYNCHRONOUS: 'off' } })).toThrow(/"sqliteSynchronous"/);
  });

  it('accepts numbers as JSON numbers or as decimal strings', () => {
    expect(load({ file: configFile({ port: 8081 }) }).port).toBe(8081);
    expect(load({ file: configFile({ port: '8082' }) }).port).toBe(8082);
    expect(load({ flags: { port: '0' } }).port).toBe(0);
    expect(load({ env: { OPENFEEDBACK_COOKIE_SECURE: '0' }, file: configFile({ cookieSecure: true }) }).cookieSecure).toBe(false);
  });

  it('refuses an explicit config file that does not exist', () => {
    const e = errorOf(() => load({ file: 'missing.json' }));
    expect(e.message).toContain(join(dir, 'missing.json'));
    expect(e.message).toContain('does not exist');
    expect(() => load({ env: { OPENFEEDBACK_CONFIG: 'missing.json' } })).toThrow(ConfigError);
  });

  it('refuses a config file that is not a JSON object', () => {
    expect(errorOf(() => load({ file: configFile('{ port: 80 }') })).message).toContain('not valid JSON');
    expect(errorOf(() => load({ file: configFile([1, 2]) })).message).toContain('must hold a JSON object');
    expect(errorOf(() => load({ file: configFile('null') })).message).toContain('must hold a JSON object');
  });

  it('returns a frozen config', () => {
    const config = load();
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.port).toBe(8080);
  });
});

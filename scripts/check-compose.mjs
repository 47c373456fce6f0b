#!/usr/bin/env node
// Checks docker-compose.yml in seconds, without a Docker engine, before anything is built (the real proof, on a
// Docker engine, is scripts/compose-e2e.sh):
//
// 1. `docker-compose config` must accept both variants (docker-compose 1.29, no daemon needed): the default one
//    (docker-compose.yml + docker-compose.override.yml, what `docker compose up` reads) and the class one
//    (docker-compose.yml + docker-compose.class.yml, with CLASS_HOST and INSTRUCTOR_KEY); the class one must be
//    refused, naming the variable, without CLASS_HOST or without INSTRUCTOR_KEY.
// 2. Static checks on what it prints, for each variant: every build context, Dockerfile and target exists; each
//    image's start command (CMD, relative to the runtime WORKDIR, which holds the app `pnpm deploy` produced)
//    exists in the app's build output and is shipped by its package.json `files`; EXPOSE, the published port, the
//    health check URL and the port the service listens on are one port; the default variant publishes on
//    127.0.0.1 only, the class one on every interface; every *_INTERNAL_URL names the compose service that runs
//    that app, on its port; every *_PUBLIC_URL is http://<localhost, or CLASS_HOST>:<the published port>; the
//    issuer (AUTH_PUBLIC_URL) is the same string for every service; DATA_DIR and SHARED_SECRETS_DIR are volumes
//    (the secrets one shared).
// 3. With --native only (a machine without Docker): runs the three services NATIVELY with exactly the environment
//    each container of the default variant gets, on the compose ports
//    (3000/9000/9001), runs each compose health check command against them, checks the published metadata and the
//    printer's environment doctor, then runs the Playwright code flow (e2e/tests/authorization-code.spec.ts and
//    e2e/tests/doctor.spec.ts) against them. A wrong internal or public URL in the compose file fails here.
//
// "Exactly the environment": the image's ENV (runtime stage of the service's Dockerfile) overlaid with the
// service's `environment` from `docker-compose config`, as Docker does, plus PATH and HOME. Only DATA_DIR and
// SHARED_SECRETS_DIR are changed: they point at temporary folders, one per named volume, the way the volume
// maps them into the container (so the shared-secrets volume is one folder for all three). The compose service
// names (auth, drive, printer) resolve to 127.0.0.1 inside the services only, through a `node --import`
// preload (scripts/compose-dns-preload.mjs), as the compose network resolves them inside a container; no
// /etc/hosts edit. The browser, as on a learner's machine, only uses the public localhost URLs.
//
// Needs: docker-compose (apt-get install -y --no-install-recommends docker-compose, or scripts/setup.sh
// --compose), the built apps (pnpm build) and the e2e packages (pnpm install). Every process it starts is
// stopped by PID (packages/testkit).
//
// Typechecked with JSDoc (scripts/tsconfig.json): the shapes below are what this check reads and learns.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join, posix, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * @typedef {{ label: string, files: string[], env: Record<string, string>, publicHost: string,
 *   hostIp: string | undefined }} Variant
 * @typedef {{ instruction: string, args: string, words: string[] }} Instruction
 * @typedef {{ from: string, name: string | undefined, instructions: Instruction[] }} Stage
 * @typedef {Record<string, string | undefined>} Env
 * @typedef {{ port: number, publicUrl: string, internalUrl: string }} ServiceUrls
 */
/**
 * What `docker-compose config` prints of a service, as far as this check reads it.
 * @typedef {{
 *   build?: { context?: string, dockerfile?: string, target?: string },
 *   environment?: Env,
 *   ports?: (string | { host_ip?: string, published?: number | string, target?: number | string })[],
 *   healthcheck?: { test?: string[], disable?: boolean },
 *   volumes?: (string | { source?: string, target?: string })[],
 *   depends_on?: Record<string, { condition?: string }>,
 * }} ComposeService
 */
/**
 * What this check learns of one service. Every field is set once its checks passed (a problem otherwise).
 * @typedef {{ name: string, service: ComposeService, dockerfile: string, target: string, app: string, prefix: string,
 *   startFile: string, env: Env, own: ServiceUrls, published: number, hostIp: string | undefined,
 *   healthcheck: string[], volumes: Record<string, string> }} ServiceInfo
 */

const ROOT = resolve(import.meta.dirname, '..');
/** `node scripts/check-compose.mjs [--native]`. */
const NATIVE = process.argv.includes('--native');
/** The variants of the compose setup: which files, with which variables, publish where, under which host name. */
/** @type {Variant[]} */
const VARIANTS = [
  {
    label: 'default',
    files: ['docker-compose.yml', 'docker-compose.override.yml'],
    env: {},
    publicHost: 'localhost',
    hostIp: '127.0.0.1',
  },
  {
    label: 'class',
    files: ['docker-compose.yml', 'docker-compose.class.yml'],
    env: { CLASS_HOST: 'class.test', INSTRUCTOR_KEY: 'check-compose-instructor-key' },
    publicHost: 'class.test',
    hostIp: undefined, // every interface
  },
];
const PRELOAD = join(ROOT, 'scripts', 'compose-dns-preload.mjs');
/** The Playwright specs run against the compose environment. */
const SPECS = ['authorization-code.spec.ts', 'doctor.spec.ts'];
/** Which environment prefix each app reads its own URLs and port from (packages/web readServiceUrls). */
/** @type {Record<string, string>} */
const APP_PREFIX = { 'auth-server': 'AUTH', drive: 'DRIVE', printer: 'PRINTER', attacker: 'ATTACKER' };

/** Mallory's site (the attack lab's attacker) keeps nothing, and must NOT see the volume of shared client secrets. */
const STATELESS_APPS = new Set(['attacker']);

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));
/** @param {string} message */
const log = (message) => console.log(`check-compose: ${message}`);
/** @param {string} message @returns {never} */
function die(message) {
  console.error(`check-compose: FAILED: ${message}`);
  process.exit(1);
}

for (const built of ['packages/web/dist/config.js', 'packages/testkit/dist/index.js'])
  if (!existsSync(join(ROOT, built))) die(`${built} is missing: build first (pnpm build).`);
const { readServiceUrls } = await import(pathToFileURL(join(ROOT, 'packages/web/dist/config.js')).href);
const testkit = await import(pathToFileURL(join(ROOT, 'packages/testkit/dist/index.js')).href);

// ---------------------------------------------------------------------------------------------------------
// 1. docker-compose config
// ---------------------------------------------------------------------------------------------------------
const which = spawnSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' });
const composeBin = which.stdout.trim();
if (which.status !== 0 || !composeBin)
  die(
    'docker-compose is not installed. Install it (no Docker engine needed): ' +
      '`apt-get install -y --no-install-recommends docker-compose`, or `bash scripts/setup.sh --compose`.',
  );
/** `docker-compose config` of some files with some variables (and none of the caller's COMPOSE_* or class ones). */
/** @param {string[]} files @param {Env} env */
function composeConfig(files, env) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(COMPOSE_|CLASS_HOST$|INSTRUCTOR_KEY$|NODE_IMAGE$)/.test(k)),
  );
  const fileArgs = files.flatMap((f) => ['-f', join(ROOT, f)]);
  return spawnSync(composeBin, [...fileArgs, '--project-directory', ROOT, 'config'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...clean, ...env },
  });
}
const composeVersion = spawnSync(composeBin, ['version', '--short'], { encoding: 'utf8' }).stdout.trim();

// The rendered file is YAML. No YAML parser is a dependency of this repository, but docker-compose 1.x is a
// Python program that depends on PyYAML: its own interpreter turns the rendered YAML into JSON.
const shebang = readFileSync(composeBin, 'utf8').split('\n', 1)[0] ?? '';
const python = shebang.startsWith('#!') && /python/.test(shebang) ? shebang.slice(2).trim().split(/\s+/) : ['python3'];
/** @param {string} yaml @returns {{ services?: Record<string, ComposeService> }} */
function yamlToJson(yaml) {
  const asJson = spawnSync(
    python[0] ?? 'python3',
    [...python.slice(1), '-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
    {
      input: yaml,
      encoding: 'utf8',
    },
  );
  if (asJson.status !== 0)
    die(
      `could not read the output of docker-compose config as YAML (${python.join(' ')} with PyYAML):\n${asJson.stderr}`,
    );
  return JSON.parse(asJson.stdout);
}

// The class variant must be refused, with the variable's name, when CLASS_HOST or INSTRUCTOR_KEY is missing.
const classVariant = VARIANTS.find((v) => v.label === 'class') ?? die('no class variant in VARIANTS');
for (const variable of Object.keys(classVariant.env)) {
  const env = { ...classVariant.env };
  delete env[variable];
  const refused = composeConfig(classVariant.files, env);
  if (refused.status === 0)
    die(
      `${classVariant.files.join(' + ')} is accepted without ${variable}; it must refuse to start (\${${variable}:?...})`,
    );
  if (!(refused.stderr + refused.stdout).includes(variable))
    die(`without ${variable}, ${classVariant.files.join(' + ')} is refused without saying why:\n${refused.stderr}`);
}
log(`the class variant is refused without ${Object.keys(classVariant.env).join(' or without ')}, naming the variable`);

// ---------------------------------------------------------------------------------------------------------
// 2. Static checks
// ---------------------------------------------------------------------------------------------------------

/**
 * Dockerfile instructions (continuation lines joined, comments dropped), grouped by stage.
 * @param {string} file @returns {Stage[]}
 */
function dockerfileStages(file) {
  const lines = readFileSync(file, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  /** @type {Stage[]} */
  const stages = [];
  for (const line of lines) {
    const [instruction = '', ...rest] = line.split(/\s+/);
    const args = line.slice(instruction.length).trim();
    if (instruction.toUpperCase() === 'FROM')
      stages.push({ from: args, name: /\bAS\s+(\S+)/i.exec(args)?.[1], instructions: [] });
    else stages.at(-1)?.instructions.push({ instruction: instruction.toUpperCase(), args, words: rest });
  }
  return stages;
}

/**
 * A stage as it is built: its own instructions after those of every stage it is built FROM (`FROM runtime AS
 * printer`), parents first. `name` undefined: the last stage. Undefined when there is no such stage.
 * @param {Stage[]} stages @param {string | undefined} name
 * @returns {{ name: string | undefined, instructions: Instruction[] } | undefined}
 */
function stageChain(stages, name) {
  const target = name === undefined ? stages.at(-1) : stages.find((st) => st.name === name);
  if (!target) return undefined;
  const chain = [target];
  for (let stage = target; ; ) {
    const child = stage;
    const parent = stages.find(
      (st) => st.name && st.name === child.from.split(/\s+/)[0] && st !== child && !chain.includes(st),
    );
    if (!parent) break;
    chain.unshift(parent);
    stage = parent;
  }
  return { name: target.name, instructions: chain.flatMap((st) => st.instructions) };
}

/**
 * ENV of a stage: `ENV a=b c=d` (and the old `ENV a b` form).
 * @param {{ instructions: Instruction[] }} stage
 */
function stageEnv(stage) {
  /** @type {Env} */
  const env = {};
  for (const { instruction, args } of stage.instructions) {
    if (instruction !== 'ENV') continue;
    if (!args.includes('=')) {
      const [key = '', ...value] = args.split(/\s+/);
      env[key] = value.join(' ');
      continue;
    }
    for (const [, key = '', value = ''] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g))
      env[key] = value.startsWith('"') ? JSON.parse(value) : value;
  }
  return env;
}

const workspaceApps = Object.fromEntries(
  readdirSync(join(ROOT, 'apps'))
    .filter((d) => existsSync(join(ROOT, 'apps', d, 'package.json')))
    .map((d) => [JSON.parse(readFileSync(join(ROOT, 'apps', d, 'package.json'), 'utf8')).name, d]),
);

/** @param {Variant} variant */
function checkVariant(variant) {
  const rendered = composeConfig(variant.files, variant.env);
  if (rendered.status !== 0)
    die(`docker-compose config rejects ${variant.files.join(' + ')}:\n${rendered.stderr || rendered.stdout}`);
  log(`docker-compose config accepts ${variant.files.join(' + ')} (${composeVersion})`);
  const compose = yamlToJson(rendered.stdout);
  /** @type {string[]} */
  const problems = [];
  /** @param {string} service @param {string} message */
  const problem = (service, message) => problems.push(`${service}: ${message}`);
  /** @type {Record<string, ServiceInfo>} */
  const services = {};
  for (const [name, service] of Object.entries(compose.services ?? {})) {
    // Filled in below, check by check; a service whose checks fail is a problem, and then nothing goes on.
    const info = /** @type {ServiceInfo} */ ({ name, service });
    const build = service.build ?? {};
    services[name] = info;
    // Build context and Dockerfile.
    const context = build.context;
    if (!context) {
      problem(name, 'no build context (every service is built from this repository)');
      continue;
    }
    const contextDir = isAbsolute(context) ? context : resolve(ROOT, context);
    if (!existsSync(contextDir) || !statSync(contextDir).isDirectory()) {
      problem(name, `build context ${context} does not exist`);
      continue;
    }
    const dockerfile = resolve(contextDir, build.dockerfile ?? 'Dockerfile');
    if (!existsSync(dockerfile)) {
      problem(name, `Dockerfile ${relative(ROOT, dockerfile)} does not exist`);
      continue;
    }
    info.dockerfile = relative(ROOT, dockerfile);
    const stages = dockerfileStages(dockerfile);
    // The service's image is its build target (or the last stage), with every stage it is built FROM.
    info.target = build.target ?? stages.at(-1)?.name ?? '(last stage)';
    const runtime = stageChain(stages, build.target);
    if (!runtime) {
      problem(name, `${info.dockerfile} has no stage ${build.target ?? '(no FROM at all)'}`);
      continue;
    }
    // Which app the image holds: the runtime stage copies `pnpm deploy`'s folder of one app, /deploy/<app>, from
    // the stage that ran `pnpm ... deploy ... /deploy/...` (docker-compose.yml: one Dockerfile, a target per app).
    /** @param {string} kind */
    const instructions = (kind) => runtime.instructions.filter((i) => i.instruction === kind);
    const copy = instructions('COPY').find((i) => i.words.some((w) => w.startsWith('--from=')));
    const fromStage = copy?.words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const source = copy?.words.filter((w) => !w.startsWith('--')).at(-2);
    const deployedIn = stages.find((st) => st.name === fromStage);
    const deploys =
      deployedIn &&
      stageChain(stages, deployedIn.name)?.instructions.some(
        (i) =>
          i.instruction === 'RUN' &&
          /\bpnpm\b.*\bdeploy\b/.test(i.args) &&
          source &&
          i.args.includes(posix.dirname(source)),
      );
    const app = source && posix.basename(source);
    if (!copy || !deploys || !app) {
      problem(
        name,
        `${info.dockerfile} target ${info.target}: no \`COPY --from=<stage> /deploy/<app> <WORKDIR>\` of a folder \`pnpm deploy\` made in that stage`,
      );
      continue;
    }
    if (!Object.values(workspaceApps).includes(app)) {
      problem(name, `${info.dockerfile} target ${info.target} copies ${source}, and ${app} is no app under apps/`);
      continue;
    }
    info.app = app;
    const prefix = APP_PREFIX[app];
    if (!prefix) {
      problem(name, `runs apps/${app}, which this check does not know (APP_PREFIX)`);
      continue;
    }
    info.prefix = prefix;
    const workdir = instructions('WORKDIR').at(-1)?.args ?? '/';
    // The runtime stage must copy the deployed folder to its WORKDIR: then WORKDIR is apps/<app>/ as deployed.
    if (posix.normalize(copy.words.at(-1) ?? '').replace(/\/$/, '') !== posix.normalize(workdir).replace(/\/$/, ''))
      problem(
        name,
        `${info.dockerfile}: the deployed app is copied to ${copy.words.at(-1)}, but WORKDIR is ${workdir}`,
      );
    // No root in production: the runtime runs as an unprivileged user.
    const user = instructions('USER').at(-1)?.args;
    if (!user || user === 'root' || user === '0')
      problem(name, `${info.dockerfile} target ${info.target} runs as root (no USER)`);
    // CMD ["node", "dist/server.js"]: the start file, relative to WORKDIR, must be in the app's build output.
    const cmd = instructions('CMD').at(-1);
    /** @type {unknown} */
    let argv;
    try {
      argv = cmd ? JSON.parse(cmd.args) : undefined;
    } catch {
      argv = undefined;
    }
    if (!Array.isArray(argv))
      problem(name, `${info.dockerfile}: CMD must be an exec-form JSON array (so node gets the signals)`);
    else {
      const startFile = argv.slice(1).find((a) => /\.(c|m)?js$/.test(a));
      if (argv[0] !== 'node' || typeof startFile !== 'string')
        problem(name, `${info.dockerfile}: CMD ${cmd?.args} does not start a .js file with node`);
      else {
        const inImage = posix.resolve(workdir, startFile);
        const inApp = posix.relative(posix.normalize(workdir), inImage);
        const local = join(ROOT, 'apps', app, inApp);
        if (inApp.startsWith('..'))
          problem(name, `CMD file ${inImage} is outside WORKDIR ${workdir}, where the app is`);
        else if (!existsSync(local))
          problem(
            name,
            `CMD starts ${inImage}, but apps/${app}/${inApp} does not exist in the build output (run pnpm build)`,
          );
        /** @type {unknown} */
        const files = JSON.parse(readFileSync(join(ROOT, 'apps', app, 'package.json'), 'utf8')).files;
        const top = inApp.split('/')[0];
        if (Array.isArray(files) && !files.some((f) => String(f).replace(/^\.\//, '').replace(/\/.*$/, '') === top))
          problem(
            name,
            `apps/${app}/package.json "files" does not include ${top}: pnpm deploy would leave ${inApp} out of the image`,
          );
        info.startFile = `apps/${app}/${inApp}`;
      }
    }
    // The container's environment: image ENV, then compose's environment on top.
    info.env = { ...stageEnv(runtime), ...(service.environment ?? {}) };
    try {
      info.own = readServiceUrls(info.env, info.prefix);
    } catch (error) {
      problem(name, `its environment does not start ${app}: ${messageOf(error)}`);
      continue;
    }
    const listens = info.own.port;
    const exposed = instructions('EXPOSE').flatMap((i) => i.words.map((w) => Number(w.split('/')[0])));
    if (!exposed.includes(listens))
      problem(name, `${info.dockerfile} EXPOSEs ${exposed.join(', ') || 'nothing'}, but ${app} listens on ${listens}`);
    // docker-compose config prints "127.0.0.1:3000:3000/tcp" for a port with a host address, an object otherwise.
    /** @type {{ hostIp?: string, published?: number | string, target?: number | string, raw?: string }[]} */
    const ports = (service.ports ?? []).map((p) => {
      if (typeof p !== 'string') return { hostIp: p.host_ip || undefined, published: p.published, target: p.target };
      const m = /^(?:(.+):)?(\d+):(\d+)(?:\/\w+)?$/.exec(p);
      return m ? { hostIp: m[1], published: Number(m[2]), target: Number(m[3]) } : { target: NaN, raw: p };
    });
    const published = ports.find((p) => Number(p.target) === listens);
    if (!published?.published)
      problem(
        name,
        `listens on ${listens}, but no published port maps to it (ports: ${JSON.stringify(service.ports ?? [])})`,
      );
    else {
      info.published = Number(published.published);
      info.hostIp = published.hostIp === '0.0.0.0' ? undefined : published.hostIp;
      if (info.hostIp !== variant.hostIp)
        problem(
          name,
          `publishes ${listens} on ${info.hostIp ?? 'every interface'}; the ${variant.label} variant must publish on ${variant.hostIp ?? 'every interface'}`,
        );
    }
    for (const p of ports)
      if (Number(p.target) !== listens)
        problem(name, `publishes container port ${p.raw ?? p.target}, but ${app} listens on ${listens}`);
    // Health check: it runs inside the container, so it must ask this service's own port.
    const test = service.healthcheck?.test;
    if (!Array.isArray(test) || test.length < 2 || service.healthcheck?.disable)
      problem(name, 'has no health check (depends_on: service_healthy needs one)');
    else {
      info.healthcheck = test;
      const urls = test.join(' ').match(/https?:\/\/[^\s'"`)]+/g) ?? [];
      if (urls.length === 0) problem(name, `health check ${JSON.stringify(test)} names no URL`);
      for (const raw of urls) {
        const url = new URL(raw);
        const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
        if (port !== listens) problem(name, `health check asks port ${port}, but ${app} listens on ${listens}`);
        if (!['127.0.0.1', 'localhost'].includes(url.hostname))
          problem(
            name,
            `health check asks ${url.host}: inside the container it must ask itself (127.0.0.1:${listens})`,
          );
      }
    }
    // Volumes: the data and the shared secrets must survive the container.
    info.volumes = {};
    for (const v of service.volumes ?? []) {
      const [source, target] = typeof v === 'string' ? v.split(':') : [v.source, v.target];
      if (source && target) info.volumes[target] = source;
    }
    if (STATELESS_APPS.has(app)) {
      if (info.env.SHARED_SECRETS_DIR && info.volumes[info.env.SHARED_SECRETS_DIR])
        problem(name, `${app} must not mount the shared secrets (${info.volumes[info.env.SHARED_SECRETS_DIR]})`);
    } else
      for (const variable of ['DATA_DIR', 'SHARED_SECRETS_DIR']) {
        const dir = info.env[variable];
        if (!dir)
          problem(
            name,
            `${variable} is not set: inside the container it would default to a folder of the image, lost on every rebuild`,
          );
        else if (!info.volumes[dir] || info.volumes[dir].startsWith('/') || info.volumes[dir].startsWith('.'))
          problem(name, `${variable}=${dir} is not a named volume of this service`);
      }
  }

  const byPrefix = Object.fromEntries(
    Object.values(services)
      .filter((s) => s.prefix)
      .map((s) => [s.prefix, s]),
  );
  for (const prefix of Object.values(APP_PREFIX))
    if (!byPrefix[prefix])
      problems.push(
        `no compose service runs the app that reads ${prefix}_* (${Object.keys(APP_PREFIX).find((a) => APP_PREFIX[a] === prefix)})`,
      );

  // Cross-service checks, on the URLs each service will really use (its environment, or the built-in default).
  const issuers = new Map();
  const secretVolumes = new Set();
  for (const info of Object.values(services)) {
    if (!info.env || !info.own) continue;
    for (const [prefix, target] of Object.entries(byPrefix)) {
      /** @type {ServiceUrls} */
      let urls;
      try {
        urls = readServiceUrls(info.env, prefix);
      } catch (error) {
        problem(info.name, messageOf(error));
        continue;
      }
      const internal = new URL(urls.internalUrl);
      const internalVar = `${prefix}_INTERNAL_URL${info.env[`${prefix}_INTERNAL_URL`] ? '' : ' (unset, so the default)'}`;
      if (internal.hostname !== target.name)
        problem(
          info.name,
          `${internalVar} is ${urls.internalUrl}: ${['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0'].includes(internal.hostname) ? 'inside a container that is the container itself' : `"${internal.hostname}" is not the compose service running ${target.app}`}; use the compose service name, http://${target.name}:${target.own?.port}`,
        );
      else if (target.own && Number(internal.port || 80) !== target.own.port)
        problem(info.name, `${internalVar} is ${urls.internalUrl}, but ${target.name} listens on ${target.own.port}`);
      const pub = new URL(urls.publicUrl);
      const publicVar = `${prefix}_PUBLIC_URL${info.env[`${prefix}_PUBLIC_URL`] ? '' : ' (unset, so the default)'}`;
      if (
        pub.hostname !== variant.publicHost ||
        pub.protocol !== 'http:' ||
        Number(pub.port || 80) !== target.published
      )
        problem(
          info.name,
          `${publicVar} is ${urls.publicUrl}, but the browser reaches ${target.name} at http://${variant.publicHost}:${target.published} (its published port)`,
        );
    }
    issuers.set(info.name, info.env.AUTH_PUBLIC_URL);
    const secrets = info.env.SHARED_SECRETS_DIR && info.volumes[info.env.SHARED_SECRETS_DIR];
    if (secrets) secretVolumes.add(secrets);
  }
  if (new Set(issuers.values()).size !== 1 || [...issuers.values()].some((v) => !v))
    problems.push(
      `the issuer (AUTH_PUBLIC_URL) differs between services: ${[...issuers].map(([s, v]) => `${s}=${v ?? '(unset)'}`).join(', ')}; it must be the same string everywhere`,
    );
  if (secretVolumes.size > 1)
    problems.push(`SHARED_SECRETS_DIR is not one shared volume: ${[...secretVolumes].join(', ')}`);
  // The auth server makes the client secrets on its first start: the others must wait for it.
  const authService = byPrefix.AUTH?.name;
  for (const info of Object.values(services))
    if (
      authService &&
      info.name !== authService &&
      info.service.depends_on?.[authService]?.condition !== 'service_healthy'
    )
      problem(
        info.name,
        `must depend on ${authService} with condition service_healthy (it reads the secrets the auth server makes)`,
      );

  if (problems.length > 0) die(`${variant.files.join(' + ')} is inconsistent:\n  - ${problems.join('\n  - ')}`);
  const issuer = [...issuers.values()][0];
  log(
    `${variant.label} variant (${variant.files.join(' + ')}): static checks passed: ${Object.values(services)
      .map(
        (s) =>
          `${s.name} (${s.dockerfile} target ${s.target}, CMD ${s.startFile}, :${s.own.port}, published on ${s.hostIp ?? 'every interface'}:${s.published})`,
      )
      .join('; ')}; one issuer ${issuer}`,
  );
  // Every APP_PREFIX has its service by now: a missing one was a problem above, and the check died.
  return {
    services,
    byPrefix: /** @type {Record<'AUTH' | 'DRIVE' | 'PRINTER' | 'ATTACKER', ServiceInfo>} */ (byPrefix),
    issuer,
  };
}

const checked = VARIANTS.map(checkVariant);
if (!NATIVE) {
  log('docker-compose.yml is consistent in both variants (its real run on a Docker engine: scripts/compose-e2e.sh).');
  process.exit(0);
}
const { services, byPrefix, issuer } = checked[0] ?? die('no variant checked');

// ---------------------------------------------------------------------------------------------------------
// 3. The services, natively, with the compose environment
// ---------------------------------------------------------------------------------------------------------
/**
 * Can we bind this port on every interface (the services bind HOST=0.0.0.0, as in the container)?
 * @param {number} port @param {string} host @returns {Promise<boolean>}
 */
function canBind(port, host) {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, host, () => server.close(() => done(true)));
  });
}
for (const info of Object.values(services)) {
  const port = info.own.port;
  const host = info.env.HOST || '127.0.0.1';
  if ((await testkit.isPortInUse(port, '127.0.0.1')) || !(await canBind(port, host)))
    die(
      `port ${port} is busy (needed by compose service "${info.name}", which listens there as in docker-compose). Stop whatever uses it (\`ss -ltnp 'sport = :${port}'\`) and run again.`,
    );
}

// The preload must really make both HTTP stacks the services use resolve the compose names: undici's fetch
// and axios (node:http). Checked against a throwaway server, in a child process with the same preload.
const preloadUrl = `${pathToFileURL(PRELOAD).href}?names=${Object.keys(services).join(',')}`;
{
  const selfTest = `
    import http from 'node:http';
    import { createRequire } from 'node:module';
    const axios = createRequire(${JSON.stringify(join(ROOT, 'apps', 'printer', 'package.json'))})('axios');
    const server = http.createServer((req, res) => res.end(req.headers.host)).listen(0, '127.0.0.1', async () => {
      const port = server.address().port;
      const out = {};
      for (const name of ${JSON.stringify(Object.keys(services))}) {
        out[name] = {
          fetch: await (await fetch('http://' + name + ':' + port + '/')).text(),
          axios: (await axios.get('http://' + name + ':' + port + '/', { proxy: false })).data,
        };
      }
      server.close();
      console.log(JSON.stringify(out));
    });`;
  const run = spawnSync(process.execPath, ['--import', preloadUrl, '--input-type=module', '-e', selfTest], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  let out;
  try {
    out = JSON.parse(run.stdout);
  } catch {
    die(`the DNS preload self-test failed:\n${run.stderr || run.stdout}`);
  }
  for (const name of Object.keys(services))
    if (!out[name]?.fetch?.startsWith(`${name}:`) || !out[name]?.axios?.startsWith(`${name}:`))
      die(`the DNS preload does not resolve "${name}" for fetch and axios: ${JSON.stringify(out[name])}`);
  log(`DNS preload verified: ${Object.keys(services).join(', ')} -> 127.0.0.1 for undici fetch and axios`);
}

const runDir = mkdtempSync(join(tmpdir(), 'oauth-demo-compose-'));
/**
 * Each named volume becomes one folder of the run: the shared-secrets volume is one folder for all three.
 * @param {string} volume
 */
const volumeDir = (volume) => join(runDir, 'volumes', volume);
/** @type {Record<string, Env>} */
const exactEnv = {};
for (const info of Object.values(services)) {
  const env = { ...info.env };
  for (const variable of ['DATA_DIR', 'SHARED_SECRETS_DIR']) {
    // A stateless service (Mallory's site) has no volume: an empty folder of its own, never another's.
    const dir = volumeDir(info.volumes[info.env[variable] ?? ''] ?? `${info.name}-none-${variable}`);
    env[variable] = dir;
    mkdirSync(dir, { recursive: true });
  }
  exactEnv[info.app] = env;
}
const ports = {
  auth: byPrefix.AUTH.own.port,
  drive: byPrefix.DRIVE.own.port,
  printer: byPrefix.PRINTER.own.port,
  attacker: byPrefix.ATTACKER.own.port,
};
const stack = await testkit.createStack({
  name: 'oauth-demo-compose',
  runDir,
  ports,
  exactEnv,
  nodeArgs: ['--import', preloadUrl],
});
let stopping = false;
async function stopEverything() {
  if (stopping) return;
  stopping = true;
  await testkit.stopService('attacker', stack);
  await testkit.stopAll(stack);
}
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => {
    stopEverything().finally(() => process.exit(1));
  });

let ok = false;
try {
  // Started in depends_on order (auth, drive, printer), each waited for until healthy.
  await testkit.startAll(stack);
  await testkit.startService('attacker', stack);
  log(`started natively with the compose environment (data and secrets in ${runDir})`);

  // Each compose health check, as Docker would run it (exec form), with the container's environment.
  for (const info of Object.values(services)) {
    const [kind = '', ...argv] = info.healthcheck;
    const command = kind === 'CMD-SHELL' ? ['sh', '-c', argv.join(' ')] : kind === 'CMD' ? argv : [kind, ...argv];
    const bin = command[0] === 'node' ? process.execPath : (command[0] ?? 'false');
    const result = spawnSync(bin, command.slice(1), {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...exactEnv[info.app] },
      encoding: 'utf8',
      timeout: 10_000,
    });
    if (result.status !== 0)
      throw new Error(`the health check of "${info.name}" fails (exit ${result.status}): ${result.stderr}`);
  }
  log('every compose health check passes');

  // What the services publish, as seen from outside (the published ports).
  /** @param {string} url @returns {Promise<any>} JSON from one of our services, read field by field below */
  const getJson = async (url) => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
    return res.json();
  };
  const metadata = await getJson(`http://127.0.0.1:${ports.auth}/.well-known/oauth-authorization-server`);
  if (metadata.issuer !== issuer)
    throw new Error(`the auth server's metadata names the issuer ${metadata.issuer}, not ${issuer}`);
  const prm = await getJson(`http://127.0.0.1:${ports.drive}/.well-known/oauth-protected-resource`);
  if (prm.resource !== byPrefix.DRIVE.env.DRIVE_PUBLIC_URL)
    throw new Error(`Drive's resource is ${prm.resource}, not ${byPrefix.DRIVE.env.DRIVE_PUBLIC_URL}`);
  if (!prm.authorization_servers?.includes(issuer))
    throw new Error(`Drive accepts tokens from ${prm.authorization_servers}, not ${issuer}`);
  const secretsDir =
    exactEnv[byPrefix.AUTH.app]?.SHARED_SECRETS_DIR ?? die('no SHARED_SECRETS_DIR for the auth server');
  if (readdirSync(secretsDir).length === 0)
    throw new Error(`the auth server made no client secret in the shared-secrets volume (${secretsDir})`);
  log(
    `metadata: issuer ${metadata.issuer}; Drive's resource ${prm.resource}; secrets made in the shared volume: ${readdirSync(secretsDir).join(', ')}`,
  );

  // The environment doctor, from the printer's side of the back channel (which goes to http://auth:9000 ...).
  const doctor = await fetch(`${byPrefix.PRINTER.env.PRINTER_PUBLIC_URL}/doctor`);
  const html = await doctor.text();
  if (doctor.status !== 200 || !html.includes('data-doctor-summary="ok"')) {
    const red = [...html.matchAll(/<tr data-verdict="bad">([\s\S]*?)<\/tr>/g)].map((m) =>
      (m[1] ?? '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    throw new Error(
      `the printer's environment doctor finds problems (HTTP ${doctor.status}):\n  - ${red.join('\n  - ')}`,
    );
  }
  log('the environment doctor is all green');
  await testkit.stopService('attacker', stack);
  await testkit.stopAll(stack);

  // The Playwright code flow, on the same volumes (a second `docker compose up`): e2e/run.mjs with the stack
  // given through E2E_* variables; testkit starts each service with E2E_EXACT_ENV and E2E_NODE_ARGS.
  const env = { ...process.env, ...testkit.stackToEnv(stack, 'E2E') };
  log(`running Playwright (${SPECS.join(', ')}) against the compose environment`);
  const code = await new Promise(
    /** @param {(code: number) => void} done */ (done) => {
      // Its own output folder and no HTML report: another Playwright run in e2e/ (pnpm e2e) must not clobber it.
      // A longer per-test timeout than e2e's 30 s: in CI this is the second browser run on a busy 2-core machine.
      const args = [
        join(ROOT, 'e2e', 'run.mjs'),
        ...SPECS,
        '--reporter=list',
        `--output=${join(runDir, 'test-results')}`,
        '--timeout=60000',
      ];
      const child = spawn(process.execPath, args, { cwd: join(ROOT, 'e2e'), env, stdio: 'inherit' });
      child.on('exit', (c, signal) => done(c ?? (signal ? 1 : 0)));
    },
  );
  if (code !== 0) throw new Error(`the Playwright code flow fails with the compose environment (exit ${code})`);
  ok = true;
} catch (error) {
  console.error(`check-compose: FAILED: ${messageOf(error)}\n  logs: ${runDir}/*.log`);
} finally {
  await stopEverything();
}
if (!ok) process.exit(1);
rmSync(runDir, { recursive: true, force: true });
log('docker-compose.yml is consistent, and the code flow passes with exactly its environment.');

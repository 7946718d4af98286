import { invocationOf, subcommand, type Invocation } from '../model/shell-commands.js';
import type { SimpleCommand } from '../model/shell-syntax.js';

// Package managers and the subcommands that change the system.
const PACKAGE_CHANGES: Record<string, RegExp> = {
  'apt-get': /^(install|update|upgrade|dist-upgrade|remove|purge|autoremove)$/,
  apt: /^(install|update|upgrade|full-upgrade|remove|purge)$/,
  aptitude: /^(install|update|upgrade|remove|purge)$/,
  apk: /^(add|del|update|upgrade)$/,
  yum: /^(install|update|upgrade|remove|groupinstall|makecache)$/,
  dnf: /^(install|update|upgrade|remove|makecache)$/,
  microdnf: /^(install|update|upgrade|remove)$/,
  zypper: /^(install|in|update|up|remove|rm|refresh|ref)$/,
};
const ACCOUNT_TOOLS = new Set([
  'useradd',
  'adduser',
  'groupadd',
  'addgroup',
  'usermod',
  'groupmod',
  'userdel',
  'deluser',
  'chpasswd',
]);
const OWNER_TOOLS = new Set(['chown', 'chgrp']);
const ELEVATE = new Set(['sudo', 'su', 'doas']);
// Folders only root may write in a stock image (/var/tmp is world-writable).
const SYSTEM_PATH = /^\/(etc|usr|opt|var)(\/|$)/;
const WRITABLE_EXCEPTIONS = /^\/var\/tmp(\/|$)/;
const WRITE_REDIRECTS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);

/** Why a run-time command only works as root, or undefined when it does not need root. */
export function rootOnlyReason(command: SimpleCommand): string | undefined {
  for (const redirect of command.redirects) {
    if (WRITE_REDIRECTS.has(redirect.op) && isSystemPath(redirect.target))
      return `writes to ${redirect.target}, which only root may change`;
  }
  const invocation = invocationOf(command);
  const { program, args, via } = invocation;
  const elevated = via.find((w) => ELEVATE.has(w)) ?? (ELEVATE.has(program) ? program : undefined);
  if (elevated !== undefined) return `uses ${elevated}, which needs root (and usually is not even installed)`;
  const change = PACKAGE_CHANGES[program];
  const sub = subcommand(args);
  if (change !== undefined && sub !== undefined && change.test(sub))
    return `runs ${program} ${sub}, which only root may do`;
  if (program === 'dpkg' && args.some((a) => /^(-i|--install|-r|--remove|-P|--purge)$/.test(a)))
    return 'installs packages with dpkg, which only root may do';
  if (program === 'rpm' && args.some((a) => /^-(i|U|e)/.test(a)))
    return 'changes packages with rpm, which only root may do';
  if (ACCOUNT_TOOLS.has(program)) return `runs ${program}, which only root may do`;
  if (OWNER_TOOLS.has(program)) return `runs ${program}: changing a file's owner needs root`;
  const written = writtenPaths(invocation).find(isSystemPath);
  if (written !== undefined) return `writes to ${written}, which only root may change`;
  return undefined;
}

/** What a run-time command fetches from the network, or undefined when it does not. */
export function networkReason(invocation: Invocation): string | undefined {
  const { program, args } = invocation;
  const sub = subcommand(args);
  if (/^pip[\d.]*$/.test(program) && sub === 'install') return `installs Python packages with ${program}`;
  if (
    /^python[\d.]*$/.test(program) &&
    args[0] === '-m' &&
    /^pip[\d.]*$/.test(args[1] ?? '') &&
    subcommand(args.slice(2)) === 'install'
  )
    return 'installs Python packages with pip';
  if (
    program === 'uv' &&
    (sub === 'pip' ? subcommand(args.slice(args.indexOf('pip') + 1)) === 'install' : sub === 'add' || sub === 'sync')
  )
    return 'installs Python packages with uv';
  if (/^(npm|pnpm|yarn)$/.test(program) && /^(install|i|ci|add)$/.test(sub ?? (program === 'yarn' ? 'install' : '')))
    return `installs packages with ${program}`;
  if (/^(conda|mamba|micromamba)$/.test(program) && /^(install|create|update)$/.test(sub ?? ''))
    return `installs packages with ${program}`;
  if (program === 'curl' || program === 'wget') return `downloads with ${program}`;
  if (program === 'git' && /^(clone|pull|fetch|submodule)$/.test(sub ?? '')) return `runs git ${sub}`;
  if (program === 'Rscript' && args.some((a) => a.includes('install.packages'))) return 'installs R packages';
  const change = PACKAGE_CHANGES[program];
  if (change !== undefined && sub !== undefined && change.test(sub))
    return `runs ${program} ${sub}, which downloads packages`;
  return undefined;
}

/** Paths a file command writes: the destination of cp/mv/install/ln, every operand of mkdir/touch/tee/rm, sed -i files. */
function writtenPaths({ program, args }: Invocation): string[] {
  const operands = args.filter((a) => !a.startsWith('-'));
  switch (program) {
    case 'cp':
    case 'mv':
    case 'install':
    case 'ln': {
      const t = args.indexOf('-t');
      const target =
        args.find((a) => a.startsWith('--target-directory='))?.slice('--target-directory='.length) ??
        (t >= 0 ? args[t + 1] : undefined);
      return target !== undefined ? [target] : operands.slice(-1);
    }
    case 'mkdir':
    case 'touch':
    case 'tee':
    case 'rm':
    case 'rmdir':
      return operands;
    case 'sed':
      return args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place')) ? operands.slice(1) : [];
    default:
      return [];
  }
}

function isSystemPath(path: string): boolean {
  return SYSTEM_PATH.test(path) && !WRITABLE_EXCEPTIONS.test(path);
}

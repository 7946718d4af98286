/**
 * The directives a module can leave in result.json, read as mercure reads them:
 * `__mercure_routing` (mercure main after 0.4.1, `apply_dynamic_routing` in
 * app/process/process_series.py) and `__mercure_notification` (app/common/notification.py).
 * Both read values with Python truthiness, so a string "false" counts as true.
 */
import { readFile } from 'node:fs/promises';
import { truthy } from '../mercure/docker-arguments.js';
import { finding, type Finding } from './finding.js';

const WHERE = { file: 'out/result.json' };
const show = (value: unknown) => JSON.stringify(value);
const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`);

/** Findings for the directives in a result.json file (nothing when it is not a JSON object). */
export async function checkDirectives(file: string, targets?: readonly string[]): Promise<Finding[]> {
  let result: unknown;
  try {
    result = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return []; // result-json-invalid says why
  }
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return [];
  const output = result as Record<string, unknown>;
  return [
    ...('__mercure_routing' in output ? routingFindings(output['__mercure_routing'], targets) : []),
    ...('__mercure_notification' in output ? notificationFindings(output['__mercure_notification']) : []),
  ];
}

/** What mercure main does with a `__mercure_routing` value, or why it misreads it. */
export function routingFindings(directive: unknown, targets?: readonly string[]): Finding[] {
  if (!truthy(directive)) return [];
  if (typeof directive !== 'object' || directive === null || Array.isArray(directive)) {
    return [
      finding(
        'routing-invalid',
        `__mercure_routing is ${kind(directive)} (${show(directive)}), not an object: mercure ignores it and dispatches to the rule's static target`,
        WHERE,
      ),
    ];
  }
  const d = directive as Record<string, unknown>;
  const errors: Finding[] = [];
  for (const key of ['discard', 'use_alternate_target'] as const) {
    const value = d[key];
    if (value === undefined || typeof value === 'boolean') continue;
    const effect =
      key === 'discard'
        ? truthy(value)
          ? 'mercure would DISCARD the case (a non-empty string or a non-zero number is true in Python)'
          : 'mercure reads it as false'
        : truthy(value)
          ? "mercure would send the case to the rule's alternate target"
          : 'mercure reads it as false';
    errors.push(
      finding(
        'routing-invalid',
        `__mercure_routing "${key}" is ${kind(value)} (${show(value)}), not true or false: ${effect}`,
        WHERE,
      ),
    );
  }
  const target = d['target'];
  let names: string[] | undefined;
  if (typeof target === 'string') names = target ? [target] : undefined;
  else if (Array.isArray(target) && target.every((t) => typeof t === 'string'))
    names = target.length ? target : undefined;
  else if (target !== undefined && target !== null) {
    errors.push(
      finding(
        'routing-invalid',
        `__mercure_routing "target" is ${kind(target)} (${show(target)}), not a target name or a list of names: mercure ignores it`,
        WHERE,
      ),
    );
  }
  if (errors.length > 0) return errors;
  if (names && targets) {
    const unknown = names.filter((n) => !targets.includes(n));
    if (unknown.length > 0) {
      return [
        finding(
          'routing-target-unknown',
          `__mercure_routing targets ${unknown.map(show).join(', ')}, not among the server's targets (${targets.join(', ')}): mercure keeps the rule's static target`,
          WHERE,
        ),
      ];
    }
  }
  const effect = d['discard']
    ? 'discard the case (nothing is dispatched)'
    : names
      ? `dispatch the case to ${names.map(show).join(' and ')} instead of the rule's target (if the rule allows them)`
      : d['use_alternate_target']
        ? "dispatch the case to the rule's conditional_alternate_target"
        : 'change nothing';
  return [
    finding(
      'routing-directive',
      `__mercure_routing ${show(d)}: mercure after 0.4.1 (on a rule with dynamic_routing) would ${effect}; mercure 0.4.1 ignores it`,
      WHERE,
    ),
  ];
}

/** What mercure does with a `__mercure_notification` value, or why it misreads it. */
export function notificationFindings(value: unknown): Finding[] {
  if (!truthy(value)) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [
      finding(
        'notification-invalid',
        `__mercure_notification is ${kind(value)} (${show(value)}), not an object: mercure's notification step fails on it (it calls .get() on it)`,
        WHERE,
      ),
    ];
  }
  const n = value as Record<string, unknown>;
  const errors: Finding[] = [];
  const requested = n['requested'];
  if (requested !== undefined && typeof requested !== 'boolean') {
    errors.push(
      finding(
        'notification-invalid',
        `__mercure_notification "requested" is ${kind(requested)} (${show(requested)}), not true or false: mercure ${truthy(requested) ? 'WOULD send the notification' : 'reads it as false'}`,
        WHERE,
      ),
    );
  }
  const text = n['text'];
  if (text !== undefined && text !== null && typeof text !== 'string') {
    errors.push(
      finding(
        'notification-invalid',
        `__mercure_notification "text" is ${kind(text)} (${show(text)}), not a string`,
        WHERE,
      ),
    );
  }
  return errors;
}

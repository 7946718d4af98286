// Property-based tests of the settings and task.json side (issue 16, fuzzing): the one settings
// parser both front doors use, the module configuration reader, and task.json as mercure writes
// it. The property: a value or a ModuleError, never another exception; and the settings a module
// reads from task.json are the ones it was given.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseExactJson, stringifyExactJson } from '../../src/exact-json.js';
import { MAX_SETTINGS_DEPTH, parseSettingsValue } from '../../src/front-door/values.js';
import { parseModuleConfig } from '../../src/mercure/module-config.js';
import { buildTask, serializeTask } from '../../src/mercure/task.js';
import { holds, textOf, valueOrModuleError } from './support.js';

/** JSON values as settings hold them: no -0 (JSON text cannot tell it from 0 after a round trip). */
const jsonValue = fc
  .jsonValue({ maxDepth: 4, noUnicodeString: false })
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const settingsObject = fc.dictionary(fc.string({ maxLength: 8 }), jsonValue, { maxKeys: 6 });

/** Integers past 2^53 either way, as BigInts (what mercure's Python holds as int). */
const bigInteger = fc.oneof(
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 200n }),
  fc.bigInt({ min: -(2n ** 200n), max: -(2n ** 53n) }),
);
/** Settings with big integers among other values (small ones: the cost is in the big integers' path). */
const smallJson = fc
  .jsonValue({ maxDepth: 2, noUnicodeString: false })
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const exactSettings = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.oneof(smallJson, bigInteger, fc.array(fc.oneof(bigInteger, smallJson), { maxLength: 4 })),
  { maxKeys: 6 },
);

/**
 * `value` as parseExactJson reads JSON.stringify's text of it: a double JSON.stringify writes as
 * an integer past 2^53 (below 1e21 it writes every digit) is that integer, exact.
 */
function asExact(value: unknown): unknown {
  if (typeof value === 'number')
    return Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < 1e21
      ? BigInt(JSON.stringify(value))
      : value;
  if (Array.isArray(value)) return value.map(asExact);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asExact(v)]));
  return value;
}

/** Text near JSON: pieces of JSON syntax, deep nesting, @file references and garbage. */
const nearJson = fc.oneof(
  fc.string(),
  fc.json(),
  settingsObject.map((v) => JSON.stringify(v)),
  textOf(['{', '}', '[', ']', '"a"', ':', ',', '1e999', '-0', 'null', 'NaN', '\\u0000', '@', '@/dev/null', ' ']),
  fc.integer({ min: 1, max: 200 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
);

describe('settings (--settings, the Action input "settings", task.json process.settings)', () => {
  test('st01 any text: a settings object or a ModuleError, never another exception', () => {
    holds(
      fc.property(nearJson, (text) => {
        const settings = valueOrModuleError(() => parseSettingsValue(text, '--settings', '{"a": 1}'));
        if (settings !== undefined) {
          expect(typeof settings).toBe('object');
          expect(Array.isArray(settings)).toBe(false);
        }
      }),
    );
  });

  test('st02 a JSON object within the depth limit comes back as it was given', () => {
    holds(
      fc.property(settingsObject, (value) => {
        expect(parseSettingsValue(JSON.stringify(value), '--settings', '{"a": 1}')).toEqual(asExact(value));
      }),
    );
  });

  test('st03 deeper than the limit is refused by name', () => {
    holds(
      // Mostly just past the limit, one case in ten up to 5,000 deep (6 bytes of text a level).
      fc.property(
        fc.oneof(
          { weight: 9, arbitrary: fc.integer({ min: MAX_SETTINGS_DEPTH + 1, max: 300 }) },
          { weight: 1, arbitrary: fc.integer({ min: 301, max: 5000 }) },
        ),
        (depth) => {
          const text = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
          expect(() => parseSettingsValue(text, '--settings', '{"a": 1}')).toThrow(/--settings nests deeper than/);
        },
      ),
    );
  });

  test('st04 task.json, as mercure writes it, gives the module exactly the settings it was given', () => {
    holds(
      fc.property(settingsObject, settingsObject, (settings, moduleSettings) => {
        const task = buildTask({
          level: 'series',
          uid: '1.2.3',
          id: 'case',
          moduleName: 'blur',
          dockerTag: 'acme/blur:1',
          settings,
          moduleSettings,
          now: new Date(0),
        });
        const read = JSON.parse(serializeTask(task)) as {
          process: { settings: unknown; module_config: { settings: unknown } };
        };
        expect(read.process.module_config.settings).toEqual(moduleSettings);
        expect(read.process.settings).toEqual({ ...moduleSettings, ...settings });
      }),
    );
  });

  test('st05 a module configuration of any shape: a configuration or a ModuleError', () => {
    const entry = fc.oneof(
      jsonValue,
      fc.record(
        {
          docker_tag: fc.oneof(fc.string(), jsonValue, bigInteger),
          settings: fc.oneof(settingsObject, exactSettings, jsonValue, bigInteger),
          environment: fc.oneof(
            fc.string(),
            settingsObject.map((v) => JSON.stringify(v)),
            jsonValue,
          ),
          docker_arguments: fc.oneof(
            fc.string(),
            settingsObject.map((v) => JSON.stringify(v)),
            jsonValue,
          ),
          requires_root: fc.oneof(fc.boolean(), jsonValue, bigInteger),
          requires_persistence: fc.oneof(fc.boolean(), jsonValue),
          network_enabled: fc.oneof(fc.boolean(), jsonValue),
          additional_volumes: fc.oneof(fc.string(), jsonValue),
        },
        { requiredKeys: [] },
      ),
    );
    holds(
      fc.property(entry, (value) => {
        valueOrModuleError(() => parseModuleConfig(value, 'fuzz.json'));
      }),
    );
  });

  test("st06 integers past 2^53 reach task.json digit for digit, from both front doors' parser", () => {
    holds(
      fc.property(exactSettings, (settings) => {
        const moduleSettings = { base: 18446744073709551616n, x: 0.5 };
        const given = parseSettingsValue(stringifyExactJson(settings), '--settings', '{"a": 1}');
        expect(given).toEqual(asExact(settings));
        const text = serializeTask(
          buildTask({
            level: 'series',
            uid: '1.2.3',
            id: 'case',
            moduleName: 'blur',
            dockerTag: 'acme/blur:1',
            settings: given,
            moduleSettings,
            now: new Date(0),
          }),
        );
        const read = parseExactJson(text) as { process: { settings: unknown; module_config: { settings: unknown } } };
        // Values given as values (not text): a BigInt comes back a BigInt, a double a double.
        expect(read.process.module_config.settings).toEqual(moduleSettings);
        expect(read.process.settings).toEqual({ ...moduleSettings, ...given });
      }),
    );
  });

  test('st07 any text: parseExactJson agrees with JSON.parse up to exactness, and stringifyExactJson never throws', () => {
    holds(
      fc.property(
        fc.oneof(
          nearJson,
          exactSettings.map((v) => stringifyExactJson(v)),
        ),
        (text) => {
          let native: unknown;
          try {
            native = JSON.parse(text);
          } catch (error) {
            expect(() => parseExactJson(text)).toThrow((error as Error).message);
            return;
          }
          // Each BigInt's digits are the literal's: read back as doubles they are what JSON.parse made.
          expect(JSON.parse(stringifyExactJson(parseExactJson(text)))).toEqual(JSON.parse(JSON.stringify(native)));
        },
      ),
    );
  });
});

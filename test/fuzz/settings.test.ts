// Property-based tests of the settings and task.json side (issue 16, fuzzing): the one settings
// parser both front doors use, the module configuration reader, and task.json as mercure writes
// it. The property: a value or a ModuleError, never another exception; and the settings a module
// reads from task.json are the ones it was given.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MAX_SETTINGS_DEPTH, parseSettingsValue } from '../../src/front-door/values.js';
import { parseModuleConfig } from '../../src/mercure/module-config.js';
import { buildTask, serializeTask } from '../../src/mercure/task.js';
import { holds, textOf, valueOrModuleError } from './support.js';

/** JSON values as settings hold them: no -0 (JSON text cannot tell it from 0 after a round trip). */
const jsonValue = fc
  .jsonValue({ maxDepth: 4, noUnicodeString: false })
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const settingsObject = fc.dictionary(fc.string({ maxLength: 8 }), jsonValue, { maxKeys: 6 });

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
        expect(parseSettingsValue(JSON.stringify(value), '--settings', '{"a": 1}')).toEqual(value);
      }),
    );
  });

  test('st03 deeper than the limit is refused by name', () => {
    holds(
      fc.property(fc.integer({ min: MAX_SETTINGS_DEPTH + 1, max: 5000 }), (depth) => {
        const text = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        expect(() => parseSettingsValue(text, '--settings', '{"a": 1}')).toThrow(/--settings nests deeper than/);
      }),
      200,
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
          docker_tag: fc.oneof(fc.string(), jsonValue),
          settings: fc.oneof(settingsObject, jsonValue),
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
          requires_root: fc.oneof(fc.boolean(), jsonValue),
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
});

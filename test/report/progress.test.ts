import { describe, expect, it } from 'vitest';
import { ProgressMeter } from '../../src/report/progress.js';

const MiB = 1024 * 1024;

describe('ProgressMeter', () => {
  it('says the amount first, then the rate and the time left once it can measure them', () => {
    let now = 1_000;
    const meter = new ProgressMeter(() => now);
    expect(meter.line('pushing a:1', 0, 100 * MiB)).toBe('pushing a:1: 0.0 / 100.0 MiB');
    now += 2_000;
    expect(meter.line('pushing a:1', 20 * MiB, 100 * MiB)).toBe('pushing a:1: 20.0 / 100.0 MiB, 10.0 MiB/s, 8 s left');
    now += 1_000;
    expect(meter.line('copying', 5 * MiB, undefined)).toBe('copying: 5.0 MiB');
    now += 1_000;
    expect(meter.line('copying', 9 * MiB, undefined)).toBe('copying: 9.0 MiB, 4.0 MiB/s');
    expect(meter.line('pushing a:1', 100 * MiB, 100 * MiB)).toBe('pushing a:1: 100.0 / 100.0 MiB, 25.0 MiB/s');
  });
});

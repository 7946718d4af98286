import { escapeControl } from '../errors.js';

/** How much of a container's log is kept: a module's output is untrusted and may be endless. */
export interface LogLimits {
  /** Last lines kept of each stream (the Engine interleaves the two out of order, by a little). */
  tailLines: number;
  /** Characters kept of one line; the rest of it is counted, not kept. */
  lineChars: number;
  /** Bytes kept of each stream's start (the probe reads its manifest from stdout). */
  headBytes: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { tailLines: 200, lineChars: 4096, headBytes: 1024 * 1024 };

/** What was kept of a log, and how much was not. */
export interface LogCapture {
  /** The first `headBytes` of stdout (and of stderr), as text. */
  stdout: string;
  stderr: string;
  /** The last lines of each stream, merged in arrival order, control characters escaped (module text is shown to people). */
  log: string[];
  /** Lines seen in all, and the bytes read. */
  totalLines: number;
  totalBytes: number;
}

/**
 * Reads the Engine's multiplexed log format (8-byte frame headers: stream, 0, 0, 0, size) as it
 * arrives, keeping only bounded parts: memory stays the same for a 1 KB or a 1 GB log.
 */
export class LogReader {
  private pending = Buffer.alloc(0);
  private stream = 1;
  private remaining = 0;
  private readonly partial = new Map<number, { text: string; cut: number }>();
  private readonly heads = new Map<number, { parts: Buffer[]; size: number }>();
  private readonly tails = new Map<number, { seq: number; text: string }[]>();
  private totalLines = 0;
  private totalBytes = 0;

  constructor(private readonly limits: LogLimits = DEFAULT_LOG_LIMITS) {}

  /** Feeds the next chunk of the raw log. */
  push(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (data.length > 0) {
      if (this.remaining === 0) {
        if (data.length < 8) {
          this.pending = Buffer.from(data);
          return;
        }
        this.stream = data[0] === 2 ? 2 : 1;
        this.remaining = data.readUInt32BE(4);
        data = data.subarray(8);
        continue;
      }
      const take = Math.min(this.remaining, data.length);
      this.payload(this.stream, data.subarray(0, take));
      this.remaining -= take;
      data = data.subarray(take);
    }
  }

  /** Ends the log: a last line without a newline still counts. */
  end(): LogCapture {
    for (const stream of [...this.partial.keys()]) this.finishLine(stream);
    const head = (stream: number) => {
      const kept = this.heads.get(stream);
      return kept ? Buffer.concat(kept.parts).toString('utf8') : '';
    };
    return {
      stdout: head(1),
      stderr: head(2),
      log: [...this.tails.values()]
        .flat()
        .sort((a, b) => a.seq - b.seq)
        .map((entry) => entry.text),
      totalLines: this.totalLines,
      totalBytes: this.totalBytes,
    };
  }

  private payload(stream: number, bytes: Buffer): void {
    const head = this.heads.get(stream) ?? { parts: [], size: 0 };
    this.heads.set(stream, head);
    if (head.size < this.limits.headBytes) {
      const part = bytes.subarray(0, this.limits.headBytes - head.size);
      head.parts.push(Buffer.from(part));
      head.size += part.length;
    }
    let at = 0;
    while (at < bytes.length) {
      const newline = bytes.indexOf(0x0a, at);
      const end = newline < 0 ? bytes.length : newline;
      this.appendToLine(stream, bytes.subarray(at, end));
      if (newline < 0) break;
      this.finishLine(stream);
      at = newline + 1;
    }
  }

  private appendToLine(stream: number, bytes: Buffer): void {
    const line = this.partial.get(stream) ?? { text: '', cut: 0 };
    this.partial.set(stream, line);
    const room = this.limits.lineChars - line.text.length;
    if (room > 0) {
      const kept = bytes.subarray(0, room);
      line.text += kept.toString('utf8');
      line.cut += bytes.length - kept.length;
    } else line.cut += bytes.length;
  }

  private finishLine(stream: number): void {
    const line = this.partial.get(stream);
    this.partial.delete(stream);
    if (!line || (line.text.length === 0 && line.cut === 0)) return;
    const text = escapeControl(line.text.replace(/\r$/, '')) + (line.cut > 0 ? ` … (${line.cut} more bytes)` : '');
    const tail = this.tails.get(stream) ?? [];
    this.tails.set(stream, tail);
    tail.push({ seq: this.totalLines++, text });
    if (tail.length > this.limits.tailLines) tail.shift();
  }
}

/** Splits a whole multiplexed log at once (small logs, tests). */
export function demux(raw: Buffer, limits?: LogLimits): LogCapture {
  const reader = new LogReader(limits);
  reader.push(raw);
  return reader.end();
}

/*
 * Runs a fixture in a real child process (with an IPC channel, as fork gives)
 * and collects the JSON lines it and its own children print on stdout. Every
 * run is bounded: a fixture that hangs is killed and the test fails.
 */
import { fork } from 'node:child_process';
import path from 'node:path';

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

export interface FixtureViolation {
  readonly kind: string;
  readonly pool: string;
  readonly message: string;
}

/** What a fixture process printed: its pid and role, and the violations it reported. */
export interface FixtureDump {
  readonly pid: number;
  readonly role?: string;
  readonly messages: FixtureViolation[];
  readonly [extra: string]: unknown;
}

export function runFixture(file: string, args: string[] = [], timeoutMs = 30_000): Promise<FixtureDump[]> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(FIXTURES, file), args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env } });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${file} ${args.join(' ')} exited with ${code}; stderr: ${stderr}`));
      try {
        resolve(stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as FixtureDump));
      } catch (err) {
        reject(new Error(`${file}: unparsable output ${stdout}: ${String(err)}`));
      }
    });
  });
}

export function kindsOf(dump: FixtureDump | undefined): string[] {
  return (dump?.messages ?? []).map((m) => m.kind);
}

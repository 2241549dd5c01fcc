import { Progress, ProgressStream } from '../src/cli/progress';

function fakeTerminal(isTTY: boolean): ProgressStream & { out: string } {
  const stream = { isTTY, out: '', write: (chunk: string) => { stream.out += chunk; return true; } };
  return stream;
}

describe('Progress', () => {
  let clock: number;
  const now = () => clock;
  beforeEach(() => { clock = 0; });

  test('draws nothing during the first second', () => {
    const term = fakeTerminal(true);
    const progress = new Progress(term, { now });
    clock = 999;
    progress.update('synthesizing', 5, 10, 'projects');
    progress.clear();
    expect(term.out).toBe('');
  });

  test('then redraws one line in place, at most every 100 ms, and erases it', () => {
    const term = fakeTerminal(true);
    const progress = new Progress(term, { now });
    clock = 1000;
    progress.update('synthesizing', 1, 10, 'projects');
    clock = 1050;
    progress.update('synthesizing', 2, 10, 'projects');
    clock = 1100;
    progress.update('writing', 3, 40, 'files');
    progress.clear();
    expect(term.out).toBe('\rsynthesizing 1/10 projects, 1.0 s\x1b[K\rwriting 3/40 files, 1.1 s\x1b[K\r\x1b[K');
  });

  test('draws nothing when the stream is not a terminal', () => {
    const term = fakeTerminal(false);
    const progress = new Progress(term, { now });
    clock = 5000;
    progress.update('synthesizing', 1, 10, 'projects');
    progress.clear();
    expect(term.out).toBe('');
  });
});

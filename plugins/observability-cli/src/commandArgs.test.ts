import { parseCommandArgs, usageError } from './commandArgs';

const command = { name: 'demo', usage: 'Usage: redline demo <file>' };
const options = {
  out: { type: 'string', short: 'o' },
  tag: { type: 'string', multiple: true },
} as const;

const newIo = () => ({ out: jest.fn(), err: jest.fn() });

describe('parseCommandArgs', () => {
  it('returns the values and positionals of arguments that parse', () => {
    const io = newIo();
    const parsed = parseCommandArgs(
      io,
      command,
      ['a.yaml', '-o', 'dist', '--tag', 'x', '--tag', 'y'],
      options,
    );
    expect(parsed).toEqual({
      values: { out: 'dist', tag: ['x', 'y'] },
      positionals: ['a.yaml'],
    });
    expect(io.out).not.toHaveBeenCalled();
    expect(io.err).not.toHaveBeenCalled();
  });

  it.each([['--help'], ['-h']])(
    'prints only the usage for %s and returns exit code 0',
    flag => {
      const io = newIo();
      expect(parseCommandArgs(io, command, ['a.yaml', flag], options)).toBe(0);
      expect(io.out.mock.calls).toEqual([['Usage: redline demo <file>']]);
      expect(io.err).not.toHaveBeenCalled();
    },
  );

  it('answers an unknown option with the error, the usage and exit code 2', () => {
    const io = newIo();
    expect(parseCommandArgs(io, command, ['--nope'], options)).toBe(2);
    expect(io.err).toHaveBeenCalledTimes(1);
    const [message] = io.err.mock.calls[0];
    expect(message).toMatch(
      /^redline demo: .*Unknown option '--nope'.*\n\nUsage: redline demo <file>$/s,
    );
    expect(io.out).not.toHaveBeenCalled();
  });
});

describe('usageError', () => {
  it('names the command, then the usage, and returns exit code 2', () => {
    const io = newIo();
    expect(usageError(io, command, '--out <dir> is required')).toBe(2);
    expect(io.err.mock.calls).toEqual([
      ['redline demo: --out <dir> is required\n\nUsage: redline demo <file>'],
    ]);
  });
});

import { createInterface } from 'node:readline';
import { DeskApiError } from './client.ts';
import { type DeskCtx, runCommand } from './commands.ts';
import { loadBlotter, renderBlotter } from './trading.ts';

const HELP =
  'commands: buy|sell QTY SYMBOL [limit PRICE] · cancel ID|all · flatten [SYMBOL] · kill · keys · refresh · quit';

/**
 * The live blotter: redrawn every two seconds above a command line whose
 * half-typed input survives the redraw. Commands run the same code as the
 * one-shot CLI; their answers show on the status line.
 */
export async function interactive(ctx: DeskCtx): Promise<number> {
  ctx.prompt.close();
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    prompt: 'desk> ',
  });
  let status = HELP;
  let asking = false;
  const realWrite = process.stdout.write.bind(process.stdout);
  let lines: string[] = ['loading…'];
  const draw = () => {
    const warning = ctx.client.skewWarning();
    process.stdout.write('\x1b[H\x1b[2J');
    process.stdout.write(
      `PORTCULLIS DESK  ${new Date().toISOString().slice(11, 19)}Z  ${ctx.client.server}\n`,
    );
    if (warning) process.stdout.write(`${warning}\n`);
    process.stdout.write(`${lines.join('\n')}\n\n${status}\n`);
    rl.prompt(true);
  };
  const refresh = async () => {
    if (asking) return;
    try {
      lines = renderBlotter(await loadBlotter(ctx.client));
    } catch (err) {
      lines = [`blotter unavailable: ${describe(err)}`];
    }
    draw();
  };
  await refresh();
  const timer = setInterval(refresh, 2000);
  return new Promise<number>((resolve) => {
    rl.on('line', async (line) => {
      const words = line.trim().split(/\s+/).filter(Boolean);
      if (!words.length) return draw();
      if (words[0] === 'quit' || words[0] === 'exit') return rl.close();
      if (words[0] === 'help') {
        status = HELP;
        return draw();
      }
      if (words[0] === 'refresh') return refresh();
      // A step-up question pauses the redraw and speaks to the terminal directly.
      const prompt = {
        ask: async (q: string) => {
          const captured = process.stdout.write;
          asking = true;
          process.stdout.write = realWrite;
          try {
            return await new Promise<string>((r) => rl.question(q, r));
          } finally {
            process.stdout.write = captured;
            asking = false;
          }
        },
        close: () => undefined,
      };
      status = await capture(() => runCommand({ ...ctx, prompt, json: false }, words));
      await refresh();
    });
    rl.on('close', () => {
      clearInterval(timer);
      process.stdout.write('\n');
      resolve(0);
    });
  });
}

function describe(err: unknown): string {
  return err instanceof DeskApiError ? `${err.code}: ${err.message}` : (err as Error).message;
}

/** Runs a one-shot command and returns what it printed (or its error) for the status line. */
async function capture(run: () => Promise<number>): Promise<string> {
  const write = process.stdout.write.bind(process.stdout);
  let text = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    text += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
    return text.trim() || 'ok';
  } catch (err) {
    return describe(err);
  } finally {
    process.stdout.write = write;
  }
}

import { createInterface, type Interface } from 'node:readline';

/** Line prompts on the terminal; hidden ones (passwords) echo nothing. */
export interface Prompter {
  ask(question: string, hidden?: boolean): Promise<string>;
  close(): void;
}

export function terminalPrompter(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Prompter {
  let rl: Interface | null = null;
  const open = () => {
    rl ??= createInterface({ input, output, terminal: (input as { isTTY?: boolean }).isTTY === true });
    return rl;
  };
  return {
    ask(question, hidden = false) {
      const r = open() as Interface & { _writeToOutput?: (s: string) => void };
      return new Promise((resolve) => {
        const original = r._writeToOutput;
        if (hidden) {
          // Show the question, never the typed characters (readline redraws "question + line").
          r._writeToOutput = (s: string) => {
            if (s.startsWith(question)) output.write(question);
            else if (s.includes('\n') || s.includes('\r')) output.write('\n');
          };
        }
        r.question(question, (answer) => {
          if (hidden) r._writeToOutput = original;
          resolve(answer);
        });
      });
    },
    close() {
      rl?.close();
      rl = null;
    },
  };
}

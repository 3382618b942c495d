/*
 * Dispatcher of the `yarn datalake` command line. Each command lives in its own module and
 * exports `run(argv): Promise<number>` returning the process exit code.
 */

const commands: Record<
  string,
  { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }
> = {
  inspect: {
    summary: 'Inspect a MySQL source and check it is ready for CDC',
    load: () => import('./inspect'),
  },
  replay: {
    summary: 'Apply a DMS landing folder to a DuckDB bronze table and write it as CSV',
    load: () => import('./replay'),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(
    ([name, c]) => `  ${name.padEnd(10)} ${c.summary}`,
  );
  return `Usage: yarn datalake <command> [options]\n\nCommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(usage());
    process.exitCode = name && name !== '--help' ? 2 : 0;
    return;
  }
  try {
    const mod = await command.load();
    process.exitCode = await mod.run(rest);
  } catch (e) {
    process.stderr.write(`datalake ${name}: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

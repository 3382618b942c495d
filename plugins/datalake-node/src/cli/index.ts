/*
 * Dispatcher of the `yarn datalake` command line. Each command lives in its own module and
 * exports `run(argv): Promise<number>` returning the process exit code.
 */

type CommandModule = { run(argv: string[]): Promise<number> };

const commands: Record<
  string,
  {
    summary: string;
    load: () => Promise<CommandModule | { default: CommandModule }>;
  }
> = {
  inspect: {
    summary: 'Inspect a MySQL source and check it is ready for CDC',
    load: () => import('./inspect'),
  },
  replay: {
    summary:
      'Apply a DMS landing folder to a DuckDB bronze table and write it as CSV',
    load: () => import('./replay'),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(
    ([name, c]) => `  ${name.padEnd(10)} ${c.summary}`,
  );
  return `Usage: yarn datalake <command> [options]\n\nCommands:\n${lines.join(
    '\n',
  )}\n`;
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
    // Under the Node transform a TypeScript module is CommonJS, and a dynamic import of it
    // shows its exports under `default`; a built package shows them directly.
    const loaded = await command.load();
    const mod = 'run' in loaded ? loaded : loaded.default;
    process.exitCode = await mod.run(rest);
  } catch (e) {
    process.stderr.write(`datalake ${name}: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

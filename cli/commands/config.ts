import type { Command } from 'commander';
import { loadConfig, settingsMarkdownTable } from '../../runtime/config.ts';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('check the configuration and print it (or, with --markdown, the table of every setting)')
    .option('--markdown', 'print the settings table used in README.md')
    .action((options: { markdown?: boolean }) => {
      if (options.markdown) {
        console.log(settingsMarkdownTable());
        return;
      }
      console.log(JSON.stringify(loadConfig(), null, 2));
    });
}

import { loadConfig } from './config.ts';
import { serve } from './server.ts';

serve(loadConfig()).catch((error: unknown) => {
  process.stderr.write(
    `\n汇治 Huizhi could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

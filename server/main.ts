/**
 * `npm start`: the dialer, with the Telnyx sandbox in-process when no
 * `TELNYX_API_KEY` is set. Configuration errors end the process with a message naming
 * the variable, never a stack trace.
 *
 * @module
 */
import { isDialerError } from './errors.ts';
import { startDialer } from './start.ts';
import { parkedCallUrl } from './texml/parked-routes.ts';

async function main(): Promise<void> {
  const running = await startDialer({ env: process.env });
  const { config } = running;
  const lines = [
    `Telnyx TeXML dialer listening on ${config.http.publicBaseUrl} (${config.mode} mode)`,
  ];
  if (running.sandbox) {
    lines.push(`Telnyx sandbox API at ${running.sandbox.url}/v2, control API at ${running.sandbox.url}/_sandbox`);
  } else {
    // Flow 2 needs this on the credential connection (Park Outbound Calls → TeXML).
    lines.push(`Credential connection TeXML URL: ${parkedCallUrl(config.http.publicBaseUrl, config.secrets.dialerSecret)}`);
  }
  if (running.demoUsers.length > 0) {
    lines.push('Demo users (sandbox mode; new passwords on every start):');
    for (const user of running.demoUsers) lines.push(`  ${user.username.padEnd(10)} ${user.role.padEnd(10)} password: ${user.password}`);
  }
  if (config.generated.includes('DIALER_ADMIN_TOKEN')) {
    lines.push(`Admin API token (generated for this run; set DIALER_ADMIN_TOKEN to keep one): ${config.secrets.adminToken}`);
  }
  console.log(lines.join('\n'));

  const shutdown = async (signal: string) => {
    running.ctx.logger.info({ signal }, 'shutting down');
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (isDialerError(error) && error.fatal) {
    console.error(error.message);
  } else {
    console.error('Start-up failed:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});

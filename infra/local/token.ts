import { parseArgs } from 'node:util';
import { loadDotEnv } from './dotenv';
import { DEFAULT_TOKEN_TTL_SECONDS, JWT_AUDIENCE, JWT_ISSUER, LOCAL_ROLES, isLocalRole, signLocalToken } from './jwt';
import { readLocalSettings } from './settings';

/**
 * `npm run -s token -- --org org_123 --role admin [--ttl 3600] [--sub user_1]` (or `--merchant m_123`
 * for a Commerce Gateway merchant's token, with `merchant_id`): prints a JWT the local gateway accepts (HS256 with
 * LOCAL_JWT_SECRET, or the same development default). Only the token goes
 * to stdout, so `export TOKEN=$(npm run -s token -- …)` works.
 */

const USAGE =
  `Usage: npm run -s token -- (--org <org_id> | --merchant <merchant_id>) [--role ` +
  `${LOCAL_ROLES.join('|')}] [--ttl <seconds>] [--sub <subject>]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      org: { type: 'string' },
      merchant: { type: 'string' },
      role: { type: 'string', default: 'member' },
      ttl: { type: 'string', default: String(DEFAULT_TOKEN_TTL_SECONDS) },
      sub: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.org === !values.merchant) throw new Error(`Give exactly one of --org and --merchant.\n${USAGE}`);
  if (!isLocalRole(values.role)) throw new Error(`--role must be one of ${LOCAL_ROLES.join(', ')}.\n${USAGE}`);
  const ttlSeconds = Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)
    throw new Error(`--ttl must be a positive whole number of seconds.\n${USAGE}`);

  loadDotEnv();
  const settings = readLocalSettings();
  const token = await signLocalToken(settings.jwtSecret, {
    ...(values.merchant ? { merchantId: values.merchant } : { orgId: values.org ?? '' }),
    role: values.role,
    ttlSeconds,
    ...(values.sub ? { sub: values.sub } : {}),
  });
  console.log(token);
  console.error(
    `# ${values.merchant ? `merchant_id=${values.merchant}` : `org_id=${values.org}`} role=${values.role} ` +
      `iss=${JWT_ISSUER} aud=${JWT_AUDIENCE} expires in ${ttlSeconds} s` +
      (settings.devDefaults.jwtSecret ? ' (signed with the DEV default LOCAL_JWT_SECRET)' : ''),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

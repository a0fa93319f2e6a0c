// ChatFunction platform assertions: arm64 Lambdas get the linux-arm64-gnu argon2 binary that the lock file pins.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import {
  LAMBDA_ARCHITECTURE,
  LAMBDA_NPM_PLATFORM_ENV,
  NATIVE_NODE_MODULES,
  REPO_ROOT,
} from '../../infra/constructs/chat-function.js';

/** The lock file's `packages` map (npm lockfileVersion 3). */
interface LockPackage {
  version: string;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
}
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockPackage>;
};

describe('ChatFunction platform', () => {
  it('runs on arm64 and installs native packages for linux/arm64/glibc, not for the synth machine', () => {
    expect(LAMBDA_ARCHITECTURE).toBe(Architecture.ARM_64);
    expect(LAMBDA_NPM_PLATFORM_ENV).toEqual({
      npm_config_os: 'linux',
      npm_config_cpu: 'arm64',
      npm_config_libc: 'glibc',
    });
  });

  it('finds, for every native module, a locked optional package matching that platform', () => {
    const { npm_config_os: os, npm_config_cpu: cpu, npm_config_libc: libc } = LAMBDA_NPM_PLATFORM_ENV;
    for (const name of NATIVE_NODE_MODULES) {
      const root = lock.packages[`node_modules/${name}`];
      expect(root).toBeDefined();
      const matches = Object.keys(root!.optionalDependencies ?? {})
        .map((dep) => [dep, lock.packages[`node_modules/${dep}`]] as const)
        .filter(([, pkg]) => pkg?.os?.includes(os!) && pkg.cpu?.includes(cpu!) && pkg.libc?.includes(libc!));
      expect(matches.map(([dep]) => dep)).toEqual([`${name}-linux-arm64-gnu`]);
      expect(matches[0]![1]!.version).toBe(root!.version);
    }
  });
});

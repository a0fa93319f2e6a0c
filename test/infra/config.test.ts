// Stage config assertions: the dev/prod profiles validate, overrides apply, and inconsistent settings are rejected.
import { parseStageConfig, stageConfig, STAGES, type StageConfig } from '../../infra/config.js';

/** A copy of the dev profile with `relay` fields replaced. */
const withRelay = (relay: Partial<StageConfig['relay']>): unknown => ({
  ...STAGES.dev,
  relay: { ...STAGES.dev!.relay, ...relay },
});

describe('stageConfig', () => {
  it('has a valid dev and prod profile, and only prod is a production stage', () => {
    expect(Object.keys(STAGES).sort()).toEqual(['dev', 'prod']);
    expect(stageConfig('dev').production).toBe(false);
    expect(stageConfig('prod').production).toBe(true);
    for (const [name, profile] of Object.entries(STAGES)) expect(parseStageConfig(profile).stage).toBe(name);
  });

  it('runs at least two relay tasks in prod (one per AZ) and lets both stages scale', () => {
    const prod = stageConfig('prod').relay;
    expect(prod.minTasks).toBeGreaterThanOrEqual(2);
    for (const name of ['dev', 'prod']) {
      const { minTasks, maxTasks } = stageConfig(name).relay;
      expect(maxTasks).toBeGreaterThan(minTasks);
    }
  });

  it('rejects an unknown stage, naming the known ones', () => {
    expect(() => stageConfig('staging')).toThrow(/unknown stage "staging".*dev, prod/);
  });

  it('applies context overrides and validates them', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:lair-jwt-AbC123';
    const config = stageConfig('prod', { alarmEmail: 'ops@example.com', jwtSecretArn: arn });
    expect(config).toMatchObject({ alarmEmail: 'ops@example.com', jwtSecretArn: arn });
    expect(stageConfig('dev', { alarmEmail: undefined }).alarmEmail).toBeUndefined();
    expect(() => stageConfig('dev', { alarmEmail: 'not-an-address' })).toThrow(/alarmEmail/);
    expect(() => stageConfig('dev', { jwtSecretArn: 'lair-jwt' })).toThrow(/jwtSecretArn/);
  });

  it('rejects relay sizes Fargate does not offer and a floor above the ceiling', () => {
    expect(() => parseStageConfig(withRelay({ cpu: 300 }))).toThrow(/relay\.cpu/);
    expect(() => parseStageConfig(withRelay({ cpu: 256, memoryMiB: 4096 }))).toThrow(/relay\.memoryMiB/);
    expect(() => parseStageConfig(withRelay({ minTasks: 3, maxTasks: 2 }))).toThrow(/relay\.maxTasks/);
  });

  it('requires the relay drain to end within the deregistration delay and 5 s before SIGKILL', () => {
    expect(() => parseStageConfig(withRelay({ drainSeconds: 28, stopTimeoutSeconds: 30 }))).toThrow(
      /stopTimeoutSeconds/,
    );
    expect(() =>
      parseStageConfig(
        withRelay({ drainSeconds: 20, deregistrationDelaySeconds: 10, stopTimeoutSeconds: 30 }),
      ),
    ).toThrow(/deregistrationDelaySeconds/);
    expect(() => parseStageConfig(withRelay({ stopTimeoutSeconds: 121 }))).toThrow(/stopTimeoutSeconds/);
    for (const name of ['dev', 'prod']) {
      const r = stageConfig(name).relay;
      expect(r.drainSeconds + 5).toBeLessThanOrEqual(r.stopTimeoutSeconds);
      expect(r.drainSeconds).toBeLessThanOrEqual(r.deregistrationDelaySeconds);
    }
  });

  it('rejects log retentions CloudWatch does not accept and a malformed stage name', () => {
    expect(() => parseStageConfig({ ...STAGES.dev, logRetentionDays: 10 })).toThrow(/logRetentionDays/);
    expect(parseStageConfig({ ...STAGES.dev, logRetentionDays: 14 }).logRetentionDays).toBe(14);
    expect(() => parseStageConfig({ ...STAGES.dev, stage: 'Dev_1' })).toThrow(/stage/);
  });
});

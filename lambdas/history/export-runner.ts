// AWS export runner: hands a job to the export worker Lambda as an async (Event) invocation (docs/protocol/extensions.md §5).
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ExportRunner } from '../../shared/features/exports/index.js';

/**
 * The runner for `LAIR_EXPORT_FUNCTION`: one `Invoke` with `InvocationType: "Event"` and payload
 * `{"export_id"}`; resolves when Lambda accepted it (202).
 * @throws the SDK error when the invoke is refused (the POST then answers 500, the job stays `running`)
 */
export function lambdaExportRunner(functionName: string, region: string): ExportRunner {
  const client = new LambdaClient({ region });
  return async (exportId) => {
    await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ export_id: exportId })),
      }),
    );
  };
}

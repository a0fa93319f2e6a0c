// Query parameters of a route for the OpenAPI document, discovered by running its hand-written query reader (lambdas/http/request.ts QueryParams) against a recording stand-in.
import { QueryParams } from '../http/request.js';

/** One discovered query parameter. */
export interface QueryParamDoc {
  name: string;
  /** `string`, `u32` (0..4294967295) or `boolean` (exactly `true`/`false`): the reader method used. */
  type: 'string' | 'u32' | 'boolean';
  /** True when the reader asked for it with `required`. */
  required: boolean;
}

/** A sample value of each type for exploring branches: a UUID passes id checks, `1` and `true` the scalar ones. */
const SAMPLE = { string: '00000000-0000-4000-8000-000000000000', u32: '1', boolean: 'true' } as const;

/** Records every name the reader asks for; answers from `present` (sample values), else absent. */
class RecordingQueryParams extends QueryParams {
  constructor(
    private readonly seen: Map<string, QueryParamDoc>,
    private readonly present: ReadonlySet<string>,
  ) {
    super('');
  }

  private note(name: string, type: QueryParamDoc['type'], required: boolean): string | undefined {
    const before = this.seen.get(name);
    const doc: QueryParamDoc = {
      name,
      // The most specific reader wins (u32/boolean read through `string` in the base class).
      type: before === undefined || before.type === 'string' ? type : before.type,
      required: required || (before?.required ?? false),
    };
    this.seen.set(name, doc);
    return this.present.has(name) ? SAMPLE[doc.type] : undefined;
  }

  override string(name: string): string | undefined {
    return this.note(name, 'string', false);
  }
  override required(name: string): string {
    return this.note(name, 'string', true) ?? SAMPLE.string;
  }
  override u32(name: string): number | undefined {
    return this.note(name, 'u32', false) === undefined ? undefined : 1;
  }
  override bool(name: string): boolean | undefined {
    return this.note(name, 'boolean', false) === undefined ? undefined : true;
  }
}

/**
 * The parameters `reader` reads. It runs once with no parameters, then once per discovered name
 * with only that one present (a sample value), until no new name appears, so parameters read only
 * when another is given (e.g. the invitation list's §6.2 filters) are found too. Reader errors on a
 * sample value end that run (what it read so far counts). A parameter read only after another has
 * a value the samples fail (an enum) can be missed: such a reader should read it first.
 * @returns the parameters in first-read order
 */
export function discoverQueryParams(reader: (q: QueryParams) => unknown): QueryParamDoc[] {
  const seen = new Map<string, QueryParamDoc>();
  const run = (present: ReadonlySet<string>): void => {
    try {
      reader(new RecordingQueryParams(seen, present));
    } catch {
      // a sample value was refused: keep what was recorded
    }
  };
  run(new Set());
  const explored = new Set<string>();
  for (
    let next = [...seen.keys()];
    next.length > 0;
    next = [...seen.keys()].filter((n) => !explored.has(n))
  ) {
    for (const name of next) {
      explored.add(name);
      run(new Set([name]));
    }
  }
  return [...seen.values()];
}

import type { CompiledQuery, KyselyPlugin, QueryExecutor, RootOperationNode } from 'kysely';

/** A plugin that records each query built with Kysely's builders, compiled with its parameters, into `queries`. */
export function queryRecorder(kysely: { getExecutor(): QueryExecutor }): { plugin: KyselyPlugin; queries: CompiledQuery[] } {
  const nodes = new Map<unknown, RootOperationNode>();
  const queries: CompiledQuery[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      nodes.set(queryId, node);
      return node;
    },
    transformResult: async ({ queryId, result }) => {
      const node = nodes.get(queryId);
      if (node) queries.push(kysely.getExecutor().compileQuery(node, queryId));
      return result;
    },
  };
  return { plugin, queries };
}

import { ResponseError } from '@backstage/errors';

/** The SQL a locked SQLite catalog puts into its 500 answer. */
export const CATALOG_SQL =
  'select "final_entities"."final_entity" from "final_entities" inner join "refresh_state" on "refresh_state"."entity_id" = "final_entities"."entity_id" where "refresh_state"."entity_ref" = ? - SQLITE_BUSY: database is locked';

/** What the catalog client throws when the catalog answers 500 with a database error. */
export async function lockedCatalogError(): Promise<ResponseError> {
  const body = {
    error: {
      name: 'Error',
      message: CATALOG_SQL,
      code: 'SQLITE_BUSY',
      errno: 5,
      stack: `Error: ${CATALOG_SQL}\n    at Database.all (/work/app/node_modules/knex/lib/dialects/sqlite3/index.js:123:45)`,
    },
    request: {
      method: 'GET',
      url: '/api/catalog/entities/by-name/component/default/checkout',
    },
    response: { statusCode: 500 },
  };
  return ResponseError.fromResponse(
    new Response(JSON.stringify(body), {
      status: 500,
      statusText: 'Internal Server Error',
      headers: { 'Content-Type': 'application/json' },
    }),
  );
}
